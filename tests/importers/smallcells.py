"""A reader's attack on published counts, written apart from kg.importers.disclosure: take a
total and its parts as published (exact counts, and bands ``lower..upper``), assume that the
parts add up to the total, and find every banded part whose value then has one possibility, of
1 to 9 (a small count given away by subtraction).

It enumerates the sums the other parts can make (a set, part by part) instead of reasoning on
bounds, so that it checks kg's arithmetic rather than repeating it.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def exposed(total: int, parts: Mapping[K, tuple[int, int]], unknown: bool = False) -> dict[K, int]:
    """Banded parts (lower < upper) → the one value 1-9 they must have; with ``unknown``, the
    reader knows that parts without a published count exist too (each 0 or more)."""
    exact = sum(lo for lo, hi in parts.values() if lo == hi)
    bands = {k: (lo, hi) for k, (lo, hi) in parts.items() if lo != hi}
    found: dict[K, int] = {}
    for key, (lo, hi) in bands.items():
        sums = {0}
        for other, (olo, ohi) in bands.items():
            if other != key:
                sums = {s + v for s in sums for v in range(olo, ohi + 1)}
        if unknown:
            values = set(range(lo, min(hi, total - exact - min(sums)) + 1))
        else:
            values = {total - exact - s for s in sums} & set(range(lo, hi + 1))
        if len(values) == 1 and 1 <= min(values) <= 9:
            found[key] = min(values)
    return found
