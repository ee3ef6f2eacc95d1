"""The command line: version, usage errors, stdout/stderr discipline, python -m kg."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from kg.cli import cli
from kg.core.errors import ExitCode
from kg.core.version import __version__


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"kg, version {__version__}\n"


def test_unknown_command_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["biuld"])
    assert result.exit_code == ExitCode.USAGE
    assert "No such command 'biuld'" in result.stderr


def test_build_writes_messages_to_stderr_only(sample_repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["build", "--out", "out"])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.startswith("built out/ from 6 YAML files in ")
    assert result.stderr.rstrip().endswith("; conforms")
    assert (sample_repo / "out" / "graph.ttl").exists()


def test_python_dash_m(sample_repo: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "kg", "validate"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert "conforms: 0 violations" in proc.stderr


def test_exit_codes_are_distinct_and_documented(runner: CliRunner) -> None:
    codes = [int(c) for c in ExitCode]
    assert codes == [0, 1, 2, 3, 141]
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    table = readme.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    assert [int(c) for c in re.findall(r"^\| `(\d+)` \|", table, re.M)] == codes
    shown = runner.invoke(cli, ["--help"]).stdout
    assert all(f"{c} " in shown.split("Exit codes:", 1)[1].split("Example")[0] for c in codes)


def test_read_only_rebuild_keeps_the_build_imports(sample_repo: Path, runner: CliRunner) -> None:
    fixture = Path(__file__).parents[1] / "data" / "imports" / "tiers.csv"
    (sample_repo / "imports.yaml").write_text(
        f"imports:\n  - kind: tiers\n    path: {fixture}\n    id: tiers-fixture\n"
    )
    built = runner.invoke(cli, ["build", "--imports", "imports.yaml", "--out", "out"])
    assert built.exit_code == 0, built.stderr
    before = runner.invoke(cli, ["query", "tiers", "--build", "out", "--format", "csv"])
    data = sample_repo / "data" / "assessments" / "prk-essay.yaml"
    data.write_text(data.read_text() + "\n")  # newer than the build: the query rebuilds it
    os.utime(data, (time.time() + 5, time.time() + 5))
    after = runner.invoke(cli, ["query", "tiers", "--build", "out", "--format", "csv"])
    assert after.exit_code == 0, after.stderr
    assert "tiers-fixture" in before.stdout
    assert sorted(after.stdout.splitlines()) == sorted(before.stdout.splitlines())


def test_data_option_after_the_command(sample_repo: Path, runner: CliRunner) -> None:
    (sample_repo / "data").rename(sample_repo / "mydata")
    missing = runner.invoke(cli, ["validate"])
    assert missing.exit_code == 1
    for args in (["validate", "--data", "mydata"], ["--data", "mydata", "validate"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.stderr
    built = runner.invoke(cli, ["build", "--data", "mydata", "--out", "out"])
    assert built.exit_code == 0, built.stderr
    assert (sample_repo / "out" / "graph.ttl").exists()
