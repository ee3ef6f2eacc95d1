"""A ``*.yaml`` entry of the data directory that is not a readable regular file is one line
naming it, never skipped in silence or waited on; a file's size is checked before it is read,
and a file of more values than any kg data holds is refused before it is composed."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.source.loader import MAX_NODES


def error_line(runner: CliRunner) -> str:
    result = runner.invoke(cli, ["build", "--out", "out"])
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.splitlines()
    assert "Traceback" not in result.output
    return line


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda p: os.symlink("nowhere.yaml", p), "x.yaml: cannot read file: No such file"),
        (lambda p: os.symlink(p.name, p), "x.yaml"),
        (os.mkfifo, "x.yaml: not a regular file"),
        (lambda p: os.symlink("/dev/zero", p), "x.yaml: not a regular file"),
    ],
    ids=["dangling link", "link loop", "fifo", "device"],
)
def test_an_unreadable_source_is_one_line(
    sample_repo: Path, runner: CliRunner, make: object, said: str
) -> None:
    make(sample_repo / "data" / "assessments" / "x.yaml")  # type: ignore[operator]
    assert said in error_line(runner)
    assert not (sample_repo / "out").exists()


def test_a_huge_file_is_refused_by_its_size_before_it_is_read(sample_repo: Path) -> None:
    """A 20 GB file under a 3 GB address space: read whole, it would be a MemoryError."""
    big = sample_repo / "data" / "assessments" / "big.yaml"
    with big.open("wb") as stream:
        stream.truncate(20 * 1024**3)  # sparse: 20 GB that take no disk

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))

    proc = subprocess.run(
        [sys.executable, "-m", "kg", "build", "--no-store", "--out", "out"],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=limit,
        cwd=sample_repo,
    )
    assert proc.returncode == 1, proc.stderr
    (line,) = proc.stderr.splitlines()
    assert "big.yaml: file is 21474836480 bytes, over the 8388608 byte limit" in line


def test_a_file_of_too_many_values_is_refused_before_it_is_composed(
    sample_repo: Path, runner: CliRunner
) -> None:
    bomb = sample_repo / "data" / "assessments" / "bomb.yaml"
    bomb.write_text("assessment: [" + "a," * (MAX_NODES + 10) + "a]\n")
    line = error_line(runner)
    # the mapping, its key and the list are nodes 1-3: the first value too many is item N - 2
    column = len("assessment: [") + 2 * (MAX_NODES - 3) + 1
    assert f"bomb.yaml:1:{column}: " in line
    assert f"holds more than {MAX_NODES:,} values" in line
