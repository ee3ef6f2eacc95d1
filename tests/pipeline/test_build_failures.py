"""A build that cannot finish (a full disk): one line naming the build directory and what to
do, and the previous build left as it was, with nothing of the failed one beside it."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli


def test_a_full_disk_is_one_line_and_keeps_the_previous_build(
    sample_repo: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The system's error on a full disk names no file when it comes from closing one (it
    was 'Error: No space left on device', nothing more)."""
    assert runner.invoke(cli, ["build", "--out", "out"]).exit_code == 0
    before = (sample_repo / "out" / "manifest.json").read_bytes()

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("kg.graph.dump.write_graphs", full)
    result = runner.invoke(cli, ["build", "--out", "out"])
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.splitlines()
    assert line == (
        "Error: cannot write the build out: No space left on device (free some space where out "
        "is, or choose another --out; the previous build is left as it was)"
    )
    assert (sample_repo / "out" / "manifest.json").read_bytes() == before
    assert not [p for p in sample_repo.iterdir() if p.name.startswith(".out.")]
    answer = runner.invoke(cli, ["query", "tiers", "--build", "out", "--format", "csv"])
    assert answer.exit_code == 0, answer.output
    assert "PRK" in answer.stdout
