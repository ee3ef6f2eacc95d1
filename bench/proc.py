"""Whole commands timed in a fresh process: wall seconds, peak RSS MB and CPU seconds (user +
system) of the command and every process it starts (``bench.store_bench``,
``bench.import_builds``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_WRAPPER = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter(); r = subprocess.run(sys.argv[1:], capture_output=True)\n"
    "w = time.perf_counter() - t\n"
    "assert r.returncode == 0, r.stderr.decode()\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(w, u.ru_maxrss / 1024, u.ru_utime + u.ru_stime)\n"
)


def timed(argv: list[str]) -> dict[str, float]:
    """{"wall", "rss", "cpu"} of ``argv`` run from the project's root (it must succeed)."""
    command = [sys.executable, "-c", _WRAPPER, *argv]
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    wall, rss, cpu = done.stdout.split()
    return {"wall": float(wall), "rss": float(rss), "cpu": float(cpu)}


__all__ = ["timed"]
