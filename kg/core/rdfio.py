"""Writers for RDF outputs: sorted, byte-stable, and written atomically."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

import pyoxigraph as ox

from kg.core import vocab as V
from kg.core.terms import AnyTerm

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}


def sort_key(term: AnyTerm | None) -> str:
    """A total, stable order on terms (their N-Triples form)."""
    return "" if term is None or isinstance(term, ox.DefaultGraph) else str(term)


def sorted_triples(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """De-duplicate and sort triples by subject, predicate, object.

    The key is the triple's N-Triples text: one string instead of three (the separating
    space sorts below every character a term can contain, so the order is the same).
    For whole stores at scale use kg.dump, which sorts without a Python object per triple.
    """
    keyed = {str(t): t for t in triples}
    return [keyed[k] for k in sorted(keyed)]


def sorted_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """De-duplicate and sort quads by graph, subject, predicate, object."""
    keyed = {(sort_key(q.graph_name), str(q)): q for q in quads}
    return [keyed[k] for k in sorted(keyed)]


def serialize(
    items: list[ox.Triple] | list[ox.Quad],
    fmt: str,
    stream: IO[bytes],
    *,
    context: dict[str, Any] | None = None,
) -> None:
    """Write already-sorted triples or quads in an RDF syntax with kg's prefixes.

    ``context`` is the JSON-LD ``@context`` to embed (default: kg's prefixes).
    """
    if fmt == "jsonld":
        stream.write(jsonld_bytes(items, context))
        return
    rdf_format = RDF_FORMATS[fmt]
    prefixes = V.PREFIXES if fmt in ("turtle", "trig") else None
    ox.serialize(items, stream, format=rdf_format, prefixes=prefixes)


def jsonld_bytes(
    items: Iterable[ox.Triple] | Iterable[ox.Quad], context: dict[str, Any] | None = None
) -> bytes:
    """Write JSON-LD with an embedded @context: one node object per subject, sorted."""
    ctx: dict[str, Any] = dict(context or V.PREFIXES)
    nodes: dict[str, dict[str, Any]] = {}
    for item in items:
        s, p, o = item.subject, item.predicate, item.object
        key = _jsonld_id(s)
        node = nodes.setdefault(key, {"@id": key})
        if p.value == V.RDF + "type" and isinstance(o, ox.NamedNode):
            types = node.setdefault("@type", [])
            if V.shorten(o.value) not in types:
                types.append(V.shorten(o.value))
            continue
        values = node.setdefault(V.shorten(p.value), [])
        value = _jsonld_value(o)
        if value not in values:
            values.append(value)
    graph = [nodes[k] for k in sorted(nodes)]
    doc = {"@context": ctx, "@graph": graph}
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def _jsonld_id(term: AnyTerm) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode):
        return V.shorten(term.value)
    raise TypeError(f"cannot write {term!r} as a JSON-LD node id")


def _jsonld_value(term: AnyTerm) -> dict[str, str]:
    if isinstance(term, ox.Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == V.XSD + "string":
            return {"@value": term.value}
        return {"@value": term.value, "@type": V.shorten(term.datatype.value)}
    return {"@id": _jsonld_id(term)}
