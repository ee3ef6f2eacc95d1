"""kg.derive: the rules' conclusions, and the named queries that read them.

Every query that reads a rule's conclusions must give exactly the rows it computes on a graph
without them. Hypothesis draws small random graphs (ties, undated assessments, special cases,
internal flows, several units, facts without sources) and each query runs both ways.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg import pipeline
from kg.core.vocab import GRAPH_INFERRED, RDF, TK, TKD, TKV, XSD
from kg.graph.derive import NAMES, TOP, rule_iri, size_ranks
from kg.graph.rules import RULES, apply_rules
from kg.query.named import QueryResult, load_query, run_query

ROOT = Path(__file__).resolve().parents[2]
QUERIES = ROOT / "queries"
GRAPH = ox.NamedNode(TKD + "graph-test")
COUNTRIES = ("prk", "chn", "rus", "gbr")
TIERS = ("tier-1", "tier-2", "tier-2wl", "tier-3", "tier-special-case")
UNITS = ("identified-victims", "overseas-workers")
ASPECTS = ("comprehensive-law", "prosecutions", "victim-protection")
APPLIED = ox.NamedNode(TK + "appliedRule")


def iri(base: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(base + local)


def q(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> ox.Quad:
    return ox.Quad(s, ox.NamedNode(TK + p if p != "a" else RDF + "type"), o, GRAPH)


def lit(value: int | str, datatype: str = "integer") -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype))


def rows(result: QueryResult) -> set[tuple[str, ...]]:
    return {tuple("" if t is None else str(t) for t in row) for row in result.rows}


def both_ways(store: ox.Store, name: str, params: dict[str, str]) -> tuple[QueryResult, ...]:
    """The query on the derived store, then with the rules' markers taken away."""
    spec = load_query(QUERIES, name)
    derived = run_query(store, spec, params)
    markers = list(store.quads_for_pattern(None, APPLIED, None, None))
    for marker in markers:
        store.remove(marker)
    try:
        computed = run_query(store, spec, params)
    finally:
        store.extend(markers)
    return derived, computed


def assert_agree(store: ox.Store, cases: tuple[tuple[str, dict[str, str]], ...]) -> None:
    for name, params in cases:
        derived, computed = both_ways(store, name, params)
        assert rows(derived) == rows(computed), (name, params)


@pytest.fixture(scope="module")
def base_nquads(shipped_build_dir: Path) -> Path:
    return shipped_build_dir / "graph.nq"


def shipped_plus(base: Path, quads: list[ox.Quad]) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(base), format=ox.RdfFormat.N_QUADS)
    store.extend(quads)
    apply_rules(store)
    return store


# --- random graphs -------------------------------------------------------------------------

source = iri(TKD, "source-test")
restating = iri(TKD, "source-test-restating")
PUBLISHER = ox.NamedNode("http://purl.org/dc/terms/publisher")
SOURCE = [
    q(source, "a", iri(TK, "SourceDocument")),
    ox.Quad(source, PUBLISHER, iri(TKD, "agent-us-dos-jtip"), GRAPH),
    q(restating, "a", iri(TK, "SourceDocument")),
    ox.Quad(restating, PUBLISHER, iri(TKD, "agent-kg-curators"), GRAPH),
]

flows = st.lists(
    st.tuples(
        st.sampled_from(COUNTRIES),
        st.sampled_from(COUNTRIES),
        st.booleans(),  # internal flow
        st.sampled_from(UNITS),
        st.one_of(st.none(), st.integers(2012, 2014)),
        st.one_of(st.none(), st.integers(0, 6)),  # point value (small, so ties happen)
        st.one_of(st.none(), st.integers(0, 6)),  # lower bound
    ),
    min_size=5,
    max_size=40,
)


Flow = tuple[str, str, bool, str, int | None, int | None, int | None]


def flow_quads(drawn: list[Flow]) -> list[ox.Quad]:
    out = list(SOURCE)
    for n, (origin, dest, internal, unit, year, point, lower) in enumerate(drawn):
        f, e = iri(TKD, f"flow-test_{n:03d}"), iri(TKD, f"estimate-test_{n:03d}")
        out += [
            q(f, "a", iri(TK, "InternalFlow" if internal else "CrossBorderFlow")),
            q(f, "origin", iri(TKD, f"country-{origin}")),
            q(f, "destination", iri(TKD, f"country-{origin if internal else dest}")),
            q(f, "hasEstimate", e),
            q(f, "statedIn", source),
            q(e, "a", iri(TK, "Estimate")),
            q(e, "countUnit", iri(TKV, f"unit-{unit}")),
            q(e, "upperBound", lit(9)),
        ]
        out += [q(f, "year", lit(year, "integer"))] if year is not None else []
        out += [q(e, "pointValue", lit(point))] if point is not None else []
        out += [q(e, "censored", lit("true", "boolean"))] if point is None and n % 2 else []
        out += [q(e, "lowerBound", lit(lower))] if lower is not None else []
    return out


assessments = st.dictionaries(
    st.tuples(
        st.sampled_from(COUNTRIES[:2]),
        # "restated": a curators' document that repeats J/TIP's placement of that year
        st.sampled_from(("us-dos-jtip", "kg-curators", "restated")),
        st.one_of(st.none(), st.integers(2010, 2014)),
    ),
    st.sampled_from(TIERS),
    min_size=3,
    max_size=16,
)


def tier_quads(drawn: dict[tuple[str, str, int | None], str]) -> list[ox.Quad]:
    out = list(SOURCE)
    for (country, assessor, year), tier in sorted(drawn.items(), key=str):
        key = f"{country}_{assessor}_{year}"
        a, t = iri(TKD, f"assessment-test_{key}"), iri(TKD, f"tier-test_{key}")
        restated = assessor == "restated"
        out += [
            q(a, "a", iri(TK, "Assessment")),
            q(a, "assessedCountry", iri(TKD, f"country-{country}")),
            q(a, "assessor", iri(TKD, f"agent-{'kg-curators' if restated else assessor}")),
            q(a, "publishedIn", restating if restated else source),
            q(a, "hasTierPlacement", t),
            q(t, "a", iri(TK, "TierPlacement")),
            q(t, "tier", iri(TKV, tier)),
        ]
        if restated:
            out += [q(t, "restates", iri(TKD, "agent-us-dos-jtip"))]
            out += [q(t, "restatedReportYear", lit(year, "integer"))] if year is not None else []
        else:
            out += [q(a, "reportYear", lit(year, "integer"))] if year is not None else []
    return out


claims = st.lists(
    st.tuples(
        st.sampled_from(COUNTRIES[:2]),
        st.sampled_from(ASPECTS),
        st.booleans(),
        st.one_of(st.none(), st.integers(2018, 2019)),
        st.booleans(),  # has a source
        st.booleans(),  # has a locator
    ),
    min_size=3,
    max_size=20,
)


def claim_quads(drawn: list[tuple[str, str, bool, int | None, bool, bool]]) -> list[ox.Quad]:
    out = list(SOURCE)
    for n, (subject, aspect, polarity, year, sourced, located) in enumerate(drawn):
        c = iri(TKD, f"claim-test_{n:02d}")
        out += [
            q(c, "a", iri(TK, "Claim")),
            q(c, "claimSubject", iri(TKD, f"country-{subject}")),
            q(c, "aspect", iri(TKV, f"aspect-{aspect}")),
            q(c, "polarity", lit("true" if polarity else "false", "boolean")),
        ]
        if year is not None:
            a = iri(TKD, f"assessment-test_claims_{year}")
            out += [q(c, "inAssessment", a), q(a, "reportYear", lit(year, "integer"))]
        out += [q(c, "statedIn", source)] if sourced else []
        out += [q(c, "locator", ox.Literal(f"p. {n}"))] if located else []
    return out


FLOW_PARAMS: tuple[dict[str, str], ...] = (
    {},
    {"year": "2013"},
    {"unit": "identified-victims"},
    {"unit": "overseas-workers"},
    {"kind": "tk:InternalFlow"},
    {"kind": "tk:CrossBorderFlow", "year": "2013", "unit": "identified-victims"},
)
FLOW_CASES = (
    *(("largest-flows", params) for params in FLOW_PARAMS),
    ("destination-countries", {"origin": "*"}),
    ("destination-countries", {"origin": "*", "minFlows": "2"}),
    ("destination-countries", {"origin": "*", "minEstimate": "5"}),
)
TIER_CASES: tuple[tuple[str, dict[str, str]], ...] = (
    ("tiers", {}),
    ("tiers", {"assessor": "us-dos-jtip"}),
    ("tiers", {"country": "CHN"}),
    ("tier-worsened", {}),
    ("tier-worsened", {"year": "2013"}),
    ("tier-worsened", {"country": "CHN"}),
)
CLAIM_CASES: tuple[tuple[str, dict[str, str]], ...] = (
    ("contradictions", {}),
    ("contradictions", {"subject": "CHN"}),
    ("contradictions", {"aspect": "prosecutions"}),
    ("unsourced-facts", {}),
)
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SLOW
@given(drawn=flows)
def test_largest_flows_agree_both_ways(base_nquads: Path, drawn: list) -> None:  # type: ignore[type-arg]
    assert_agree(shipped_plus(base_nquads, flow_quads(drawn)), FLOW_CASES)


def test_largest_flows_agree_both_ways_beyond_25_per_partition(base_nquads: Path) -> None:
    """Partitions larger than the 25 the query keeps, so the ranks decide what is a candidate."""
    rng = random.Random(7)
    drawn: list[Flow] = [
        (
            rng.choice(COUNTRIES),
            rng.choice(COUNTRIES),
            rng.random() < 0.1,
            rng.choice(UNITS[:1] * 4 + UNITS[1:]),
            rng.choice((2013, 2013, 2013, 2014, None)),
            rng.choice((None, *range(40))),
            rng.choice((None, 3, 30)),
        )
        for _ in range(150)
    ]
    store = shipped_plus(base_nquads, flow_quads(drawn))
    for params in FLOW_PARAMS:
        derived, computed = both_ways(store, "largest-flows", params)
        assert len(derived.rows) >= 25 or params.get("kind") == "tk:InternalFlow"
        assert rows(derived) == rows(computed), params


@SLOW
@given(drawn=assessments)
def test_tier_queries_agree_both_ways(base_nquads: Path, drawn: dict) -> None:  # type: ignore[type-arg]
    assert_agree(shipped_plus(base_nquads, tier_quads(drawn)), TIER_CASES)


@SLOW
@given(drawn=claims)
def test_claim_queries_agree_both_ways(base_nquads: Path, drawn: list) -> None:  # type: ignore[type-arg]
    assert_agree(shipped_plus(base_nquads, claim_quads(drawn)), CLAIM_CASES)


# --- the rules' conclusions themselves --------------------------------------------------------


def test_a_build_records_every_rule(shipped_build: pipeline.BuildResult) -> None:
    graph = ox.NamedNode(GRAPH_INFERRED)
    found = {q.object for q in shipped_build.store.quads_for_pattern(graph, APPLIED, None, graph)}
    assert found == {rule_iri(name) for name in NAMES}
    assert set(NAMES) <= set(shipped_build.inferred)


def test_the_queries_read_the_conclusions_when_the_marker_is_there(base_nquads: Path) -> None:
    store = shipped_plus(base_nquads, [])
    spec = load_query(QUERIES, "tiers")
    assert run_query(store, spec).rows
    latest = ox.NamedNode(TK + "latestTierPlacement")
    for quad in list(store.quads_for_pattern(None, latest, None, None)):
        store.remove(quad)
    assert run_query(store, spec).rows == []  # the marker says "read", and nothing is left


def test_deriving_again_gives_the_same_inferred_graph(base_nquads: Path) -> None:
    store = shipped_plus(base_nquads, [])
    graph = ox.NamedNode(GRAPH_INFERRED)
    first = set(store.quads_for_pattern(None, None, None, graph))
    apply_rules(store)
    assert set(store.quads_for_pattern(None, None, None, graph)) == first


def test_stale_conclusions_are_replaced(base_nquads: Path) -> None:
    """A newer assessment added to a built store takes over once the rules run again."""
    store = shipped_plus(base_nquads, tier_quads({("prk", "us-dos-jtip", 2030): "tier-1"}))
    rows_ = run_query(store, load_query(QUERIES, "tiers"), {"country": "PRK"}).rows
    years = {str(row[3]) for row in rows_}
    assert '"2030"^^<http://www.w3.org/2001/XMLSchema#integer>' in years
    latest = ox.NamedNode(TK + "latestTierPlacement")
    prk = ox.NamedNode(TKD + "country-prk")
    # One per assessor: J/TIP (its 2030 placement wins over the essay's undated restatement).
    assert len(list(store.quads_for_pattern(prk, latest, None, None))) == 1


def test_the_query_asks_for_every_rank_the_rule_gives() -> None:
    text = load_query(QUERIES, "largest-flows").text
    match = re.search(r"VALUES \?rank \{([^}]*)\}", text)
    assert match is not None
    assert [int(n) for n in match.group(1).split()] == list(range(1, TOP + 1))
    assert f"LIMIT {TOP}" in text


def test_only_the_largest_of_a_partition_are_ranked() -> None:
    store = ox.Store()
    same = [("prk", "chn", False, "identified-victims", 2013, n, None) for n in range(40)]
    store.extend(flow_quads(same))  # type: ignore[arg-type]
    ranks = {int(str(q.object).split('"')[1]): str(q.subject) for q in size_ranks(store)}
    assert sorted(ranks) == list(range(1, TOP + 1))
    assert ranks[1].endswith("_039>")  # the largest value, 39
    assert ranks[TOP].endswith(f"_{40 - TOP:03d}>")


def test_size_ranks_partition_by_kind_unit_and_year_and_break_ties_by_flow() -> None:
    store = ox.Store()
    store.extend(
        flow_quads(
            [
                ("prk", "chn", False, "identified-victims", 2013, 5, None),  # 00
                ("prk", "rus", False, "identified-victims", 2013, 5, None),  # 01: tie, later IRI
                ("prk", "gbr", False, "identified-victims", 2013, None, 7),  # 02: lower bound only
                ("prk", "gbr", False, "identified-victims", 2014, 1, None),  # 03: another year
                ("prk", "gbr", False, "overseas-workers", 2013, 9, None),  # 04: another unit
                ("chn", "chn", True, "identified-victims", 2013, 3, None),  # 05: internal
                ("prk", "chn", False, "identified-victims", None, 2, None),  # 06: undated
                (
                    "prk",
                    "chn",
                    False,
                    "identified-victims",
                    2013,
                    None,
                    None,
                ),  # 07: upper bound only
            ]
        )
    )
    ranks = {
        str(q.subject).rsplit("_", 1)[1][:-1]: int(str(q.object).split('"')[1])
        for q in size_ranks(store)
    }
    assert ranks == {"002": 1, "000": 2, "001": 3, "003": 1, "004": 1, "005": 1, "006": 1}


def test_closed_is_called_between_the_closure_rules_and_derive(base_nquads: Path) -> None:
    """``apply_rules(store, closed)``: when ``closed`` runs, the closure rules' triples are in
    the inferred graph and no conclusion of kg.derive is (nor its markers)."""
    store = ox.Store()
    store.bulk_load(path=str(base_nquads), format=ox.RdfFormat.N_QUADS)
    inferred = ox.NamedNode(GRAPH_INFERRED)
    marker = ox.NamedNode(TK + "appliedRule")
    state: list[tuple[int, int]] = []

    def closed() -> None:
        state.append(
            (
                len(list(store.quads_for_pattern(None, None, None, inferred))),
                len(list(store.quads_for_pattern(None, marker, None, inferred))),
            )
        )

    added = apply_rules(store, closed)
    closure = sum(added[rule.name] for rule in RULES)
    assert state == [(closure, 0)]
    assert closure > 0
    assert len(list(store.quads_for_pattern(None, marker, None, inferred))) == len(NAMES)
