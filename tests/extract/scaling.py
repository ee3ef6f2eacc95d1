"""How a function's time grows with its input: regression tests for super-linear steps.

``growth`` times a function on an input and on one four times as long (best of a few runs,
so that a busy machine slows neither run by much) and returns the ratio: about 4 for a step
linear in the input, 16 for a quadratic one. Tests assert it stays well under 16 (see
``LINEAR``), which no wall-clock bound on a shared machine could do as robustly.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

#: Largest ratio a linear step is allowed: four times the input, up to eight times the time.
LINEAR = 8.0


def best_time(run: Callable[[], object], repeat: int = 3) -> float:
    """The shortest of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def growth(run: Callable[[T], object], make: Callable[[int], T], size: int) -> float:
    """time(run(make(4 * size))) / time(run(make(size))); ``make(n)`` builds the input (a
    text of about ``n`` characters, or what the step reads of it) outside the timing."""
    small, large = make(size), make(4 * size)
    return best_time(lambda: run(large)) / best_time(lambda: run(small))


def repeated(unit: str, head: str = "", tail: str = "") -> Callable[[int], str]:
    """An input maker: ``unit`` repeated to about ``n`` characters between head and tail."""
    return lambda n: head + unit * max(1, n // len(unit)) + tail


__all__ = ["LINEAR", "best_time", "growth", "repeated"]
