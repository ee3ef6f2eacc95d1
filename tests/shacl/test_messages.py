"""Shape messages speak the YAML a user writes (issue 11, item 14): the keys of data/README.md
in quotes, no prefixed RDF names; the RDF stays in the trailing detail, after the file:line."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from kg.cli import cli
from tests.conftest import ONTOLOGY, ROOT

MESSAGE = re.compile(r'sh:message "((?:[^"\\]|\\.)*)"@en')
PREFIXED = re.compile(
    r"\b(?:tk|tkd|tkv|tks|tkg|xsd|rdf|rdfs|owl|dcterms|skos|schema|foaf|prov|sh):\w"
)
QUOTED_KEY = re.compile(r"'([a-z_0-9]+)'")
DATA_README = (ROOT / "data" / "README.md").read_text()


def messages() -> list[str]:
    return [m.group(1) for m in MESSAGE.finditer((ONTOLOGY / "shapes.ttl").read_text())]


def test_no_message_uses_rdf_names() -> None:
    found = messages()
    assert len(found) > 150
    jargon = [m for m in found if PREFIXED.search(m)]
    assert not jargon, jargon


def test_every_quoted_key_is_a_yaml_key_of_data_readme() -> None:
    keys = {k for m in messages() for k in QUOTED_KEY.findall(m)}
    assert {"year", "tier", "lower", "upper", "censored", "value", "part_of"} <= keys
    unknown = sorted(k for k in keys if f"`{k}`" not in DATA_README)
    assert not unknown, unknown


def _write(repo: Path, text: str) -> None:
    (repo / "data" / "assessments" / "bad.yaml").write_text(text)


def test_a_violation_reads_in_yaml_keys_at_its_line(sample_repo: Path, runner: CliRunner) -> None:
    _write(
        sample_repo, "assessment:\n  source: essay-prk\n  country: CHN\n  assessor: us-dos-jtip\n"
    )
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 3
    assert result.stderr.splitlines()[:-1] == [
        "data/assessments/bad.yaml:2:3: The 'assessor' issues tiers (issues_tiers: true), so "
        "the assessment needs a 'year' and a 'tier'; add both. [tkd:assessment-essay-prk_chn]"
    ]


def test_a_violation_about_another_node_names_where_that_node_is_written(
    sample_repo: Path, runner: CliRunner
) -> None:
    _write(
        sample_repo,
        """\
assessment:
  source: essay-prk
  country: CHN
  assessor: essay-author
claims:
  - id: a
    subject: CHN
    aspect: prosecutions
    polarity: true
    locator: ¶1
  - id: b
    subject: CHN
    aspect: official-training
    polarity: false
    contradicts: [a]
    locator: ¶2
""",
    )
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert lines[1] == (
        "data/assessments/bad.yaml:11:5: 'contradicts' links this claim to another claim "
        "(named at the end) with a different 'subject' or 'aspect'; only claims about the same "
        "subject and aspect can contradict each other: re-code the aspect or remove the link. "
        "[tkd:claim-essay-prk_chn_b = tkd:claim-essay-prk_chn_a at data/assessments/bad.yaml:6:5]"
    )
    assert lines[0].startswith("data/assessments/bad.yaml:6:5: ")  # sorted by line, not text
