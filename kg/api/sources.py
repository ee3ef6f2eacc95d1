"""Where a graph comes from: a build directory, a data directory built in memory, an RDF file.

The command line (``--build``/``--data``/``--graph``) and ``kg.open`` both get their store here.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pyoxigraph as ox

from kg import pipeline
from kg.core.errors import KGError, display_path


def settings(
    data: Path, out: Path, *, ontology: Path | None = None, imports: Path | None = None
) -> pipeline.Settings:
    """Build settings (no ontology: kg's own)."""
    config = pipeline.Settings(data_dir=data, out_dir=out, imports=imports)
    return config if ontology is None else dataclasses.replace(config, ontology_dir=ontology)


def from_data(data: Path, *, ontology: Path | None = None) -> ox.Store:
    """Build the data directory ``data`` in memory (nothing is written, no cache).

    Raises:
        KGError: when a source cannot be read, or the graph does not conform.
    """
    config = dataclasses.replace(settings(data, Path("build"), ontology=ontology), use_cache=False)
    result = pipeline.run(config, write=False)
    if not result.report.conforms:
        raise KGError(
            f"{display_path(data)} does not conform ({len(result.report.violations)} violations)",
            hint=f"run 'kg validate --data {display_path(data)}'",
        )
    return result.store


def from_build(
    build: Path,
    *,
    data: Path | None = None,
    ontology: Path | None = None,
    imports: Path | None = None,
    progress: pipeline.Progress | None = None,
) -> ox.Store:
    """The store of the build in ``build``; with ``data``, the build is made first when it is
    missing or older than its inputs (as ``kg query`` does), else it is read as it is."""
    if data is None:
        if not (build / "graph.nq").is_file():
            raise KGError(
                f"{display_path(build)} is not a kg build (no graph.nq)",
                hint="run 'kg build', or open a data directory or an RDF file",
            )
        return pipeline.open_build(build)
    config = settings(data, build, ontology=ontology, imports=imports)
    if progress is None:
        return pipeline.ensure_build(config)
    return pipeline.ensure_build(config, progress=progress)


def from_file(path: Path) -> ox.Store:
    """Load an RDF file (format from its extension)."""
    from kg.query.named import load_graph_file

    return load_graph_file(path)


__all__ = ["from_build", "from_data", "from_file", "settings"]
