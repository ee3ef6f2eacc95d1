"""Every kind of bad input gives one pinned line, exit code 1, and writes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli

INVALID = Path(__file__).parents[1] / "data" / "invalid"

BAD = "data/assessments/bad.yaml"
CASES = {
    "duplicate_key": f"{BAD}:5:3: duplicate key 'country' (first defined at line 3)",
    "unknown_key": f"{BAD}:9:5: unknown key 'destnations' in a flow (did you mean 'destinations'?)",
    "wrong_type": f"{BAD}:12:14: 'value' in an estimate must be an integer, not a string "
    "(write numbers without quotes or thousands separators, e.g. 50000)",
    "unknown_country": f"{BAD}:9:25: unknown country code or region id 'CHM' (did you mean 'KHM'?)",
    "unknown_term": f"{BAD}:6:11: unknown tier 'tier-2-watch-list' (did you mean 'tier-2wl'?)",
    "dangling_reference": f"{BAD}:11:22: unknown policy 'labour-exports' "
    "(did you mean 'labour-export'?)",
    "alias_bomb": f"{BAD}:1:4: YAML anchor 'a' is not allowed "
    "(write the value out in full; anchors and aliases are rejected)",
    "syntax_error": f"{BAD}:4:12: invalid YAML: mapping values are not allowed in this context "
    "(check the indentation)",
    "missing_key": f"{BAD}:6:5: a recommendation is missing required key 'pillars' "
    "(see data/README.md)",
    "unknown_source": f"{BAD}:2:11: unknown source 'essay-rus' (did you mean 'essay-prk'?)",
    "not_utf8": f"{BAD}:3:14: file is not valid UTF-8 (byte 0xfc) (save the file as UTF-8)",
}


def test_every_fixture_has_a_pinned_message() -> None:
    assert {p.stem for p in INVALID.glob("*.yaml")} == set(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_line(case: str, sample_repo: Path, runner: CliRunner) -> None:
    shutil.copy(INVALID / f"{case}.yaml", sample_repo / BAD)
    result = runner.invoke(cli, ["build", "--out", "out"])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {CASES[case]}\n"
    assert result.stdout == ""
    assert not (sample_repo / "out").exists()


def test_failed_build_leaves_previous_build_intact(sample_repo: Path, runner: CliRunner) -> None:
    assert runner.invoke(cli, ["build", "--out", "out"]).exit_code == 0
    before = {p.name: p.read_bytes() for p in (sample_repo / "out").iterdir()}
    shutil.copy(INVALID / "unknown_key.yaml", sample_repo / BAD)
    assert runner.invoke(cli, ["build", "--out", "out"]).exit_code == 1
    after = {p.name: p.read_bytes() for p in (sample_repo / "out").iterdir()}
    assert after == before


def test_traceback_flag_shows_the_stack(sample_repo: Path, runner: CliRunner) -> None:
    shutil.copy(INVALID / "unknown_key.yaml", sample_repo / BAD)
    result = runner.invoke(cli, ["--traceback", "validate"])
    assert result.exit_code == 1
    assert result.exception is not None
    assert "destnations" in str(result.exception)


def test_missing_data_directory(sample_repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--data", "nowhere", "validate"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: data directory nowhere does not exist "
        "(pass --data DIR, or start a project with 'kg init DIR')\n"
    )
