"""Stage 5: SHACL validation; results are values that point back at the YAML that made them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from kg import vocab as V
from kg.errors import Location


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL result, with the input location of its focus node when known."""

    where: Location | None
    focus: str
    path: str | None
    message: str
    severity: str  # "Violation" | "Warning" | "Info"
    shape: str
    value: str | None = None

    def line(self) -> str:
        """Render as ``path:line:col: message (focus, path)`` for terminals and logs."""
        place = f"{self.where}: " if self.where else ""
        detail = V.shorten(self.focus)
        if self.path:
            detail += f" {V.shorten(self.path)}"
        if self.value:
            detail += f" = {V.shorten(self.value)}"
        level = "" if self.severity == "Violation" else f"{self.severity.lower()}: "
        return f"{place}{level}{self.message} [{detail}]"


@dataclass
class ValidationReport:
    """The outcome of validating a graph: conforms when there is no Violation-level result."""

    results: list[Violation] = field(default_factory=list)
    engine: str = "pyshacl"

    @property
    def conforms(self) -> bool:
        """True when no result has Violation severity."""
        return not self.violations

    @property
    def violations(self) -> list[Violation]:
        """Results of severity Violation."""
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[Violation]:
        """Results of severity Warning or Info."""
        return [r for r in self.results if r.severity != "Violation"]

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready summary."""
        return {
            "conforms": self.conforms,
            "engine": self.engine,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "results": [
                {
                    "location": str(r.where) if r.where else None,
                    "severity": r.severity,
                    "message": r.message,
                    "focus": r.focus,
                    "path": r.path,
                    "value": r.value,
                    "shape": r.shape,
                }
                for r in self.results
            ],
        }


def to_rdflib(triples: Iterable[ox.Triple]) -> rdflib.Graph:
    """Copy triples into an rdflib graph (via N-Triples, the fastest exact route)."""
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    graph = rdflib.Graph()
    if data:
        graph.parse(data=data, format="nt")
    return graph


def union_triples(store: ox.Store) -> Iterable[ox.Triple]:
    """Every triple of every graph of ``store`` (duplicates across graphs are harmless)."""
    return (q.triple for q in store)


def validate_pyshacl(
    store: ox.Store, shapes: Iterable[ox.Triple], origins: Mapping[str, Location]
) -> ValidationReport:
    """Validate the union of all graphs with pySHACL (the reference implementation)."""
    import pyshacl

    data = to_rdflib(union_triples(store))
    shapes_graph = to_rdflib(shapes)
    _conforms, report_graph, _text = pyshacl.validate(
        data, shacl_graph=shapes_graph, advanced=True, inference=None, allow_warnings=True
    )
    results = read_report(report_graph, origins, shapes_graph)
    return ValidationReport(results=results, engine="pyshacl")


def validate(
    store: ox.Store,
    shapes: Iterable[ox.Triple],
    origins: Mapping[str, Location],
    engine: str = "fast",
) -> ValidationReport:
    """Validate with the chosen engine: ``fast`` (shapes compiled to SPARQL) or ``pyshacl``."""
    if engine == "pyshacl":
        return validate_pyshacl(store, shapes, origins)
    if engine != "fast":
        raise ValueError(f"unknown validation engine {engine!r}")
    from kg.shaclfast import validate_fast

    return validate_fast(store, shapes, origins)


def sort_violations(found: Iterable[Violation]) -> list[Violation]:
    """De-duplicate and sort results by input location, focus node and message."""
    return sorted(set(found), key=lambda v: (str(v.where or "~"), v.focus, v.message, repr(v)))


def read_report(
    report: rdflib.Graph,
    origins: Mapping[str, Location],
    shapes: rdflib.Graph | None = None,
) -> list[Violation]:
    """Turn a SHACL validation report graph into sorted, de-duplicated violations.

    A result of a blank-node shape is attributed to its nearest named ancestor in ``shapes``.
    """
    found: set[Violation] = set()
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = _one(report, result, SH.focusNode) or ""
        severity = (_one(report, result, SH.resultSeverity) or str(SH.Violation)).rsplit("#", 1)[-1]
        path = _one(report, result, SH.resultPath)
        shape = report.value(result, SH.sourceShape)
        found.add(
            Violation(
                where=origins.get(focus),
                focus=focus,
                path=path,
                message=_one(report, result, SH.resultMessage) or "constraint not met",
                severity=severity,
                shape=_named_shape(shapes, shape),
                value=_one(report, result, SH.value),
            )
        )
    return sort_violations(found)


def _named_shape(shapes: rdflib.Graph | None, shape: rdflib.term.Node | None) -> str:
    seen: set[rdflib.term.Node] = set()
    while isinstance(shape, rdflib.BNode) and shapes is not None and shape not in seen:
        seen.add(shape)
        shape = shapes.value(predicate=SH.property, object=shape)
    return str(shape) if isinstance(shape, rdflib.URIRef) else ""


def _one(graph: rdflib.Graph, subject: rdflib.term.Node, pred: rdflib.URIRef) -> str | None:
    value = graph.value(subject, pred)
    if value is None or isinstance(value, rdflib.BNode):
        return None
    return str(value)
