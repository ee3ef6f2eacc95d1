"""A damaged build directory is never a traceback: a truncated or edited graph.nq is one line
and exit 1 for every command that reads it; a damaged JSON file kg wrote beside it (the
manifest, the store's stamp, the inputs' record, the kept answers) is a warning and an answer
from graph.nq, or a rebuild; so is a broken JSON-LD context in the ontology directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.pipeline.opening import is_stale
from kg.pipeline.settings import Settings


def test_a_damaged_graph_is_one_line(sample_repo: Path, runner: CliRunner) -> None:
    assert runner.invoke(cli, ["build", "--out", "out"]).exit_code == 0
    graph = sample_repo / "out" / "graph.nq"
    graph.write_bytes(graph.read_bytes() + b'<http://e/a> "cut off\n')
    lines = len(graph.read_bytes().splitlines())
    for args in (["query", "tiers"], ["export", "--format", "turtle"]):
        result = runner.invoke(cli, [*args, "--build", "out"])
        assert result.exit_code == 1, result.output
        assert result.stdout == ""
        (line,) = result.stderr.splitlines()
        assert line.startswith(f"Error: out/graph.nq:{lines}:")
        assert line.endswith("(the build is damaged or incomplete: run 'kg build --out out')")


DEEP = "[" * 100_000  # nests past json's stack: a RecursionError, not a ValueError
#: What a build's own JSON files may hold after a crash, a bad edit or a bad copy.
DAMAGE = {"a list": "[]", "too deep": DEEP + "\n", "not JSON": "{{", "empty": ""}
BUILD_FILES = (
    "manifest.json",
    "store/kg-store.json",
    ".inputs.json",
    ".network-answers",
    ".network-flows.json",
)


@pytest.mark.parametrize("damage", sorted(DAMAGE))
@pytest.mark.parametrize("name", BUILD_FILES)
def test_a_damaged_json_file_of_the_build_is_never_a_traceback(
    sample_repo: Path, runner: CliRunner, name: str, damage: str
) -> None:
    """Whatever became of a JSON file kg wrote into its build, every reading command still
    answers (from graph.nq, or after a rebuild), with at most one warning line."""
    assert runner.invoke(cli, ["build", "--out", "out"]).exit_code == 0
    expected = runner.invoke(cli, ["query", "tiers", "--build", "out", "--format", "csv"]).stdout
    (sample_repo / "out" / name).write_text(DAMAGE[damage])
    result = runner.invoke(cli, ["query", "tiers", "--build", "out", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout == expected
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning")]
    assert len(warnings) <= 1, result.stderr
    (sample_repo / "out" / name).write_text(DAMAGE[damage])
    result = runner.invoke(cli, ["export", "--format", "graphml", "--build", "out", "-o", "n.xml"])
    assert result.exit_code == 0, result.output
    assert (sample_repo / "n.xml").read_bytes().startswith(b"<?xml")


@pytest.mark.parametrize("entry", [5, [], ["12", 3], [1, 2, 3, 4], {"size": 1}, None], ids=repr)
def test_a_damaged_inputs_record_makes_the_build_stale(
    sample_repo: Path, runner: CliRunner, entry: object
) -> None:
    """``.inputs.json`` (each input's size, times and digest) with an entry kg did not write
    is not trusted: the build counts as stale and is made again."""
    assert runner.invoke(cli, ["build", "--out", "out"]).exit_code == 0
    path = sample_repo / "out" / ".inputs.json"
    recorded = json.loads(path.read_text())
    path.write_text(json.dumps({k: entry for k in recorded}))
    settings = Settings(
        data_dir=sample_repo / "data",
        out_dir=sample_repo / "out",
        ontology_dir=sample_repo / "ontology",
    )
    assert is_stale(settings)
    result = runner.invoke(cli, ["query", "tiers", "--build", "out"])
    assert result.exit_code == 0, result.output
    assert json.loads(path.read_text()) == recorded  # rebuilt: as kg writes it


@pytest.mark.parametrize("version", ["0.0.1\n\x1b[2J", "x" * 5000, 7])
def test_a_stamps_odd_version_is_shown_as_another(
    sample_repo: Path, runner: CliRunner, version: object
) -> None:
    """A store's stamp naming a version no kg writes: one short warning line, nothing of the
    stamp's own text (a terminal escape, a long string) copied into it."""
    assert runner.invoke(cli, ["build", "--out", "out"]).exit_code == 0
    path = sample_repo / "out" / "store" / "kg-store.json"
    stamp = json.loads(path.read_text())
    path.write_text(json.dumps(stamp | {"kg": version}))
    result = runner.invoke(cli, ["query", "tiers", "--build", "out"])
    assert result.exit_code == 0, result.output
    (warning,) = [line for line in result.stderr.splitlines() if line.startswith("warning")]
    assert "was written by kg another version (this is" in warning
    assert "\x1b" not in result.stderr
    assert len(warning) < 300


@pytest.mark.parametrize(
    ("context", "where"),
    [
        ('{"@context": [', "ontology/context.jsonld:2:1: invalid JSON"),
        ("[1]", "ontology/context.jsonld:1:1: not a JSON-LD context object"),
        ('{"@context": 5}', "ontology/context.jsonld:1:1: not a JSON-LD context object"),
        (DEEP, "ontology/context.jsonld: cannot read: nested too deeply"),
    ],
)
def test_a_broken_jsonld_context_is_one_line_before_the_build(
    sample_repo: Path, runner: CliRunner, context: str, where: str
) -> None:
    assert runner.invoke(cli, ["build", "--out", "out"]).exit_code == 0
    before = (sample_repo / "out" / "manifest.json").read_bytes()
    (sample_repo / "ontology" / "context.jsonld").write_text(context + "\n")
    result = runner.invoke(cli, ["--ontology", "ontology", "build", "--out", "out"])
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"Error: {where}"), line
    assert (sample_repo / "out" / "manifest.json").read_bytes() == before


def test_an_edited_jsonld_context_makes_the_build_stale(
    sample_repo: Path, runner: CliRunner
) -> None:
    """The context shapes graph.jsonld, so a build made with another one is stale."""
    assert runner.invoke(cli, ["--ontology", "ontology", "build", "--out", "out"]).exit_code == 0
    settings = Settings(
        data_dir=sample_repo / "data",
        out_dir=sample_repo / "out",
        ontology_dir=sample_repo / "ontology",
    )
    assert not is_stale(settings)
    context = sample_repo / "ontology" / "context.jsonld"
    context.write_text(context.read_text().replace('"tk":', '"tkx": "https://e/", "tk":'))
    assert is_stale(settings)
