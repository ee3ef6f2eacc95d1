"""The country dossier (``kg report ISO3``): everything the graph says about one country, read
with the SPARQL queries in ``kg/sparql/report_*.rq`` and rendered by ``kg.report_html``.

Nothing in a dossier is typed by hand: every fact, number, label and source comes from the
graph; the page only adds headings and explanations of how to read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg import flows as F
from kg import rq
from kg.errors import QueryError

Record = dict[str, Any]


def group(rows: list[rq.Row], key: str, many: tuple[str, ...] = ()) -> list[Record]:
    """Merge rows that share ``key``: single fields from the first row, ``many`` fields as
    de-duplicated lists in first-seen order. Groups keep the order of first appearance."""
    out: dict[str, Record] = {}
    for row in rows:
        k = rq.text(row, key)
        if k not in out:
            out[k] = {n: v for n, v in row.items() if n not in many}
            for n in many:
                out[k][n] = []
        for n in many:
            v = row.get(n)
            if v is not None and v not in out[k][n]:
                out[k][n].append(v)
    return list(out.values())


@dataclass
class Dossier:
    """What the dossier of one country shows (each list already in display order)."""

    iri: str
    code: str
    country: Record
    tiers: list[Record] = field(default_factory=list)
    assessments: list[Record] = field(default_factory=list)
    flows: list[F.Flow] = field(default_factory=list)
    places: dict[str, dict[str, Any]] = field(default_factory=dict)
    policies: list[Record] = field(default_factory=list)
    recommendations: list[Record] = field(default_factory=list)
    claims: list[Record] = field(default_factory=list)
    contradictions: list[Record] = field(default_factory=list)
    statistics: list[Record] = field(default_factory=list)
    sources: list[Record] = field(default_factory=list)
    flow_svg: str = ""


def dossier(store: ox.Store, code: str) -> Dossier:
    """Read everything the dossier of country ``code`` (ISO3) shows; QueryError if unknown."""
    places = F.read_places(store)
    iri = F.resolve_country(store, code, places)
    if places[iri]["kind"] != "country":
        raise QueryError(f"{code!r} is a region, not a country", hint="give an ISO3 code")
    c = {"country": iri}
    country = group(rq.select(store, "report_country", **c), "country", ("alt", "regionLabel"))
    d = Dossier(iri=iri, code=str(places[iri]["code"]), country=country[0], places=places)
    d.tiers = sorted(
        [r for r in rq.select(store, "flows_tiers", **c)],
        key=lambda r: (rq.integer(r, "year") or 0, rq.text(r, "assessment")),
    )
    d.assessments = group(
        rq.select(store, "report_assessments", **c), "assessment", ("roleLabel", "form")
    )
    forms: dict[str, Record] = {}
    for r in rq.select(store, "report_assessments", **c):
        if r.get("form"):
            entry = forms.setdefault(rq.text(r, "form"), dict(r))
            entry["principal"] = entry.get("principal") is True or r.get("principal") is True
    for a in d.assessments:
        a["forms"] = [forms[str(f)] for f in a["form"]]
    every = F.read_flows(store)
    d.flows = F.select_flows(every, country=iri)
    d.policies = group(
        rq.select(store, "report_policies", **c),
        "policy",
        ("effectLabel", "formLabel", "flow", "ordinal", "kindLabel"),
    )
    d.recommendations = group(
        rq.select(store, "report_recommendations", **c),
        "recommendation",
        ("formLabel", "policyLabel", "treatyLabel", "actionLabel", "pillarLabel", "statusLabel"),
    )
    d.claims = group(rq.select(store, "report_claims", **c), "claim", ("sourceTitle",))
    by_claim = {str(x["claim"]): x for x in d.claims}
    pairs = group(
        [
            {**r, "pair": f"{r['a']} {r['b']}"}
            for r in rq.select(store, "report_contradictions", **c)
        ],
        "pair",
        ("resolution", "rationale", "preferred"),
    )
    for p in pairs:
        p["left"], p["right"] = by_claim.get(str(p["a"])), by_claim.get(str(p["b"]))
    d.contradictions = [p for p in pairs if p["left"] and p["right"]]
    d.statistics = group(rq.select(store, "report_statistics", **c), "statistic")
    d.sources = group(rq.select(store, "report_sources", **c), "doc")
    if d.flows:
        from kg.viz import flow_map_svg

        graph = F.build_network(d.flows, places, F.latest_tiers(store))
        graph.graph["flows_matching"] = len(d.flows)
        d.flow_svg = flow_map_svg(graph, title=f"Flows to and from {d.country.get('label', code)}")
    return d


def render_report(store: ox.Store, code: str) -> bytes:
    """The dossier of country ``code`` as one self-contained HTML page (UTF-8 bytes)."""
    from kg.report_html import dossier_html

    return dossier_html(dossier(store, code)).encode("utf-8")


#: The name ``kg serve`` looks up to render ``/report/<ISO3>.html``.
render_report_html = render_report

__all__ = ["Dossier", "dossier", "group", "render_report", "render_report_html"]
