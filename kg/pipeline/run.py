"""The only module that knows the order of the stages: sources → records → build → rules →
validate → outputs. The CLI, the server and push all go through here."""

from __future__ import annotations

import functools
import gc
import hashlib
import json
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.core import vocab as V
from kg.core.errors import Location, display_path
from kg.core.fileio import atomic_dir, check_private_dir
from kg.core.version import __version__
from kg.pipeline.ondisk import STORE, StoreWriter
from kg.pipeline.settings import (
    INPUT_STATS,
    MANIFEST,
    OUTPUTS,
    REPORT,
    Progress,
    Settings,
    input_files,
)

if TYPE_CHECKING:  # the stages load when a build runs: reading a build does not need them
    from kg.graph.build import BuiltGraph
    from kg.importers import ImportResult
    from kg.shacl.validate import ValidationReport
    from kg.source.loader import SourceDoc
    from kg.source.ontology import Ontology
    from kg.source.records import Records

log = logging.getLogger(__name__)


@dataclass
class BuildResult:
    """Everything a build produced, in memory."""

    ontology: Ontology
    docs: list[SourceDoc]
    records: Records
    built: BuiltGraph
    store: ox.Store
    inferred: dict[str, int]
    report: ValidationReport
    written: list[Path] = field(default_factory=list)
    imports: list[ImportResult] = field(default_factory=list)
    #: Seconds per stage (validate runs beside write: see ``run``).
    timings: dict[str, float] = field(default_factory=dict)
    #: Per-source cache use: {"hits": n, "misses": n} (kg.cache).
    cache_stats: dict[str, int] = field(default_factory=dict)

    @property
    def origins(self) -> dict[str, Location]:
        """Subject IRI → the YAML location that produced it."""
        return self.built.origins


def _noop(_: str) -> None:
    return None


class _Clock:
    """Reports each stage to ``progress`` and records how long it took."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.timings: dict[str, float] = {}
        self.stage, self.started = "", time.perf_counter()

    def __call__(self, stage: str) -> None:
        self.stop()
        self.stage, self.started = stage, time.perf_counter()
        self.progress(stage)

    def stop(self) -> None:
        if self.stage:
            self.timings[self.stage] = self.timings.get(self.stage, 0.0) + (
                time.perf_counter() - self.started
            )
        self.stage = ""


def _without_gc(func: Callable[..., BuildResult]) -> Callable[..., BuildResult]:
    """Pause Python's cyclic GC during a build: it holds millions of acyclic objects (records,
    quads, positions), and each full collection would walk all of them again."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> BuildResult:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return wrapper


def load_nquads(store: ox.Store, path: Path) -> None:
    """Add an N-Quads file; the bulk loader is used unless it would rename blank nodes."""
    data = path.read_bytes()
    if b"_:" in data:  # parse keeps blank-node labels, so outputs stay byte-stable
        store.extend(ox.parse(data, format=ox.RdfFormat.N_QUADS, lenient=True))
    else:
        store.bulk_load(data, format=ox.RdfFormat.N_QUADS, lenient=True)


@_without_gc
def run(settings: Settings, *, write: bool = True, progress: Progress = _noop) -> BuildResult:
    """Load, build, derive and validate; write outputs only when the graph conforms.

    When writing, validation runs in a second thread while the outputs are written into the
    staging directory (pyoxigraph releases the GIL while it evaluates queries); the staging
    directory replaces the build only if the graph conforms.
    """
    started = time.perf_counter()
    if write:
        check_private_dir(settings.out_dir, "build directory", "--out DIR")
    writer = StoreWriter(settings.out_dir) if write and settings.store else None
    try:
        result = _run(settings, write, progress, writer)
    finally:
        if writer is not None:
            writer.abort()  # nothing left to do when the store was moved into the build
    result.timings["total"] = time.perf_counter() - started
    return result


def _run(
    settings: Settings, write: bool, progress: Progress, writer: StoreWriter | None
) -> BuildResult:
    from kg.graph.build import build_graph
    from kg.graph.rules import apply_rules
    from kg.pipeline.cache import BuildCache, build_imports_cached, load_sources_cached
    from kg.shacl.validate import ValidationReport, validate
    from kg.source.ontology import load_ontology
    from kg.source.parse import parse_records

    clock = _Clock(progress)
    if writer is not None:  # the input N-Quads files are most of a big build: start with them
        for path in settings.nquads:
            writer.load_file(path)
    cache = BuildCache(settings.cache)
    clock("ontology")
    ontology = load_ontology(settings.ontology_dir)
    clock("sources")
    docs = load_sources_cached(settings.data_dir, cache)
    clock("records")
    records = parse_records(docs, ontology.vocabulary)
    clock("build")
    built = build_graph(records)
    store = ox.Store()
    store.extend(ontology.quads)
    store.extend(built.quads)
    if writer is not None:
        writer.load_quads([*ontology.quads, *built.quads])
    if settings.nquads:
        clock("load")
        for path in settings.nquads:
            load_nquads(store, path)
    reference = [d.path for d in docs if not (isinstance(d.data, dict) and "assessment" in d.data)]
    imported = build_imports_cached(
        settings.imports, records, reference, ontology.files, cache, clock
    )
    for item in imported:  # each dataset in its own named graph, validated like the rest
        store.extend(item.quads)
        built.origins.update(item.origins)
        if writer is not None:
            writer.load_quads(item.quads)
    clock("rules")
    inferred = apply_rules(store)
    if writer is not None:  # the rules drop the inferred graph and derive it afresh: so here
        writer.replace_graph(store, V.GRAPH_INFERRED)
    clock.stop()
    result = BuildResult(ontology, docs, records, built, store, inferred, ValidationReport())
    result.imports = imported

    def check() -> ValidationReport:
        t0 = time.perf_counter()
        report = validate(store, ontology.shapes, built.origins, settings.engine)
        result.timings["validate"] = time.perf_counter() - t0
        return report

    progress("validate")
    if write:
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(check)
            progress("write")
            result.written = write_outputs(result, settings, pending=pending.result, writer=writer)
    else:
        result.report = check()
    cache.prune()  # every input was read: entries this build did not use are stale
    result.cache_stats = {"hits": cache.hits, "misses": cache.misses}
    result.timings.update(clock.timings)
    return result


def graph_counts(store: ox.Store) -> dict[str, int]:
    """Count the triples in each named graph of ``store``."""
    counts: dict[str, int] = {}
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert isinstance(rows, ox.QuerySolutions)
    for row in rows:
        g, n = row["g"], row["n"]
        assert isinstance(g, ox.NamedNode)
        assert isinstance(n, ox.Literal)
        counts[g.value] = int(n.value)
    return dict(sorted(counts.items()))


class _NotConforming(Exception):
    """Raised inside the staging step to drop the outputs of a graph that does not conform."""


def write_outputs(
    result: BuildResult,
    settings: Settings,
    *,
    pending: Callable[[], ValidationReport] | None = None,
    writer: StoreWriter | None = None,
) -> list[Path]:
    """Write every output into a fresh directory and swap it in atomically.

    With ``pending`` (a validation still running), the graph files are written first, then
    the report is awaited: the directory is swapped in only if the graph conforms, and
    nothing is written (``[]`` is returned) otherwise. With ``writer``, its on-disk store
    (``store/``) joins the other outputs and the manifest names it.
    """
    from kg.graph.dump import write_all
    from kg.pipeline.cache import file_digest

    context = jsonld_context(settings.ontology_dir)

    stats: dict[str, list[int | str]] = {}

    def facts() -> dict[str, object]:
        files = input_files(settings)
        digests = {p: file_digest(p) for p in files}
        for p in files:
            stat = p.stat()
            stats[str(p.resolve())] = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, digests[p]]
        return {
            "kg_version": __version__,
            "graphs": graph_counts(result.store),
            "inferred_by_rule": result.inferred,
            "inputs": {display_path(p): digests[p] for p in files},
            "imports": display_path(settings.imports) if settings.imports else None,
        } | ({"nquads": [display_path(p) for p in settings.nquads]} if settings.nquads else {})

    def fill(tmp: Path) -> None:
        # Sorted dumps done by pyoxigraph and a bytes sort (kg.dump): no Python object per
        # triple, so writing stays fast and small at millions of triples. The manifest's
        # counts and input checksums (a query, hashlib) are computed in a thread meanwhile.
        with ThreadPoolExecutor(max_workers=1) as pool:
            counted = pool.submit(facts)
            t0 = time.perf_counter()
            triples = write_all(result.store, tmp, context)
            result.timings["write"] = time.perf_counter() - t0
            manifest = {**counted.result(), "triples": triples}
        if pending is not None:
            result.report = pending()
            if not result.report.conforms:
                raise _NotConforming
        if writer is not None:
            t0 = time.perf_counter()
            graphs = manifest["graphs"]
            assert isinstance(graphs, dict)
            content = json.dumps(manifest, sort_keys=True).encode()
            manifest["store"] = writer.finish(hashlib.sha256(content).hexdigest(), list(graphs))
            writer.note_graph(tmp / "graph.nq")
            writer.move_into(tmp)
            result.timings["store wait"] = time.perf_counter() - t0
        (tmp / REPORT).write_text(json.dumps(result.report.as_dict(), indent=1) + "\n")
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
        (tmp / INPUT_STATS).write_text(json.dumps(stats, sort_keys=True) + "\n")

    try:
        atomic_dir(settings.out_dir, fill)
    except _NotConforming:
        return []
    names = [*OUTPUTS, REPORT, MANIFEST] + ([STORE] if writer is not None else [])
    return [settings.out_dir / n for n in names]


def jsonld_context(ontology_dir: Path) -> dict[str, object]:
    """The published JSON-LD context (``ontology/context.jsonld``) merged over kg's prefixes."""
    context: dict[str, object] = dict(V.PREFIXES)
    path = ontology_dir / "context.jsonld"
    if path.exists():
        published = json.loads(path.read_text())
        context.update(published.get("@context", published))
    return context


__all__ = [
    "INPUT_STATS",
    "MANIFEST",
    "OUTPUTS",
    "REPORT",
    "BuildResult",
    "Progress",
    "Settings",
    "graph_counts",
    "input_files",
    "jsonld_context",
    "run",
    "write_outputs",
]
