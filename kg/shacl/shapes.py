"""The shapes graph as kg's SHACL compiler reads it: a small index, RDF lists, property paths.

Shared by kg.shaclsparql (constraints → SPARQL expressions), kg.shaclcheck (one query per
result kind), kg.shaclstar (batched single-valued properties) and kg.shaclfast (the engine).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from kg.core import vocab as V
from kg.core.errors import ConfigError

SH = V.SH
RDF_FIRST, RDF_REST, RDF_NIL = V.RDF + "first", V.RDF + "rest", V.RDF + "nil"


class UnsupportedShape(ConfigError):
    """The shapes use a SHACL feature the fast engine cannot compile."""


Term = ox.NamedNode | ox.BlankNode | ox.Literal


class ShapesGraph:
    """A tiny read-only index over the shapes triples."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.spo: dict[Term, dict[str, list[Term]]] = {}
        for t in triples:
            if isinstance(t.subject, ox.Triple) or isinstance(t.object, ox.Triple):
                continue
            self.spo.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)

    def objects(self, s: Term, p: str) -> list[Term]:
        """All objects of ``s p``."""
        return self.spo.get(s, {}).get(p, [])

    def one(self, s: Term, key: str) -> Term | None:
        """The single ``sh:key`` value of ``s``, or None."""
        values = self.objects(s, SH + key)
        if len(values) > 1:
            raise UnsupportedShape(f"shape {show(s)} has {len(values)} values for sh:{key}")
        return values[0] if values else None

    def items(self, node: Term) -> list[Term]:
        """The members of an RDF list."""
        out: list[Term] = []
        while not (isinstance(node, ox.NamedNode) and node.value == RDF_NIL):
            first = self.objects(node, RDF_FIRST)
            rest = self.objects(node, RDF_REST)
            if len(first) != 1 or len(rest) != 1:
                raise UnsupportedShape(f"{show(node)} is not a well-formed RDF list")
            out.append(first[0])
            node = rest[0]
        return out

    def keys(self, s: Term) -> set[str]:
        """The SHACL parameters (local names) used on ``s``."""
        return {p.removeprefix(SH) for p in self.spo.get(s, {}) if p.startswith(SH)}


def class_terms(g: ShapesGraph) -> set[str]:
    """Every class IRI the shapes test membership of (sh:class, sh:targetClass, implicit)."""
    found = {
        o.value
        for po in g.spo.values()
        for key in ("class", "targetClass")
        for o in po.get(SH + key, [])
        if isinstance(o, ox.NamedNode)
    }
    for s, po in g.spo.items():
        types = {t.value for t in po.get(V.RDF + "type", []) if isinstance(t, ox.NamedNode)}
        if isinstance(s, ox.NamedNode) and types & {V.RDFS + "Class", V.OWL + "Class"}:
            found.add(s.value)
    return found


def show(term: Term) -> str:
    """A shape or node for messages: a prefixed name or a blank node label."""
    return V.shorten(term.value) if isinstance(term, ox.NamedNode) else f"_:{term.value}"


def compile_path(g: ShapesGraph, path: Term) -> str:
    """A SHACL property path as a SPARQL property path."""
    if isinstance(path, ox.NamedNode) and path.value != RDF_NIL:
        return str(path)
    if isinstance(path, ox.Literal):
        raise UnsupportedShape(f"a literal {path} is not a property path")
    if g.objects(path, RDF_FIRST):
        return "(" + "/".join(compile_path(g, p) for p in g.items(path)) + ")"
    kinds = {
        "inversePath": "^({})",
        "zeroOrMorePath": "({})*",
        "oneOrMorePath": "({})+",
        "zeroOrOnePath": "({})?",
    }
    for key, fmt in kinds.items():
        inner = g.one(path, key)
        if inner is not None:
            return fmt.format(compile_path(g, inner))
    alternatives = g.one(path, "alternativePath")
    if alternatives is not None:
        return "(" + "|".join(compile_path(g, p) for p in g.items(alternatives)) + ")"
    raise UnsupportedShape(f"unsupported property path {show(path)}")


def message_of(g: ShapesGraph, node: Term) -> str | None:
    """The shape's sh:message (English or untagged first), or None."""
    msgs = [m for m in g.objects(node, SH + "message") if isinstance(m, ox.Literal)]
    msgs.sort(key=lambda m: (m.language not in ("en", None), m.language or "", m.value))
    return msgs[0].value if msgs else None


def deactivated(g: ShapesGraph, s: Term) -> bool:
    """True when the shape (or constraint) says sh:deactivated true."""
    value = g.one(s, "deactivated")
    return isinstance(value, ox.Literal) and value.value == "true"
