"""What a build produced, in memory (``BuildResult``): the stages' outputs, the store, the
validation report and the files written."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.core.errors import Location

if TYPE_CHECKING:  # the stages load when a build runs: reading a build does not need them
    from kg.graph.build import BuiltGraph
    from kg.importers import ImportResult
    from kg.shacl.validate import ValidationReport
    from kg.source.loader import SourceDoc
    from kg.source.ontology import Ontology
    from kg.source.records import Records


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
    #: The on-disk store's seed (kg.core.storeseed): 0 none (no store, or the cache off),
    #: 1 the store was loaded and its seed kept, 2 the store grew from its seed.
    store_seed: int = 0
    #: Triples of each named graph, counted as the graph files were written ({}: not written).
    graphs: dict[str, int] = field(default_factory=dict)

    @property
    def origins(self) -> dict[str, Location]:
        """Subject IRI → the YAML location that produced it."""
        return self.built.origins


__all__ = ["BuildResult"]
