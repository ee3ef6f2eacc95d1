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


def test_small_exact_victim_count_is_stopped_by_the_loader_at_its_yaml_line(
    sample_repo: Path, runner: CliRunner
) -> None:
    _write(sample_repo, SMALL_COUNT)
    result = runner.invoke(cli, ["build", "--out", "out"])
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: data/assessments/bad.yaml:13:14: 'value: 5' is an exact count of identified "
        "victims below 10"
    )
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


SMUGGLED = """\
<https://w3id.org/kg-tip/id/estimate-smuggled> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> \
<https://w3id.org/kg-tip/ontology#Estimate> <https://w3id.org/kg-tip/graph/source-x> .
<https://w3id.org/kg-tip/id/estimate-smuggled> <https://w3id.org/kg-tip/ontology#pointValue> \
"3"^^<http://www.w3.org/2001/XMLSchema#integer> <https://w3id.org/kg-tip/graph/source-x> .
<https://w3id.org/kg-tip/id/estimate-smuggled> <https://w3id.org/kg-tip/ontology#censored> \
"true"^^<http://www.w3.org/2001/XMLSchema#boolean> <https://w3id.org/kg-tip/graph/source-x> .
<https://w3id.org/kg-tip/id/estimate-smuggled> <https://w3id.org/kg-tip/ontology#countUnit> \
<https://w3id.org/kg-tip/vocab/unit-identified-victims> <https://w3id.org/kg-tip/graph/source-x> .
<https://w3id.org/kg-tip/id/estimate-smuggled> <https://w3id.org/kg-tip/ontology#estimateMethod> \
<https://w3id.org/kg-tip/vocab/method-official-statistic> <https://w3id.org/kg-tip/graph/source-x> .
<https://w3id.org/kg-tip/id/estimate-smuggled> <https://w3id.org/kg-tip/ontology#statedIn> \
<https://w3id.org/kg-tip/id/source-essay-prk> <https://w3id.org/kg-tip/graph/source-x> .
"""


def test_imported_nquads_cannot_smuggle_a_censored_small_count(sample_repo: Path) -> None:
    """Issue 11, item 11: the shapes refuse an exact count of 1-9 identified victims even
    when it is marked censored, so an imported graph cannot carry one past the loader."""
    from kg import pipeline

    nq = sample_repo / "smuggled.nq"
    nq.write_text(SMUGGLED)
    settings = pipeline.Settings(
        data_dir=sample_repo / "data",
        ontology_dir=sample_repo / "ontology",
        out_dir=sample_repo / "out",
        nquads=(nq,),
    )
    for engine in ("fast", "pyshacl"):
        from dataclasses import replace

        report = pipeline.run(replace(settings, engine=engine), write=False).report
        hits = [v for v in report.violations if v.focus.endswith("estimate-smuggled")]
        assert [v.shape.rsplit("#", 1)[-1] for v in hits] == ["SmallCountShape"], engine
        assert hits[0].message.startswith(
            "'3' is an exact count of identified victims below 10, which kg never publishes"
        )
