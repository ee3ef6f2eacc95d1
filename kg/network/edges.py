"""The flow network's sorted rows (``kg.network.common.Network``) from already selected flows:
one edge per flow and destination with its attributes, and the places at their ends as nodes
(see ``kg.network.flows`` for the network's shape)."""

from __future__ import annotations

from operator import itemgetter
from typing import TYPE_CHECKING, Any

from kg.core import vocab as V
from kg.network.common import Network
from kg.network.read import Flow, local_name, paused_gc

if TYPE_CHECKING:  # networkx loads only where a networkx graph is made
    import networkx as nx


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
    with paused_gc():
        return _network_rows(flows, places, tiers)


def _network_rows(
    flows: list[Flow], places: dict[str, dict[str, Any]], tiers: dict[str, dict[str, Any]]
) -> Network:
    ids = _Ids(places)  # place IRI → node id
    texts = _Texts()
    edges: list[tuple[str, str, str, dict[str, Any]]] = []
    add = edges.append
    selected = {f.iri for f in flows}
    for f in flows:
        origin = ids[f.origin]
        destinations = f.destinations
        if len(destinations) > 1:
            dests = sorted({ids[d] for d in destinations})
        elif destinations:
            dests = [ids[destinations[0]]]
        else:
            continue
        alone = f.part_of is not None and f.part_of not in selected
        for i, dest in enumerate(dests):
            add((origin, dest, f.iri, _edge_attrs(f, i, dests, texts, alone)))
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


class _Ids(dict[str, str]):
    """Place IRI → node id, each computed once."""

    def __init__(self, places: dict[str, dict[str, Any]]) -> None:
        super().__init__()
        self.places = places

    def __missing__(self, iri: str) -> str:
        found = self[iri] = _node_id(iri, self.places)
        return found


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
    f: Flow, index: int, dests: list[str], texts: _Texts, whole_absent: bool = False
) -> dict[str, Any]:
    forms, form_ids, what = texts.of_forms(f)
    part_of = f.part_of
    a: dict[str, Any] = {
        "flow": f.iri,
        "forms": forms,
        "form_ids": form_ids,
        "flow_class": f.flow_class,
        "flow_type": "component" if part_of else "aggregate" if f.aggregate else "unknown",
    }
    point, low, high = f.point, f.low, f.high
    magnitude = point if point is not None else high if high is not None else low
    # a part (a named destination, a breakdown by form) carries its own number only when its
    # aggregate or total is not among the edges
    carries = index == 0 and (part_of is None or (whole_absent and magnitude is not None))
    if carries:
        if point is not None:
            a["estimate_point"] = a["weight"] = point
        if low is not None:
            a["estimate_low"] = low
            if point is None:
                a["weight"] = low
        if high is not None:
            a["estimate_high"] = high
    if part_of:
        a["part_of"] = part_of
        if not carries:
            a["estimate_shared_with"] = part_of
    elif not carries and magnitude is not None:
        a["estimate_shared_with"] = f.iri
    unit, unit_label = f.unit, f.unit_label
    if unit is not None:
        a["unit"] = unit
    if unit_label is not None:
        a["unit_label"] = unit_label
    if f.method is not None:
        a["method"] = f.method
    if f.censored is not None:
        a["censored"] = f.censored
    if f.year is not None:
        a["year"] = f.year
    if f.locator is not None:
        a["locator"] = f.locator
    if len(dests) > 1:
        a["destinations"] = "; ".join(dests)
    if f.sources:
        a.update(texts.of_sources(f))
    if not carries or magnitude is None:
        a["label"] = what
    else:
        if point is not None:
            number = f"{point:,}"
        else:
            number = "–".join(f"{v:,}" for v in (low, high) if v is not None)
        a["label"] = f"{what}: {number} {unit_label or unit or ''}".strip()
    return a


__all__ = ["build_network", "network_rows"]
