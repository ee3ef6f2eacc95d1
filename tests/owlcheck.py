"""OWL 2 DL checks of a built graph, for the reasoner tests.

``dl_problems`` checks what a reasoner assumes but does not report well: every property is
declared as exactly one kind, objects of object properties are resources, literals of data
properties use datatypes of the OWL 2 datatype map, classes are declared, sub-properties and
inverses pair properties of one kind. ``domain_range_problems`` is a closed-world check that
every use of a kg property stays inside its declared domain and range (an open-world reasoner
would silently infer the subject into the domain instead). ``hermit`` runs the real reasoner.
"""

from __future__ import annotations

import os
import shutil
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from kg.core import vocab as V

RDF_TYPE = V.RDF + "type"
OWL_KINDS = {
    V.OWL + "ObjectProperty": "object",
    V.OWL + "DatatypeProperty": "data",
    V.OWL + "AnnotationProperty": "annotation",
}
#: Datatypes of the OWL 2 datatype map (OWL 2 Structural Specification, section 4).
OWL2_DATATYPES = frozenset(
    [V.RDF + "PlainLiteral", V.RDF + "XMLLiteral", V.RDF + "langString", V.RDFS + "Literal"]
    + [V.OWL + "real", V.OWL + "rational"]
    + [
        V.XSD + t
        for t in [
            "decimal",
            "integer",
            "nonNegativeInteger",
            "nonPositiveInteger",
            "positiveInteger",
            "negativeInteger",
            "long",
            "int",
            "short",
            "byte",
            "unsignedLong",
            "unsignedInt",
            "unsignedShort",
            "unsignedByte",
            "double",
            "float",
            "string",
            "normalizedString",
            "token",
            "language",
            "Name",
            "NCName",
            "NMTOKEN",
            "boolean",
            "hexBinary",
            "base64Binary",
            "anyURI",
            "dateTime",
            "dateTimeStamp",
        ]
    ]
)
#: Built-in vocabulary a graph may use as predicates without declaring them.
BUILTIN_PREFIXES = (V.RDF, V.RDFS, V.OWL)
BUILTIN_CLASSES = frozenset(
    V.OWL + c
    for c in [
        "Class",
        "Ontology",
        "ObjectProperty",
        "DatatypeProperty",
        "AnnotationProperty",
        "Restriction",
        "AllDisjointClasses",
        "FunctionalProperty",
        "SymmetricProperty",
        "TransitiveProperty",
        "InverseFunctionalProperty",
        "Thing",
    ]
) | {V.RDFS + "Datatype", V.RDFS + "Class"}


def triples(store: ox.Store) -> set[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, object]]:
    """The union of every graph of ``store`` as a set of triples."""
    return {(q.subject, q.predicate, q.object) for q in store}  # type: ignore[misc]


def write_ntriples(store: ox.Store, path: Path) -> int:
    """Write the union of all graphs of ``store`` as N-Triples; return the triple count."""
    union = ox.Store()
    union.extend(ox.Quad(s, p, o) for s, p, o in triples(store))  # type: ignore[arg-type]
    with path.open("wb") as stream:
        union.dump(stream, ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return len(union)


def _kinds(graph: Iterable[tuple[object, ox.NamedNode, object]]) -> dict[str, set[str]]:
    kinds: dict[str, set[str]] = defaultdict(set)
    for s, p, o in graph:
        if p.value == RDF_TYPE and isinstance(o, ox.NamedNode) and o.value in OWL_KINDS:
            assert isinstance(s, ox.NamedNode)
            kinds[s.value].add(OWL_KINDS[o.value])
    return kinds


def dl_problems(store: ox.Store) -> list[str]:
    """OWL 2 DL typing problems of the union graph of ``store`` (empty when there are none)."""
    graph = triples(store)
    kinds = _kinds(graph)
    classes = {
        s.value for s, p, o in graph if p.value == RDF_TYPE and o == ox.NamedNode(V.OWL + "Class")
    }  # type: ignore[union-attr]
    datatypes = {
        s.value
        for s, p, o in graph
        if p.value == RDF_TYPE and o == ox.NamedNode(V.RDFS + "Datatype")
    }  # type: ignore[union-attr]
    problems: set[str] = set()
    for prop, found in kinds.items():
        if len(found) > 1:
            problems.add(f"{V.shorten(prop)} is declared as {' and '.join(sorted(found))} property")
    for s, p, o in graph:
        pred = p.value
        if pred == RDF_TYPE:
            if isinstance(o, ox.NamedNode) and o.value not in classes | BUILTIN_CLASSES:
                problems.add(f"class {V.shorten(o.value)} is not declared (owl:Class)")
            continue
        if pred.startswith(BUILTIN_PREFIXES):
            if (
                pred in (V.RDFS + "subClassOf", V.OWL + "equivalentClass")
                and isinstance(o, ox.NamedNode)
                and o.value not in classes
            ):
                problems.add(f"class {V.shorten(o.value)} is not declared (owl:Class)")
            if pred in (V.RDFS + "subPropertyOf", V.OWL + "inverseOf"):
                assert isinstance(s, ox.NamedNode)
                assert isinstance(o, ox.NamedNode)
                if kinds.get(s.value) != kinds.get(o.value):
                    pair = f"{V.shorten(s.value)} and {V.shorten(o.value)}"
                    problems.add(f"{V.shorten(pred)} links {pair} of different kinds")
            continue
        kind = kinds.get(pred)
        if not kind:
            problems.add(f"property {V.shorten(pred)} is not declared")
            continue
        if isinstance(o, ox.Literal):
            dt = o.datatype.value
            if "object" in kind:
                problems.add(f"object property {V.shorten(pred)} has a literal value")
            elif "data" in kind and dt not in OWL2_DATATYPES:
                what = f"data property {V.shorten(pred)} has a {V.shorten(dt)} literal"
                problems.add(f"{what}, not in the OWL 2 datatype map")
            elif dt not in OWL2_DATATYPES | datatypes and not dt.startswith(V.XSD):
                problems.add(f"datatype {V.shorten(dt)} of {V.shorten(pred)} is not declared")
        elif "data" in kind:
            problems.add(f"data property {V.shorten(pred)} has a resource value")
    return sorted(problems)


def _types_of(graph: set[tuple[object, ox.NamedNode, object]]) -> dict[object, set[str]]:
    """Every resource's classes, closed under rdfs:subClassOf."""
    parents: dict[str, set[str]] = defaultdict(set)
    for s, p, o in graph:
        if (
            p.value == V.RDFS + "subClassOf"
            and isinstance(s, ox.NamedNode)
            and isinstance(o, ox.NamedNode)
        ):
            parents[s.value].add(o.value)
    types: dict[object, set[str]] = defaultdict(set)
    for s, p, o in graph:
        if p.value == RDF_TYPE and isinstance(o, ox.NamedNode):
            todo = [o.value]
            while todo:
                c = todo.pop()
                if c not in types[s]:
                    types[s].add(c)
                    todo.extend(parents.get(c, ()))
    return types


def _class_sets(graph: set[tuple[object, ox.NamedNode, object]], which: str) -> dict[str, set[str]]:
    """Per tk: property, the classes its rdfs:domain (or rdfs:range) allows (a union counts)."""
    first, rest = V.RDF + "first", V.RDF + "rest"
    index: dict[tuple[object, str], list[object]] = defaultdict(list)
    for s, p, o in graph:
        index[(s, p.value)].append(o)
    out: dict[str, set[str]] = {}
    for s, p, o in graph:
        if p.value != which or not isinstance(s, ox.NamedNode) or not s.value.startswith(V.TK):
            continue
        if isinstance(o, ox.NamedNode):
            out[s.value] = {o.value}
            continue
        members: set[str] = set()
        node = (index.get((o, V.OWL + "unionOf")) or [None])[0]
        while node is not None and node != ox.NamedNode(V.RDF + "nil"):
            members.update(m.value for m in index[(node, first)] if isinstance(m, ox.NamedNode))
            node = (index.get((node, rest)) or [None])[0]
        out[s.value] = members
    return out


def domain_range_problems(store: ox.Store) -> list[str]:
    """Uses of tk: properties outside their declared domain or (object) range, closed world."""
    graph = triples(store)
    types = _types_of(graph)
    domains = _class_sets(graph, V.RDFS + "domain")
    ranges = _class_sets(graph, V.RDFS + "range")
    kinds = _kinds(graph)
    problems: dict[str, int] = defaultdict(int)
    for s, p, o in graph:
        pred = p.value
        if pred in domains and not types[s] & domains[pred]:
            problems[f"{V.shorten(pred)} on a {_shown(types[s])}, outside its domain"] += 1
        if pred in ranges and "object" in kinds.get(pred, ()) and not types[o] & ranges[pred]:
            problems[f"{V.shorten(pred)} pointing at a {_shown(types[o])}, outside its range"] += 1
    for prop, inverses in (
        (s.value, o.value) for s, p, o in graph if p.value == V.OWL + "inverseOf"
    ):  # type: ignore[union-attr]
        if domains.get(prop) != ranges.get(inverses) or ranges.get(prop) != domains.get(inverses):
            pair = f"{V.shorten(prop)} and its inverse {V.shorten(inverses)}"
            problems[f"{pair} disagree on domain and range"] += 1
    return [f"{k} ({n}×)" for k, n in sorted(problems.items())]


def _shown(classes: set[str]) -> str:
    tk = sorted(V.shorten(c) for c in classes if c.startswith(V.TK))
    return (
        "/".join(tk) or "/".join(sorted(V.shorten(c) for c in classes)) or "resource with no type"
    )


def java() -> str | None:
    """The java executable, or None when there is no Java runtime."""
    return shutil.which(os.environ.get("JAVA", "java"))


def hermit(path: Path) -> list[str]:
    """Run HermiT (owlready2's copy) on an N-Triples file: classify, check consistency.

    Returns the unsatisfiable named classes; raises owlready2's OwlReadyInconsistentOntologyError
    when the ontology with its data is inconsistent, OwlReadyJavaError when HermiT refuses it.
    """
    import owlready2

    owlready2.JAVA_EXE = java() or "java"
    world = owlready2.World()
    world.get_ontology(path.resolve().as_uri()).load()
    owlready2.sync_reasoner_hermit(world, debug=0)
    return sorted(c.iri for c in world.inconsistent_classes())
