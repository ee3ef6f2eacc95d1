"""The country dossier (``kg report ISO3``): everything the graph says about one country, read
with the SPARQL queries in ``kg/report/sparql/*.rq`` and rendered by :mod:`kg.report.html`.

Nothing in a dossier is typed by hand: every fact, number, label and source comes from the
graph; the page only adds headings and explanations of how to read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from kg.core import rq
from kg.core.errors import QueryError
from kg.network import flows as F
from kg.network.read import QUERIES as NETWORK_QUERIES
from kg.report.model import Dossier, Record, group

#: The SPARQL files of the dossier (``kg/report/sparql/*.rq``).
QUERIES = rq.Library("kg.report")


def dossier(
    store: ox.Store,
    code: str,
    *,
    places: dict[str, dict[str, Any]] | None = None,
    latest: dict[str, dict[str, Any]] | None = None,
    flows: dict[str, Any] | None = None,
    rows: Mapping[str, Mapping[str, list[Record]]] | None = None,
    tier_table: Any = None,
) -> Dossier:
    """Read everything the dossier of country ``code`` (ISO3) shows; QueryError if unknown.

    A caller that shows many dossiers of the same store (kg serve) passes what does not depend
    on the country, read once: ``places`` (``kg.network.read_places``), ``latest``
    (``kg.network.latest_tiers`` of every country) and ``flows`` (``kg.network.read_flows`` of
    the whole store: the country's own are picked from them), and ``rows``: query name →
    country IRI → that country's rows of the dossier query of that name, read for every
    country at once (``kg.server.siteindex``); a query not in ``rows`` runs for the country;
    ``tier_table`` (``kg.viz.series.tier_table`` of the store) gives the tier timeline."""
    places = places if places is not None else F.read_places(store)
    iri = F.resolve_country(store, code, places)
    if places[iri]["kind"] != "country":
        raise QueryError(f"{code!r} is a region, not a country", hint="give an ISO3 code")
    c = {"country": iri}

    def select(name: str) -> list[Record]:
        if rows is not None and name in rows:
            return [dict(r) for r in rows[name].get(iri, ())]
        return QUERIES.select(store, name, **c)

    country = group(select("country"), "country", ("alt", "regionLabel"))
    d = Dossier(iri=iri, code=str(places[iri]["code"]), country=country[0], places=places)
    d.tiers = sorted(
        [r for r in NETWORK_QUERIES.select(store, "tiers", **c)],
        key=lambda r: (rq.integer(r, "year") or 0, rq.text(r, "assessment")),
    )
    d.assessments = group(select("assessments"), "assessment", ("roleLabel", "form"))
    forms: dict[str, Record] = {}
    for r in select("assessments"):
        if r.get("form"):
            entry = forms.setdefault(rq.text(r, "form"), dict(r))
            entry["principal"] = entry.get("principal") is True or r.get("principal") is True
    victims = select("victims")
    for a in d.assessments:
        a["forms"] = [forms[str(f)] for f in a["form"]]
        mine = [r for r in victims if r.get("assessment") == a.get("assessment")]
        a["victims"] = group(mine, "fact", ("groupLabel",))
    every = flows if flows is not None else F.read_flows(store, country=iri)
    d.flows = F.select_flows(every, country=iri)
    d.policies = group(
        select("policies"),
        "policy",
        ("effectLabel", "formLabel", "flow", "ordinal", "kindLabel"),
    )
    d.recommendations = group(
        select("recommendations"),
        "recommendation",
        ("formLabel", "policyLabel", "treatyLabel", "actionLabel", "pillarLabel", "statusLabel"),
    )
    d.claims = group(select("claims"), "claim", ("sourceTitle",))
    by_claim = {str(x["claim"]): x for x in d.claims}
    pairs = group(
        [{**r, "pair": f"{r['a']} {r['b']}"} for r in select("contradictions")],
        "pair",
        ("resolution", "rationale", "preferred"),
    )
    for p in pairs:
        p["left"], p["right"] = by_claim.get(str(p["a"])), by_claim.get(str(p["b"]))
    d.contradictions = [p for p in pairs if p["left"] and p["right"]]
    d.statistics = group(select("statistics"), "statistic")
    d.roles = group(select("roles"), "evidence")
    d.sources = group(select("sources"), "doc")
    for r in select("review"):
        d.review[rq.text(r, "fact")] = rq.text(r, "status").rsplit("review-", 1)[-1]
        if r.get("tool") and str(r["tool"]) not in d.review_tools:
            d.review_tools.append(str(r["tool"]))
    d.charts = _charts(store, d, places, tier_table, rows)
    if d.flows:
        from kg.viz.maps import flow_map_svg

        ends = sorted({f.origin for f in d.flows} | {x for f in d.flows for x in f.destinations})
        tiers = latest if latest is not None else F.latest_tiers(store, ends)
        graph = F.build_network(d.flows, places, tiers)
        graph.graph["flows_matching"] = len(d.flows)
        d.flow_svg = flow_map_svg(
            graph, title=f"Flows to and from {d.country.get('label', code)}", focal=d.code
        )
    return d


def _charts(
    store: ox.Store,
    d: Dossier,
    places: dict[str, Any],
    table: Any = None,
    rows: Mapping[str, Mapping[str, list[Record]]] | None = None,
) -> list[tuple[str, str]]:
    """The country at a glance: tier timeline, detected victims, 4P findings (when it has
    any of them)."""
    from kg.viz.detections import detections_svg
    from kg.viz.detectread import detections
    from kg.viz.pillars import pillar_findings, pillars_svg
    from kg.viz.series import CountryTiers, country_tiers
    from kg.viz.tiercharts import timeline_svg

    label = str(d.country.get("label") or d.code)
    out = []
    row = table.country(d.code) if table is not None else None
    if table is None:
        tiers = country_tiers(store, d.iri, d.code, label)
    else:  # the same placements, from the table read once for every country
        tiers = CountryTiers(d.code, label, "", "", dict(row.years) if row else {})
    if tiers.years:
        out.append(("Tier history", timeline_svg(tiers)))
    found = detections(store, d.code, places=places, prefetched=rows)
    if found.years:
        out.append(("Identified victims detected per year", detections_svg(found)))
    findings = pillar_findings(store, d.code, places=places)
    if not findings.empty:
        out.append(("4P findings", pillars_svg(findings)))
    return out


def render_report(store: ox.Store, code: str) -> bytes:
    """The dossier of country ``code`` as one self-contained HTML page (UTF-8 bytes)."""
    from kg.report.html import dossier_html

    return dossier_html(dossier(store, code)).encode("utf-8")


#: The name ``kg serve`` looks up to render ``/report/<ISO3>.html``.
render_report_html = render_report

__all__ = ["Dossier", "Record", "dossier", "group", "render_report", "render_report_html"]
