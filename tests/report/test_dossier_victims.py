"""The dossier says who is exploited: the assessment's groups and each flow's, hand-curated
facts without a review badge (drafted ones carry it: tests/extract/test_drafts.py)."""

from __future__ import annotations

import shutil

import pytest

from kg import pipeline
from kg.report.dossier import render_report
from tests.conftest import DATA, ONTOLOGY

CURATED = """\
assessment:
  source: essay-prk
  country: THA
  assessor: essay-author
  victims: [children, women, men]
flows:
  - id: girls-to-malaysia
    kind: cross-border
    origin: THA
    destinations: [MYS]
    forms: [sex-trafficking]
    victims: [girls]
    locator: ¶2
"""


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("victims-report")
    shutil.copytree(DATA, root / "data")
    (root / "data" / "assessments" / "tha.yaml").write_text(CURATED, encoding="utf-8")
    result = pipeline.run(
        pipeline.Settings(data_dir=root / "data", ontology_dir=ONTOLOGY, out_dir=root / "b")
    )
    assert result.report.conforms
    return render_report(result.store, "THA").decode()


def test_groups_in_the_schemes_order_without_a_review_badge(page: str) -> None:
    assert "<p><strong>Who is exploited:</strong> men, women, children</p>" in page


def test_a_flows_group_names_the_route_and_locator(page: str) -> None:
    assert '<ul class="victims"><li>girls: Thailand → Malaysia <span class="note">¶2</span>' in page
    assert "machine-extracted" not in page
