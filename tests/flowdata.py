"""A larger synthetic flows store for tests: the shipped reference data and ontology plus a
few thousand generated flows (deterministic), some aggregates with components, two units."""

from __future__ import annotations

import random

import pyoxigraph as ox

from kg.core import vocab as V
from kg.core.terms import boolean, integer, tk, year_literal

UNITS = ("unit-identified-victims", "unit-overseas-workers")
FORMS = (
    "form-forced-labour",
    "form-sex-trafficking",
    "form-domestic-servitude",
    "form-forced-begging",
)
GRAPH = ox.NamedNode(V.source_graph("synthetic"))
RDF_TYPE = ox.NamedNode(V.RDF + "type")


def country_codes(store: ox.Store) -> list[str]:
    """ISO3 codes of the countries that have coordinates."""
    rows = store.query(
        "PREFIX tk: <https://w3id.org/kg-tip/ontology#> SELECT ?c WHERE "
        "{ ?x tk:iso3166Alpha3 ?c ; tk:latitude ?lat } ORDER BY ?c",
        use_default_graph_as_union=True,
    )
    assert isinstance(rows, ox.QuerySolutions)
    return [str(r["c"].value) for r in rows]


def synthetic_store(base: ox.Store, n: int = 3000, seed: int = 7) -> ox.Store:
    """A copy of ``base`` plus ``n`` synthetic flows (every 10th an aggregate with 2 parts)."""
    store = ox.Store()
    store.extend(base)
    rnd = random.Random(seed)
    codes = country_codes(base)
    quads: list[ox.Quad] = []

    def add(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        quads.append(ox.Quad(s, tk(p) if ":" not in p else ox.NamedNode(p), o, GRAPH))

    i = 0
    while i < n:
        flow = ox.NamedNode(V.mint_iri("flow", "synthetic", i))
        origin, dest = rnd.sample(codes, 2)
        add(flow, V.RDF + "type", tk("CrossBorderFlow"))
        add(flow, "origin", ox.NamedNode(V.mint_iri("country", origin)))
        add(flow, "destination", ox.NamedNode(V.mint_iri("country", dest)))
        add(flow, "concernsForm", ox.NamedNode(V.concept(rnd.choice(FORMS))))
        add(flow, "year", year_literal(rnd.randint(2015, 2020)))
        estimate = ox.NamedNode(V.mint_iri("estimate", "synthetic", i))
        add(flow, "hasEstimate", estimate)
        add(estimate, V.RDF + "type", tk("Estimate"))
        add(estimate, "pointValue", integer(rnd.randint(10, 100_000)))
        add(estimate, "countUnit", ox.NamedNode(V.concept(UNITS[i % 2])))
        add(estimate, "estimateMethod", ox.NamedNode(V.concept("method-aggregated-records")))
        i += 1
        if i % 10 == 0 and i + 2 <= n:
            add(flow, "isAggregate", boolean(True))
            for _ in range(2):
                part = ox.NamedNode(V.mint_iri("flow", "synthetic", i))
                add(part, V.RDF + "type", tk("CrossBorderFlow"))
                add(part, "origin", ox.NamedNode(V.mint_iri("country", origin)))
                add(part, "destination", ox.NamedNode(V.mint_iri("country", rnd.choice(codes))))
                add(part, "concernsForm", ox.NamedNode(V.concept(FORMS[0])))
                add(part, "partOfFlow", flow)
                i += 1
    store.extend(quads)
    return store


TIERS = ("tier-1", "tier-2", "tier-2wl", "tier-3")
TIER_GRAPH = ox.NamedNode(V.source_graph("synthetic-tiers"))
JTIP = ox.NamedNode(V.mint_iri("agent", "us-dos-jtip"))


def add_tiers(store: ox.Store, countries: int = 40, seed: int = 11) -> None:
    """J/TIP tier placements for ``countries`` countries over 2001–2025, with gaps (years left
    out at random), shaped like the importers' output; from 2020 on, half the placements are
    restatements in a document of another body (``tk:restates`` J/TIP, as the Factbook)."""
    rnd = random.Random(seed)
    every = country_codes(store)
    codes = every[:: max(1, len(every) // countries)][:countries]
    official_doc = ox.NamedNode(V.mint_iri("source", "synthetic-tiers"))
    restating_doc = ox.NamedNode(V.mint_iri("source", "synthetic-restatements"))
    restater = ox.NamedNode(V.mint_iri("agent", "cia-world-factbook"))
    quads: list[ox.Quad] = []

    def add(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        pred = ox.NamedNode(p) if "://" in p else tk(p)
        quads.append(ox.Quad(s, pred, o, TIER_GRAPH))

    for doc, publisher in ((official_doc, JTIP), (restating_doc, restater)):
        add(doc, V.RDF + "type", tk("SourceDocument"))
        add(doc, "docType", ox.NamedNode(V.concept("doc-dataset")))
        add(doc, "reliability", ox.NamedNode(V.concept("reliability-official")))
        add(doc, "http://purl.org/dc/terms/publisher", publisher)
    for code in codes:
        tier = rnd.randrange(4)
        for year in range(2001, 2026):
            if rnd.random() < 0.15:
                continue  # a gap: no placement that year
            tier = max(0, min(3, tier + rnd.choice((-1, 0, 0, 0, 1))))
            restated = year >= 2020 and rnd.random() < 0.5
            key = f"{code.lower()}_{year}"
            assessment = ox.NamedNode(V.mint_iri("assessment", "synthetic-tiers", key))
            placement = ox.NamedNode(V.mint_iri("tier", "synthetic-tiers", key))
            add(assessment, V.RDF + "type", tk("Assessment"))
            add(assessment, "assessedCountry", ox.NamedNode(V.mint_iri("country", code)))
            add(assessment, "hasTierPlacement", placement)
            add(placement, V.RDF + "type", tk("TierPlacement"))
            add(placement, "tier", ox.NamedNode(V.concept(TIERS[tier])))
            add(placement, "locator", ox.Literal(f"row {key}"))
            if restated:
                add(assessment, "assessor", restater)
                add(assessment, "publishedIn", restating_doc)
                add(placement, "restates", JTIP)
                add(placement, "restatedReportYear", year_literal(year))
                add(placement, "statedIn", restating_doc)
            else:
                add(assessment, "assessor", JTIP)
                add(assessment, "reportYear", year_literal(year))
                add(assessment, "publishedIn", official_doc)
                add(placement, "statedIn", official_doc)
    store.extend(quads)


DETECTIONS_GRAPH = ox.NamedNode(V.source_graph("synthetic-detections"))
#: (origin, destination, year, exact count or None for a censored "<5" cell)
DETECTIONS = (
    ("MMR", "THA", 2018, 120),
    ("MMR", "THA", 2019, 150),
    ("MMR", "THA", 2020, 90),
    ("LAO", "THA", 2018, 40),
    ("LAO", "THA", 2020, 35),
    ("KHM", "THA", 2019, None),
    ("VNM", "THA", 2019, None),
    ("THA", "THA", 2018, 300),
    ("THA", "THA", 2019, 280),
    ("THA", "USA", 2019, 12),
    ("THA", "MYS", 2020, None),
)
DETECTED_TOTALS = {2018: 470, 2019: 450}


def add_detections(store: ox.Store) -> None:
    """GLOTIP-shaped detections of Thailand (flows of identified victims, "<5" cells as the
    censored range 1–4, national totals) and one CTDC-shaped flow that must never be added."""
    quads: list[ox.Quad] = []

    def add(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        pred = ox.NamedNode(p) if "://" in p else tk(p)
        quads.append(ox.Quad(s, pred, o, DETECTIONS_GRAPH))

    docs = {
        "glotip": (ox.NamedNode(V.mint_iri("source", "synthetic-glotip")), "agent", "unodc"),
        "ctdc": (ox.NamedNode(V.mint_iri("source", "synthetic-ctdc")), "agent", "ctdc"),
    }
    for doc, _, who in docs.values():
        add(doc, V.RDF + "type", tk("SourceDocument"))
        add(doc, "http://purl.org/dc/terms/publisher", ox.NamedNode(V.mint_iri("agent", who)))
        add(doc, "http://purl.org/dc/terms/title", ox.Literal(f"Synthetic {who} detections"))

    def estimate(node: ox.NamedNode, count: int | None, method: str, doc: ox.NamedNode) -> None:
        add(node, V.RDF + "type", tk("Estimate"))
        if count is None:
            add(node, "lowerBound", integer(1))
            add(node, "upperBound", integer(4))
            add(node, "censored", boolean(True))
        else:
            add(node, "pointValue", integer(count))
        add(node, "countUnit", ox.NamedNode(V.concept("unit-identified-victims")))
        add(node, "estimateMethod", ox.NamedNode(V.concept(method)))
        add(node, "statedIn", doc)

    rows = [(*r, "glotip") for r in DETECTIONS] + [("MMR", "THA", 2019, 999, "ctdc")]
    for origin, dest, year, count, which in rows:
        doc = docs[which][0]
        key = f"{which}_{origin}_{dest}_{year}".lower()
        node = ox.NamedNode(V.mint_iri("flow", "synthetic-det", key))
        kind = "InternalFlow" if origin == dest else "CrossBorderFlow"
        add(node, V.RDF + "type", tk(kind))
        add(node, "origin", ox.NamedNode(V.mint_iri("country", origin)))
        add(node, "destination", ox.NamedNode(V.mint_iri("country", dest)))
        add(node, "year", year_literal(year))
        add(node, "statedIn", doc)
        est = ox.NamedNode(V.mint_iri("estimate", "synthetic-det", key))
        add(node, "hasEstimate", est)
        method = "method-official-statistic" if which == "glotip" else "method-aggregated-records"
        estimate(est, count, method, doc)
    for year, total in DETECTED_TOTALS.items():
        node = ox.NamedNode(V.mint_iri("statistic", "synthetic-det", f"tha_{year}"))
        add(node, V.RDF + "type", tk("CountryStatistic"))
        add(node, "statisticOf", ox.NamedNode(V.mint_iri("country", "THA")))
        add(node, "indicator", ox.NamedNode(V.concept("indicator-victims-detected")))
        add(node, "year", year_literal(year))
        est = ox.NamedNode(V.mint_iri("estimate", "synthetic-det", f"tha_total_{year}"))
        add(node, "hasEstimate", est)
        estimate(est, total, "method-official-statistic", docs["glotip"][0])
    store.extend(quads)


def rich_store(base: ox.Store, flows: int = 400) -> ox.Store:
    """``base`` with synthetic flows, tiers and detections, derived again as a build derives
    it."""
    from kg.graph.rules import apply_rules

    store = synthetic_store(base, n=flows)
    add_tiers(store)
    add_detections(store)
    apply_rules(store)
    return store


def subjects(store: ox.Store, query: str) -> list[ox.NamedNode]:
    """The IRIs in the first column of ``query`` (``tk:`` declared), sorted."""
    rows = store.query(f"PREFIX tk: <{V.TK}> {query}", use_default_graph_as_union=True)
    assert isinstance(rows, ox.QuerySolutions)
    return sorted((r[0] for r in rows if isinstance(r[0], ox.NamedNode)), key=str)


def assessed_countries(store: ox.Store) -> list[str]:
    """The IRIs of the countries that assessments assess, sorted."""
    found = subjects(store, "SELECT DISTINCT ?c WHERE { [] tk:assessedCountry ?c }")
    return [c.value for c in found]


def with_victim_groups(base: ox.Store) -> ox.Store:
    """A copy of ``base`` with victim groups on every third assessment, every fourth flow of an
    assessment and (which the dossier must not list) every fifth other fact of an assessment."""
    store = ox.Store()
    store.extend(base)
    group = ox.NamedNode(V.TK + "victimGroup")
    groups = [ox.NamedNode(f"{V.TKV}victim-group-{g}") for g in ("women", "men", "girls")]
    where = ox.NamedNode(V.BASE + "graph/test-victims")
    assessments = subjects(store, "SELECT ?a WHERE { ?a a tk:Assessment }")
    flows = subjects(store, "SELECT ?f WHERE { ?f a tk:TraffickingFlow ; tk:inAssessment [] }")
    others = subjects(
        store,
        "SELECT ?f WHERE { ?f tk:inAssessment [] FILTER NOT EXISTS { ?f a tk:TraffickingFlow } }",
    )
    assert assessments
    assert flows
    assert others
    added = [ox.Quad(a, group, groups[i % 3], where) for i, a in enumerate(assessments[::3])]
    added += [ox.Quad(f, group, groups[i % 2], where) for i, f in enumerate(flows[::4])]
    added += [ox.Quad(f, group, groups[2], where) for f in others[::5]]
    store.extend(added)
    return store
