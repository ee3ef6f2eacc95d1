"""``kg build`` replaces its ``--out`` directory whole, so it refuses one that holds the build's
own inputs or is something else than a kg build: nothing there is touched, and the refusal is
one line. Paths the system refuses (a link loop, a name too long) are one line too."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def one_error(result: object) -> str:
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
    (line,) = result.stderr.splitlines()  # type: ignore[attr-defined]
    assert line.startswith("Error: ")
    assert "Traceback" not in result.output  # type: ignore[attr-defined]
    return line


@pytest.mark.parametrize(
    ("out", "holds"),
    [("data", "data"), (".", "data"), ("data/assessments", "data/assessments/prk-essay.yaml")],
)
def test_an_out_that_holds_an_input_is_refused(
    sample_repo: Path, runner: CliRunner, out: str, holds: str
) -> None:
    before = snapshot(sample_repo)
    line = one_error(runner.invoke(cli, ["build", "--out", out]))
    assert f"refusing build directory {out}: it holds {holds}, which the build reads" in line
    assert line.endswith("choose a new or empty one, e.g. --out build)")
    assert snapshot(sample_repo) == before
    assert not [p for p in sample_repo.iterdir() if p.name.startswith(".") and "old" in p.name]


def test_the_root_is_refused(sample_repo: Path, runner: CliRunner) -> None:
    line = one_error(runner.invoke(cli, ["build", "--out", "/"]))
    assert "refusing build directory /: it holds" in line
    assert not [p for p in Path("/").iterdir() if p.name.startswith((".kg-", "..", ".."))]


def test_a_directory_of_other_files_is_refused(sample_repo: Path, runner: CliRunner) -> None:
    docs = sample_repo / "docs"
    docs.mkdir()
    (docs / "notes.txt").write_text("precious\n")
    (docs / "manifest.json").write_text('{"name": "not kg"}\n')
    line = one_error(runner.invoke(cli, ["build", "--out", "docs"]))
    assert "refusing build directory docs: it is not empty and not a kg build" in line
    assert (docs / "notes.txt").read_text() == "precious\n"


def test_a_build_an_empty_or_a_new_directory_is_replaced(
    sample_repo: Path, runner: CliRunner
) -> None:
    (sample_repo / "empty").mkdir()
    for out in ("empty", "new/build", "new/build"):  # the last: a build kg wrote before
        result = runner.invoke(cli, ["build", "--out", out])
        assert result.exit_code == 0, result.output
        assert (sample_repo / out / "manifest.json").is_file()


def test_paths_the_system_refuses_are_one_line(sample_repo: Path, runner: CliRunner) -> None:
    os.symlink("loop", sample_repo / "loop")
    line = one_error(runner.invoke(cli, ["build", "--out", "loop"]))
    assert "loop" in line
    line = one_error(runner.invoke(cli, ["build", "--data", "loop"]))
    assert "loop" in line
    long = "a" * 5000
    line = one_error(runner.invoke(cli, ["build", "--data", long]))
    assert len(line) < 300  # the name is cut short
    line = one_error(runner.invoke(cli, ["query", "tiers", "--build", long]))
    assert len(line) < 300
