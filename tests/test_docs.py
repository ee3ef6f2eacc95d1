"""The docs are an artefact under test: data/README.md and README.md stay true."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.source import assessment as parse_assessment
from kg.source import curation, parse
from kg.source.ontology import load_ontology

ROOT = Path(__file__).resolve().parent.parent
DATA_README = (ROOT / "data" / "README.md").read_text()


def _yaml_blocks(text: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", text, flags=re.S)


def _block(marker: str) -> str:
    return next(b for b in _yaml_blocks(DATA_README) if marker in b)


def _add_source(repo: Path, block: str) -> None:
    sources = repo / "data" / "sources.yaml"
    entry = "\n".join(line for line in block.splitlines() if not line.startswith("#"))
    sources.write_text(sources.read_text() + entry + "\n")


def test_data_readme_example_validates(sample_repo: Path, runner: CliRunner) -> None:
    _add_source(sample_repo, _block("id: tip-2020"))
    assessment = _block("country: MMR")
    (sample_repo / "data" / "assessments" / "mmr-tip2020.yaml").write_text(assessment)
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 0, result.stderr
    assert "conforms: 0 violations, 0 warnings" in result.stderr


def test_data_readme_restatement_example(sample_repo: Path, runner: CliRunner) -> None:
    """The Eritrea example: J/TIP as assessor of a Factbook text warns; a restatement does not."""
    sources, right = _block("eri-factbook.yaml").split("# data/assessments/eri-factbook.yaml")
    _add_source(sample_repo, sources)
    target = sample_repo / "data" / "assessments" / "eri-factbook.yaml"
    target.write_text(_block("# wrong"))
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 0, result.stderr
    assert "conforms: 0 violations, 1 warnings" in result.stderr
    assert "eri-factbook.yaml:2:3: warning:" in result.stderr
    assert "not marked as a restatement" in result.stderr
    shown = next(ln for ln in DATA_README.splitlines() if ln.startswith("data/assessments/eri-"))
    assert shown.removesuffix(" …") in result.stderr  # the README shows the real message
    target.write_text(right)
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 0, result.stderr
    assert "conforms: 0 violations, 0 warnings" in result.stderr
    result = runner.invoke(cli, ["query", "tiers", "--data", "data", "-p", "country=ERI"])
    assert result.exit_code == 0, result.stderr
    assert "true" in result.stdout.splitlines()[2]  # restated


KEY_TUPLES = {
    "flow": parse_assessment._FLOW_KEYS,
    "estimate": parse_assessment._ESTIMATE_KEYS,
    "policy": parse_assessment._POLICY_KEYS,
    "claim": parse_assessment._CLAIM_KEYS,
    "curation": curation.CURATION_KEYS,
    "curated claim": curation._CLAIM_KEYS,
    "resolution": curation._RESOLUTION_KEYS,
    "curated link": curation._LINK_KEYS,
    "recommendation": parse_assessment._REC_KEYS,
    "tier": parse_assessment._TIER_KEYS,
    "top": parse_assessment.ASSESSMENT_KEYS + parse.REFERENCE_KEYS,
}


@pytest.mark.parametrize("kind", sorted(KEY_TUPLES))
def test_every_yaml_key_is_documented(kind: str) -> None:
    missing = [k for k in KEY_TUPLES[kind] if f"`{k}`" not in DATA_README]
    assert not missing, f"{kind} keys missing from data/README.md: {missing}"


def test_every_vocabulary_value_is_documented() -> None:
    vocab = load_ontology(ROOT / "ontology").vocabulary
    missing = [
        f"{scheme}:{name}"
        for scheme, names in vocab.items()
        for name in names
        if scheme != "tiers" and f"`{name}`" not in DATA_README
    ]
    missing += [f"tiers:{n}" for n in vocab["tiers"] if f"`{n}`" not in DATA_README]
    assert not missing, f"vocabulary values missing from data/README.md: {missing}"


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out = []
    for name, cmd in sorted(group.commands.items()):
        out.append((f"{prefix}{name}", cmd))
        if isinstance(cmd, click.Group):
            out.extend(_commands(cmd, f"{prefix}{name} "))
    return out


@pytest.mark.parametrize("name", [n for n, _ in _commands(cli)])
def test_every_command_has_help_with_example(name: str, runner: CliRunner) -> None:
    result = runner.invoke(cli, [*name.split(), "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout, f"kg {name} --help has no example"


@pytest.mark.parametrize("name", [n for n, _ in _commands(cli)])
def test_every_command_is_in_the_readme(name: str) -> None:
    readme = (ROOT / "README.md").read_text()
    assert f"kg {name}" in readme, f"README.md does not mention 'kg {name}'"


def test_readme_exit_code_table() -> None:
    readme = (ROOT / "README.md").read_text()
    from kg.core.errors import ExitCode

    for code in ExitCode:
        assert re.search(rf"^\| `?{int(code)}`? \|", readme, flags=re.M), code


def test_readme_quick_start_has_exactly_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", section, flags=re.S)
    commands = [
        ln for b in blocks for ln in b.splitlines() if ln.strip() and not ln.startswith("#")
    ]
    assert len(commands) == 2, commands
    ci = (ROOT / ".ci" / "run").read_text()
    assert commands[1].strip() in ci, ".ci/run must run the README test command verbatim"


ESSAY_COUNTS = {
    "flows": "?x a tk:TraffickingFlow ; tk:statedIn tkd:source-essay-prk",
    "policies": "?x a tk:Policy ; tk:statedIn tkd:source-essay-prk",
    "claims": "?x a tk:Claim ; tk:statedIn tkd:source-essay-prk",
    "recommendations": "?x a tk:Recommendation ; tk:statedIn tkd:source-essay-prk",
    "curated claim": "GRAPH tkg:curation-essay-prk { ?x a tk:CuratedClaim }",
    "resolution": "GRAPH tkg:curation-essay-prk { ?x a tk:Resolution }",
    "curator links": "GRAPH tkg:curation-essay-prk { ?x a tk:CuratorLink }",
}


@pytest.mark.parametrize("what", sorted(ESSAY_COUNTS))
def test_readme_counts_come_from_the_build(shipped_build: object, what: str) -> None:
    """The essay's counts in README.md and data/README.md are the build's, not typed by hand."""
    from kg.core import vocab as V

    prefixes = "\n".join(f"PREFIX {k}: <{v}>" for k, v in V.PREFIXES.items())
    query = f"{prefixes}\nSELECT (COUNT(DISTINCT ?x) AS ?n) {{ {ESSAY_COUNTS[what]} }}"
    rows = shipped_build.store.query(query, use_default_graph_as_union=True)  # type: ignore[attr-defined]
    n = int(next(iter(rows))["n"].value)
    readme = (ROOT / "README.md").read_text()
    assert f"**{n} {what}**" in readme, f"README.md should say **{n} {what}**"
    if what == "claims":
        assert f"as shipped: {n} claims" in DATA_README


def _shown_queries(text: str) -> list[tuple[list[str], str]]:
    """Every ``$ kg query …`` line of a ```text block of data/README.md, with the lines shown
    under it (up to the next command or the end of the block)."""
    shown: list[tuple[list[str], str]] = []
    for block in re.findall(r"```text\n(.*?)```", text, flags=re.S):
        for part in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = part.partition("\n")
            if command.startswith("kg query "):
                shown.append((command.split()[1:], output))
    return shown


def test_data_readme_query_output_is_real(runner: CliRunner, shipped_build_dir: Path) -> None:
    """The claims and who says them, as data/README.md shows them, are the shipped build's."""
    shown = _shown_queries(DATA_README)
    assert len(shown) >= 3
    for args, output in shown:
        args = [a.strip("'\"") for a in args]
        result = runner.invoke(cli, [*args, "--build", str(shipped_build_dir)])
        assert result.exit_code == 0, result.output
        got = [line.rstrip() for line in result.stdout.splitlines()]
        assert got == [line.rstrip() for line in output.splitlines()], " ".join(args)
