"""Did-you-mean hints for places say what a value is, and suggest only plausible ids
(issue 11, item 17)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.source.hints import place_hint
from kg.source.loader import load_sources
from kg.source.ontology import load_ontology
from kg.source.parse import parse_records
from kg.source.records import Records
from tests.conftest import DATA, ONTOLOGY


@pytest.fixture(scope="module")
def records() -> Records:
    return parse_records(load_sources(DATA), load_ontology(ONTOLOGY).vocabulary)


@pytest.mark.parametrize(
    ("value", "regions", "hint"),
    [
        ("SD", True, "'SD' is the ISO alpha-2 code of Sudan; write its alpha-3 code SDN"),
        ("KP", False, "'KP' is the ISO alpha-2 code of North Korea; write its alpha-3 code PRK"),
        ("729", False, "'729' is the ISO numeric code of Sudan; write its alpha-3 code SDN"),
        ("Sudan", True, "'Sudan' is a country name; write its code SDN"),
        ("Burma", True, "'Burma' is a name of Myanmar; write its code MMR"),
        ("prk", True, "write country codes in capitals: PRK"),
        ("KOS", True, "'KOS' is an old or non-ISO code of Kosovo; write XKX"),
        (
            "Korea",
            True,
            "'Korea' could name South Korea (KOR) or North Korea (PRK); "
            "write the code of the one you mean",
        ),
        (
            "middle-east",
            True,
            "UN M49 has no region 'middle-east'; the regions that cover it are 'western-asia' "
            "and 'northern-africa'",
        ),
        ("eastern-asai", True, "did you mean 'eastern-asia'?"),
        ("middle-afrika", True, "did you mean 'middle-africa'?"),
        ("Europe", True, "'Europe' is the name of a region; write its id europe"),
        ("europe", False, "'europe' is a region (Europe); a country code is needed here"),
        ("150", True, "'150' is the M49 code of Europe; write its id europe"),
        (
            "PKR",
            True,
            "did you mean 'PER' (Peru), 'PRK' (North Korea) or 'UKR' (Ukraine)?",
        ),
        (
            "atlantis",
            True,
            "there is no region or country 'atlantis': places are ISO alpha-3 country codes "
            "(PRK) or UN M49 region ids (europe, eastern-asia; see data/reference/regions.yaml)",
        ),
        ("XYZW", True, "no country has this code; codes are ISO 3166-1 alpha-3, e.g. PRK"),
    ],
)
def test_place_hints(value: str, regions: bool, hint: str, records: Records) -> None:
    assert place_hint(value, records, regions=regions) == hint


def test_no_region_is_suggested_for_another_region(records: Records) -> None:
    """A region id that is a different place is never offered as a typo fix."""
    for value in ("middle-east", "far-east", "east-africa-coast", "levant", "west"):
        hint = place_hint(value, records, regions=True)
        assert "middle-africa" not in hint
        assert "did you mean" not in hint, hint


ASSESSMENT = """\
assessment:
  source: essay-prk
  country: {country}
  assessor: essay-author
flows:
  - id: f1
    kind: cross-border
    origin: PRK
    destinations: [{dest}]
    forms: [forced-labour]
    locator: ¶1
"""


@pytest.mark.parametrize(
    ("country", "dest", "line"),
    [
        (
            "SD",
            "RUS",
            "data/assessments/bad.yaml:3:12: unknown country code 'SD' ('SD' is the ISO "
            "alpha-2 code of Sudan; write its alpha-3 code SDN)",
        ),
        (
            "RUS",
            "Sudan",
            "data/assessments/bad.yaml:9:20: unknown country code or region id 'Sudan' "
            "('Sudan' is a country name; write its code SDN)",
        ),
        (
            "RUS",
            "middle-east",
            "data/assessments/bad.yaml:9:20: unknown country code or region id 'middle-east' "
            "(UN M49 has no region 'middle-east'; the regions that cover it are "
            "'western-asia' and 'northern-africa')",
        ),
    ],
)
def test_hints_in_the_one_line_error(
    country: str, dest: str, line: str, sample_repo: Path, runner: CliRunner
) -> None:
    bad = sample_repo / "data" / "assessments" / "bad.yaml"
    bad.write_text(ASSESSMENT.format(country=country, dest=dest))
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {line}\n"
