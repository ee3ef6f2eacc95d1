"""A build's files: every output written into a staging directory that replaces the build
directory atomically, only when the graph conforms (``write_outputs``), with the manifest, the
validation report, the on-disk store and the flow network beside them."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.core import vocab as V
from kg.core.errors import display_path
from kg.core.fileio import atomic_dir
from kg.core.version import __version__
from kg.pipeline.netcache import NetworkJob
from kg.pipeline.ondisk import STORE, StoreWriter
from kg.pipeline.result import BuildResult
from kg.pipeline.settings import INPUT_STATS, MANIFEST, OUTPUTS, REPORT, Settings, input_files

if TYPE_CHECKING:
    from kg.shacl.validate import ValidationReport


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
    network: NetworkJob | None = None,
) -> list[Path]:
    """Write every output into a fresh directory and swap it in atomically.

    With ``pending`` (a validation still running), the graph files are written first, then
    the report is awaited: the directory is swapped in only if the graph conforms, and
    nothing is written (``[]`` is returned) otherwise. With ``writer``, its on-disk store
    (``store/``) joins the other outputs and the manifest names it; with ``network``, the
    flow network it computed joins them, keyed by the manifest (``kg.pipeline.netcache``).
    """
    from kg.graph.dump import write_graphs
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
            "inferred_by_rule": result.inferred,
            "inputs": {display_path(p): digests[p] for p in files},
            "imports": display_path(settings.imports) if settings.imports else None,
        } | ({"nquads": [display_path(p) for p in settings.nquads]} if settings.nquads else {})

    def fill(tmp: Path) -> None:
        # Sorted dumps done by pyoxigraph and a bytes sort (kg.dump): no Python object per
        # triple, so writing stays fast and small at millions of triples. The input checksums
        # (hashlib) are computed in a thread meanwhile; the graphs' counts come with the dump.
        with ThreadPoolExecutor(max_workers=1) as pool:
            counted = pool.submit(facts)
            t0 = time.perf_counter()
            written = write_graphs(result.store, tmp, context)
            result.timings["write"] = time.perf_counter() - t0
            result.graphs = written.graphs
            manifest = {**counted.result(), "graphs": written.graphs, "triples": written.triples}
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
        else:  # built without its store on purpose: readers parse graph.nq and say nothing
            manifest["store"] = None
        (tmp / REPORT).write_text(json.dumps(result.report.as_dict(), indent=1) + "\n")
        manifest_bytes = (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode()
        (tmp / MANIFEST).write_bytes(manifest_bytes)
        if network is not None:
            t0 = time.perf_counter()
            network.keep(tmp, manifest_bytes)
            result.timings["network wait"] = time.perf_counter() - t0
        (tmp / INPUT_STATS).write_text(json.dumps(stats, sort_keys=True) + "\n")

    try:
        atomic_dir(settings.out_dir, fill)
    except _NotConforming:
        return []
    names = [*OUTPUTS, REPORT, MANIFEST] + ([STORE] if writer is not None else [])
    return [settings.out_dir / n for n in names]


def jsonld_context(ontology_dir: Path) -> dict[str, object]:
    """The published JSON-LD context (``ontology/context.jsonld``) merged over kg's prefixes.

    Raises:
        SourceError: the context file cannot be read or is not a JSON-LD context object.
    """
    from kg.source.ontology import read_context

    context: dict[str, object] = dict(V.PREFIXES)
    context.update(read_context(ontology_dir))
    return context


__all__ = ["graph_counts", "jsonld_context", "write_outputs"]
