"""The reference engine: pySHACL on an rdflib copy of the graph (``--engine pyshacl``).

Slow but independent of kg's own compiled shapes; the tests check that both engines agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from kg.core.errors import Location
from kg.shacl.report import ValidationReport, Violation, sort_violations


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
                value_where=origins.get(_one(report, result, SH.value) or ""),
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


__all__ = ["read_report", "to_rdflib", "union_triples", "validate_pyshacl"]
