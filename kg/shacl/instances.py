"""Which types make a node a SHACL instance of a class in the data (``instance_types``), so
that compiled checks select focus nodes by ``rdf:type`` alone where that is enough."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from kg.core import vocab as V


def instance_types(store: ox.Store, classes: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """For each class, the types that make a node its SHACL instance in ``store``.

    That is the class and its sub-classes (``rdfs:subClassOf*`` in the data), reduced to the
    class alone when every instance of a sub-class already has the class as a type (as after
    kg's type-closure rule), which keeps each focus node to one row.
    """
    wanted = sorted(set(classes))
    if not wanted:
        return {}
    subs: dict[str, set[str]] = {c: {c} for c in wanted}
    rows = store.query(
        f"SELECT ?sub ?sup WHERE {{ VALUES ?sup {{ {' '.join(f'<{c}>' for c in wanted)} }} "
        f"?sub <{V.RDFS}subClassOf>+ ?sup FILTER(isIRI(?sub)) }}",
        use_default_graph_as_union=True,
    )
    assert isinstance(rows, ox.QuerySolutions)
    for row in rows:
        sub, sup = row["sub"], row["sup"]
        if isinstance(sub, ox.NamedNode) and isinstance(sup, ox.NamedNode):
            subs[sup.value].add(sub.value)
    pairs = " ".join(f"(<{c}> <{s}>)" for c in wanted for s in sorted(subs[c]) if s != c)
    open_classes: set[str] = set()
    if pairs:
        rows = store.query(
            f"SELECT DISTINCT ?c WHERE {{ VALUES (?c ?sub) {{ {pairs} }} "
            f"?x <{V.RDF}type> ?sub FILTER NOT EXISTS {{ ?x <{V.RDF}type> ?c }} }}",
            use_default_graph_as_union=True,
        )
        assert isinstance(rows, ox.QuerySolutions)
        open_classes = {r["c"].value for r in rows if isinstance(r["c"], ox.NamedNode)}
    return {c: tuple(sorted(subs[c])) if c in open_classes else (c,) for c in wanted}


__all__ = ["instance_types"]
