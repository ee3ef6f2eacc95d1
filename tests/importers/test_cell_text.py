"""No control or bidi character from a CSV cell reaches the graph (audit item 4): the Factbook
importer copied ``snapshot_first_seen`` and ``first_seen_date`` into ``tk:locator`` unchecked,
so "\\x1b[31mX\\u202e" in them put raw ESC and U+202E into 67 locators and the HTML dossier.
Dates are read as YYYY-MM-DD (a row with another is skipped and counted), and every column of
every importer's input is tried with such a cell."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.graph.build import build_graph
from kg.graph.rules import apply_rules
from kg.importers import ImportResult, load_matcher, run_import
from kg.source.countrymatch import CountryMatcher
from kg.source.loader import load_sources
from kg.source.ontology import load_ontology
from kg.source.parse import parse_records
from tests.conftest import DATA, ONTOLOGY, ROOT

FIX = ROOT / "tests" / "data" / "imports"
HOSTILE = "\x1b[31mX\u202e"
#: C0 and C1 controls, bidi embeddings, overrides and isolates.
BAD = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: kind → the dataset path, and every file the import reads (relative to the copy).
INPUTS = {
    "glotip": ("glotip.csv", ["glotip.csv"]),
    "tiers": ("tiers.csv", ["tiers.csv", "criminalization_cho_tiers_2015-08-10.csv"]),
    "ctdc": ("ctdc.csv", ["ctdc.csv"]),
    "factbook": (
        "factbook_tip",
        [
            "factbook_tip/factbook_world_tier_lists.csv",
            "factbook_tip/factbook_tip_history.csv",
            "country_centroids/countrycode_codelist_without_cldr.csv",
        ],
    ),
}


def header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as stream:
        return next(csv.reader(stream))


CASES = [
    (kind, file, column)
    for kind, (_, files) in INPUTS.items()
    for file in files
    for column in header(FIX / file)
]


@pytest.fixture(scope="module")
def matcher() -> CountryMatcher:
    return load_matcher(DATA, ONTOLOGY)


def copy(kind: str, to: Path) -> Path:
    """A copy of a kind's fixture files under ``to``; returns the dataset path."""
    for name in INPUTS[kind][1]:
        (to / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIX / name, to / name)
    return to / INPUTS[kind][0]


def spoil(path: Path, columns: set[str], every: int = 1) -> None:
    """Append HOSTILE to the cells of ``columns`` in every (or every other …) data row."""
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    picked = [i for i, name in enumerate(rows[0]) if name in columns]
    for row in rows[1::every]:
        for i in picked:
            row[i] += HOSTILE
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(rows)


def leaks(result: ImportResult) -> list[str]:
    """Every literal, and every line of the summary, holding a control or bidi character."""
    literals = [q.object.value for q in result.quads if isinstance(q.object, ox.Literal)]
    return [t for t in [*literals, *result.report.lines()] if BAD.search(t)]


@pytest.mark.parametrize(("kind", "file", "column"), CASES)
def test_no_cell_puts_a_control_character_into_the_graph(
    kind: str, file: str, column: str, tmp_path: Path, matcher: CountryMatcher
) -> None:
    dataset = copy(kind, tmp_path)
    spoil(tmp_path / file, {column})
    assert leaks(run_import(kind, dataset, matcher)) == []


@pytest.mark.parametrize(
    ("file", "columns", "reason", "example"),
    [
        (
            "factbook_world_tier_lists.csv",
            {"snapshot_first_seen"},
            "snapshot date is not a date (YYYY-MM-DD)",
            "line 2: '2015-10-01\\x1b[31mX\\u202e'",
        ),
        (
            "factbook_tip_history.csv",
            {"first_seen_date", "last_seen_date"},
            "per-country text dates are not dates (YYYY-MM-DD)",
            "line 2: '2015-10-01\\x1b[31mX\\u202e' to '2015-12-01\\x1b[31mX\\u202e'",
        ),
    ],
)
def test_a_row_with_a_bad_date_is_skipped_and_counted(
    file: str,
    columns: set[str],
    reason: str,
    example: str,
    tmp_path: Path,
    matcher: CountryMatcher,
) -> None:
    dataset = copy("factbook", tmp_path)
    spoil(dataset / file, columns)
    report = run_import("factbook", dataset, matcher).report
    assert reason in report.skipped
    assert report.skipped[reason].examples[0] == example


@pytest.mark.parametrize("date", ["2024-02-30", "２０２４-01-01", "2024-1-01", "20240101", ""])
def test_a_date_that_is_not_yyyy_mm_dd_is_skipped(
    date: str, tmp_path: Path, matcher: CountryMatcher
) -> None:
    dataset = copy("factbook", tmp_path)
    lists = dataset / "factbook_world_tier_lists.csv"
    lines = lists.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = date + lines[1][lines[1].index(",") :]
    lists.write_text("".join(lines), encoding="utf-8")
    report = run_import("factbook", dataset, matcher).report
    assert report.skipped["snapshot date is not a date (YYYY-MM-DD)"].examples == [
        f"line 2: {date!r}"
    ]


def test_the_dossier_shows_no_control_character(tmp_path: Path, matcher: CountryMatcher) -> None:
    from kg.report.dossier import dossier
    from kg.report.html import dossier_html

    dataset = copy("factbook", tmp_path)
    spoil(dataset / "factbook_world_tier_lists.csv", {"snapshot_first_seen"}, every=2)
    spoil(dataset / "factbook_tip_history.csv", {"first_seen_date", "last_seen_date"}, every=2)
    ontology = load_ontology(ONTOLOGY)
    store = ox.Store()
    store.extend(ontology.quads)
    store.extend(build_graph(parse_records(load_sources(DATA), ontology.vocabulary)).quads)
    store.extend(run_import("factbook", dataset, matcher).quads)
    apply_rules(store)
    page = dossier_html(dossier(store, "THA"))
    assert "J/TIP placement, restated by US Central Intelligence Agency" in page
    assert BAD.search(re.sub("[\t\n\r]", " ", page)) is None  # the page's own line breaks
