"""The only module that knows the order of the stages: sources → records → build → rules →
validate → outputs. The CLI, the server and push all go through here."""

from __future__ import annotations

import errno
import functools
import gc
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.core import vocab as V
from kg.core.errors import ConfigError, display_path
from kg.core.fileio import check_private_dir
from kg.core.leftovers import sweep
from kg.pipeline.netcache import NetworkJob
from kg.pipeline.ondisk import StoreWriter
from kg.pipeline.outdir import check_out_dir
from kg.pipeline.outputs import graph_counts, jsonld_context, write_outputs
from kg.pipeline.result import BuildResult
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
    from kg.shacl.validate import ValidationReport

log = logging.getLogger(__name__)


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


def _unwritable(exc: OSError, out_dir: Path) -> ConfigError | None:
    """The one line for a build that cannot be written where ``out_dir`` is: a full disk or
    quota (the system names no file when closing one fails), or a directory beside it that
    is read-only or not the user's (it named a staging directory that is not there); None
    for any other error."""
    shown = display_path(out_dir)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        hint = f"free some space where {shown} is, or choose another --out"
    elif exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM) and _beside(exc.filename, out_dir):
        hint = "choose an --out in a directory you can write"
    else:
        return None
    kept = "; the previous build is left as it was" if out_dir.exists() else ""
    return ConfigError(f"cannot write the build {shown}: {exc.strerror}", hint=hint + kept)


def _beside(filename: object, out_dir: Path) -> bool:
    """Whether ``filename`` is ``out_dir``, a directory above it, or in one of the build's
    own directories beside it (``.NAME.*``)."""
    if not isinstance(filename, str):
        return False
    path, out = Path(filename).absolute(), out_dir.absolute()
    if path == out or path in out.parents:
        return True
    try:
        first = path.relative_to(out.parent).parts[0]
    except (ValueError, IndexError):
        return False
    return first == out.name or first.startswith(f".{out.name}.")


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
        check_out_dir(settings)
        sweep(settings.out_dir)  # what builds killed before they could clean up left
    writer: StoreWriter | None = None
    jobs: list[NetworkJob] = []
    try:
        if write and settings.store:
            writer = StoreWriter(settings.out_dir)
        result = _run(settings, write, progress, writer, jobs)
    except OSError as exc:
        problem = _unwritable(exc, settings.out_dir) if write else None
        if problem is None:
            raise
        raise problem from exc
    finally:
        if writer is not None:
            writer.abort()  # nothing left to do when the store was moved into the build
        for job in jobs:
            job.abort()
    result.timings["total"] = time.perf_counter() - started
    return result


def _run(
    settings: Settings,
    write: bool,
    progress: Progress,
    writer: StoreWriter | None,
    jobs: list[NetworkJob],
) -> BuildResult:
    from kg.graph.build import build_graph
    from kg.graph.rules import apply_rules
    from kg.pipeline.cache import BuildCache, build_imports_cached, load_sources_cached
    from kg.shacl.validate import ValidationReport, validate
    from kg.source.ontology import load_ontology
    from kg.source.parse import parse_records

    clock = _Clock(progress)
    cache = BuildCache(settings.cache)
    if writer is not None:  # the input N-Quads files are most of a big build: start with them
        writer.load_inputs(settings.nquads, cache, bool(settings.nquads or settings.imports))
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
    reference = [d.path for d in docs if not (isinstance(d.data, dict) and "assessment" in d.data)]
    keys: list[str] = []
    imported = build_imports_cached(
        settings.imports, records, reference, ontology.files, cache, clock, keys
    )
    for item in imported:  # each dataset in its own named graph, validated like the rest
        store.extend(item.quads)
        built.origins.update(item.origins)
    if writer is not None:  # the datasets, then what the build made (the seed holds neither)
        writer.load_imports(keys, [item.quads for item in imported])
        writer.load_quads([*ontology.quads, *built.quads])
    if settings.nquads:
        clock("load")
        for path in settings.nquads:
            load_nquads(store, path)
    clock("rules")

    def start_network() -> None:  # the flow network's queries read no conclusion of kg.derive: they
        jobs.append(NetworkJob(store))  # run beside it and the writers (kg.pipeline.netcache)

    inferred = apply_rules(store, start_network if write and settings.network else None)
    if writer is not None:  # the rules drop the inferred graph and derive it afresh: so here
        writer.replace_graph(store, V.GRAPH_INFERRED)
        writer.seal()  # the last quads: the helper checkpoints the store and ends
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
            network = jobs[0] if jobs else None
            result.written = write_outputs(
                result, settings, pending=pending.result, writer=writer, network=network
            )
    else:
        result.report = check()
    cache.prune()  # every input was read: entries this build did not use are stale
    result.cache_stats = {"hits": cache.hits, "misses": cache.misses}
    result.store_seed = cache.seeded
    result.timings.update(clock.timings)
    return result


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
