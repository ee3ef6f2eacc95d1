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

from operator import attrgetter
from typing import TYPE_CHECKING

from kg.core.kept import Queryable
from kg.network.common import Network
from kg.network.edges import build_network, network_rows
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
    no_filter = origin is None and country is None and form is None and year is None
    kept = [
        f
        for f in flows.values()
        if no_filter
        or (
            (origin is None or f.origin == origin)
            and (country is None or country == f.origin or country in f.destinations)
            and (form is None or any(form in tree.get(x, {x}) for x in f.forms))
            and (year is None or f.year == year)
        )
    ]
    if top is not None:

        def rank(f: Flow) -> tuple[int, str, str]:
            size = rank_size(f, every)
            return (-(size if size is not None else -1), f.part_of or f.iri, f.iri)

        kept = sorted(kept, key=rank)[: max(top, 0)]
    return sorted(kept, key=attrgetter("iri"))


def flow_network(
    store: Queryable,
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
    store: Queryable,
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
    form_tree, names = read_forms(store)
    form_iri = resolve_form(store, form, names) if form else None
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
    store: Queryable,
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
    form_tree, names = read_forms(store)
    form_iri = resolve_form(store, form, names) if form else None
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
