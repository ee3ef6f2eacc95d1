"""The real GLOTIP and CTDC data imported, then attacked as a reader would: for every total of
identified victims and each way its parts are published (GLOTIP: the flows into a country in a
year by citizenship, and the breakdown by form; CTDC: the flows by form of the all-forms flow),
no banded part follows as an exact count of 1-9 from the total minus the rest
(tests/importers/smallcells.py). Before kg withheld parts, 249 banded counts of GLOTIP could be
worked out, 112 flows and 137 parts by form (Angola 2017: 27 victims, 23 nationals, "<5" from
the Congo)."""

from __future__ import annotations

from collections import defaultdict

import pytest

from kg.core import vocab as V
from kg.importers import SHARED_FILES, load_matcher, run_import
from kg.importers.disclosure import WITHHELD
from tests.conftest import DATA, ONTOLOGY, SHARED_DATA, needs_shared_data
from tests.importers.smallcells import exposed

pytestmark = [pytest.mark.shared_data, needs_shared_data]
TK = V.TK
VICTIMS = V.concept("unit-identified-victims")
DETECTED = V.concept("indicator-victims-detected")


def facts(kind: str) -> tuple[dict[str, dict[str, str]], dict[str, int]]:
    result = run_import(kind, SHARED_DATA / SHARED_FILES[kind], load_matcher(DATA, ONTOLOGY))
    props: dict[str, dict[str, str]] = defaultdict(dict)
    for q in result.quads:
        props[q.subject.value][q.predicate.value.removeprefix(TK)] = q.object.value
    skipped = {reason: tally.count for reason, tally in result.report.skipped.items()}
    return props, skipped


def band(props: dict[str, dict[str, str]], node: dict[str, str]) -> tuple[int, int] | None:
    """(lower, upper) of a node's estimate of identified victims; None for another unit."""
    e = props[node["hasEstimate"]]
    if e.get("countUnit") != VICTIMS:
        return None
    if "pointValue" in e:
        return int(e["pointValue"]), int(e["pointValue"])
    return int(e["lowerBound"]), int(e["upperBound"])


def attack(totals: dict[object, tuple[int, int]], groups: dict[object, dict[str, tuple[int, int]]]):  # type: ignore[no-untyped-def]
    found = {}
    for whole, parts in groups.items():
        low, high = totals.get(whole, (0, -1))
        if low == high:
            found.update(exposed(low, parts))
    return found


def test_glotip_gives_no_small_count_away() -> None:
    props, skipped = facts("glotip")
    totals, by_form, by_citizenship = {}, defaultdict(dict), defaultdict(dict)
    for iri, p in props.items():
        if "hasEstimate" not in p or (counted := band(props, p)) is None:
            continue
        if p.get("indicator") == DETECTED and "concernsForm" not in p:
            totals[(p["statisticOf"], p["year"])] = counted
            totals[iri] = counted
        elif "partOfStatistic" in p:
            by_form[p["partOfStatistic"]][iri] = counted
        elif "origin" in p:
            by_citizenship[(p["destination"], p["year"])][iri] = counted
    assert len(totals) > 2000
    assert sum(map(len, by_form.values())) > 2500
    assert sum(map(len, by_citizenship.values())) > 6000
    assert attack(totals, by_form) == {}
    assert attack(totals, by_citizenship) == {}
    assert 100 < skipped[WITHHELD] < 400  # what it cost: 194 of 17,346 facts in 2023's file


def test_ctdc_gives_no_small_count_away() -> None:
    props, _ = facts("ctdc")
    totals, parts = {}, defaultdict(dict)
    for iri, p in props.items():
        if "origin" in p and (counted := band(props, p)) is not None:
            if "partOfFlow" in p:
                parts[p["partOfFlow"]][iri] = counted
            else:
                totals[iri] = counted
    assert len(totals) > 200
    assert attack(totals, parts) == {}
