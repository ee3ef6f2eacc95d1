"""The Factbook importer's GEC crosswalk (``../country_centroids/countrycode_codelist_without_cldr
.csv``) is read like every dataset file (audit item 2): a Latin-1 byte, a 200 kB field or a row
of one field were tracebacks, and a name pattern with nested quantifiers ran for minutes."""

from __future__ import annotations

import csv
import json
import re
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.core.errors import KGError
from kg.importers import load_matcher, run_import
from kg.importers.gec import Crosswalk, FactbookCountries
from kg.importers.saferegex import MAX_SUBJECT, UnsafePattern, check_pattern
from tests.conftest import DATA, ONTOLOGY, ROOT, SHARED_DATA

FIX = ROOT / "tests" / "data" / "imports"
NAME = "countrycode_codelist_without_cldr.csv"
HEADER = "fips,iso3c,country.name.en,country.name.en.regex\n"
REDOS = "^(([a-z]+ ?)+)+#$"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the Factbook fixture with its crosswalk beside it; returns the crosswalk."""
    shutil.copytree(FIX / "factbook_tip", tmp_path / "factbook_tip")
    shutil.copytree(FIX / "country_centroids", tmp_path / "country_centroids")
    return tmp_path / "country_centroids" / NAME


def run(runner: CliRunner, crosswalk: Path, *, imports: bool = False) -> tuple[int, str, str]:
    """``kg import factbook`` (or a build importing it) in the crosswalk's parent folder."""
    base = ["--data", str(DATA), "--ontology", str(ONTOLOGY)]
    top = crosswalk.parent.parent
    if imports:
        (top / "imports.yaml").write_text("imports:\n  - kind: factbook\n    path: factbook_tip\n")
        args = ["build", "--imports", str(top / "imports.yaml"), "--out", str(top / "build")]
    else:
        args = ["import", "factbook", str(top / "factbook_tip"), "--out", str(top / "out")]
    result = runner.invoke(cli, [*base, *args])
    return result.exit_code, result.stdout, result.stderr


def with_row(crosswalk: Path, row: bytes) -> None:
    crosswalk.write_bytes(crosswalk.read_bytes() + row)


@pytest.mark.parametrize("imports", [False, True], ids=["kg-import", "kg-build"])
@pytest.mark.parametrize(
    ("row", "message"),
    [
        (b"zz,CIV,C\xf4te d'Ivoire,ivoire\n", f"{NAME}:21:9: file is not valid UTF-8 (byte 0xf4)"),
        (b'zz,CIV,"' + b"a" * 200_000 + b'",x\n', f"{NAME}:21:1: a CSV record of more than"),
        (f"zz,CIV,x,{REDOS}\n".encode(), f"{NAME}:21:4: kg does not run the name pattern"),
    ],
    ids=["latin-1", "huge-field", "redos"],
)
def test_a_bad_crosswalk_is_one_line_and_exit_1(
    row: bytes, message: str, imports: bool, folder: Path, runner: CliRunner
) -> None:
    with_row(folder, row)
    started = time.perf_counter()
    code, _, stderr = run(runner, folder, imports=imports)
    assert time.perf_counter() - started < 30  # the pattern is refused, never run
    assert code == 1, stderr
    assert stderr.count("\n") == 1
    assert "Traceback" not in stderr
    assert message in stderr
    assert not (folder.parent.parent / ("build" if imports else "out")).exists()


def test_a_short_row_is_skipped_and_named_in_a_note(folder: Path, runner: CliRunner) -> None:
    """csv.DictReader gave None for the missing fields ('NoneType' has no attribute 'strip')."""
    with_row(folder, b"zz\n")
    code, _, stderr = run(runner, folder)
    assert code == 0, stderr
    report = json.loads((folder.parent.parent / "out" / "cia-factbook-tip.report.json").read_text())
    assert f"{NAME}: malformed rows skipped (not 4 fields): 1, e.g. line 21" in report["notes"]


def test_the_refused_pattern_names_why(folder: Path) -> None:
    with_row(folder, f"zz,CIV,x,{REDOS}\n".encode())
    with pytest.raises(KGError) as caught:
        Crosswalk.read(folder)
    assert str(caught.value).endswith(
        f":21:4: kg does not run the name pattern '{REDOS}': it nests quantifiers (a quantifier "
        "on a group that can match in several ways) (fix or remove the row: the patterns of the "
        "countrycode codelist need no more (kg/importers/saferegex.py))"
    )


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        (REDOS, "it nests quantifiers"),
        ("(a|ab)*c", "it nests quantifiers"),
        ("(?:a?){30}b", "it nests quantifiers"),
        (r"(\w+\s?)*$", "it nests quantifiers"),
        (r"(a)\1", "it has a backreference (\\1)"),
        ("(?P<x>a)(?P=x)", "it has a backreference or a conditional group"),
        ("(a)?(?(1)b|c)", "it has a backreference or a conditional group"),
        ("(?x) a b", "it sets the verbose flag (?x)"),
        ("a" * 301, "it is longer than 300 characters"),
        (".*.*.*.*x", "it may backtrack for too long on a name of 128 characters"),
        (r"\w*\w*\w*\w*\w*$", "it may backtrack for too long"),  # 80 s on 127 letters and '!'
        ("a?" * 40 + "a" * 40, "it may backtrack for too long"),
    ],
)
def test_patterns_that_can_backtrack_for_long_are_refused(pattern: str, why: str) -> None:
    re.compile(pattern)  # Python reads each of them
    with pytest.raises(UnsafePattern, match=re.escape(why)):
        check_pattern(pattern)


@pytest.mark.parametrize(
    "pattern",
    [
        r"^(?!.*d.*p.*r)(?!.*democrat)(?!.*dem.*rep)(?!.*people)(?!.*north).*\bkorea(?!.*d.*p.*r)",
        r"korea.*people|dprk|d.p.r.k|korea.+(?:d.p.r|dpr|north|dem.*rep.*)",
        r"^(?=.*\bu\.?\s?k).*virgin|^(?=.*brit).*virgin|^(?=.*kingdom).*virgin",
        r"\bd[\.]?r.*congo|l.opoldville|^(?!south)(?!republic).*viet.?nam(?!.*south)",
        r"united.province(?:s)?.*(?:ca|central.*america)|(?i:x)[]a]{2,}(?#comment)",
        r"(?:ab)*c|a{1,100}b|a{,3}|a{}|\x41*\N{LATIN SMALL LETTER A}+",
    ],
)
def test_patterns_like_the_codelists_are_run(pattern: str) -> None:
    re.compile(pattern)
    assert check_pattern(pattern) > 0


def test_every_pattern_of_the_real_codelist_is_run() -> None:
    path = SHARED_DATA / "country_centroids" / NAME
    if not path.is_file():
        pytest.skip("../shared/data is absent")
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    patterns = [r["country.name.en.regex"].strip() for r in rows if r["iso3c"].strip()]
    for pattern in patterns:
        check_pattern(pattern)
    crosswalk = Crosswalk.read(path)  # the sum of the bounds is under MAX_TOTAL too
    assert len(crosswalk.patterns) == len(patterns) == 249
    assert crosswalk.notes == []


def test_names_are_matched_once_and_never_when_too_long(folder: Path) -> None:
    with_row(folder, b"zz,CIV,x,^x+$\n")
    names = FactbookCountries(load_matcher(DATA, ONTOLOGY), Crosswalk.read(folder))
    assert names.name("x" * MAX_SUBJECT).code == "CIV"
    long = names.name("x" * (MAX_SUBJECT + 1))
    assert (long.code, long.how) == (None, f"unmapped name (over {MAX_SUBJECT} characters)")
    assert names.name(" x" + "\xa0") is names.name("x")  # cleaned, then looked up once


def test_the_fixture_still_maps_names_by_pattern(folder: Path) -> None:
    result = run_import("factbook", folder.parent.parent / "factbook_tip", load_matcher(DATA))
    assert result.report.counts["name (countrycode pattern): Republic of Congo → COG"] >= 1
