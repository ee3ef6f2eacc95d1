"""RDF term constructors shared by the graph-producing stages (pyoxigraph terms)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Triple

from kg.core import vocab as V

XSD_STRING = NamedNode(V.XSD + "string")
XSD_INTEGER = NamedNode(V.XSD + "integer")
XSD_DECIMAL = NamedNode(V.XSD + "decimal")
XSD_BOOLEAN = NamedNode(V.XSD + "boolean")
XSD_DATE = NamedNode(V.XSD + "date")
RDF_TYPE = NamedNode(V.RDF + "type")
RDFS_LABEL = NamedNode(V.RDFS + "label")

Term = NamedNode | Literal
#: Any pyoxigraph term that can stand in a triple.
AnyTerm = NamedNode | BlankNode | Literal | Triple | DefaultGraph


def tk(local: str) -> NamedNode:
    """Return an ontology term (class or property) as a node."""
    return NamedNode(V.TK + local)


def dc(local: str) -> NamedNode:
    """Return a Dublin Core term (``dcterms:title``, ``dcterms:source`` …) as a node."""
    return NamedNode(V.DCTERMS + local)


def iri(value: str) -> NamedNode:
    """Return a node for an absolute IRI."""
    return NamedNode(value)


def text(value: str, lang: str | None = "en") -> Literal:
    """Return a (language-tagged) string literal."""
    return Literal(value, language=lang) if lang else Literal(value)


def integer(value: int) -> Literal:
    """Return an ``xsd:integer`` literal."""
    return Literal(str(int(value)), datatype=XSD_INTEGER)


def decimal(value: float) -> Literal:
    """Return an ``xsd:decimal`` literal with a canonical lexical form."""
    lexical = format(Decimal(str(value)).normalize(), "f")
    if "." not in lexical:
        lexical += ".0"
    return Literal(lexical, datatype=XSD_DECIMAL)


def boolean(value: bool) -> Literal:
    """Return an ``xsd:boolean`` literal."""
    return Literal("true" if value else "false", datatype=XSD_BOOLEAN)


def year_literal(value: int) -> Literal:
    """Return a calendar year as an ``xsd:integer`` literal.

    Years are integers, not ``xsd:gYear``: gYear is not in the OWL 2 datatype map, so an OWL 2
    DL reasoner cannot read it, and integers compare and subtract in SPARQL without casts.
    """
    return Literal(str(int(value)), datatype=XSD_INTEGER)


def date(value: dt.date) -> Literal:
    """Return an ``xsd:date`` literal."""
    return Literal(value.isoformat(), datatype=XSD_DATE)


class QuadSink:
    """Collects quads for one named graph; tolerant of duplicate adds."""

    def __init__(self, graph: str):
        self.graph = NamedNode(graph)
        self.quads: list[Quad] = []

    def add(self, s: NamedNode, p: NamedNode, o: Term) -> None:
        """Add one triple to this sink's graph."""
        self.quads.append(Quad(s, p, o, self.graph))

    def opt(self, s: NamedNode, p: NamedNode, o: Term | None) -> None:
        """Add a triple when the object is not None."""
        if o is not None:
            self.quads.append(Quad(s, p, o, self.graph))
