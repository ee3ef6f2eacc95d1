"""A draft with recommendations builds: they are in the graph, in the `recommendations` query
and in the dossier, every one marked machine-extracted and unreviewed.

The narrative is written for this test (TIP-like wording, not copied from any report)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from kg import pipeline
from kg.core import vocab as V
from kg.extract.run import draft_file, load_reference
from kg.query.named import load_query, run_query
from kg.report.dossier import render_report
from tests.conftest import DATA, ONTOLOGY, QUERIES

NARRATIVE = """Tier 2 — Kenya does not fully meet the minimum standards for the elimination of \
trafficking but is making significant efforts to do so (2024)

PRIORITIZED RECOMMENDATIONS:
• Increase efforts to identify forced labour victims among Burmese migrant workers and refer \
them to shelters.
• Vigorously investigate and prosecute traffickers, including complicit officials.
• Become a party to the Palermo Protocol.
•
• Ensure victims are not penalized for unlawful acts traffickers compelled them to commit.

TRAFFICKING PROFILE
Kenya is a source country for men and women subjected to forced labor; Kenyan women are \
exploited in domestic servitude in Oman. The government should also ratify ILO Convention \
No. 29.
"""
PREFIX = f"PREFIX tk: <{V.TK}> PREFIX prov: <{V.PROV}> "


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, object], Path]:
    root = tmp_path_factory.mktemp("recs")
    text = root / "kenya-tip.txt"
    text.write_text(NARRATIVE, encoding="utf-8")
    result = draft_file(text, "KEN", load_reference(DATA, ONTOLOGY), source="draft-kenya-recs")
    shutil.copytree(DATA, root / "data")
    (root / "data" / "assessments" / "ken-recs.yaml").write_text(result.yaml, encoding="utf-8")
    return yaml.safe_load(result.yaml), root


@pytest.fixture(scope="module")
def built(drafted: tuple[dict[str, object], Path]) -> pipeline.BuildResult:
    root = drafted[1]
    result = pipeline.run(pipeline.Settings(root / "data", ONTOLOGY, root / "build"))
    assert result.report.conforms, [v.line() for v in result.report.violations]
    return result


def test_the_draft_has_the_recommendations_and_no_facts_from_them(
    drafted: tuple[dict[str, object], Path],
) -> None:
    doc = drafted[0]
    recs = doc["recommendations"]
    assert isinstance(recs, list)
    assert [r.get("ordinal") for r in recs] == [1, 2, 3, 4, None]
    assert recs[2]["treaties"] == ["un-tip-protocol"]
    assert recs[4]["treaties"] == ["ilo-c29"]
    flows = doc.get("flows", [])
    assert isinstance(flows, list)
    assert {f["id"] for f in flows} == {"to-omn"}  # no Burmese origin from a recommendation


def test_the_draft_builds_and_its_recommendations_are_unreviewed(
    built: pipeline.BuildResult,
) -> None:
    rows = built.store.query(
        PREFIX
        + f"""SELECT ?r ?status WHERE {{ GRAPH <{V.source_graph("draft-kenya-recs")}> {{
          ?r a tk:Recommendation . OPTIONAL {{ ?r tk:reviewStatus ?status }} }} }}"""
    )
    assert isinstance(rows, ox.QuerySolutions)
    statuses = [str(r["status"].value) if r["status"] else None for r in rows]
    assert len(statuses) == 5
    assert set(statuses) == {V.concept("review-unreviewed")}


def test_the_query_and_the_dossier_show_them_as_unreviewed(built: pipeline.BuildResult) -> None:
    result = run_query(built.store, load_query(QUERIES, "recommendations"), {"country": "KEN"})
    review = result.vars.index("review")
    assert [str(row[review].value) for row in result.rows] == ["unreviewed"] * 5
    page = render_report(built.store, "KEN").decode()
    section = page[page.index("Recommendations by pillar") :]
    assert "Asks the government to accede to a treaty" in section
    assert section.count("machine-extracted, unreviewed") >= 5
    assert '<span class="ord">#3</span> Asks the government to accede' in section
    assert '<span class="ord">#</span>' not in section  # a "should" sentence has no rank
