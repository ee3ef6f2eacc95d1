"""The flow network: nodes, edges, filters, top-N, and numbers that never double count."""

from __future__ import annotations

from collections import defaultdict

import networkx as nx
import pyoxigraph as ox
import pytest
from flowdata import UNITS, synthetic_store

from kg import pipeline
from kg.core import vocab as V
from kg.core.errors import QueryError
from kg.network import flows as F

PFX = "\n".join(f"PREFIX {k}: <{v}>" for k, v in V.PREFIXES.items())


@pytest.fixture(scope="module")
def store(shipped_build: pipeline.BuildResult) -> ox.Store:
    return shipped_build.store


@pytest.fixture(scope="module")
def big(shipped_build: pipeline.BuildResult) -> ox.Store:
    return synthetic_store(shipped_build.store)


def rows(store: ox.Store, query: str) -> list[dict[str, str]]:
    result = store.query(f"{PFX}\n{query}", use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: r[n].value for n in names if r[n] is not None} for r in result]


def totals(graph: nx.MultiDiGraph) -> dict[str, int]:
    """Sum of point estimates per unit over the network's edges."""
    out: dict[str, int] = defaultdict(int)
    for _, _, d in graph.edges(data=True):
        if "estimate_point" in d:
            out[d["unit"]] += d["estimate_point"]
    return dict(out)


def test_prk_network_nodes_and_edges(store: ox.Store) -> None:
    g = F.flow_network(store)
    assert isinstance(g, nx.MultiDiGraph)
    expected = rows(
        store,
        """SELECT DISTINCT ?f ?o ?d { ?f tk:origin ?oc ; tk:destination ?dc .
           ?oc tk:iso3166Alpha3|tk:m49Code ?o . ?dc tk:iso3166Alpha3|tk:m49Code ?d }""",
    )
    assert sorted((u, v, k) for u, v, k in g.edges(keys=True)) == sorted(
        (r["o"], r["d"], r["f"]) for r in expected
    )
    assert g.nodes["PRK"]["kind"] == "country"
    assert g.nodes["150"]["kind"] == "region"
    assert g.nodes["PRK"]["role"] == "source"
    assert {g.nodes[n]["role"] for n in ("CHN", "RUS", "150", "142")} == {"destination"}
    for region in ("150", "142"):  # no coordinates in the data: centroid of member countries
        assert g.nodes[region]["coordinates"] == "member-centroid"
        assert -90 <= g.nodes[region]["latitude"] <= 90
    assert g.nodes["150"]["longitude"] < g.nodes["142"]["longitude"]  # Europe west of Asia
    assert g.nodes["CHN"]["coordinates"] == "data"


def test_tier_names_its_assessor(store: ox.Store) -> None:
    """The essay repeats J/TIP's tier: J/TIP is named as the assessor, the essay as restating."""
    prk = F.flow_network(store).nodes["PRK"]
    (row,) = rows(
        store,
        """SELECT ?label ?name ?by { ?a tk:assessedCountry tkd:country-prk ; tk:assessor ?ag ;
           tk:hasTierPlacement ?p . ?p tk:tier/skos:prefLabel ?label ;
           tk:restates/rdfs:label ?name . ?ag rdfs:label ?by }""",
    )
    assert prk["tier"] == row["label"]
    assert prk["tier_assessor"] == f"{row['name']}, restated by {row['by']}"
    assert prk["tier_official"] is False


def test_no_double_counting_prk(store: ox.Store) -> None:
    g = F.flow_network(store, origin="PRK")
    assert totals(g) == {"trafficking-victims": 50000}
    stated = rows(
        store,
        """SELECT (SUM(?v) AS ?n) { ?f tk:origin tkd:country-prk ; tk:hasEstimate ?e .
           ?e tk:pointValue ?v ; tk:countUnit tkv:unit-trafficking-victims }""",
    )
    assert totals(g)["trafficking-victims"] == int(stated[0]["n"])


def test_components_and_shared_destinations_carry_no_number(store: ox.Store) -> None:
    g = F.flow_network(store)
    numbers = ("estimate_point", "estimate_low", "estimate_high", "weight")
    by_flow: dict[str, list[dict[str, object]]] = defaultdict(list)
    for _, _, d in g.edges(data=True):
        by_flow[str(d["flow"])].append(d)
        assert d["flow_type"] in F.FLOW_TYPES
        assert None not in d.values()
        if d["flow_type"] == "component":
            assert not any(k in d for k in numbers)
            assert d["estimate_shared_with"] == d["part_of"]
    flows = {str(d["flow"]) for _, _, d in g.edges(data=True)}
    assert {str(d["part_of"]) for _, _, d in g.edges(data=True) if "part_of" in d} <= flows
    aggregates = [es for es in by_flow.values() if es[0]["flow_type"] == "aggregate"]
    assert aggregates
    for edges in aggregates:
        carriers = [d for d in edges if "estimate_point" in d]
        assert len(carriers) == 1
        for d in edges:
            if d is not carriers[0]:
                assert d["estimate_shared_with"] == d["flow"]


def test_filters_and_unknown_names(store: ox.Store) -> None:
    assert F.flow_network(store, origin="CHN").number_of_edges() == 0
    detention = F.flow_network(store, form="forced-labour-in-detention")
    assert {(u, v) for u, v in detention.edges()} == {("PRK", "PRK")}
    broader = F.flow_network(store, form="state-imposed forced labour")  # narrower forms match
    assert ("PRK", "PRK") in set(broader.edges())
    # forced labour and trafficking overlap without containing each other: the camps are forced
    # labour (not trafficking), the overseas flows labour trafficking (not forced labour as such)
    assert set(F.flow_network(store, form="forced labor").edges()) == {("PRK", "PRK")}  # altLabel
    assert F.flow_network(store, form="labor trafficking").number_of_edges() == 4
    assert F.flow_network(store, form="trafficking-in-persons").number_of_edges() == 4
    assert F.flow_network(store, origin="north korea").number_of_edges() == 5
    with pytest.raises(QueryError, match="did you mean 'PRK'"):
        F.flow_network(store, origin="PKR")
    with pytest.raises(QueryError, match="did you mean 'forced-labour'"):
        F.flow_network(store, form="forcd-labour")


def test_synthetic_totals_per_unit_match_the_graph(big: ox.Store) -> None:
    g = F.flow_network(big)
    assert g.graph["flows"] == g.graph["flows_matching"] > 2000
    stated = rows(
        big,
        """SELECT ?unit (SUM(?v) AS ?n) { ?f tk:hasEstimate ?e . ?e tk:pointValue ?v ;
           tk:countUnit ?unit } GROUP BY ?unit""",
    )
    expected = {r["unit"].rsplit("/", 1)[1].removeprefix("unit-"): int(r["n"]) for r in stated}
    assert totals(g) == expected
    assert set(expected) >= {u.removeprefix("unit-") for u in UNITS}


def test_top_keeps_the_largest(big: ox.Store) -> None:
    g = F.flow_network(big, top=40)
    kept = {d["flow"] for _, _, d in g.edges(data=True)}
    assert len(kept) == 40 == g.graph["flows"]
    assert g.graph["flows_matching"] > 2000
    sizes = rows(big, "SELECT ?f ?v { ?f tk:hasEstimate/tk:pointValue ?v }")
    largest = sorted(sizes, key=lambda r: -int(r["v"]))
    threshold = int(largest[39]["v"])
    for _, _, d in g.edges(data=True):
        if "estimate_point" in d:
            assert d["estimate_point"] >= threshold


def test_filters_on_the_synthetic_store(big: ox.Store) -> None:
    g = F.flow_network(big, year=2017)
    assert g.number_of_edges() > 0
    assert {d["year"] for _, _, d in g.edges(data=True)} == {2017}
    origin = next(iter(sorted(u for u, _ in F.flow_network(big, top=1).edges())))
    g = F.flow_network(big, origin=origin)
    assert g.number_of_edges() > 0
    assert {u for u, _ in g.edges()} == {origin}
    g = F.flow_network(big, form="forced-begging")
    assert {d["form_ids"] for _, _, d in g.edges(data=True)} == {"forced-begging"}
