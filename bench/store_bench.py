"""The on-disk store (issue 16): whole-command times and peak RSS of ``kg query tiers``,
``kg report PRK`` and ``kg export --format graphml`` on synthetic builds, read from the build's
on-disk store and from its files (the store moved aside), in the same run, and the build's own
time with and without writing the store.

``python -m bench.store_bench --sizes 100k 1M`` writes the "store" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"100k": 100_000, "1M": 1_000_000, "5M": 5_000_000}
COMMANDS = {
    "kg query tiers": ["query", "tiers", "--format", "csv"],
    "kg report PRK": ["report", "PRK", "-o", "{out}/PRK.html"],
    "kg export --format graphml": ["export", "--format", "graphml", "-o", "{out}/flows.graphml"],
}


def _build(size: int, work: Path, store: bool) -> tuple[float, Path, Path]:
    """Build the synthetic corpus in its own process; (seconds, build dir, data dir)."""
    from bench.scale import corpus_for

    corpus = corpus_for(size, work)
    out = work / f"store-build-{size}-{'store' if store else 'files'}"
    code = (
        "import sys, time, json; from pathlib import Path; from kg import pipeline\n"
        "a = json.loads(sys.argv[1])\n"
        "s = pipeline.Settings(data_dir=Path(a['data']), ontology_dir=Path(a['onto']),"
        " out_dir=Path(a['out']), nquads=tuple(map(Path, a['nq'])), use_cache=False,"
        " store=a['store'])\n"
        "t = time.perf_counter(); r = pipeline.run(s); assert r.report.conforms\n"
        "print(time.perf_counter() - t)\n"
    )
    args = {
        "data": str(corpus.data_dir),
        "onto": str(ROOT / "ontology"),
        "out": str(out),
        "nq": [str(p) for p in corpus.nquads],
        "store": store,
    }
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(args)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return float(done.stdout.strip().splitlines()[-1]), out, corpus.data_dir


def _command(args: list[str], build: Path, data: Path, out: Path) -> tuple[float, float]:
    """(wall seconds, peak RSS MB) of one whole ``kg`` command in a fresh process."""
    argv = [a.format(out=out) for a in args]
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter(); r = subprocess.run(sys.argv[1:], capture_output=True)\n"
        "w = time.perf_counter() - t\n"
        "assert r.returncode == 0, r.stderr.decode()\n"
        "print(w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
    )
    kg = [sys.executable, "-m", "kg", "--data", str(data), *argv, "--build", str(build)]
    done = subprocess.run(
        [sys.executable, "-c", wrapper, *kg], capture_output=True, text=True, check=True, cwd=ROOT
    )
    wall, rss = done.stdout.split()
    return float(wall), float(rss)


def run_size(name: str, work: Path) -> dict[str, Any]:
    size = SIZES[name]
    files_time, files_out, _ = _build(size, work, store=False)
    shutil.rmtree(files_out, ignore_errors=True)
    store_time, build, data = _build(size, work, store=True)
    out = work / f"store-out-{size}"
    out.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"build": {"files": files_time, "store": store_time}, "commands": {}}
    aside = build.parent / f".{build.name}-store-aside"
    for label, args in COMMANDS.items():
        with_store = _command(args, build, data, out)
        os.replace(build / "store", aside)
        try:
            without = _command(args, build, data, out)
        finally:
            os.replace(aside, build / "store")
        result["commands"][label] = {"store": with_store, "files": without}
    return result


def render(results: dict[str, dict[str, Any]], load: str) -> str:
    lines = [
        "## On-disk store: `python -m bench.store_bench`",
        "",
        f"{time.strftime('%Y-%m-%d')} · 2 shared cores, load average {load} at the start · "
        "each command a fresh process (`python -m kg --data D CMD --build B`), with the build's "
        "`store/` and with it moved aside (kg then loads `graph.nq`), one after the other.",
        "",
        "| corpus | command | with store s | files s | files / store | RSS store MB "
        "| RSS files MB |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        for label, c in r["commands"].items():
            (ws, wr), (fs, fr) = c["store"], c["files"]
            ratio = f"{fs / ws:.2f}×"
            lines.append(
                f"| {name} | `{label}` | {ws:.2f} | {fs:.2f} | {ratio} | {wr:.0f} | {fr:.0f} |"
            )
    lines += [
        "",
        "| corpus | build without store s | build with store s | growth |",
        "|---|---:|---:|---:|",
    ]
    for name, r in results.items():
        b = r["build"]
        lines.append(
            f"| {name} | {b['files']:.2f} | {b['store']:.2f} | "
            f"{(b['store'] / b['files'] - 1) * 100:+.0f} % |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", default=["100k", "1M"], choices=sorted(SIZES))
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "work")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    ns = parser.parse_args(argv)
    load = f"{os.getloadavg()[0]:.1f}"
    results = {name: run_size(name, ns.work) for name in ns.sizes}
    text = render(results, load)
    print(text)
    from bench.report import write_section

    write_section(ns.results, "store", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
