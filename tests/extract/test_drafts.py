"""Drafts: deterministic YAML that builds, and whose facts the graph, the named queries and the
dossier show as machine-extracted and unreviewed until a person reviews them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from kg import pipeline
from kg.core import vocab as V
from kg.core.errors import KGError
from kg.extract.draft import DraftOptions, draft_document, dump_draft
from kg.extract.extractor import VERSION, extract
from kg.extract.gazetteer import Gazetteer
from kg.extract.run import draft_factbook, load_reference
from kg.query.named import load_query, run_query
from kg.report.dossier import render_report
from tests.conftest import DATA, ONTOLOGY, QUERIES, SHARED_DATA, needs_shared_data

FACTBOOK = SHARED_DATA / "factbook_tip" / "factbook_tip_history.csv"

NARRATIVE = """Tier 2 Watch List — Kenya does not fully meet the minimum standards but is making \
significant efforts to do so; authorities convicted more traffickers; information on the \
training of officials is hard to obtain; some officials reportedly were complicit in trafficking \
(2021)

Kenya is a source, transit, and destination country for men, women, and children subjected to \
forced labor and sex trafficking; Kenyan women are exploited in domestic servitude in Oman and \
Qatar; women from Uganda are forced into prostitution in Kenya; Congolese men are forced to \
work in mines"""
PREFIX = f"PREFIX tk: <{V.TK}> PREFIX prov: <{V.PROV}> PREFIX schema: <{V.SCHEMA}> "


def draft_yaml(g: Gazetteer, *, source: str = "draft-kenya") -> str:
    x = extract(NARRATIVE, "KEN", g)
    entry = {
        "id": source,
        "title": "A test narrative",
        "doc_type": "derived-essay",
        "reliability": "unverified",
    }
    opts = DraftOptions(source, "unidentified-author", "kenya.txt", entry)
    return dump_draft(draft_document(x, g, opts))


def build(data: Path, out: Path) -> pipeline.BuildResult:
    result = pipeline.run(pipeline.Settings(data_dir=data, ontology_dir=ONTOLOGY, out_dir=out))
    assert result.report.conforms, [v.line() for v in result.report.violations]
    return result


@pytest.fixture(scope="module")
def built(gazetteer: Gazetteer, tmp_path_factory: pytest.TempPathFactory) -> pipeline.BuildResult:
    root = tmp_path_factory.mktemp("draft")
    shutil.copytree(DATA, root / "data")
    (root / "data" / "assessments" / "ken-draft.yaml").write_text(draft_yaml(gazetteer))
    return build(root / "data", root / "build")


def test_the_draft_is_deterministic_and_marked(gazetteer: Gazetteer) -> None:
    text = draft_yaml(gazetteer)
    assert text == draft_yaml(gazetteer)
    doc = yaml.safe_load(text)
    assert text.startswith("# Machine-extracted draft")
    assert doc["draft"]["review"] == "unreviewed"
    assert doc["draft"]["extracted_by"] == "kg-extract"
    assert doc["draft"]["version"] == VERSION
    assert re.fullmatch(r"[0-9a-f]{64}", doc["draft"]["text_sha256"])
    assert doc["assessment"]["tier"]["tier"] == "tier-2wl"
    assert doc["assessment"]["year"] == 2021
    flows = {f["id"]: f for f in doc["flows"]}
    assert set(flows) == {"to-omn", "to-qat", "from-uga"}
    assert flows["to-omn"]["forms"] == ["domestic-servitude", "forced-labour"]
    for fact in (*doc["flows"], *doc["claims"], doc["assessment"]["tier"]):
        assert re.fullmatch(r"s\d+ \[\d+:\d+\](; s\d+ \[\d+:\d+\])*", fact["locator"])
    assert any("Congolese" in n for n in doc["draft"]["notes"])


def test_the_draft_keeps_the_texts_doubt(gazetteer: Gazetteer, built: pipeline.BuildResult) -> None:
    claims = {c["aspect"]: c for c in yaml.safe_load(draft_yaml(gazetteer))["claims"]}
    assert claims["official-training"]["polarity"] == "unknown"  # "hard to obtain", not "no"
    assert "evidence" not in claims["official-training"]  # not-known, the default
    assert claims["official-complicity"]["polarity"] is True
    assert claims["official-complicity"]["evidence"] == "reported"
    assert "evidence" not in claims["prosecutions"]  # stated
    rows = built.store.query(
        PREFIX
        + f"""SELECT ?aspect ?status ?polarity WHERE {{ GRAPH <{V.source_graph("draft-kenya")}> {{
          ?c a tk:Claim ; tk:aspect ?aspect ; tk:evidenceStatus ?status .
          OPTIONAL {{ ?c tk:polarity ?polarity }} }} }}"""
    )
    assert isinstance(rows, ox.QuerySolutions)
    got = {
        str(r["aspect"].value).rsplit("aspect-", 1)[-1]: (
            str(r["status"].value).rsplit("evidence-", 1)[-1],
            None if r["polarity"] is None else r["polarity"].value,
        )
        for r in rows
    }
    assert got["official-training"] == ("not-known", None)
    assert got["official-complicity"] == ("reported", "true")
    assert got["prosecutions"] == ("stated", "true")


def test_every_fact_of_a_built_draft_is_unreviewed_and_machine_made(
    built: pipeline.BuildResult,
) -> None:
    store = built.store
    graph = f"<{V.source_graph('draft-kenya')}>"
    facts = store.query(
        PREFIX
        + f"""SELECT ?fact WHERE {{ GRAPH {graph} {{
          ?fact tk:statedIn|tk:publishedIn ?doc .
          FILTER NOT EXISTS {{ ?fact tk:reviewStatus <{V.concept("review-unreviewed")}> ;
                                     prov:wasGeneratedBy ?activity .
                               ?activity prov:wasAssociatedWith ?tool .
                               ?tool a prov:SoftwareAgent ;
                                     schema:softwareVersion "{VERSION}" . }} }} }}"""
    )
    assert isinstance(facts, ox.QuerySolutions)
    assert [str(r["fact"]) for r in facts] == []
    count = store.query(
        PREFIX + f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?f tk:reviewStatus ?s }} }}"
    )
    assert isinstance(count, ox.QuerySolutions)
    assert int(next(iter(count))["n"].value) >= 7  # assessment, tier, 3 flows, claims
    curated = store.query(
        PREFIX + "ASK { ?f tk:inAssessment/tk:assessedCountry ?c ; tk:reviewStatus ?s . "
        "?c tk:iso3166Alpha3 'PRK' }",
        use_default_graph_as_union=True,
    )
    drafted = store.query(
        PREFIX + "ASK { ?f tk:inAssessment/tk:assessedCountry ?c ; tk:reviewStatus ?s . "
        "?c tk:iso3166Alpha3 'KEN' }",
        use_default_graph_as_union=True,
    )
    assert bool(drafted)
    assert not bool(curated)


def test_a_draft_with_victims_builds_and_conforms(
    gazetteer: Gazetteer, built: pipeline.BuildResult
) -> None:
    """Who is exploited goes into the draft (with the sentences it was read from) and, once
    built, onto the assessment, unreviewed like every other fact of the draft."""
    doc = yaml.safe_load(draft_yaml(gazetteer))
    assert doc["assessment"]["victims"] == ["men", "women", "children"]
    flows = {f["id"]: f.get("victims") for f in doc["flows"]}  # the clause's own groups
    assert flows == {"to-omn": ["women"], "to-qat": ["women"], "from-uga": ["women"]}
    assert doc["draft"]["evidence"]["victims"] == {
        "men": "s5, s8",
        "women": "s5, s6, s7",
        "children": "s5",
    }
    rows = built.store.query(
        PREFIX
        + f"""SELECT ?group WHERE {{ GRAPH <{V.source_graph("draft-kenya")}> {{
          ?a a tk:Assessment ; tk:victimGroup ?group ;
             tk:reviewStatus <{V.concept("review-unreviewed")}> . }} }} ORDER BY ?group"""
    )
    assert isinstance(rows, ox.QuerySolutions)
    assert [str(r["group"].value).rsplit("group-", 1)[-1] for r in rows] == [
        "children", "men", "women",
    ]  # fmt: skip


def test_the_dossier_shows_who_is_exploited_as_unreviewed(built: pipeline.BuildResult) -> None:
    page = render_report(built.store, "KEN").decode()
    assert (
        "<p><strong>Who is exploited:</strong> men, women, children "
        '<span class="badge warn">⚠ machine-extracted, unreviewed</span></p>'
    ) in page
    essay = render_report(built.store, "PRK").decode()  # curated, and names no group
    assert '<strong>Who is exploited:</strong> <span class="note">not stated</span>' in essay


def column(built: pipeline.BuildResult, name: str, country: str) -> list[str]:
    result = run_query(built.store, load_query(QUERIES, name), {"country": country})
    at = result.vars.index("review")
    return [str(row[at].value) for row in result.rows if row[at] is not None]


def test_named_queries_and_the_dossier_show_unreviewed_facts(
    built: pipeline.BuildResult,
) -> None:
    assert set(column(built, "destinations-of", "KEN")) == {"unreviewed"}
    assert column(built, "tiers", "KEN") == ["unreviewed"]
    assert column(built, "tiers", "PRK") == ["curated"]
    page = render_report(built.store, "KEN").decode()
    assert "not yet reviewed" in page
    assert page.count("machine-extracted, unreviewed") >= 5


def test_a_reviewed_draft_names_its_reviewer(gazetteer: Gazetteer, tmp_path: Path) -> None:
    shutil.copytree(DATA, tmp_path / "data")
    text = draft_yaml(gazetteer).replace(
        "review: unreviewed", "review: reviewed\n  reviewer: kg-curators\n  reviewed_on: 2026-05-20"
    )
    (tmp_path / "data" / "assessments" / "ken.yaml").write_text(text)
    store = build(tmp_path / "data", tmp_path / "build").store
    ask = store.query(
        PREFIX + f"ASK {{ ?a tk:reviewStatus <{V.concept('review-reviewed')}> ; "
        f"tk:reviewedBy <{V.mint_iri('agent', 'kg-curators')}> ; tk:reviewedOn ?d }}",
        use_default_graph_as_union=True,
    )
    assert bool(ask)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("review: unreviewed", "review: reviewed", "needs 'reviewer'"),
        ("review: unreviewed", "review: maybe", "unknown review state 'maybe'"),
        ("extracted_by: kg-extract", "extracted_by: kg-extract\n  mood: x", "unknown key 'mood'"),
        ("text_sha256: ", "text_sha256: x", "64 lower-case hex digits"),
    ],
)
def test_a_broken_draft_block_is_one_clear_error(
    gazetteer: Gazetteer, tmp_path: Path, old: str, new: str, message: str
) -> None:
    shutil.copytree(DATA, tmp_path / "data")
    path = tmp_path / "data" / "assessments" / "ken.yaml"
    path.write_text(draft_yaml(gazetteer).replace(old, new, 1))
    with pytest.raises(KGError, match=re.escape(message)) as caught:
        pipeline.run(pipeline.Settings(tmp_path / "data", ONTOLOGY, tmp_path / "build"))
    assert re.match(r".*ken\.yaml:\d+:\d+: ", str(caught.value))


def test_drafts_sharing_a_source_must_define_it_alike(gazetteer: Gazetteer, tmp_path: Path) -> None:
    shutil.copytree(DATA, tmp_path / "data")
    one = draft_yaml(gazetteer)
    (tmp_path / "data" / "assessments" / "a.yaml").write_text(one)
    other = one.replace("country: KEN", "country: UGA").replace("origin: KEN", "origin: UGA")
    other = other.replace("destinations: [KEN]", "destinations: [UGA]")
    other = other.replace("subject: KEN", "subject: UGA")
    (tmp_path / "data" / "assessments" / "b.yaml").write_text(other)
    pipeline.run(pipeline.Settings(tmp_path / "data", ONTOLOGY, tmp_path / "b1"), write=False)
    (tmp_path / "data" / "assessments" / "b.yaml").write_text(
        other.replace("title: A test narrative", "title: Another title")
    )
    with pytest.raises(KGError, match="differs from its definition"):
        pipeline.run(pipeline.Settings(tmp_path / "data", ONTOLOGY, tmp_path / "b2"), write=False)


@needs_shared_data
def test_the_factbook_drafts_build_together(tmp_path: Path) -> None:
    """Every Factbook narrative drafted; one version per country and report year moved into a
    copy of data/ (as a reviewer would); the build conforms and marks every draft unreviewed."""
    ref = load_reference(DATA)
    run = draft_factbook(FACTBOOK, tmp_path / "drafts", ref)
    assert len(run.written) == 222
    assert run.unmapped == ["xx (no name)"]
    latest: dict[tuple[str, object], Path] = {}
    for path in sorted(run.written):
        head = yaml.safe_load(path.read_text())["assessment"]
        latest[(head["country"], head.get("year"))] = path
    shutil.copytree(DATA, tmp_path / "data")
    for path in latest.values():
        shutil.copy(path, tmp_path / "data" / "assessments" / path.name)
    store = build(tmp_path / "data", tmp_path / "build").store
    count = store.query(
        PREFIX + f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a a tk:Assessment ; "
        f"tk:reviewStatus <{V.concept('review-unreviewed')}> }}",
        use_default_graph_as_union=True,
    )
    assert isinstance(count, ox.QuerySolutions)
    assert int(next(iter(count))["n"].value) == len(latest)
