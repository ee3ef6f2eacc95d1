"""The flow network: countries and regions as nodes, trafficking flows as edges.

``flow_network`` reads the store (SPARQL over the union of all graphs, queries in
``kg/sparql/flows_*.rq``) and returns a ``networkx.MultiDiGraph``:

* nodes are keyed by ISO 3166 alpha-3 code (countries) or M49 code (regions);
* each edge is one flow to one destination, keyed by the flow IRI, so parallel flows between the
  same pair (other years, forms or sources) stay apart and nothing is merged or summed;
* a number is carried once per flow: a component flow (``tk:partOfFlow``: a named destination of
  an aggregate, or a breakdown by form of a total) carries none and points at its aggregate
  with ``estimate_shared_with`` while the aggregate is among the edges; a breakdown with a
  number of its own carries it when its total is not (a map of one form). A flow to several
  destinations carries its number on the edge to its first destination (in code order) and the
  other edges point at the flow itself with ``estimate_shared_with``. Summing
  ``estimate_point`` per unit never double counts; different units are never added up.

Absent values are left out (no None), so GraphML/GEXF writers can declare every type.
"""

from __future__ import annotations

from operator import itemgetter
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.core import vocab as V
from kg.network.common import Network
from kg.network.read import (
    Flow,
    latest_tiers,
    local_name,
    read_flows,
    read_forms,
    read_places,
    resolve_country,
    resolve_form,
)

if TYPE_CHECKING:  # networkx loads only where a networkx graph is made
    import networkx as nx

FLOW_TYPES = ("aggregate", "component", "unknown")
ROLES = ("source", "destination", "both", "internal")


def select_flows(
    flows: dict[str, Flow],
    *,
    origin: str | None = None,
    country: str | None = None,
    form: str | None = None,
    form_tree: dict[str, set[str]] | None = None,
    year: int | None = None,
    top: int | None = None,
    ranks: dict[str, Flow] | None = None,
) -> list[Flow]:
    """Filter flows (IRIs for origin/country/form) and keep the ``top`` largest, in IRI order.

    Components rank with their aggregate, looked up in ``ranks`` (default: ``flows``)."""
    tree = form_tree or {}
    every = ranks if ranks is not None else flows
    kept = [
        f
        for f in flows.values()
        if (origin is None or f.origin == origin)
        and (country is None or country == f.origin or country in f.destinations)
        and (form is None or any(form in tree.get(x, {x}) for x in f.forms))
        and (year is None or f.year == year)
    ]
    if top is not None:

        def rank(f: Flow) -> tuple[int, str, str]:
            size = rank_size(f, every)
            return (-(size if size is not None else -1), f.part_of or f.iri, f.iri)

        kept = sorted(kept, key=rank)[: max(top, 0)]
    return sorted(kept, key=lambda f: f.iri)


def flow_network(
    store: ox.Store,
    *,
    origin: str | None = None,
    form: str | None = None,
    year: int | None = None,
    top: int | None = None,
    country: str | None = None,
) -> nx.MultiDiGraph:
    """The flows of ``store`` as a MultiDiGraph (see the module docstring for its shape).

    ``origin``/``country`` are ISO3 (or M49) codes, ``form`` a form slug or label (narrower
    forms match too), ``year`` a flow year, ``top`` keeps the N largest flows (components rank
    with their aggregate). Unknown codes or forms raise ``QueryError`` with a did-you-mean hint.
    """
    rows = flow_rows(store, origin=origin, form=form, year=year, top=top, country=country)
    return rows.to_networkx()


def flow_rows(
    store: ox.Store,
    *,
    origin: str | None = None,
    form: str | None = None,
    year: int | None = None,
    top: int | None = None,
    country: str | None = None,
) -> Network:
    """The network of ``flow_network`` as sorted rows (``kg.network.common.Network``), for the
    writers: no networkx graph is built."""
    places = read_places(store)
    origin_iri = resolve_country(store, origin, places) if origin else None
    country_iri = resolve_country(store, country, places) if country else None
    form_tree, _ = read_forms(store)
    form_iri = resolve_form(store, form) if form else None
    every = read_flows(store)
    chosen = select_flows(
        every, origin=origin_iri, country=country_iri, form=form_iri, form_tree=form_tree, year=year
    )
    matching = len(chosen)
    if top is not None:
        chosen = select_flows({f.iri: f for f in chosen}, top=top, ranks=every)
    rows = network_rows(chosen, places, latest_tiers(store))
    rows.graph["flows_matching"] = matching
    return rows


def rank_size(flow: Flow, every: dict[str, Flow]) -> int | None:
    """The number a flow is ranked by: its own magnitude, else its aggregate's."""
    size = flow.magnitude
    parent = every.get(flow.part_of) if flow.part_of else None
    if size is None and parent is not None:
        size = parent.magnitude
    return size


def map_flows(
    store: ox.Store,
    *,
    origin: str | None = None,
    form: str | None = None,
    year: int | None = None,
    country: str | None = None,
) -> tuple[nx.MultiDiGraph, dict[str, int | None], dict[str, set[str]]]:
    """For maps that choose the N largest themselves (and draw or offer the rest): the network
    of every flow matching the filters, each flow's rank size (:func:`rank_size`), and the form
    tree (form id → itself and its broader forms' ids), for filtering by form in a page."""
    places = read_places(store)
    origin_iri = resolve_country(store, origin, places) if origin else None
    country_iri = resolve_country(store, country, places) if country else None
    form_tree, _ = read_forms(store)
    form_iri = resolve_form(store, form) if form else None
    every = read_flows(store)
    chosen = select_flows(
        every, origin=origin_iri, country=country_iri, form=form_iri, form_tree=form_tree, year=year
    )
    graph = build_network(chosen, places, latest_tiers(store))
    graph.graph["flows_matching"] = len(chosen)
    sizes = {f.iri: rank_size(f, every) for f in chosen}
    tree = {
        local_name(k, "form-"): {local_name(x, "form-") for x in v} for k, v in form_tree.items()
    }
    return graph, sizes, tree


def _node_id(iri: str, places: dict[str, dict[str, Any]]) -> str:
    return str(places[iri]["code"]) if iri in places else V.shorten(iri)


def build_network(
    flows: list[Flow], places: dict[str, dict[str, Any]], tiers: dict[str, dict[str, Any]]
) -> nx.MultiDiGraph:
    """Assemble the MultiDiGraph from already selected flows (nodes and edges sorted)."""
    return network_rows(flows, places, tiers).to_networkx()


def network_rows(
    flows: list[Flow], places: dict[str, dict[str, Any]], tiers: dict[str, dict[str, Any]]
) -> Network:
    """The network of already selected flows as sorted rows (see ``build_network``)."""
    ids: dict[str, str] = {}  # place IRI → node id
    texts = _Texts()
    edges: list[tuple[str, str, str, dict[str, Any]]] = []
    selected = {f.iri for f in flows}
    for f in flows:
        for iri in (f.origin, *f.destinations):
            if iri not in ids:
                ids[iri] = _node_id(iri, places)
        origin = ids[f.origin]
        dests = (
            sorted({ids[d] for d in f.destinations})
            if len(f.destinations) > 1
            else [ids[d] for d in f.destinations]
        )
        alone = f.part_of is not None and f.part_of not in selected
        for i, dest in enumerate(dests):
            attrs = _edge_attrs(f, i, dests, texts, whole_absent=alone)
            edges.append((origin, dest, f.iri, attrs))
    edges.sort(key=itemgetter(0, 1, 2))
    by_id = {_node_id(iri, places): iri for iri in places}
    ends = sorted({e[0] for e in edges} | {e[1] for e in edges})
    senders = {u for u, v, _, _ in edges if u != v}
    receivers = {v for u, v, _, _ in edges if u != v}
    nodes: list[tuple[str, dict[str, Any]]] = []
    for node in ends:
        place = by_id.get(node)
        attrs = dict(places[place]) if place else {"label": node, "name": node, "kind": "place"}
        if place in tiers:
            attrs.update(tiers[place])
        attrs["role"] = _role(node in senders, node in receivers)
        nodes.append((node, attrs))
    return Network({"title": "kg trafficking flows", "flows": len(flows)}, nodes, edges)


def _role(out: bool, into: bool) -> str:
    """A place's role from whether it sends and receives cross-border flows."""
    if out and into:
        return "both"
    if out or into:
        return "source" if out else "destination"
    return "internal"


class _Texts:
    """The joined texts of the forms and of the sources of flows, each computed once: most
    flows share their forms and sources with many others."""

    def __init__(self) -> None:
        self.forms: dict[tuple[tuple[str, str], ...], tuple[str, str, str]] = {}
        self.sources: dict[tuple[tuple[str, tuple[str, str]], ...], dict[str, str]] = {}

    def of_forms(self, f: Flow) -> tuple[str, str, str]:
        """(forms, form_ids, what the label says) of a flow's forms."""
        key = tuple(f.forms.items())
        found = self.forms.get(key)
        if found is None:
            names = sorted(f.forms)
            labels = [f.forms[k] for k in names]
            found = (
                "; ".join(labels),
                "; ".join(local_name(k, "form-") for k in names),
                ", ".join(labels) or "flow",
            )
            self.forms[key] = found
        return found

    def of_sources(self, f: Flow) -> dict[str, str]:
        """The source_title, source_iri and reliability attributes of a flow's sources."""
        key = tuple(f.sources.items())
        found = self.sources.get(key)
        if found is None:
            keys = sorted(f.sources)
            found = {
                "source_title": "; ".join(f.sources[k][0] for k in keys),
                "source_iri": "; ".join(keys),
                "reliability": "; ".join(f.sources[k][1] or "unknown" for k in keys),
            }
            self.sources[key] = found
        return found


def _edge_attrs(
    f: Flow, index: int, dests: list[str], texts: _Texts, *, whole_absent: bool = False
) -> dict[str, Any]:
    forms, form_ids, what = texts.of_forms(f)
    a: dict[str, Any] = {
        "flow": f.iri,
        "forms": forms,
        "form_ids": form_ids,
        "flow_class": f.flow_class,
        "flow_type": f.flow_type,
    }
    # a part (a named destination, a breakdown by form) carries its own number only when its
    # aggregate or total is not among the edges
    carries = index == 0 and (f.part_of is None or (whole_absent and f.magnitude is not None))
    point, low, high = f.point, f.low, f.high
    if carries:
        if point is not None:
            a["estimate_point"] = a["weight"] = point
        if low is not None:
            a["estimate_low"] = low
            if point is None:
                a["weight"] = low
        if high is not None:
            a["estimate_high"] = high
    if f.part_of:
        a["part_of"] = f.part_of
        if not carries:
            a["estimate_shared_with"] = f.part_of
    elif not carries and f.magnitude is not None:
        a["estimate_shared_with"] = f.iri
    for key, value in (
        ("unit", f.unit),
        ("unit_label", f.unit_label),
        ("method", f.method),
        ("censored", f.censored),
        ("year", f.year),
        ("locator", f.locator),
    ):
        if value is not None:
            a[key] = value
    if len(dests) > 1:
        a["destinations"] = "; ".join(dests)
    if f.sources:
        a.update(texts.of_sources(f))
    a["label"] = _edge_label(f, what, carries)
    return a


def _edge_label(f: Flow, what: str, carries: bool) -> str:
    if not carries or f.magnitude is None:
        return what
    if f.point is not None:
        number = f"{f.point:,}"
    else:
        number = "–".join(f"{v:,}" for v in (f.low, f.high) if v is not None)
    return f"{what}: {number} {f.unit_label or f.unit or ''}".strip()


__all__ = [
    "FLOW_TYPES",
    "ROLES",
    "Flow",
    "build_network",
    "flow_network",
    "flow_rows",
    "latest_tiers",
    "map_flows",
    "network_rows",
    "rank_size",
    "read_flows",
    "read_forms",
    "read_places",
    "resolve_country",
    "resolve_form",
    "select_flows",
]
