"""Every importer on generated CSV (a grammar: hostile input), with Hypothesis.

Whatever the file holds (the dataset's own header with rows mixing plausible values, quotes,
line breaks, huge and odd numbers, any text; or bytes that are no CSV at all), an import either
refuses it with one line (a KGError) or gives a graph that

* holds well-formed RDF (it goes through N-Quads and back unchanged),
* publishes no exact count of 1-9 identified victims (they are the band 1-9, or censored),
* and a report whose every line is one line on a terminal (no control characters).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.core import vocab as V
from kg.core.errors import KGError
from kg.importers import load_matcher, run_import
from kg.importers.ctdc import CITIZENSHIP, EXPLOITED_IN, YEAR
from kg.importers.factbook_lists import LISTS
from kg.importers.glotip import VALUE
from tests.conftest import DATA, ONTOLOGY

#: Per column: values the dataset really holds, and odd ones beside them (any text is added).
Column = tuple[list[str], list[str]]
CODES: Column = (["PRK", "CHN", "THA", "RUS", "KOR", "JPN", "COL"], ["prk", "XKX", "ZZZ", ""])
NAMES: Column = (
    ["Korea, Democratic People's Republic of", "China", "Thailand", "Colombia", "Congo"],
    ["North Korea", "Côte d’Ivoire", "Korea", "Nationals", "Total"],
)
YEARS: Column = (["2019", "2015", "2010", "2022"], ["2019.0", "0019", "2101", "9" * 25, "-1"])
COUNTS: Column = (
    ["<5", "1,282", "12", "12.0", "7", "9", "0", "45", "10"],
    ["< 5", "1.5", "1 000", "1e3", "١٢", "-3", "nan", "9" * 30],
)
TIERS: Column = (
    ["Tier 1", "Tier 2", "Tier 2 Watch List", "Watchlist    ", "Tier 3", "NA"],
    ["Special Case", "tier 3", "Tier 4", "2"],
)
ALPHA2: Column = (["KP", "CN", "TH", "RU", "CO", ""], ["XX", "00", "kp"])
FLAGS: Column = (["1.0", "0.0"], ["1", "", "yes"])


def values(*real: str, odd: tuple[str, ...] = ()) -> Column:
    return list(real), list(odd)


#: Each dataset's header, and what each of its columns holds.
COLUMNS: dict[str, dict[str, Column]] = {
    "glotip": {
        "Iso3_code": CODES,
        "Country": NAMES,
        "Indicator": values(
            "Detected trafficking victims", "Persons convicted", odd=("Persons prosecuted", "x")
        ),
        "Dimension": values(
            "Total", "by citizenship", "by form of exploitation", odd=("total", "by sex")
        ),
        "Category": values(
            "Total",
            "Nationals",
            "Sexual exploitation",
            "Forced labour",
            "China",
            "Thailand",
            odd=("Other", "Korea, Democratic People's Republic of", "Unknown"),
        ),
        "Sex": values("Total", odd=("Female", " Total ")),
        "Age": values("Total", odd=("Adult", "")),
        "Year": YEARS,
        VALUE: COUNTS,
        "Unit of measurement": values("Counts"),
        "Source": values("National authorities", odd=("=cmd|'/c calc'!A1",)),
    },
    "tiers": {"countryname": NAMES, "iso": CODES, "year": YEARS, "tier": TIERS},
    "ctdc": {
        YEAR: YEARS,
        CITIZENSHIP: ALPHA2,
        EXPLOITED_IN: ALPHA2,
        "isForcedLabour": FLAGS,
        "isSexualExploit": FLAGS,
    },
    "factbook": {
        "snapshot_first_seen": values("2015-10-26", "2024-06-01", odd=("2015-13-45", "")),
        "snapshot_last_seen": values("2016-01-01"),
        "snapshot_commit": values("1c1294a3de6137f24d445d62dae006b6523a4d20", odd=("xyz",)),
        "tier": TIERS,
        "country_name": NAMES,
        "countries_stated": COUNTS,
        "year_in_text": values("", "2019", odd=("20199",)),
    },
}


def row(kind: str) -> st.SearchStrategy[list[str]]:
    """A row of real values (so that facts are made), or one with odd values and any text."""
    real = st.tuples(*(st.sampled_from(r) for r, _ in COLUMNS[kind].values()))
    odd = st.tuples(
        *(
            st.one_of(st.sampled_from(r), st.sampled_from(r + o), st.text(max_size=30))
            for r, o in COLUMNS[kind].values()
        )
    )
    return st.one_of(real, odd).map(list)


NOT_CSV = st.binary(max_size=400)
VICTIMS = ox.NamedNode(V.concept("unit-identified-victims"))
POINT = ox.NamedNode(V.TK + "pointValue")


@pytest.fixture(scope="module")
def matcher():  # type: ignore[no-untyped-def]
    return load_matcher(DATA, ONTOLOGY)


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@st.composite
def datasets(draw: st.DrawFn, kind: str) -> bytes:
    if draw(st.integers(0, 9)) == 0:
        return draw(NOT_CSV)
    rows = draw(st.lists(row(kind), max_size=40))
    # The same row again now and then: duplicates and conflicts are what importers must judge.
    if rows and draw(st.booleans()):
        rows.append(list(rows[draw(st.integers(0, len(rows) - 1))]))
    return csv_bytes(list(COLUMNS[kind]), rows)


def check_import(kind: str, data: bytes, folder: Path, matcher) -> None:  # type: ignore[no-untyped-def]
    path = folder / (LISTS if kind == "factbook" else f"{kind}.csv")
    path.write_bytes(data)
    try:
        result = run_import(kind, path, matcher)
    except KGError as exc:
        message = str(exc)
        assert message.strip(), "an empty message"
        assert not any(ord(ch) < 32 for ch in message), repr(message)
        return
    lines = result.report.lines()
    for line in lines:
        assert not any(ord(ch) < 32 and ch != "\t" for ch in line), repr(line)
    dataset = ox.Dataset(result.quads)
    text = ox.serialize(dataset, format=ox.RdfFormat.N_QUADS)
    assert ox.Dataset(ox.parse(text, format=ox.RdfFormat.N_QUADS)) == dataset
    units = {q.subject for q in result.quads if q.object == VICTIMS}
    for quad in result.quads:
        if quad.subject in units and quad.predicate == POINT:
            assert not 1 <= int(quad.object.value) <= 9, f"an exact count of {quad.object.value}"


@pytest.mark.parametrize("kind", sorted(COLUMNS))
def test_any_file_is_imported_or_refused_in_one_line(
    kind: str,
    matcher,
    tmp_path_factory: pytest.TempPathFactory,  # type: ignore[no-untyped-def]
) -> None:
    folder = tmp_path_factory.mktemp(kind)

    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(datasets(kind))
    def run(data: bytes) -> None:
        check_import(kind, data, folder, matcher)

    run()
