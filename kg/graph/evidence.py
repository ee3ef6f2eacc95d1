"""Rule tkv:rule-role-evidence: what each derived country role rests on.

Being a tk:DestinationCountry (or tk:SourceCountry, tk:TransitCountry) is derived from flows; a
country can be one on the strength of a single censored "<5" cell. For every such membership
the rule writes one ``tk:RoleEvidence`` node into ``tkg:inferred``::

    ?country tk:roleEvidence ?evidence .
    ?evidence tk:forRole tkv:role-destination ;   # or role-source, role-transit
              tk:flowCount 3 ;                    # flows that make the country play the role
              tk:sourceCount 2 ; tk:evidenceSource ?doc ... ;
              tk:estimatedFlowCount 2 ;           # of them, flows with a number of their own
              tk:allCensored true ;               # every such number is a censored band
              tk:largestEstimate 4 .              # largest point value (else upper, else lower
                                                  # bound) of those numbers, whatever the unit

so queries (``destination-countries``' minimum-evidence parameters) and the dossier can tell a
well-evidenced destination from one resting on a single suppressed cell. A component flow that
only shares its aggregate's number counts as a flow without a number of its own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.core import rq
from kg.core import vocab as V

QUERIES = rq.Library("kg.graph")
NAME = "role-evidence"
_INTEGER = ox.NamedNode(V.XSD + "integer")
_BOOLEAN = ox.NamedNode(V.XSD + "boolean")


@dataclass
class _Membership:
    flows: set[str] = field(default_factory=set)
    sources: set[ox.NamedNode] = field(default_factory=set)
    estimated: set[str] = field(default_factory=set)
    estimates: set[str] = field(default_factory=set)
    uncensored: set[str] = field(default_factory=set)
    largest: int | None = None


def role_evidence(store: ox.Store) -> list[ox.Quad]:
    """The ``tk:RoleEvidence`` of every derived role membership in ``store``."""
    numbers: dict[str, list[tuple[str, object, object, object, object]]] = defaultdict(list)
    answer = store.query(QUERIES.load("role_evidence_numbers"), use_default_graph_as_union=True)
    assert isinstance(answer, ox.QuerySolutions)
    for flow, estimate, point, lower, upper, censored in answer:
        numbers[str(flow)].append((str(estimate), point, lower, upper, censored))
    answer = store.query(QUERIES.load("role_evidence_input"), use_default_graph_as_union=True)
    assert isinstance(answer, ox.QuerySolutions)
    found: dict[tuple[ox.NamedNode, ox.NamedNode], _Membership] = defaultdict(_Membership)
    for country, role, flow, source in answer:
        if not isinstance(country, ox.NamedNode) or not isinstance(role, ox.NamedNode):
            continue
        m = found[(country, role)]
        m.flows.add(str(flow))
        if isinstance(source, ox.NamedNode):
            m.sources.add(source)
        for estimate, point, lower, upper, censored in numbers.get(str(flow), ()):
            m.estimated.add(str(flow))
            m.estimates.add(estimate)
            if not (isinstance(censored, ox.Literal) and censored.value == "true"):
                m.uncensored.add(estimate)
            size = _first_int(point, upper, lower)
            if size is not None and (m.largest is None or size > m.largest):
                m.largest = size
    graph = ox.NamedNode(V.GRAPH_INFERRED)
    quads: list[ox.Quad] = []

    def add(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        quads.append(ox.Quad(s, ox.NamedNode(V.TK + p), o, graph))

    for (country, role), m in sorted(
        found.items(), key=lambda kv: (kv[0][0].value, kv[0][1].value)
    ):
        local = country.value.removeprefix(V.TKD + "country-")
        node = ox.NamedNode(V.mint_iri("membership", role.value.rpartition("/")[2], local))
        add(country, "roleEvidence", node)
        quads.append(
            ox.Quad(node, ox.NamedNode(V.RDF + "type"), ox.NamedNode(V.TK + "RoleEvidence"), graph)
        )
        add(node, "forRole", role)
        add(node, "flowCount", _int(len(m.flows)))
        add(node, "sourceCount", _int(len(m.sources)))
        add(node, "estimatedFlowCount", _int(len(m.estimated)))
        add(
            node,
            "allCensored",
            ox.Literal(str(bool(m.estimates) and not m.uncensored).lower(), datatype=_BOOLEAN),
        )
        for source in sorted(m.sources, key=lambda s: s.value):
            add(node, "evidenceSource", source)
        if m.largest is not None:
            add(node, "largestEstimate", _int(m.largest))
    return quads


def _int(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=_INTEGER)


def _first_int(*terms: object) -> int | None:
    for term in terms:
        if isinstance(term, ox.Literal) and term.datatype == _INTEGER:
            try:
                return int(term.value)
            except ValueError:
                return None
    return None


__all__ = ["NAME", "role_evidence"]
