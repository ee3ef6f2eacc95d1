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
from pathlib import Path
from typing import Any

from bench import import_builds
from bench.proc import timed
from bench.store_render import BUILDS, CACHED, SYSTEM_MALLOC, render
from kg.core.allocator import ENV, preload

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"100k": 100_000, "1M": 1_000_000, "5M": 5_000_000}
COMMANDS = {
    "kg query tiers": ["query", "tiers", "--format", "csv"],
    "kg report PRK": ["report", "PRK", "-o", "{out}/PRK.html"],
    "kg export --format graphml": ["export", "--format", "graphml", "-o", "{out}/flows.graphml"],
}


def build_timed(
    size: int,
    work: Path,
    store: bool,
    network: bool | None = None,
    cached: bool = False,
    malloc: str | None = None,
) -> tuple[dict[str, float], Path, Path]:
    """Build the synthetic corpus in its own process: ({"wall": s, "cpu": s of CPU of the
    build and of every process it started, the store's helper included}, build dir, data
    dir). ``network`` (keep the flow network's answers) follows ``store`` unless given;
    ``cached``: with the build cache (beside the build, as ``kg build`` has it); ``malloc``:
    the store helper's (``KG_STORE_MALLOC``; None: as the environment has it)."""
    from bench.scale import corpus_for

    network = store if network is None else network
    corpus = corpus_for(size, work)
    kind = ("store" if network else "store-only") if store else "files"
    kind += f"-{malloc}-malloc" if malloc else ""
    out = work / f"store-build-{size}-{kind}{'-cached' if cached else ''}"
    code = (
        "import sys, time, json, resource; from pathlib import Path; from kg import pipeline\n"
        "a = json.loads(sys.argv[1])\n"
        "s = pipeline.Settings(data_dir=Path(a['data']), ontology_dir=Path(a['onto']),"
        " out_dir=Path(a['out']), nquads=tuple(map(Path, a['nq'])), use_cache=a['cached'],"
        " store=a['store'], network=a['network'])\n"
        "t = time.perf_counter(); r = pipeline.run(s); assert r.report.conforms\n"
        "w = time.perf_counter() - t\n"
        "u = [resource.getrusage(k) for k in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]\n"
        "print(w, sum(x.ru_utime + x.ru_stime for x in u))\n"
    )
    args = {
        "data": str(corpus.data_dir),
        "onto": str(ROOT / "ontology"),
        "out": str(out),
        "nq": [str(p) for p in corpus.nquads],
        "store": store,
        "network": network,
        "cached": cached,
    }
    env = {**os.environ, ENV: malloc} if malloc else None
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(args)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=env,
    )
    wall, cpu = done.stdout.strip().splitlines()[-1].split()
    return {"wall": float(wall), "cpu": float(cpu)}, out, corpus.data_dir


def _build(size: int, work: Path, store: bool) -> tuple[float, Path, Path]:
    """Build the synthetic corpus in its own process; (seconds, build dir, data dir)."""
    timed, out, data = build_timed(size, work, store)
    return timed["wall"], out, data


def command_timed(args: list[str], build: Path, data: Path, out: Path) -> dict[str, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS MB of one whole ``kg`` command
    in a fresh process."""
    argv = [a.format(out=out) for a in args]
    return timed([sys.executable, "-m", "kg", "--data", str(data), *argv, "--build", str(build)])


def _command(args: list[str], build: Path, data: Path, out: Path) -> tuple[float, float]:
    """(wall seconds, peak RSS MB) of one whole ``kg`` command in a fresh process."""
    timed = command_timed(args, build, data, out)
    return timed["wall"], timed["rss"]


def _best(runs: list[dict[str, float]]) -> dict[str, float]:
    """The fastest of several runs (by wall time)."""
    return min(runs, key=lambda r: r["wall"])


def run_size(name: str, work: Path, repeat: int = 3, builds: int = 2) -> dict[str, Any]:
    size = SIZES[name]
    kinds = {kind: (*how, None) for kind, how in BUILDS.items()}
    if preload(os.environ) is not None:  # the helper runs with a faster malloc: and without
        kinds[SYSTEM_MALLOC] = (True, True, "system")
    runs: dict[str, list[dict[str, float]]] = {kind: [] for kind in [*kinds, *CACHED]}
    for store, network in CACHED.values():  # fill each cache (and the store's seed) first
        build_timed(size, work, store, network, cached=True)
    for _ in range(builds):  # alternately, the fastest of ``builds`` runs of each
        for kind, (store, network, malloc) in kinds.items():
            timed, out_dir, data = build_timed(size, work, store, network, malloc=malloc)
            runs[kind].append(timed)
            if kind != "store":
                shutil.rmtree(out_dir, ignore_errors=True)
            else:
                build = out_dir
        for kind, (store, network) in CACHED.items():
            runs[kind].append(build_timed(size, work, store, network, cached=True)[0])
    out = work / f"store-out-{size}"  # ``build``: the last of kg build as it is
    out.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"build": {kind: _best(r) for kind, r in runs.items()}}
    result["malloc"] = json.loads((build / "store" / "kg-store.json").read_text())["malloc"]
    result["commands"] = {}
    aside = build.parent / f".{build.name}-store-aside"
    for label, args in COMMANDS.items():
        # Alternately with and without the store, the fastest of ``repeat`` runs of each.
        with_store, without = [], []
        for _ in range(repeat):
            with_store.append(command_timed(args, build, data, out))
            os.replace(build / "store", aside)
            try:
                without.append(command_timed(args, build, data, out))
            finally:
                os.replace(aside, build / "store")
        result["commands"][label] = {"store": _best(with_store), "files": _best(without)}
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", default=["100k", "1M"], choices=sorted(SIZES))
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "work")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command")
    parser.add_argument("--builds", type=int, default=2, help="runs of each build")
    parser.add_argument(
        "--no-imports",
        dest="imports",
        action="store_false",
        help="skip the import build (it needs ../shared/data)",
    )
    ns = parser.parse_args(argv)
    start = os.getloadavg()[0]
    results = {name: run_size(name, ns.work, ns.repeat, ns.builds) for name in ns.sizes}
    imported = import_builds.import_builds(ns.work, ns.builds) if ns.imports else None
    text = render(results, (start, os.getloadavg()[0]), ns.repeat, (imported, ns.builds))
    print(text)
    from bench.report import write_section

    write_section(ns.results, "store", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
