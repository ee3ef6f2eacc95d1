"""What a command reads, from the options it was given: the ``Source`` of a read-only command
(``--build``/``--data``/``--graph``/``--endpoint``, see ``kg.cli.options.source_options``) opened
as a store or a query target, and the data and ontology directories and settings of a build.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kg.cli.outputs import progress

if TYPE_CHECKING:  # the pipeline is loaded when a command runs, not for --help
    from kg import pipeline


@dataclass(frozen=True)
class Source:
    """What a read-only command reads: at most one of a build, a data directory, an RDF file or
    an endpoint; none means the project's build (``--build`` default, ``KG_BUILD``)."""

    build: Path | None = None
    data: Path | None = None
    graph: Path | None = None
    endpoint: str | None = None

    @property
    def build_dir(self) -> Path:
        """The build directory read when no other source is chosen."""
        return self.build or Path(os.environ.get("KG_BUILD") or "build")


def settings(
    data_dir: Path, ontology_dir: Path | None, out_dir: Path, engine: str = "fast"
) -> pipeline.Settings:
    """Build settings from the directories the user gave (no ontology: kg's own)."""
    from kg.api.sources import settings as make

    return dataclasses.replace(make(data_dir, out_dir, ontology=ontology_dir), engine=engine)


def dirs(ctx: click.Context, data: Path | None, ontology: Path | None) -> tuple[Path, Path | None]:
    """The data and ontology directories: the command's own option wins over the group's."""
    root = ctx.find_root().params
    return data or root["data_dir"], ontology or root["ontology_dir"]


def source_store(ctx: click.Context, source: Source) -> Any:
    """The pyoxigraph store a read-only command reads; for an endpoint, a stand-in that runs
    the readers' SELECT queries on it (``kg.api.endpointstore``)."""
    from kg.api import sources

    root = ctx.find_root().params
    if source.endpoint is not None:
        from kg.api.endpointstore import EndpointStore
        from kg.query.endpoint import Endpoint

        return EndpointStore(Endpoint(source.endpoint))
    if source.graph is not None:
        return sources.from_file(source.graph)
    if source.data is not None:
        return sources.from_data(source.data, ontology=root["ontology_dir"])
    data: Path | None = root["data_dir"]
    chosen = ctx.find_root().get_parameter_source("data_dir")
    if (
        chosen in (None, click.core.ParameterSource.DEFAULT)
        and data is not None
        and not data.is_dir()
        and (source.build_dir / "graph.nq").is_file()
    ):
        data = None  # a build away from its project (copied, or --build elsewhere): read as is
    return sources.from_build(
        source.build_dir, data=data, ontology=root["ontology_dir"], progress=progress()
    )


def source_target(ctx: click.Context, source: Source) -> Any:
    """A query target (``kg.query``'s ``Target``): the endpoint, or the store of ``source``."""
    if source.endpoint is not None:
        from kg.query.endpoint import EndpointTarget

        return EndpointTarget(source.endpoint)
    from kg.query.named import StoreTarget

    return StoreTarget(source_store(ctx, source))


__all__ = ["Source", "dirs", "settings", "source_store", "source_target"]
