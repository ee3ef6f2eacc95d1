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

from bench import import_builds
from bench.proc import timed

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"100k": 100_000, "1M": 1_000_000, "5M": 5_000_000}
COMMANDS = {
    "kg query tiers": ["query", "tiers", "--format", "csv"],
    "kg report PRK": ["report", "PRK", "-o", "{out}/PRK.html"],
    "kg export --format graphml": ["export", "--format", "graphml", "-o", "{out}/flows.graphml"],
}


#: The builds compared: kg build as before issue 16 (no store, no kept network), with the store
#: only, and as it is (the store and the flow network).
BUILDS = {"files": (False, False), "store only": (True, False), "store": (True, True)}
#: The same builds again with the build cache on and its inputs unchanged since the last build
#: (a rebuild after an edit of the YAML): the store starts from its seed (kg.core.storeseed).
CACHED = {"files, cached": (False, False), "store, cached": (True, True)}


def build_timed(
    size: int, work: Path, store: bool, network: bool | None = None, cached: bool = False
) -> tuple[dict[str, float], Path, Path]:
    """Build the synthetic corpus in its own process: ({"wall": s, "cpu": s of CPU of the
    build and of every process it started, the store's helper included}, build dir, data
    dir). ``network`` (keep the flow network's answers) follows ``store`` unless given;
    ``cached``: with the build cache (beside the build, as ``kg build`` has it)."""
    from bench.scale import corpus_for

    network = store if network is None else network
    corpus = corpus_for(size, work)
    kind = ("store" if network else "store-only") if store else "files"
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
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(args)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
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
    runs: dict[str, list[dict[str, float]]] = {kind: [] for kind in [*BUILDS, *CACHED]}
    for store, network in CACHED.values():  # fill each cache (and the store's seed) first
        build_timed(size, work, store, network, cached=True)
    for _ in range(builds):  # alternately, the fastest of ``builds`` runs of each
        for kind, (store, network) in BUILDS.items():
            timed, out_dir, data = build_timed(size, work, store, network)
            runs[kind].append(timed)
            if kind != "store":
                shutil.rmtree(out_dir, ignore_errors=True)
        for kind, (store, network) in CACHED.items():
            runs[kind].append(build_timed(size, work, store, network, cached=True)[0])
    build = out_dir  # the last: kg build as it is
    out = work / f"store-out-{size}"
    out.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"build": {kind: _best(r) for kind, r in runs.items()}}
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


def render(
    results: dict[str, dict[str, Any]],
    load: tuple[float, float],
    repeat: int = 3,
    imports: tuple[dict[str, dict[str, float]] | None, int] = (None, 0),
) -> str:
    lines = [
        "## On-disk store: `python -m bench.store_bench`",
        "",
        f"{time.strftime('%Y-%m-%d')} · 2 shared cores, load average {load[0]:.1f} at the start "
        f"and {load[1]:.1f} at the end · each command a fresh process (`python -m kg --data D "
        "CMD --build B`), with the build's `store/` (fast) and with it moved aside (naive: kg "
        f"then loads `graph.nq`), alternately, the fastest of {repeat} runs each; CPU is user "
        "+ system seconds of the command's process (on a busy machine the comparable figure).",
        "",
        "| corpus | command | store s | files s | files / store | store CPU s | files CPU s "
        "| RSS store MB | RSS files MB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        for label, c in r["commands"].items():
            s, f = c["store"], c["files"]
            lines.append(
                f"| {name} | `{label}` | {s['wall']:.2f} | {f['wall']:.2f} | "
                f"{f['wall'] / s['wall']:.2f}× | {s['cpu']:.2f} | {f['cpu']:.2f} | "
                f"{s['rss']:.0f} | {f['rss']:.0f} |"
            )
    lines += [
        "",
        "The build (`pipeline.run` in a fresh process, no cache), alternately from files only "
        "(neither the store nor the kept flow network: `kg build --no-store`, the build before "
        "issue 16), with the store only, and as `kg build` is now (the store and the flow "
        "network's answers), the fastest of the runs of each; CPU includes the store's helper "
        "process (the network's queries run in a thread of the build). Then, in the same "
        "rounds, both again with the build cache on and the inputs unchanged since the last "
        "build (after one build each to fill the caches), as when an analyst rebuilds after "
        "editing the YAML: the YAML parses come from the cache, and the store starts from the "
        "seed of its N-Quads inputs (and datasets) instead of bulk-loading them (growth "
        "against the cached build from files):",
        "",
        "| corpus | build | s | growth | CPU s | CPU growth |",
        "|---|---|---:|---:|---:|---:|",
    ]
    names = {"files": "files only (--no-store)", "store only": "store", "store": "store + network"}
    names |= {
        "files, cached": "cached, inputs unchanged: files only",
        "store, cached": "cached, inputs unchanged: store (from its seed) + network",
    }
    for name, r in results.items():
        for kind, label in names.items():
            if kind not in r["build"]:
                continue
            base = r["build"]["files, cached" if kind in CACHED else "files"]
            b = r["build"][kind]
            lines.append(
                f"| {name} | {label} | {b['wall']:.2f} | "
                f"{(b['wall'] / base['wall'] - 1) * 100:+.0f} % | {b['cpu']:.2f} | "
                f"{(b['cpu'] / base['cpu'] - 1) * 100:+.0f} % |"
            )
    lines += import_builds.render(*imports)
    lines += targets(results)
    lines += ["", *WHY, *cost(results)]
    return "\n".join(lines)


def cost(results: dict[str, dict[str, Any]]) -> list[str]:
    """What writing the store and keeping the network cost the largest build, from its CPU."""
    name = list(results)[-1]
    b = results[name]["build"]
    files, only, both = b["files"], b["store only"], b["store"]
    idle = 2 * files["wall"] - files["cpu"]
    return [
        f"At {name} the store's helper took {only['cpu'] - files['cpu']:.1f} s of CPU and the",
        f"network's answers {both['cpu'] - only['cpu']:.1f} s more, while the build from files",
        f"left {idle:.1f} s of a 2-core machine idle ({files['cpu']:.1f} s of CPU in "
        f"{files['wall']:.2f} s): beyond that, the extra",
        "work is wall time.",
    ]


#: What the figures mean (kept with the script that writes them).
WHY = [
    "Why: a query on the on-disk store does every look-up as a RocksDB seek, several times the",
    "in-memory store's cost, and pyoxigraph plans an OPTIONAL or UNION branch of more than one",
    "triple as a hash join over the whole store; the named queries and the dossier's are",
    "written so that the selective triple comes first and such a branch is one triple",
    "(`tiers` on the 1M store: 0.9 s → 0.15 s of CPU). `kg query` loads no YAML reader,",
    "package metadata or build stage: a build's inputs are checked by size and times, and",
    "hashed only when those moved. The store is bulk-loaded by a helper process beside the",
    "build (it exits once the derived graph is in), and the flow network's queries are",
    "evaluated in a thread from the end of the closure rules on, beside kg.derive and the",
    "writers (pyoxigraph runs them without Python's lock; making the network from their answers",
    "is left to the first export): on 2 cores the build's wall time grows once they all need",
    "more than the two cores.",
]


def targets(results: dict[str, dict[str, Any]]) -> list[str]:
    """The targets of issue 16 §1 on this run (for the largest corpus measured)."""
    name = list(results)[-1]
    r = results[name]
    query = r["commands"]["kg query tiers"]
    report = r["commands"]["kg report PRK"]
    f, s, o = r["build"]["files"], r["build"]["store"], r["build"]["store only"]
    growth = (s["wall"] / f["wall"] - 1) * 100
    alone = (o["wall"] / f["wall"] - 1) * 100

    def met(ok: bool) -> str:
        return "met" if ok else "not met"

    qs = query["store"]
    return [
        "",
        f"Targets of issue 16 §1 on this run ({name}):",
        "",
        "| target | goal | measured | |",
        "|---|---|---:|---|",
        f"| `kg query tiers`, whole command | ≤ 0.5 s | {qs['wall']:.2f} s "
        f"({qs['cpu']:.2f} s CPU; files: {query['files']['wall']:.2f} s) | "
        f"{met(qs['wall'] <= 0.5)} |",
        f"| peak RSS of `kg query` | ≤ 150 MB | {qs['rss']:.0f} MB | {met(qs['rss'] <= 150)} |",
        f"| `kg report PRK` bounded by its own work | faster than from files | "
        f"{report['store']['wall']:.2f} s (files: {report['files']['wall']:.2f} s) | "
        f"{met(report['store']['wall'] < report['files']['wall'])} |",
        f"| build time growth (store only) | ≤ 15 % | {alone:+.0f} % (CPU "
        f"{f['cpu']:.1f} → {o['cpu']:.1f} s) | {met(alone <= 15)} |",
        f"| build time growth (store + network, `kg build`) | ≤ 15 % | {growth:+.0f} % (CPU "
        f"{f['cpu']:.1f} → {s['cpu']:.1f} s) | "
        f"{met(growth <= 15)} |",
        *_cached_target(r["build"], met),
    ]


def _cached_target(builds: dict[str, dict[str, float]], met: Any) -> list[str]:
    """The growth target's row for a rebuild with the cache (when it was measured)."""
    if "store, cached" not in builds:
        return []
    f, s = builds["files, cached"], builds["store, cached"]
    growth = (s["wall"] / f["wall"] - 1) * 100
    return [
        f"| build time growth, rebuild with the cache and unchanged N-Quads (`kg build`) "
        f"| ≤ 15 % | {growth:+.0f} % (CPU {f['cpu']:.1f} → {s['cpu']:.1f} s) "
        f"| {met(growth <= 15)} |"
    ]


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
