"""Every named query on a synthetic graph of about 1M triples: rdflib's SPARQL engine (naive) and
pyoxigraph (the engine ``kg query`` uses), side by side in the same run.

Run ``python -m bench.queries_bench`` from the repository root. It generates the corpus with
``bench.synthetic`` (J/TIP tiers 2001-2024 for every country, ~34k GLOTIP-style flows with
estimates, country statistics, ~200 essay-style assessments with claims and recommendations),
builds it with ``kg.pipeline`` (rules and validation included) and writes the graph as N-Quads.
Both engines load that same file and see the named graphs as one default graph (pyoxigraph:
``use_default_graph_as_union``; rdflib: ``Dataset(default_union=True)``). Each query runs with
its default parameters, bound the same way for both (``kg.params.inject_values``); a run
includes turning every row into Python objects.

pyoxigraph: one warm-up, then ``--repeat`` runs. rdflib: up to ``--naive-repeat`` runs, no more
once ``--naive-budget`` seconds are spent on a query, and a hard ``--naive-timeout`` per run (the
rdflib engine runs in a worker process that is killed and restarted on timeout; the speed-up
is then a lower bound, marked >=). Reports p50 per query, the speed-up, the geometric mean,
checks the targets (p50 <= 20 ms per query, geometric-mean speed-up >= 20x) and writes its
section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from bench.queries_render import TARGET_MS, Timing, Timings, report
from bench.report import write_section
from kg.core.vocab import TK
from kg.query.named import QuerySpec, list_queries, run_query

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
SCOPE = "PRK"  # the country a missed query is scoped to, for comparison


def prepare(size: int, work: Path) -> Path:
    """Generate and build the synthetic corpus; return its N-Quads file."""
    from bench import synthetic
    from kg import pipeline

    corpus = synthetic.generate(work / "corpus", size)
    settings = pipeline.Settings(
        data_dir=corpus.data_dir,
        ontology_dir=ROOT / "ontology",
        out_dir=work / "build",
        nquads=tuple(corpus.nquads),
    )
    result = pipeline.run(settings, write=False)
    if not result.report.conforms:
        raise SystemExit(f"the synthetic corpus does not conform: {result.report.violations[:3]}")
    path = work / "graph.nq"
    with path.open("wb") as stream:
        result.store.dump(stream, ox.RdfFormat.N_QUADS)
    (work / "corpus.json").write_text(json.dumps(corpus.counts))
    print(f"corpus: {len(result.store)} quads ({corpus.counts})", file=sys.stderr, flush=True)
    return path


def bound_texts() -> dict[str, str]:
    """Each named query's text with its default parameters bound (as ``kg query`` binds them)."""
    from kg.query.params import bind_params, inject_values

    return {
        spec.name: inject_values(spec.text, bind_params(spec.name, spec.params, {}))
        for spec in list_queries(ROOT / "queries")
    }


def _time(store: ox.Store, spec: QuerySpec, params: dict[str, str], repeat: int) -> Timing:
    rows = len(run_query(store, spec, params).rows)  # warm-up
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        run_query(store, spec, params)
        runs.append(time.perf_counter() - start)
    return Timing(runs, rows)


def time_oxigraph(nquads: Path, repeat: int) -> tuple[Timings, Timings, Timings]:
    """p50 of ``kg.queries.run_query`` (binding, query, rows as Python objects) per query.

    A query that misses the target with its defaults is timed again scoped to one country
    (``SCOPE``) when it has a country parameter left at ``*``; those go in the second dict.
    A query that reads the build's rule indexes (``kg.graph.derive``) is timed again with the
    rules' markers removed, so that it computes its answer from the facts: the third dict.
    """
    store = ox.Store()
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    out: dict[str, Timing] = {}
    scoped: dict[str, Timing] = {}
    for spec in list_queries(ROOT / "queries"):
        out[spec.name] = _time(store, spec, {}, repeat)
        print(f"  oxigraph {spec.name}: {out[spec.name].p50:.1f} ms", file=sys.stderr, flush=True)
        if out[spec.name].p50 <= TARGET_MS:
            continue
        for param in spec.params:
            if param.kind == "country" and param.default == "*":
                key = f"{spec.name} -p {param.name}={SCOPE}"
                scoped[key] = _time(store, spec, {param.name: SCOPE}, repeat)
                print(f"  oxigraph {key}: {scoped[key].p50:.1f} ms", file=sys.stderr, flush=True)
    return out, scoped, time_computed(store, repeat)


def time_computed(store: ox.Store, repeat: int) -> Timings:
    """The queries that read rule indexes, timed on ``store`` without the rules' markers."""
    applied = ox.NamedNode(TK + "appliedRule")
    markers = list(store.quads_for_pattern(None, applied, None, None))
    for marker in markers:
        store.remove(marker)
    out: Timings = {}
    try:
        for spec in list_queries(ROOT / "queries"):
            if "tk:appliedRule" in spec.text:
                out[spec.name] = _time(store, spec, {}, max(3, repeat // 3))
                shown = f"{out[spec.name].p50:.1f} ms"
                print(f"  oxigraph {spec.name}, computed: {shown}", file=sys.stderr, flush=True)
    finally:
        store.extend(markers)
    return out


def _rdflib_worker(nquads: str, conn: Connection) -> None:
    """Load the graph into rdflib once, then answer (query text) → (seconds, rows)."""
    import rdflib

    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(nquads, format="nquads")
    conn.send(("ready", len(dataset)))
    while True:
        text = conn.recv()
        if text is None:
            return
        start = time.perf_counter()
        try:
            rows = [tuple(row) for row in dataset.query(text)]  # type: ignore[arg-type]
        except Exception as exc:  # an rdflib engine failure is a result to report
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
            continue
        conn.send((time.perf_counter() - start, len(rows)))


class RdflibRunner:
    """rdflib in a worker process, so a query that runs too long can be stopped."""

    def __init__(self, nquads: Path) -> None:
        self.nquads = nquads
        self.proc: mp.process.BaseProcess | None = None
        self.conn: Connection | None = None

    def start(self) -> None:
        """(Re)start the worker and wait until it has loaded the graph."""
        parent, child = mp.get_context("spawn").Pipe()
        self.proc = mp.get_context("spawn").Process(
            target=_rdflib_worker, args=(str(self.nquads), child), daemon=True
        )
        started = time.perf_counter()
        self.proc.start()
        self.conn = parent
        _, triples = parent.recv()
        took = time.perf_counter() - started
        print(f"  rdflib loaded {triples} quads in {took:.0f} s", file=sys.stderr, flush=True)

    def stop(self) -> None:
        """Stop the worker."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.join()
        self.proc = self.conn = None

    def run(self, text: str, timeout: float) -> tuple[float, int] | str | None:
        """Seconds and row count, an error message, or None (killed) after ``timeout`` s."""
        if self.conn is None:
            self.start()
        assert self.conn is not None
        self.conn.send(text)
        if not self.conn.poll(timeout):
            self.stop()
            return None
        first, second = self.conn.recv()
        if first == "error":
            return str(second)
        return float(first), int(second)


def time_rdflib(nquads: Path, repeat: int, budget: float, timeout: float) -> dict[str, Timing]:
    """p50 of rdflib's engine per query, with the caps described in the module docstring."""
    runner = RdflibRunner(nquads)
    out: dict[str, Timing] = {}
    try:
        for name, text in bound_texts().items():
            runs: list[float] = []
            rows, timed_out, error = -1, False, ""
            while len(runs) < repeat and sum(runs) < budget:
                answer = runner.run(text, timeout)
                if answer is None or isinstance(answer, str):
                    runs, timed_out, error = [timeout], answer is None, answer or ""
                    break
                runs.append(answer[0])
                rows = answer[1]
            out[name] = Timing(runs, rows, timed_out, error)
            shown = f">= {timeout:.0f} s" if timed_out else f"{out[name].p50:.0f} ms"
            shown = f"error: {error}" if error else shown
            print(f"  rdflib {name}: {shown} ({len(runs)} runs)", file=sys.stderr, flush=True)
    finally:
        runner.stop()
    return out


def main(argv: list[str] | None = None) -> int:
    """Generate, build, time both engines, report."""
    parser = argparse.ArgumentParser(prog="python -m bench.queries_bench", description=__doc__)
    parser.add_argument("--size", default="1M", help="corpus size in triples (5k, 100k, 1M…)")
    parser.add_argument("--repeat", type=int, default=15, help="pyoxigraph runs per query")
    parser.add_argument("--naive-repeat", type=int, default=3, help="rdflib runs per query")
    parser.add_argument("--naive-budget", type=float, default=20.0, help="rdflib s per query")
    parser.add_argument("--naive-timeout", type=float, default=60.0, help="rdflib s per run")
    parser.add_argument("--work", type=Path, help="keep the corpus here (default: a temp dir)")
    parser.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    args = parser.parse_args(argv)
    from bench.synthetic import parse_size

    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        nquads = work / "graph.nq"
        if not (args.work and nquads.exists()):
            nquads = prepare(parse_size(args.size), work)
        with nquads.open("rb") as stream:
            quads = sum(1 for _ in stream)
        counts: dict[str, int] = json.loads((work / "corpus.json").read_text())
        fast, scoped, computed = time_oxigraph(nquads, args.repeat)
        naive = time_rdflib(nquads, args.naive_repeat, args.naive_budget, args.naive_timeout)
    text = report(naive, fast, scoped, computed, quads, counts, args)
    print(text)
    if not args.no_write:
        write_section(RESULTS, "queries", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
