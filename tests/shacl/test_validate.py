"""SHACL violations are values that point back at the YAML line that produced the focus node."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kg.cli import cli

SMALL_COUNT = """\
assessment:
  source: essay-prk
  country: RUS
  assessor: essay-author
flows:
  - id: detected-in-russia
    kind: cross-border
    origin: PRK
    destinations: [RUS]
    forms: [forced-labour]
    year: 2019
    estimate:
      value: 5
      unit: identified-victims
      method: official-statistic
    locator: ¶9
"""

TIER_ISSUER_WITHOUT_TIER = """\
assessment:
  source: essay-prk
  country: CHN
  assessor: us-dos-jtip
"""


def _write(repo: Path, text: str) -> None:
    (repo / "data" / "assessments" / "bad.yaml").write_text(text)


def test_small_exact_victim_count_is_reported_at_its_yaml_line(
    sample_repo: Path, runner: CliRunner
) -> None:
    _write(sample_repo, SMALL_COUNT)
    result = runner.invoke(cli, ["build", "--out", "out"])
    assert result.exit_code == 3
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("data/")]
    assert lines, result.stderr
    assert all(ln.startswith("data/assessments/bad.yaml:13:7: ") for ln in lines), lines
    assert "not written: 1 violations" in result.stderr
    assert not (sample_repo / "out").exists()


def test_validate_json_report(sample_repo: Path, runner: CliRunner) -> None:
    _write(sample_repo, TIER_ISSUER_WITHOUT_TIER)
    result = runner.invoke(cli, ["validate", "--format", "json"])
    assert result.exit_code == 3
    report = json.loads(result.stdout)
    assert report["conforms"] is False
    locations = {r["location"] for r in report["results"] if r["severity"] == "Violation"}
    assert locations == {"data/assessments/bad.yaml:2:3"}


def test_shipped_data_conforms(sample_repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 0
    assert result.stderr.strip() == "conforms: 0 violations, 0 warnings"
