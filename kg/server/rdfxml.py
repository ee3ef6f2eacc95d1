"""RDF/XML as pyoxigraph writes it, checked before it is sent.

RDF/XML writes each predicate as an XML element name: a namespace plus a local name that must
be an NCName. pyoxigraph 0.5 writes a predicate that has no such local name (one ending in
``/``, ``#`` or a digit, such as ``<http://example.org/>`` or ``<urn:x:1>``) as
``<oxprefix:>``, which no namespace-aware XML parser reads. So the output is read back by
expat, namespace-aware, and a document it rejects is never sent: the predicate that cannot be
written is named instead (the endpoint answers 406 and points to the other formats).
"""

from __future__ import annotations

import xml.parsers.expat

import pyoxigraph as ox


def _problem(data: bytes) -> str | None:
    """None when ``data`` is a well-formed, namespace-well-formed XML document."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        return str(exc)
    return None


def unwritable(triples: list[ox.Triple], data: bytes) -> str | None:
    """Why ``data`` (pyoxigraph's RDF/XML of ``triples``) cannot be sent, or None if it can."""
    problem = _problem(data)
    if problem is None:
        return None
    seen: set[str] = set()
    for triple in triples:
        iri = triple.predicate.value
        if iri in seen:
            continue
        seen.add(iri)
        alone = ox.serialize([ox.Triple(ox.NamedNode("urn:s"), triple.predicate, ox.Literal(""))],
                             format=ox.RdfFormat.RDF_XML)  # fmt: skip
        if alone is not None and _problem(alone) is not None:
            return f"the predicate <{iri}> has no XML name (RDF/XML needs one)"
    return f"the RDF/XML writer made a document XML parsers reject ({problem})"


__all__ = ["unwritable"]
