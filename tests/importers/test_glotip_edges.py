"""GLOTIP's detected victims by citizenship, cell by cell against an independent edge list.

``../shared/data/unodc_glotip_2023/glotip_detected_victims_by_citizenship_edges.csv`` was made
apart from kg (countrycode names and regexes; ``Nationals`` read as the detecting country). Every
cell of it either agrees with the flow kg's importer writes (same year, detecting country and
citizenship; ``<5`` as the censored band 1-4; an exact count of 10 or more as itself; 1-9 as the
band 1-9, the privacy rule), is withheld because with it a small count would follow from the
country's total minus the other cells (checked here), or is listed here with its reason.
"""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest

from kg.importers.glotip import import_glotip
from kg.importers.registry import load_matcher
from kg.source.countrymatch import REPAIRED
from tests.conftest import DATA, ONTOLOGY, SHARED_DATA, needs_shared_data
from tests.importers.smallcells import exposed

pytestmark = [pytest.mark.shared_data, needs_shared_data]

GLOTIP = SHARED_DATA / "unodc_glotip_2023"
TK = "https://w3id.org/kg-tip/ontology#"
Cell = tuple[int, str, str]  # year, detecting country, citizenship

#: Cells where kg and the edge list disagree, by citizenship spelling, with the reason.
DIFFERENT = {
    "Congolese": "ambiguous demonym (Congo or DR Congo): the edge list's regex picks COG, kg "
    "maps neither and reports the value",
}
#: Spellings kg reads only after a repair, with the country they are read as.
REPAIRS = {"97 albanian": "ALB", "PERO": "PER"}


def importer_cells() -> dict[Cell, tuple[int | None, int | None, int | None]]:
    """(year, detecting, citizenship) -> (point, lower, upper) of every flow kg writes."""
    return read_import()[0]


def read_import() -> tuple[
    dict[Cell, tuple[int | None, int | None, int | None]], dict[tuple[int, str], int]
]:
    """kg's flows as ``importer_cells`` gives them, and the exact totals of detected victims
    by (year, country)."""
    result = import_glotip(GLOTIP / "data_glotip.csv", load_matcher(DATA, ONTOLOGY))
    props: dict[str, dict[str, str]] = defaultdict(dict)
    for q in result.quads:
        if q.predicate.value.startswith(TK):
            props[q.subject.value][q.predicate.value[len(TK) :]] = q.object.value
    cells, totals = {}, {}
    for p in props.values():
        if "hasEstimate" not in p:
            continue
        e = props[p["hasEstimate"]]
        if "origin" in p:
            key = (int(p["year"]), p["destination"][-3:].upper(), p["origin"][-3:].upper())
            cells[key] = tuple(
                int(e[k]) if k in e else None for k in ("pointValue", "lowerBound", "upperBound")
            )
        elif (
            p.get("indicator", "").endswith("victims-detected")
            and "concernsForm" not in p
            and "pointValue" in e
        ):
            totals[(int(p["year"]), p["statisticOf"][-3:].upper())] = int(e["pointValue"])
    return cells, totals  # type: ignore[return-value]


def withheld_rightly(
    missing: dict[tuple[int, str], dict[Cell, str]],
    cells: dict[Cell, tuple[int | None, int | None, int | None]],
    totals: dict[tuple[int, str], int],
) -> list[str]:
    """The cells kg left out, each group checked: with them back, a reader would find a small
    count by subtraction (tests/importers/smallcells.py)."""
    out = []
    for (year, detecting), absent in sorted(missing.items()):
        parts = {
            cell: (v, v) if v is not None else (lo, hi)
            for cell, (v, lo, hi) in cells.items()
            if cell[:2] == (year, detecting)
        }
        for cell, raw in absent.items():
            n = int(raw.replace(",", "")) if raw != "<5" else 0
            parts[cell] = (1, 4) if raw == "<5" else (1, 9) if 1 <= n <= 9 else (n, n)
        assert exposed(totals[(year, detecting)], parts), (year, detecting, absent)  # type: ignore[arg-type]
        out += map(str, absent)
    return out


def agrees(raw: str, ours: tuple[int | None, int | None, int | None]) -> bool:
    if raw == "<5":
        return ours == (None, 1, 4)
    n = int(raw.replace(",", ""))
    return ours == ((None, 1, 9) if 1 <= n <= 9 else (n, None, None))


@pytest.fixture(scope="module")
def comparison() -> dict[str, list[str]]:
    cells, totals = read_import()
    missing: dict[tuple[int, str], dict[Cell, str]] = defaultdict(dict)
    matcher = load_matcher(DATA, ONTOLOGY)
    with (GLOTIP / "glotip_detected_victims_by_citizenship_edges.csv").open(encoding="utf-8") as f:
        edges = list(csv.DictReader(f))
    by_cell: dict[Cell, list[dict[str, str]]] = defaultdict(list)
    out: dict[str, list[str]] = defaultdict(list)
    for row in edges:
        if row["citizenship_iso3"]:
            by_cell[(int(row["year"]), row["detecting_iso3"], row["citizenship_iso3"])].append(row)
            continue
        # the edge list leaves the spelling unmapped: kg must map it the same way every time
        res = matcher.resolve(row["citizenship_category"])
        code = row["detecting_iso3"] if res.kind == "own-country" else res.code
        if code is None:
            out["unmapped by both"].append(row["citizenship_category"])
        else:
            cell = (int(row["year"]), row["detecting_iso3"], code)
            if cell not in cells:
                missing[cell[:2]][cell] = row["value_raw"]
                continue
            out[f"mapped by kg only ({res.how})"].append(row["citizenship_category"])
    for cell, rows in sorted(by_cell.items()):
        ours = cells.get(cell)
        category = rows[0]["citizenship_category"]
        if len(rows) > 1:  # the same citizenship twice (Nationals and the country's own name)
            same = len({r["value_raw"] for r in rows}) == 1
            assert same, rows
            assert ours is not None
            assert agrees(rows[0]["value_raw"], ours), (cell, rows, ours)
            out["one count written twice, kept once"].append(str(cell))
        elif ours is not None and agrees(rows[0]["value_raw"], ours):
            out["agree"].append(str(cell))
        elif ours is None and category not in DIFFERENT:
            missing[cell[:2]][cell] = rows[0]["value_raw"]
        else:
            assert category in DIFFERENT, (cell, rows, ours)
            out[f"differ: {DIFFERENT[category]}"].append(str(cell))
    out["withheld, or a small count would follow by subtraction"] = withheld_rightly(
        missing, cells, totals
    )
    return out


def test_every_cell_agrees_or_is_listed(comparison: dict[str, list[str]]) -> None:
    cells = sum(len(v) for k, v in comparison.items() if not k.startswith(("mapped", "unmapped")))
    assert cells == 6736  # 6,734 cells the edge list maps, and 2 of those only kg maps, withheld
    assert len(comparison["agree"]) == 6664
    assert len(comparison["withheld, or a small count would follow by subtraction"]) == 67
    assert len(comparison["one count written twice, kept once"]) == 4
    assert sum(len(v) for k, v in comparison.items() if k.startswith("differ")) == 1


def test_albania_and_peru_are_not_dropped(comparison: dict[str, list[str]]) -> None:
    """The two real countries the importer used to drop: Albania's own 2019 victims written
    "97 albanian" (a leading code), and Ecuador's 2017 Peruvians written "PERO" (a typo)."""
    cells = importer_cells()
    assert cells[(2019, "ALB", "ALB")] == (43, None, None)
    assert cells[(2017, "ECU", "PER")] == (None, 1, 4)
    matcher = load_matcher(DATA, ONTOLOGY)
    for spelling, code in REPAIRS.items():
        res = matcher.resolve(spelling)
        assert (res.code, res.how in REPAIRED) == (code, True)
    assert "PERO" in comparison["mapped by kg only (one-edit)"]
