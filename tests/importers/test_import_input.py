"""Hostile input to the importers and ``kg import``: directories, byte order marks, and junk
files whose report must stay short on a terminal (issue 11, item 18)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.core.errors import KGError
from kg.importers import load_matcher, run_import
from kg.importers.common import ImportReport, no_progress
from kg.importers.csvstream import CsvStream
from tests.conftest import DATA, ONTOLOGY, ROOT

FIX = ROOT / "tests" / "data" / "imports"
HEADER = "Iso3_code,Country,Region,Subregion,Indicator,Dimension,Category,Sex,Age,Year," + (
    "Unit of measurement,txtVALUE,Source\n"
)


@pytest.fixture
def repo(sample_repo: Path) -> Path:
    shutil.copy(FIX / "tiers.csv", sample_repo / "tiers.csv")
    return sample_repo


def test_a_directory_as_file_is_one_line_and_exit_1(repo: Path, runner: CliRunner) -> None:
    (repo / "datasets").mkdir()
    result = runner.invoke(cli, ["import", "tiers", "datasets"])
    assert result.exit_code == 1
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()  # one line, not click's usage block
    assert line.startswith("Error: datasets: a folder, but tiers reads one CSV file (")
    assert not (repo / "build").exists()


def test_the_csv_reader_refuses_a_directory_itself(tmp_path: Path) -> None:
    """Below the CLI and the registry too: the CSV reader handed a directory says so."""
    with pytest.raises(KGError) as caught:
        CsvStream(tmp_path, ["a"], no_progress)
    assert str(caught.value).endswith(
        "this is a directory, not a CSV file (give the dataset's CSV file, e.g. DIR/data.csv)"
    )


def test_a_missing_file_and_an_out_that_is_a_file_are_one_line(
    repo: Path, runner: CliRunner
) -> None:
    result = runner.invoke(cli, ["import", "tiers", "nowhere.csv"])
    assert result.exit_code == 1
    assert result.stderr == "Error: nowhere.csv: cannot read file: No such file or directory\n"
    (repo / "taken").write_text("")
    result = runner.invoke(cli, ["import", "tiers", "tiers.csv", "--out", "taken"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: output directory taken is a file "
        "(pass --out DIR naming a directory; it is created when missing)\n"
    )


def test_a_directory_as_import_list_is_one_line(repo: Path, runner: CliRunner) -> None:
    (repo / "lists").mkdir()
    result = runner.invoke(cli, ["build", "--imports", "lists"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: import list lists is a directory, not a YAML file "
        "(pass the import list itself, e.g. --imports imports.example.yaml)\n"
    )


def test_a_utf8_byte_order_mark_is_not_part_of_the_header(repo: Path, runner: CliRunner) -> None:
    """Excel's "CSV UTF-8" starts with a BOM, often before a quoted header."""
    plain = (FIX / "tiers.csv").read_bytes()
    (repo / "bom.csv").write_bytes(b"\xef\xbb\xbf" + plain)
    with_bom = runner.invoke(cli, ["import", "tiers", "bom.csv", "--out", "a"])
    without = runner.invoke(cli, ["import", "tiers", "tiers.csv", "--out", "b"])
    assert with_bom.exit_code == 0, with_bom.stderr
    assert with_bom.stdout.splitlines()[1:] == without.stdout.splitlines()[1:]
    assert (repo / "a" / "tip-tiers-2001-2015.nq").read_bytes().count(b"\n") == (
        (repo / "b" / "tip-tiers-2001-2015.nq").read_bytes().count(b"\n")
    )


def test_a_utf16_file_is_one_line(repo: Path, runner: CliRunner) -> None:
    (repo / "wide.csv").write_bytes((FIX / "tiers.csv").read_text().encode("utf-16"))
    result = runner.invoke(cli, ["import", "tiers", "wide.csv"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: wide.csv:1:1: file is UTF-16 (it starts with a UTF-16 byte order mark) "
        "(save the file as UTF-8)\n"
    )


def junk(path: Path, rows: int) -> None:
    """Rows that fail for every reason, each with its own value."""
    lines = [HEADER]
    for i in range(rows):
        kind = i % 6
        if kind == 0:
            lines.append(f"Z{i},Nowhere{i},R,S,Detected trafficking victims,total,Total,"
                         f"Total,Total,2019,Counts,{i},G\n")  # fmt: skip
        elif kind == 1:
            lines.append(f"PRK,North Korea,R,S,Detected trafficking victims,by citizenship,"
                         f"Place{i},Total,Total,2019,Counts,5{i},G\n")  # fmt: skip
        elif kind == 2:
            lines.append(f"junk{i}\n")
        elif kind == 3:
            lines.append(f"PRK,North Korea,R,S,Indicator{i},total,Total,Total,Total,2019,"
                         "Counts,5,G\n")  # fmt: skip
        elif kind == 4:
            lines.append(f"PRK,North Korea,R,S,Persons convicted,by dimension {i},Total,"
                         "Total,Total,2019,Counts,5,G\n")  # fmt: skip
        else:
            lines.append(f"PRK,North Korea,R,S,Detected trafficking victims,total,Total,"
                         f"Total,Total,year{i},Counts,x{i},G\n")  # fmt: skip
    path.write_text("".join(lines))


def test_junk_rows_give_a_short_summary_and_the_full_list_in_the_report(
    repo: Path, runner: CliRunner
) -> None:
    junk(repo / "junk.csv", 30_000)
    result = runner.invoke(cli, ["import", "glotip", "junk.csv", "--out", "out"])
    assert result.exit_code == 0, result.stderr
    shown = result.stdout.splitlines()
    assert len(shown) < 40, "\n".join(shown)
    assert all(len(line) < 400 for line in shown)
    assert "    … and 9990 more groups (9990 values): see the report file" in shown
    report = json.loads((repo / "out" / "unodc-glotip-2023.report.json").read_text())
    assert report["rows_read"] == 30_000
    assert report["rows_skipped"] == 30_000
    assert len(report["unmapped"]) == 10_000  # every unmapped value, one group each
    for reason, table in report["skipped"].items():
        assert len(table["examples"]) == table["count"], reason  # every row, in the file
    assert set(report["skipped"]) == {
        "citizenship unmapped",
        "indicator without a tkv:indicators concept",
        "malformed row (not 13 fields)",
        "reporting country not mapped",
        "unknown dimension (not imported)",
        "year or value is not a number",
    }


def test_reasons_never_embed_values(tmp_path: Path) -> None:
    """A reason is a category; the value goes into the example, so reasons stay few."""
    junk(tmp_path / "junk.csv", 600)
    report = run_import("glotip", tmp_path / "junk.csv", load_matcher(DATA, ONTOLOGY)).report
    assert len(report.skipped) == 6
    assert max(len(t.examples) for t in report.skipped.values()) == 10


def test_a_file_name_with_a_control_character_is_refused(repo: Path, runner: CliRunner) -> None:
    """The name would go into every locator of the graph and into the terminal summary."""
    shutil.copy(FIX / "tiers.csv", repo / "a\x1b[31mb.csv")
    result = runner.invoke(cli, ["import", "tiers", "a\x1b[31mb.csv"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the file name a\\x1b[31mb.csv holds a control or bidi character (rename the file)\n"
    )


def test_an_endless_line_is_one_line_and_never_read_whole(repo: Path, runner: CliRunner) -> None:
    """A file that is one 3 MB line (no newline) stops at the first MB, not read whole."""
    head = (FIX / "tiers.csv").read_bytes().split(b"\n")[0]
    (repo / "endless.csv").write_bytes(head + b"\n" + b"a," * 1_500_000)
    result = runner.invoke(cli, ["import", "tiers", "endless.csv"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: endless.csv:2:1: line 2 is longer than 1,048,576 bytes "
        "(is this the dataset's CSV file?)\n"
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'"' + b"a" * 200_000 + b'",PRK,2005,731,3\n', "2:1: a CSV record of more than 131,072"),
        (b'"unclosed,PRK,2005,731,3\n' + b"a,b,c,d,e\n" * 50_000, "2:1: a CSV record of more"),
        (b"C\xf4te d'Ivoire,CIV,2005,437,2\n", "2:2: file is not valid UTF-8 (byte 0xf4)"),
    ],
    ids=["huge-field", "unclosed-quote", "latin-1"],
)
def test_huge_fields_and_mixed_encodings_are_one_line(
    body: bytes, message: str, repo: Path, runner: CliRunner
) -> None:
    """The record bound holds whatever csv.field_size_limit is (kg extract raises it)."""
    old = csv.field_size_limit(2**31 - 1)
    try:
        head = (FIX / "tiers.csv").read_bytes().split(b"\n")[0]
        (repo / "bad.csv").write_bytes(head + b"\n" + body)
        result = runner.invoke(cli, ["import", "tiers", "bad.csv"])
        assert result.exit_code == 1
        assert result.stderr.startswith(f"Error: bad.csv:{message}")
        assert result.stderr.count("\n") == 1
    finally:
        csv.field_size_limit(old)


GLOTIP_ROW = (
    "GBR,United Kingdom,Europe,Northern Europe,Detected trafficking victims,by citizenship,"
    "Albania,Total,Total,{year},Counts,{value},GLOTIP\n"
)


@pytest.mark.parametrize(
    ("year", "value"),
    [
        ("2019", "²"),  # str.isdigit() is true, int() refuses it
        ("2019", "<²"),
        ("2019", "9" * 5000),  # int() refuses more than 4,300 digits
        ("²⁰¹⁹", "1705"),
        ("2019", "١٢"),  # Arabic-Indic digits: not read as 12
        ("9" * 5000, "1705"),
    ],
)
def test_numbers_that_are_not_ascii_digits_are_skipped_rows(
    year: str, value: str, repo: Path, runner: CliRunner
) -> None:
    (repo / "g.csv").write_text(HEADER + GLOTIP_ROW.format(year=year, value=value))
    result = runner.invoke(cli, ["import", "glotip", "g.csv"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "year or value is not a number" in result.output
    assert "facts written: none" in result.output


def test_a_size_option_with_unicode_digits_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["serve", "--max-query-size", "²M"])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "'²M' is not a size (e.g. 65536, 256K, 32M, 1G)" in result.stderr


@pytest.mark.parametrize("year", ["3000", "0", "1066"])
def test_a_year_outside_1990_to_next_year_is_a_skipped_row(
    year: str, repo: Path, runner: CliRunner
) -> None:
    """Issue 11, item 12 for imported datasets: the same year range as the YAML data."""
    rows = GLOTIP_ROW.format(year=year, value="1705") + GLOTIP_ROW.format(year=2019, value="17")
    (repo / "g.csv").write_text(HEADER + rows)
    result = runner.invoke(cli, ["import", "glotip", "g.csv"])
    assert result.exit_code == 0, result.output
    assert f"year outside 1990-{dt.date.today().year + 1}" in result.output
    assert "facts written: 1 CrossBorderFlow" in result.output
    (repo / "t.csv").write_text(
        f'"countryname","iso","year","ccode","tier"\nNorth Korea,PRK,{year},731,3\n'
    )
    result = runner.invoke(cli, ["import", "tiers", "t.csv"])
    assert result.exit_code == 0, result.output
    assert "year outside 1990-" in result.output


def test_counts_on_the_terminal_escape_control_characters() -> None:
    """A count may name a value of the file (the Factbook's GEC codes): the summary escapes it,
    as it escapes the reasons, groups and notes."""
    report = ImportReport("factbook", "x", "f.csv")
    report.counts["GEC a\x1b[2J\u202e (Aruba) not in the crosswalk: ABW by name"] += 1
    lines = report.lines()
    assert "  GEC a\\x1b[2J\\u202e (Aruba) not in the crosswalk: ABW by name: 1" in lines
    assert not any("\x1b" in line or "\u202e" in line for line in lines)
