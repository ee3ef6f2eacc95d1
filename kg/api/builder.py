"""``kg.build``: the pipeline from Python, with the validation report as a value."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

from kg import pipeline
from kg.api import sources
from kg.api.graph import Graph
from kg.query.named import query_dirs
from kg.shacl.validate import ValidationReport


@dataclass(frozen=True)
class Built:
    """What ``kg.build`` made: the validation report, the graph, and the files written."""

    result: pipeline.BuildResult

    @property
    def report(self) -> ValidationReport:
        """The SHACL report: ``conforms``, ``violations``, ``warnings`` (with YAML lines)."""
        return self.result.report

    @property
    def conforms(self) -> bool:
        """True when the graph conforms to the shapes (outputs are written only then)."""
        return self.result.report.conforms

    @property
    def graph(self) -> Graph:
        """The graph just built, to query (whether or not it conforms)."""
        return Graph(self.result.store, queries=query_dirs(), origin="a build")

    @property
    def written(self) -> list[Path]:
        """The files written (none in memory, or when the graph does not conform)."""
        return list(self.result.written)

    def counts(self) -> dict[str, int]:
        """Triples per named graph."""
        return pipeline.graph_counts(self.result.store)

    def __repr__(self) -> str:
        state = "conforms" if self.conforms else f"{len(self.report.violations)} violations"
        return f"<kg.Built {sum(self.counts().values())} triples; {state}>"


def build(
    data: str | os.PathLike[str] = "data",
    *,
    imports: str | os.PathLike[str] | None = None,
    out: str | os.PathLike[str] | None = None,
    ontology: str | os.PathLike[str] | None = None,
    engine: str = "fast",
    store: bool = True,
) -> Built:
    """Build (and validate) the YAML of ``data``, with the datasets of the import list
    ``imports``; write the outputs to ``out`` (as ``kg build --out``) if given and the graph
    conforms, else keep everything in memory. ``store=False`` writes no on-disk store
    (``kg build --no-store``): faster, smaller, and every later read parses ``graph.nq``.

    A graph that does not conform is not an error: look at ``.report``.

    Raises:
        KGError: a source, an import list or a dataset that cannot be read.
    """
    config = sources.settings(
        Path(data),
        Path(out) if out is not None else Path("build"),
        ontology=Path(ontology) if ontology is not None else None,
        imports=Path(imports) if imports is not None else None,
    )
    config = dataclasses.replace(
        config, engine=engine, use_cache=out is not None, store=store, network=store
    )
    return Built(pipeline.run(config, write=out is not None))


__all__ = ["Built", "build"]
