"""Benchmark scenarios, each run in its own process so that its peak RSS is its own.

``python -m bench.scale SCENARIO --work DIR [--size N]`` runs one scenario and prints one JSON
object on its last stdout line: stage timings in seconds, triple counts and ``peak_rss_mb``
(``resource.getrusage``). ``python -m bench`` starts these and writes bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
EDITED = Path("assessments") / "prk-essay.yaml"


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def corpus_for(size: int, work: Path) -> Any:
    """The synthetic corpus of ``size`` triples, generated once per generator version."""
    from bench import synthetic

    root = work / f"corpus-{synthetic.size_name(size)}"
    stamp = root / "STAMP"
    version = (ROOT / "bench" / "synthetic.py").read_bytes()
    if not stamp.exists() or stamp.read_bytes() != version:
        corpus = synthetic.generate(root, size)
        (root / "counts.json").write_text(json.dumps(corpus.counts))
        stamp.write_bytes(version)
    nquads = sorted((root / "imports").glob("*.nq"))
    counts = json.loads((root / "counts.json").read_text())
    return synthetic.Corpus(root, size, root / "data", nquads, counts)


def _build(settings: Any) -> dict[str, Any]:
    from kg import pipeline

    result = pipeline.run(settings)
    if not result.report.conforms:
        raise SystemExit(f"does not conform: {[v.line() for v in result.report.violations[:3]]}")
    manifest = json.loads((settings.out_dir / "manifest.json").read_text())
    return {"timings": result.timings, "triples": manifest["triples"], "result": result}


def synthetic_scenario(size: int, work: Path, parts: bool) -> dict[str, Any]:
    """A full validated build of the synthetic corpus (cold: no cache), then GraphML."""
    from kg import pipeline
    from kg.network.export import graphml_bytes
    from kg.network.flows import flow_network

    corpus = corpus_for(size, work)
    out = work / f"build-{size}"
    settings = pipeline.Settings(
        data_dir=corpus.data_dir,
        ontology_dir=ROOT / "ontology",
        out_dir=out,
        nquads=tuple(corpus.nquads),
        use_cache=False,
    )
    built = _build(settings)
    timings = built.pop("timings")
    built["build_rss_mb"] = round(peak_rss_mb(), 1)  # before GraphML
    start = time.perf_counter()
    (out / "flows.graphml").write_bytes(graphml_bytes(flow_network(built["result"].store)))
    timings["GraphML"] = time.perf_counter() - start
    if parts:
        timings.update(write_parts(built["result"].store, work / "parts"))
    del built["result"]
    return {**built, "timings": timings, "counts": corpus.counts}


def write_parts(store: Any, out: Path) -> dict[str, float]:
    """Each output format written on its own (the build writes them together)."""
    from kg.graph import dump
    from kg.graph.jsonld_stream import write_jsonld_lines
    from kg.pipeline.run import jsonld_context

    out.mkdir(parents=True, exist_ok=True)
    parts: dict[str, float] = {}

    def timed(name: str, func: Any) -> None:
        start = time.perf_counter()
        func()
        parts[name] = parts.get(name, 0.0) + time.perf_counter() - start

    holder: dict[str, Any] = {}
    timed("sort", lambda: holder.setdefault("dump", dump.sorted_dump(store)))
    with (out / "graph.nt").open("wb") as s:
        timed("N-Triples", lambda: dump.write_ntriples(holder["dump"], s))
    with (out / "graph.nq").open("wb") as s:
        timed("N-Quads", lambda: dump.write_nquads(holder["dump"], s))
    with (out / "graph.ttl").open("wb") as s:
        timed("Turtle", lambda: dump.restream(out / "graph.nt", dump.NT, s, dump.TURTLE))
    with (out / "graph.trig").open("wb") as s:
        timed("TriG", lambda: dump.restream(out / "graph.nq", dump.NQ, s, dump.TRIG))
    context = jsonld_context(ROOT / "ontology")
    with (out / "graph.jsonld").open("wb") as s, (out / "graph.nt").open("rb") as nt:
        timed("JSON-LD", lambda: write_jsonld_lines(nt, s, context))
    return {f"part {k}": v for k, v in parts.items()}


def shipped_scenario(work: Path) -> dict[str, Any]:
    """The shipped data: a clean build, then a rebuild after editing one YAML file."""
    from kg import pipeline

    repo = work / "shipped"
    shutil.rmtree(repo, ignore_errors=True)
    shutil.copytree(ROOT / "data", repo / "data")
    shutil.copytree(ROOT / "ontology", repo / "ontology")
    settings = pipeline.Settings(repo / "data", repo / "ontology", repo / "build")
    clean = _build(settings)
    edited = repo / "data" / EDITED
    edited.write_text(edited.read_text() + "# edited by the benchmark\n")
    rebuild = _build(settings)
    edited.write_text(edited.read_text() + "# edited again\n")
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "kg", "build"], cwd=repo, check=True, capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    cli = time.perf_counter() - start
    return {
        "timings": {f"clean {k}": v for k, v in clean["timings"].items()}
        | {f"rebuild {k}": v for k, v in rebuild["timings"].items()}
        | {"rebuild kg build (with start-up)": cli},
        "triples": clean["triples"],
    }


def imports_scenario(work: Path) -> dict[str, Any]:
    """The three real datasets: each importer alone, then builds with them (cold, cached)."""
    if not SHARED.is_dir():
        return {"skipped": f"{SHARED} is absent"}
    try:
        from kg.importers import bench_imports
    except ImportError:
        return {"skipped": "kg.importers.bench_imports is missing"}
    from kg import pipeline

    rows = bench_imports(SHARED, ROOT / "data", ROOT / "ontology")
    out = work / "imports-build"
    shutil.rmtree(out.parent / f".{out.name}-cache", ignore_errors=True)
    settings = pipeline.Settings(
        ROOT / "data", ROOT / "ontology", out, imports=ROOT / "imports.example.yaml"
    )
    cold = _build(settings)
    warm = _build(settings)
    return {
        "importers": rows,
        "timings": {f"cold {k}": v for k, v in cold["timings"].items()}
        | {f"cached {k}": v for k, v in warm["timings"].items()},
        "triples": cold["triples"],
    }


def naive_scenario(size: int, work: Path) -> dict[str, Any]:
    """The naive path on the synthetic corpus (see bench.naive)."""
    from bench.naive import run_naive

    corpus = corpus_for(size, work)
    return run_naive(corpus.data_dir, corpus.nquads, work / f"naive-{size}")


def main() -> None:
    """Run one scenario and print its JSON result."""
    parser = argparse.ArgumentParser(prog="python -m bench.scale")
    parser.add_argument("scenario", choices=["shipped", "imports", "synthetic", "naive"])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--parts", action="store_true", help="also time each format alone")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.scenario == "shipped":
        result = shipped_scenario(args.work)
    elif args.scenario == "imports":
        result = imports_scenario(args.work)
    elif args.scenario == "synthetic":
        result = synthetic_scenario(args.size, args.work, args.parts)
    else:
        result = naive_scenario(args.size, args.work)
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
