"""Stage 4: derive role classes and closures into the inferred graph with SPARQL UPDATE, then
the query indexes of ``kg.derive``.

Rules read every graph and write only ``tkg:inferred``; a triple already asserted anywhere is
never inferred again, so the inferred graph holds exactly what the rules add.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from kg.core import vocab as V
from kg.graph.derive import derive

_PREFIXES = f"""PREFIX tk: <{V.TK}>
PREFIX tkv: <{V.TKV}>
PREFIX rdf: <{V.RDF}>
PREFIX rdfs: <{V.RDFS}>
"""


@dataclass(frozen=True)
class Rule:
    """One named SPARQL UPDATE rule."""

    name: str
    description: str
    update: str


def _insert(template: str, where: str) -> str:
    return (
        f"{_PREFIXES}INSERT {{ GRAPH <{V.GRAPH_INFERRED}> {{ {template} }} }}\n"
        f"WHERE {{ {where}\n  FILTER NOT EXISTS {{ GRAPH ?any {{ {template} }} }} }}"
    )


def _role(cls: str, prop: str, flow: str) -> Rule:
    return Rule(
        name=cls,
        description=f"a country that is the {prop} of a {flow} is a tk:{cls}",
        # DISTINCT first: thousands of flows name the same few hundred countries.
        update=_insert(
            f"?c a tk:{cls} .",
            f"{{ SELECT DISTINCT ?c WHERE {{ GRAPH ?g1 {{ ?f tk:{prop} ?c }} "
            f"GRAPH ?g2 {{ ?f a tk:{flow} }} }} }} GRAPH ?g3 {{ ?c a tk:Country }}",
        ),
    )


#: The rules, in the order they run (type closure last, so derived classes are closed too).
RULES: tuple[Rule, ...] = (
    Rule(
        "contradicts-symmetric",
        "tk:contradicts holds in both directions",
        _insert("?b tk:contradicts ?a .", "GRAPH ?g { ?a tk:contradicts ?b }"),
    ),
    Rule(
        "claim-direction",
        "a claim's direction (tkv:directions) follows from its aspect and polarity; a claim "
        "without a polarity is not known",
        _insert(
            "?claim tk:direction ?direction .",
            "GRAPH ?g1 { ?claim tk:aspect ?aspect }"
            " OPTIONAL { GRAPH ?g2 { ?claim tk:polarity ?polarity } }"
            " OPTIONAL { GRAPH ?g3 { ?aspect tk:trueDirection ?ifTrue } }"
            " OPTIONAL { GRAPH ?g4 { ?aspect tk:falseDirection ?ifFalse } }"
            " BIND(IF(BOUND(?polarity), IF(?polarity, ?ifTrue, ?ifFalse),"
            " tkv:direction-not-known) AS ?direction) FILTER(BOUND(?direction))",
        ),
    ),
    _role("DestinationCountry", "destination", "CrossBorderFlow"),
    _role("SourceCountry", "origin", "CrossBorderFlow"),
    _role("TransitCountry", "transit", "TraffickingFlow"),
    Rule(
        "type-closure",
        "an instance of a class is an instance of all its super-classes",
        _insert(
            "?x a ?super .",
            f"GRAPH ?g1 {{ ?x a ?c }} GRAPH <{V.GRAPH_ONTOLOGY}> {{ ?c rdfs:subClassOf+ ?super }}"
            " FILTER(isIRI(?super))",
        ),
    ),
)


def apply_rules(store: ox.Store, closed: Callable[[], None] | None = None) -> dict[str, int]:
    """Derive ``tkg:inferred`` afresh: run every rule on ``store`` (the closure rules above,
    then ``kg.derive``); return how many triples each one added.

    Whatever the inferred graph held before is dropped first, so the rules can run again on
    a store that changed since (an import added to a loaded build, say). ``closed`` is called
    once the closure rules have run, before ``kg.derive``: from then on the graph changes
    only by derive's conclusions (``kg.graph.derive.NAMES``), which no rule above reads.
    """
    graph = ox.NamedNode(V.GRAPH_INFERRED)
    store.remove_graph(graph)
    added: dict[str, int] = {}
    before = _count(store, graph)
    for rule in RULES:
        store.update(rule.update)
        after = _count(store, graph)
        added[rule.name] = after - before
        before = after
    if closed is not None:
        closed()
    added.update(derive(store))
    return added


def _count(store: ox.Store, graph: ox.NamedNode) -> int:
    result = store.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}")
    assert isinstance(result, ox.QuerySolutions)
    for row in result:
        value = row["n"]
        assert isinstance(value, ox.Literal)
        return int(value.value)
    return 0
