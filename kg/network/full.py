"""The whole RDF dataset as a networkx multigraph, for GraphML/GEXF/CSV export.

IRIs and blank nodes are nodes, triples between them are edges, literal values are typed node
attributes. Blank nodes get stable ids (``_:b`` + a hash of what they say and where they are
used) so that exports are byte-identical across runs.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Any

import networkx as nx
import pyoxigraph as ox

from kg.core import rq
from kg.core import vocab as V

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}


def stable_blank_ids(quads: list[ox.Quad], rounds: int = 4) -> dict[str, str]:
    """Blank node label → ``_:b<hash>``: colour refinement (Weisfeiler-Lehman) over the triples
    around each blank node, so the id depends on what the node says and where it is used, not
    on the label the store gave it. Nodes left with equal hashes are numbered in hash order."""
    links: dict[str, list[tuple[str, str, Term]]] = defaultdict(list)
    for q in quads:
        if isinstance(q.subject, ox.BlankNode):
            links[q.subject.value].append(("out", q.predicate.value, q.object))
        if isinstance(q.object, ox.BlankNode):
            links[q.object.value].append(("in", q.predicate.value, q.subject))
    colour = {b: "" for b in links}

    def name(term: Term) -> str:
        return f"[{colour[term.value]}]" if isinstance(term, ox.BlankNode) else str(term)

    for _ in range(rounds):
        colour = {
            b: hashlib.sha256(
                "\n".join(sorted(f"{d} {p} {name(t)}" for d, p, t in edges)).encode()
                + colour[b].encode()
            ).hexdigest()[:16]
            for b, edges in links.items()
        }
    ids: dict[str, str] = {}
    count: dict[str, int] = defaultdict(int)
    for b in sorted(links, key=lambda x: colour[x]):
        n = count[colour[b]]
        count[colour[b]] += 1
        ids[b] = f"_:b{colour[b]}" + (f"-{n}" if n else "")
    return ids


def full_network(store: ox.Store) -> nx.MultiDiGraph:
    """The whole RDF dataset as a multigraph: IRIs and blank nodes are nodes (id = IRI),
    triples between them are edges (key and ``predicate`` = predicate IRI, ``graph`` = the
    named graphs holding it), literal values are typed node attributes named by the
    predicate's prefixed name (several values, or mixed types, become one sorted string)."""
    literals: dict[str, dict[str, list[ox.Literal]]] = defaultdict(lambda: defaultdict(list))
    edges: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    nodes: dict[str, str] = {}
    quads = list(store.quads_for_pattern(None, None, None, None))
    blank = stable_blank_ids(quads)

    def _node_key(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
        return blank[term.value] if isinstance(term, ox.BlankNode) else str(rq.value(term))

    for q in quads:
        s = _node_key(q.subject)
        nodes.setdefault(s, "blank" if isinstance(q.subject, ox.BlankNode) else "iri")
        graph_name = "default" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name
        gname = graph_name if isinstance(graph_name, str) else V.shorten(str(rq.value(graph_name)))
        if isinstance(q.object, ox.Literal):
            values = literals[s][q.predicate.value]
            if q.object not in values:
                values.append(q.object)
            continue
        o = _node_key(q.object)
        nodes.setdefault(o, "blank" if isinstance(q.object, ox.BlankNode) else "iri")
        edges[s, q.predicate.value, o].add(gname)
    types = _literal_types(literals)
    g = nx.MultiDiGraph(title="kg full RDF graph")
    for node in sorted(nodes):
        attrs: dict[str, Any] = {"kind": nodes[node], "label": V.shorten(node)}
        for pred, vals in sorted(literals.get(node, {}).items()):
            attrs[V.shorten(pred)] = _literal_attr(vals, types[pred])
        g.add_node(node, **attrs)
    for (s, p, o), graphs in sorted(edges.items()):
        g.add_edge(s, o, key=p, predicate=p, label=V.shorten(p), graph="; ".join(sorted(graphs)))
    return g


def _literal_types(literals: dict[str, dict[str, list[ox.Literal]]]) -> dict[str, str]:
    kinds: dict[str, set[str]] = defaultdict(set)
    for by_pred in literals.values():
        for pred, vals in by_pred.items():
            for lit in vals:
                v = rq.value(lit)
                typ = _TYPES.get(type(v), "string")
                if len(vals) > 1 or (typ == "long" and not -(2**63) <= int(str(v)) < 2**63):
                    typ = "string"
                kinds[pred].add(typ)
    return {p: (k.pop() if len(k) == 1 else "string") for p, k in kinds.items()}


def _literal_attr(vals: list[ox.Literal], typ: str) -> Any:
    if typ != "string":
        return rq.value(vals[0])
    return " | ".join(sorted(lit.value for lit in vals))


__all__ = ["full_network", "stable_blank_ids"]
