"""Line endings (audit, minor): a CSV file whose lines end in bare carriage returns (old Mac
line endings) said "new-line character seen in unquoted field - do you need to open the file
in universal-newline mode?", advice about Python's API; now a plain message with a hint."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from tests.conftest import ROOT

FIX = ROOT / "tests" / "data" / "imports"
HINT = "save the file with LF or CR LF line endings; quote a field that holds a line break"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            b"\r".join((FIX / "tiers.csv").read_bytes().splitlines()) + b"\r",
            "cr.csv:1:1: a line ends in a bare carriage return (CR), or an unquoted field holds "
            f"one ({HINT})",
        ),
        (
            b'"countryname","iso","year","ccode","tier"\nNorth Korea,PRK,20\r05,731,3\n',
            "cr.csv:2:1: a line ends in a bare carriage return (CR), or an unquoted field holds "
            f"one ({HINT})",
        ),
        (
            b'"countryname","iso","year","ccode","tier"\r'
            + b"North Korea,PRK,2005,731,3\r" * 50_000,
            f"cr.csv:1:1: line 1 is longer than 1,048,576 bytes (lines end in bare CRs? {HINT})",
        ),
    ],
    ids=["cr-only", "cr-in-a-field", "cr-only-big"],
)
def test_bare_carriage_returns_are_one_plain_line(
    body: bytes, expected: str, sample_repo: Path, runner: CliRunner
) -> None:
    Path("cr.csv").write_bytes(body)
    result = runner.invoke(cli, ["import", "tiers", "cr.csv"])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {expected}\n"
    assert "universal-newline" not in result.stderr


def test_cr_lf_line_endings_read_as_lf_does(sample_repo: Path, runner: CliRunner) -> None:
    lines = (FIX / "tiers.csv").read_bytes().splitlines()
    Path("crlf.csv").write_bytes(b"\r\n".join(lines) + b"\r\n")
    Path("lf.csv").write_bytes(b"\n".join(lines) + b"\n")
    crlf = runner.invoke(cli, ["import", "tiers", "crlf.csv", "--out", "a"])
    lf = runner.invoke(cli, ["import", "tiers", "lf.csv", "--out", "b"])
    assert crlf.exit_code == 0, crlf.stderr
    assert crlf.stdout.splitlines()[1:] == lf.stdout.splitlines()[1:]
    assert "facts written: none" not in crlf.stdout
