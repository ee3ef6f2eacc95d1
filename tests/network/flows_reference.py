"""How kg read flows and built the flow network before it read them as TSV and cached the
joined texts (kg.network.read.read_flows, kg.network.flows.build_network): one row per flow and
estimate with every label joined in, as pyoxigraph terms. The reference the fast path must agree
with (tests/network/test_read_fast.py)."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pyoxigraph as ox

from kg.core import rq
from kg.core import vocab as V
from kg.network.read import Flow, latest_tiers, local_name, read_places

FLOWS = """\
# Every trafficking flow with its class, aggregate/component structure, year and estimate.
# A flow with several estimates gives one row per estimate (kg.flows keeps the first).
PREFIX tk: <https://w3id.org/kg-tip/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>

SELECT ?flow ?origin ?class ?aggregate ?partOf ?year ?estimate ?point ?low ?high ?unit
       ?unitLabel ?method ?methodLabel ?censored ?locator
WHERE {
  ?flow tk:origin ?origin .
  OPTIONAL { ?flow a ?class . FILTER (?class IN (tk:CrossBorderFlow, tk:InternalFlow)) }
  OPTIONAL { ?flow tk:isAggregate ?aggregate }
  OPTIONAL { ?flow tk:partOfFlow ?partOf }
  OPTIONAL { ?flow tk:year ?year }
  OPTIONAL { ?flow tk:locator ?locator }
  OPTIONAL {
    ?flow tk:hasEstimate ?estimate .
    OPTIONAL { ?estimate tk:pointValue ?point }
    OPTIONAL { ?estimate tk:lowerBound ?low }
    OPTIONAL { ?estimate tk:upperBound ?high }
    OPTIONAL { ?estimate tk:countUnit ?unit . OPTIONAL { ?unit skos:prefLabel ?unitLabel } }
    OPTIONAL { ?estimate tk:estimateMethod ?method .
               OPTIONAL { ?method skos:prefLabel ?methodLabel } }
    OPTIONAL { ?estimate tk:censored ?censored }
  }
}
ORDER BY ?flow ?estimate
"""

LINKS = """\
# The many-valued links of flows: destinations, forms and the sources that state them.
PREFIX tk: <https://w3id.org/kg-tip/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>

SELECT ?flow ?link ?target ?label ?reliability
WHERE {
  {
    ?flow tk:origin ?o ; tk:destination ?target . BIND ("destination" AS ?link)
  } UNION {
    ?flow tk:origin ?o ; tk:concernsForm ?target . BIND ("form" AS ?link)
    OPTIONAL { ?target skos:prefLabel ?label }
  } UNION {
    ?flow tk:origin ?o ; tk:statedIn ?target . BIND ("source" AS ?link)
    OPTIONAL { ?target dcterms:title ?label }
    OPTIONAL { ?target tk:reliability/skos:prefLabel ?reliability }
  }
}
ORDER BY ?flow ?link ?target
"""


def _select(store: ox.Store, query: str) -> list[rq.Row]:
    result = store.query(query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: rq.value(row[n]) for n in names} for row in result]


def _bool(v: object) -> bool | None:
    return v if isinstance(v, bool) else None


def read_flows(store: ox.Store) -> dict[str, Flow]:
    flows: dict[str, Flow] = {}
    for r in _select(store, FLOWS):
        iri = rq.text(r, "flow")
        if iri in flows:
            continue
        cls = rq.text(r, "class")
        unit = r.get("unit")
        flows[iri] = Flow(
            iri=iri,
            origin=rq.text(r, "origin"),
            flow_class={"CrossBorderFlow": "cross-border", "InternalFlow": "internal"}.get(
                local_name(cls, ""), "unknown"
            ),
            aggregate=r.get("aggregate") is True,
            part_of=rq.text(r, "partOf") or None,
            year=rq.integer(r, "year"),
            point=rq.integer(r, "point"),
            low=rq.integer(r, "low"),
            high=rq.integer(r, "high"),
            unit=local_name(str(unit), "unit-") if unit else None,
            unit_label=rq.text(r, "unitLabel") or None,
            method=rq.text(r, "methodLabel") or None,
            censored=_bool(r.get("censored")),
            locator=rq.text(r, "locator") or None,
        )
    for r in _select(store, LINKS):
        flow = flows.get(rq.text(r, "flow"))
        if flow is None:
            continue
        target, label = rq.text(r, "target"), rq.text(r, "label")
        if r["link"] == "destination" and target not in flow.destinations:
            flow.destinations.append(target)
        elif r["link"] == "form":
            flow.forms[target] = label or local_name(target, "form-")
        elif r["link"] == "source":
            flow.sources[target] = (label or V.shorten(target), rq.text(r, "reliability"))
    return flows


def _node_id(iri: str, places: dict[str, dict[str, Any]]) -> str:
    return str(places[iri]["code"]) if iri in places else V.shorten(iri)


def build_network(
    flows: list[Flow], places: dict[str, dict[str, Any]], tiers: dict[str, dict[str, Any]]
) -> nx.MultiDiGraph:
    """Assemble the MultiDiGraph from already selected flows (nodes and edges sorted)."""
    edges: list[tuple[str, str, str, dict[str, Any]]] = []
    for f in flows:
        dests = sorted({_node_id(d, places) for d in f.destinations})
        for i, dest in enumerate(dests):
            edges.append((_node_id(f.origin, places), dest, f.iri, _edge_attrs(f, i, dests)))
    edges.sort(key=lambda e: (e[0], e[1], e[2]))
    by_id = {_node_id(iri, places): iri for iri in places}
    g = nx.MultiDiGraph(title="kg trafficking flows", flows=len(flows))
    ends = sorted({e[0] for e in edges} | {e[1] for e in edges})
    senders = {u for u, v, _, _ in edges if u != v}
    receivers = {v for u, v, _, _ in edges if u != v}
    for node in ends:
        iri = by_id.get(node)
        attrs = dict(places[iri]) if iri else {"label": node, "name": node, "kind": "place"}
        if iri in tiers:
            attrs.update(tiers[iri])
        attrs["role"] = _role(node in senders, node in receivers)
        g.add_node(node, **attrs)
    for u, v, key, attrs in edges:
        g.add_edge(u, v, key=key, **attrs)
    return g


def _role(out: bool, into: bool) -> str:
    """A place's role from whether it sends and receives cross-border flows."""
    if out and into:
        return "both"
    if out or into:
        return "source" if out else "destination"
    return "internal"


def _edge_attrs(f: Flow, index: int, dests: list[str]) -> dict[str, Any]:
    forms = [f.forms[k] for k in sorted(f.forms)]
    a: dict[str, Any] = {
        "flow": f.iri,
        "forms": "; ".join(forms),
        "form_ids": "; ".join(local_name(k, "form-") for k in sorted(f.forms)),
        "flow_class": f.flow_class,
        "flow_type": f.flow_type,
    }
    carries = f.part_of is None and index == 0
    if carries:
        numbers = (("estimate_point", f.point), ("estimate_low", f.low), ("estimate_high", f.high))
        a.update((k, n) for k, n in numbers if n is not None)
        weight = f.point if f.point is not None else f.low
        if weight is not None:
            a["weight"] = weight
    if f.part_of:
        a["part_of"] = a["estimate_shared_with"] = f.part_of
    elif not carries and f.magnitude is not None:
        a["estimate_shared_with"] = f.iri
    extra: tuple[tuple[str, object], ...] = (
        ("unit", f.unit),
        ("unit_label", f.unit_label),
        ("method", f.method),
        ("censored", f.censored),
        ("year", f.year),
        ("locator", f.locator),
    )
    a.update((k, v) for k, v in extra if v is not None)
    if len(dests) > 1:
        a["destinations"] = "; ".join(dests)
    if f.sources:
        keys = sorted(f.sources)
        a["source_title"] = "; ".join(f.sources[k][0] for k in keys)
        a["source_iri"] = "; ".join(keys)
        a["reliability"] = "; ".join(f.sources[k][1] or "unknown" for k in keys)
    a["label"] = _edge_label(f, forms, carries)
    return a


def _edge_label(f: Flow, forms: list[str], carries: bool) -> str:
    what = ", ".join(forms) or "flow"
    if not carries or f.magnitude is None:
        return what
    if f.point is not None:
        number = f"{f.point:,}"
    else:
        number = "–".join(f"{v:,}" for v in (f.low, f.high) if v is not None)
    return f"{what}: {number} {f.unit_label or f.unit or ''}".strip()


def flow_network(store: ox.Store) -> nx.MultiDiGraph:
    """The whole flow network as kg built it before (no filters)."""
    chosen = sorted(read_flows(store).values(), key=lambda f: f.iri)
    graph = build_network(chosen, read_places(store), latest_tiers(store))
    graph.graph["flows_matching"] = len(chosen)
    return graph
