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
