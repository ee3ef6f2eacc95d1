"""Every statement of every shipped dataset is answerable by a named query, with who says it.

``test_every_shipped_fact_is_returned_by_a_named_query`` walks data/ generically (every
assessment file the loader finds), so a new dataset cannot fall through either: each claim
(the source's and the curators'), policy, recommendation, flow and profile role must come back
from at least one named query in queries/.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import pipeline
from kg.core import vocab as V
from kg.query.named import QueryResult, discover, load_query, run_query
from kg.source.loader import load_sources
from kg.source.ontology import load_ontology
from kg.source.parse import parse_records
from tests.conftest import DATA, ONTOLOGY, QUERIES

TKD, TKV = V.TKD, V.TKV


@pytest.fixture(scope="module")
def imported_store(imported_graph: ox.Store) -> ox.Store:
    """The shipped build plus a small graph shaped like the importers' output (derived)."""
    return imported_graph


def run(store: ox.Store, name: str, **params: str) -> QueryResult:
    return run_query(store, load_query(QUERIES, name), params)


def records(result: QueryResult) -> list[dict[str, str]]:
    return [
        {v: t.value for v, t in zip(result.vars, row, strict=True) if t is not None}  # type: ignore[union-attr]
        for row in result.rows
    ]


def shipped_facts(data: Path, ontology: Path) -> dict[str, set[tuple[str, ...]]]:
    """Every fact of every assessment file under ``data``, as the IRIs a query would return."""
    parsed = parse_records(load_sources(data), load_ontology(ontology).vocabulary)
    facts: dict[str, set[tuple[str, ...]]] = {
        k: set() for k in ("claim", "policy", "recommendation", "flow", "profile role")
    }
    for a in parsed.assessments:
        key = (a.source, a.country)
        curated = a.curation.claims if a.curation else ()
        for c in (*a.claims, *curated):
            facts["claim"].add((V.mint_iri("claim", *key, c.id),))
        for kind, items in (
            ("policy", a.policies),
            ("recommendation", a.recommendations),
            ("flow", a.flows),
        ):
            facts[kind].update((V.mint_iri(kind, *key, i.id),) for i in items)
        assessment = V.mint_iri("assessment", *key)
        facts["profile role"].update((assessment, role) for role in a.profile_roles)
    return facts


def answers(store: ox.Store, countries: set[str]) -> tuple[set[str], set[frozenset[str]]]:
    """Every value any named query returns (all parameters '*', then each country), and each
    row as a set of values."""
    values: set[str] = set()
    rows: set[frozenset[str]] = set()
    for name in discover(QUERIES):
        spec = load_query(QUERIES, name)
        runs = [{p.name: "*" for p in spec.params}]
        if any(p.name == "country" for p in spec.params):
            runs += [{**runs[0], "country": code} for code in sorted(countries)]
        for params in runs:
            for row in run_query(store, spec, params).rows:
                cells = frozenset(t.value for t in row if t is not None)  # type: ignore[union-attr]
                values |= cells
                rows.add(cells)
    return values, rows


def test_every_shipped_fact_is_returned_by_a_named_query(
    shipped_build: pipeline.BuildResult,
) -> None:
    facts = shipped_facts(DATA, ONTOLOGY)
    assert all(facts.values()), facts  # the walk found every kind in the shipped data
    countries = {code for (_, code) in _assessed(DATA)}
    values, rows = answers(shipped_build.store, countries)
    missing = {
        kind: sorted(f for f in found if not _returned(f, values, rows))
        for kind, found in facts.items()
    }
    assert not any(missing.values()), missing


def _assessed(data: Path) -> set[tuple[str, str]]:
    parsed = parse_records(load_sources(data), load_ontology(ONTOLOGY).vocabulary)
    return {(a.source, a.country) for a in parsed.assessments}


def _returned(fact: tuple[str, ...], values: set[str], rows: set[frozenset[str]]) -> bool:
    if len(fact) == 1:
        return fact[0] in values
    return any(set(fact) <= row for row in rows)


def test_the_coverage_walk_sees_a_new_dataset(sample_repo: Path) -> None:
    """A second assessment file is walked too (the test is generic, not about the essay)."""
    (sample_repo / "data" / "assessments" / "xaa.yaml").write_text(
        "assessment:\n  source: essay-prk\n  country: CHN\n  assessor: essay-author\n"
        "claims:\n  - id: c\n    subject: CHN\n    aspect: prosecutions\n    polarity: unknown\n"
        "    locator: p. 1\n"
    )
    facts = shipped_facts(sample_repo / "data", sample_repo / "ontology")
    assert (V.mint_iri("claim", "essay-prk", "CHN", "c"),) in facts["claim"]


# --- what the claim queries answer ---------------------------------------------------------


def test_claims_say_who_says_what(shipped_build: pipeline.BuildResult) -> None:
    rows = {r["claim"].rpartition("_")[2]: r for r in records(run(shipped_build.store, "claims"))}
    assert len(rows) == 22
    # a source is shown by its title, a curator's reading by the curator
    essay, curators = "Human trafficking in North Korea (undated essay)", TKD + "agent-kg-curators"
    assert {r["who"] for r in rows.values()} == {essay, curators}
    recoded = rows["laws-exist-recoded"]
    assert (recoded["saidBy"], recoded["who"]) == ("curator", curators)
    assert "locator" not in recoded
    assert recoded["rationale"]
    assert rows["laws-exist"]["resolution"] == "set aside"
    assert rows["no-law"]["resolution"] == "preferred"
    training = rows["training-unknown"]
    assert (training["claimPolarity"], training["claimDirection"]) == (
        "unknown",
        TKV + "direction-not-known",
    )
    assert training["evidenceStatus"] == TKV + "evidence-not-known"
    abuse = rows["officials-abuse-victims"]
    assert abuse["evidenceStatus"] == TKV + "evidence-reported"
    assert abuse["claimDirection"] == TKV + "direction-harm-reported"
    assert rows["no-prosecutions"]["claimDirection"] == TKV + "direction-effort-missing"
    # the claim about a policy is found through the policy's country
    assert rows["labour-export-aids-trafficking"]["country"] == TKD + "country-prk"


def test_claims_show_a_sources_iri_when_it_has_no_title(
    shipped_build: pipeline.BuildResult,
) -> None:
    store = ox.Store()
    store.extend(shipped_build.store)
    essay = ox.NamedNode(TKD + "source-essay-prk")
    for quad in list(store.quads_for_pattern(essay, ox.NamedNode(V.DCTERMS + "title"), None)):
        store.remove(quad)
    whos = {r["who"] for r in records(run(store, "claims")) if r["saidBy"] == "source"}
    assert whos == {essay.value}


def test_claims_filter_by_pillar_polarity_direction_and_evidence(
    shipped_build: pipeline.BuildResult,
) -> None:
    store = shipped_build.store

    def ids(**params: str) -> set[str]:
        return {r["claim"].rpartition("_")[2] for r in records(run(store, "claims", **params))}

    assert ids(polarity="unknown") == {"training-unknown"}
    assert ids(evidence="reported") == {"officials-abuse-victims"}
    assert ids(pillar="protection") == {"no-protection", "ngos-barred", "victims-punished"}
    assert ids(pillar="protection", direction="harm-reported") == {"victims-punished"}
    assert ids(aspect="comprehensive-law", polarity="false") == {"no-law", "no-law-summary"}
    assert ids(country="CHN") == set()


def test_which_countries_sources_say_victims_are_punished(
    shipped_build: pipeline.BuildResult, imported_store: ox.Store
) -> None:
    rows = records(run(shipped_build.store, "claims-across-countries"))
    assert [(r["country"], r["saidBy"], r["claims"]) for r in rows] == [
        (TKD + "country-prk", "source", "1")
    ]
    # the opposite finding and another aspect are parameters
    assert run(shipped_build.store, "claims-across-countries", direction="harm-denied").rows == []
    missing = records(
        run(shipped_build.store, "claims-across-countries", aspect="*", direction="effort-missing")
    )
    assert sum(int(r["claims"]) for r in missing) == 12
    both = records(run(imported_store, "claims-across-countries", aspect="comprehensive-law",
                       direction="effort-missing"))  # fmt: skip
    assert {r["who"] for r in both} == {TKD + "source-essay-prk", TKD + "source-test-tip-2019"}


def test_pillar_coverage_counts_by_direction(shipped_build: pipeline.BuildResult) -> None:
    rows = {
        r["pillar"].rpartition("-")[2]: r
        for r in records(run(shipped_build.store, "pillar-coverage"))
    }
    protection = rows["protection"]
    # victims punished is a harm reported, not a "positive" claim
    assert (protection["harmReported"], protection["effortMissing"]) == ("1", "2")
    assert rows["prosecution"]["notKnown"] == "1"
    assert rows["prosecution"]["curatorClaims"] == "1"
    for r in rows.values():
        parts = ("effortMade", "effortMissing", "harmReported", "harmDenied", "facts", "notKnown")
        assert sum(int(r[k]) for k in parts) == int(r["claims"])


def test_policies_say_which_links_are_the_curators(shipped_build: pipeline.BuildResult) -> None:
    rows = records(run(shipped_build.store, "policies"))
    by = {(r["policy"].rpartition("_")[2], r["value"].rpartition("/")[2]): r for r in rows}
    link = by["labour-export", "form-state-imposed-forced-labour"]
    assert (link["saidBy"], link["who"]) == ("curator", TKD + "agent-kg-curators")
    assert link["rationale"]
    assert by["labour-export", "form-trafficking-in-persons"]["saidBy"] == "source"
    assert by["exit-as-defection", "effect-penalizes-exit"]["saidBy"] == "source"
    assert by["exit-as-defection", "effect-penalizes-victims"]["saidBy"] == "curator"
    penal = run(shipped_build.store, "policies", effect="penalizes-victims")
    assert {r["policy"].rpartition("_")[2] for r in records(penal)} == {
        "punishment-of-victims",
        "exit-as-defection",
    }


def test_profile_roles_and_what_the_flows_show(shipped_build: pipeline.BuildResult) -> None:
    rows = records(run(shipped_build.store, "profile-roles"))
    assert {(r["profileRole"].rpartition("-")[2], r["shownByFlows"]) for r in rows} == {
        ("source", "true"),
        ("internal", "true"),
    }


@pytest.mark.parametrize("form", ["trafficking-in-persons", "forced-labour"])
def test_narrower_forms_follow_the_two_families(
    shipped_build: pipeline.BuildResult, form: str
) -> None:
    """Trafficking finds labour trafficking, not prison labour; forced labour the reverse."""
    store = shipped_build.store
    reported = {r["reported"].rpartition("/")[2] for r in records(run(store, "forms", form=form))}
    recs = {r["ordinal"] for r in records(run(store, "recommendations", form=form))}
    if form == "trafficking-in-persons":
        assert "form-labour-trafficking" in reported
        assert "form-forced-labour-in-detention" not in reported
        assert recs == {"2", "3", "4", "6"}  # 4 through the labour-export policy
    else:
        assert reported == {"form-state-imposed-forced-labour", "form-forced-labour-in-detention"}
        assert recs == {"1", "4"}  # 4 through the curators' link of labour export
