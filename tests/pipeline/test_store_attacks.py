"""A build directory in states no build leaves it in: another build's files copied over it, its
files replaced by FIFOs, its store damaged in place. Every read-only command answers from the
build of the current inputs (rebuilt when the manifest's checksums say so), or says in one line
what is wrong and how to rebuild: never a stale answer, a hang or a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli

ESSAY = Path("data/assessments/prk-essay.yaml")


def tier(result: object) -> str:
    """The PRK tier a ``kg query tiers --format csv`` answered (exit 0 expected)."""
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "Traceback" not in result.output  # type: ignore[attr-defined]
    (row,) = [line for line in result.stdout.splitlines() if "PRK" in line]  # type: ignore[attr-defined]
    return row.split(",")[2].rsplit("/", 1)[-1]


def tiers(runner: CliRunner, build: str) -> object:
    return runner.invoke(cli, ["query", "tiers", "--build", build, "--format", "csv"])


@pytest.fixture
def other_build(sample_repo: Path, runner: CliRunner) -> Path:
    """``out``, the build of the project (PRK at tier 3), and ``elsewhere``, the build of a
    copy of its data that puts PRK at tier 2; the project's own data is unchanged."""
    assert runner.invoke(cli, ["build", "--out", "out"]).exit_code == 0
    shutil.copytree(sample_repo / "data", sample_repo / "other")
    essay = sample_repo / "other" / ESSAY.relative_to("data")
    essay.write_text(essay.read_text().replace("tier: tier-3", "tier: tier-2", 1))
    done = runner.invoke(cli, ["--data", "other", "build", "--out", "elsewhere"])
    assert done.exit_code == 0, done.output
    assert tier(tiers(runner, "out")) == "tier-3"
    return sample_repo / "elsewhere"


def test_another_builds_files_copied_without_dot_files(
    other_build: Path, sample_repo: Path, runner: CliRunner
) -> None:
    """``cp -a elsewhere/* out/`` copies the manifest, graph.nq and the store of a build of
    other data but leaves ``out/.inputs.json`` of the project's build: the manifest's
    checksums are not the project's inputs', so the build is made again."""
    for path in other_build.iterdir():
        if not path.name.startswith("."):
            target = sample_repo / "out" / path.name
            if path.is_dir():
                shutil.rmtree(target)
                shutil.copytree(path, target)
            else:
                shutil.copy2(path, target)
    assert tier(tiers(runner, "out")) == "tier-3"


def test_a_build_without_its_inputs_record(other_build: Path, runner: CliRunner) -> None:
    """Without ``.inputs.json`` (copied without dot files) the inputs are hashed and compared
    with the manifest's checksums, not their times with the manifest's."""
    (other_build / ".inputs.json").unlink()
    assert tier(tiers(runner, "elsewhere")) == "tier-3"
