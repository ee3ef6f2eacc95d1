"""Write-phase CPU: this checkout's writers (kg.graph.dump.write_all) beside a baseline
commit's, in one run, on one store.

The store is loaded once from a build's graph.nq (in a seeded random order by default: a
build's store is not filled in sorted order, and a sorted one makes the sort look free), then
both writers write it ``--rounds`` times, alternately. CPU seconds count this process and its
helper processes (``ru_utime + ru_stime`` of self and of waited-for children), so they stay
comparable on a busy machine where wall time does not; every output file must have the same
sha256 under both writers. ``--parts`` also times each format alone, serially (sort, N-Triples,
N-Quads, Turtle, TriG, JSON-LD). The baseline's kg/graph/dump.py and kg/graph/jsonld_stream.py
come from ``git show REF:path`` into a temporary package; the rest of kg is this checkout's.

    python -m bench.writers_bench --nq bench/work/store-build-1000000-store/graph.nq \\
        --baseline 2c2b380 --rounds 3 --parts
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
MODULES = ("dump", "jsonld_stream")


def baseline(ref: str, into: Path) -> ModuleType:
    """The writers of commit ``ref`` as the package ``kgbase.graph`` under ``into``."""
    package = into / "kgbase" / "graph"
    package.mkdir(parents=True)
    for init in (into / "kgbase", package):
        (init / "__init__.py").write_text("")
    for name in MODULES:
        text = subprocess.run(
            ["git", "show", f"{ref}:kg/graph/{name}.py"],
            cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        (package / f"{name}.py").write_text(text.replace("kg.graph.", "kgbase.graph."))
    sys.path.insert(0, str(into))
    return importlib.import_module("kgbase.graph.dump")


def load(nq: Path, shuffle: bool) -> ox.Store:
    store = ox.Store()
    if not shuffle:
        store.bulk_load(path=nq, format=ox.RdfFormat.N_QUADS)
        return store
    lines = nq.read_bytes().splitlines(keepends=True)
    random.Random(16).shuffle(lines)
    store.bulk_load(input=b"".join(lines), format=ox.RdfFormat.N_QUADS)
    return store


def cpu() -> float:
    both = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return sum(usage.ru_utime + usage.ru_stime for usage in both)


def digests(out: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())}


def parts(dump: Any, store: ox.Store, out: Path, context: dict[str, Any]) -> dict[str, float]:
    """CPU seconds of each format written alone, in this process."""
    jsonld = importlib.import_module(dump.__name__.replace(".dump", ".jsonld_stream"))
    times: dict[str, float] = {}

    def timed(name: str, func: Any, *args: Any) -> Any:
        start = cpu()
        result = func(*args)
        times[name] = cpu() - start
        return result

    nt, nq = out / "graph.nt", out / "graph.nq"
    sorted_lines = timed("sort", dump.sorted_dump, store)
    with nt.open("wb") as stream:
        timed("N-Triples", dump.write_ntriples, sorted_lines, stream)
    with nq.open("wb") as stream:
        timed("N-Quads", dump.write_nquads, sorted_lines, stream)
    del sorted_lines
    with (out / "graph.ttl").open("wb") as stream:
        timed("Turtle", dump.restream, nt, dump.NT, stream, dump.TURTLE)
    with (out / "graph.trig").open("wb") as stream:
        timed("TriG", dump.restream, nq, dump.NQ, stream, dump.TRIG)
    with (out / "graph.jsonld").open("wb") as stream, nt.open("rb") as lines:
        timed("JSON-LD", jsonld.write_jsonld_lines, lines, stream, context)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nq", type=Path, required=True, help="a build's graph.nq")
    parser.add_argument("--baseline", required=True, help="git commit of the old writers")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--parts", action="store_true", help="also time each format alone")
    parser.add_argument("--sorted", action="store_true", help="load in file (sorted) order")
    args = parser.parse_args(argv)
    from kg.graph import dump as current
    from kg.pipeline.run import jsonld_context

    work = Path(tempfile.mkdtemp(prefix="writers-bench-"))
    try:
        writers = {"baseline": baseline(args.baseline, work / "src"), "current": current}
        store = load(args.nq, not args.sorted)
        context = jsonld_context(ROOT / "ontology")
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in writers}
        sums: dict[str, dict[str, str]] = {}
        for _ in range(args.rounds):
            for name, writer in writers.items():
                out = work / name
                shutil.rmtree(out, ignore_errors=True)
                out.mkdir()
                start, wall = cpu(), time.perf_counter()
                writer.write_all(store, out, context)
                runs[name].append((cpu() - start, time.perf_counter() - wall))
                sums[name] = digests(out)
        same = sums["baseline"] == sums["current"]
        print(f"write_all, {len(store)} quads, {args.rounds} rounds (CPU s incl. helpers):")
        for name, times in runs.items():
            cpus = sorted(c for c, _ in times)
            print(f"  {name:9} min {cpus[0]:.2f}  median {cpus[len(cpus) // 2]:.2f}  "
                  f"min wall {min(w for _, w in times):.2f}")  # fmt: skip
        ratio = min(c for c, _ in runs["baseline"]) / min(c for c, _ in runs["current"])
        print(f"  baseline/current CPU {ratio:.2f}x; outputs byte-identical: {same}")
        if args.parts:
            for name, writer in writers.items():
                out = work / f"{name}-parts"
                out.mkdir()
                split = parts(writer, store, out, context)
                print(f"  {name:9} " + "  ".join(f"{k} {v:.2f}" for k, v in split.items()))
        return 0 if same else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
