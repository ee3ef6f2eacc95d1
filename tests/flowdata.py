"""A larger synthetic flows store for tests: the shipped reference data and ontology plus a
few thousand generated flows (deterministic), some aggregates with components, two units."""

from __future__ import annotations

import random

import pyoxigraph as ox

from kg.core import vocab as V
from kg.core.terms import boolean, gyear, integer, tk

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
        add(flow, "year", gyear(rnd.randint(2015, 2020)))
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
    out at random) and restatements: for the last years some placements are stated by a source
    that only repeats them (an assessor that does not issue tiers), shaped like the importers'
    output."""
    rnd = random.Random(seed)
    codes = country_codes(store)[:: max(1, len(country_codes(store)) // countries)][:countries]
    doc = ox.NamedNode(V.mint_iri("source", "synthetic-tiers"))
    other = ox.NamedNode(V.mint_iri("agent", "synthetic-restater"))
    quads: list[ox.Quad] = []

    def add(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        pred = ox.NamedNode(p) if "://" in p else tk(p)
        quads.append(ox.Quad(s, pred, o, TIER_GRAPH))

    add(doc, V.RDF + "type", tk("SourceDocument"))
    add(doc, "docType", ox.NamedNode(V.concept("doc-dataset")))
    add(doc, "reliability", ox.NamedNode(V.concept("reliability-official")))
    add(other, V.RDF + "type", tk("Agent"))
    add(other, "issuesTiers", boolean(False))
    add(other, V.RDFS + "label", ox.Literal("Synthetic restating source", language="en"))
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
            add(assessment, "assessor", other if restated else JTIP)
            add(assessment, "reportYear", gyear(year))
            add(assessment, "publishedIn", doc)
            add(assessment, "hasTierPlacement", placement)
            add(placement, V.RDF + "type", tk("TierPlacement"))
            add(placement, "tier", ox.NamedNode(V.concept(TIERS[tier])))
            add(placement, "statedIn", doc)
            add(placement, "locator", ox.Literal(f"row {key}"))
    store.extend(quads)


def rich_store(base: ox.Store, flows: int = 400) -> ox.Store:
    """``base`` with synthetic flows and tiers, derived again as a build derives it."""
    from kg.graph.rules import apply_rules

    store = synthetic_store(base, n=flows)
    add_tiers(store)
    apply_rules(store)
    return store
