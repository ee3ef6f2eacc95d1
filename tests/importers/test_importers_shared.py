"""The three real datasets in ../shared/data imported into one build (skipped when absent).

Every expected value is computed here from the raw CSV with the csv module, independently of
the importers, and compared with what the named queries return from the built graph.
"""

from __future__ import annotations

import csv
import hashlib
from collections import Counter, defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import pipeline
from kg.core import vocab as V
from kg.importers import SHARED_FILES, ImportResult, bench_imports
from kg.query.named import load_query, run_query
from tests.conftest import DATA, ONTOLOGY, QUERIES, SHARED_DATA, needs_shared_data

pytestmark = [pytest.mark.shared_data, needs_shared_data]

TIERS = {"Tier 1": "tier-1", "Tier 2": "tier-2", "Watchlist": "tier-2wl", "Tier 3": "tier-3"}
RANKS = {"tier-1": 1, "tier-2": 2, "tier-2wl": 3, "tier-3": 4}


def rows(kind: str) -> list[dict[str, str]]:
    with (SHARED_DATA / SHARED_FILES[kind]).open(newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> pipeline.BuildResult:
    tmp = tmp_path_factory.mktemp("shared")
    config = tmp / "imports.yaml"
    entries = "".join(
        f"  - kind: {kind}\n    path: {SHARED_DATA / rel}\n" for kind, rel in SHARED_FILES.items()
    )
    config.write_text("imports:\n" + entries)
    settings = pipeline.Settings(  # no per-source cache: the importers themselves are tested
        data_dir=DATA, ontology_dir=ONTOLOGY, out_dir=tmp / "build", imports=config, use_cache=False
    )
    return pipeline.run(settings, write=False)


def result_of(build: pipeline.BuildResult, kind: str) -> ImportResult:
    return next(r for r in build.imports if r.report.kind == kind)


def query(build: pipeline.BuildResult, name: str, **params: str) -> list[dict[str, str]]:
    result = run_query(build.store, load_query(QUERIES, name), params)
    out = []
    for row in result.rows:
        out.append(
            {
                var: (V.shorten(t.value) if isinstance(t, ox.NamedNode) else t.value)
                for var, t in zip(result.vars, row, strict=True)
                if t is not None
            }
        )
    return out


def test_the_imported_graph_conforms(build: pipeline.BuildResult) -> None:
    assert build.report.conforms, [v.line() for v in build.report.violations[:20]]
    assert {r.report.kind for r in build.imports} == set(SHARED_FILES)
    for result in build.imports:
        assert {q.graph_name.value for q in result.quads} == {result.graph}
        path = SHARED_DATA / SHARED_FILES[result.report.kind]
        assert result.source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        report = result.report
        merged = report.counts["rows summed into a flow named twice (spelling variants)"]
        if report.kind != "ctdc":  # CTDC rows are aggregated, not one fact per row
            assert report.rows_read == sum(report.facts.values()) + report.rows_skipped + merged


def test_tier_history_matches_the_csv(build: pipeline.BuildResult) -> None:
    table: dict[str, dict[int, str | None]] = defaultdict(dict)
    for row in rows("tiers"):
        code = {"KOS": "XKX"}.get(row["iso"], row["iso"])
        table[code][int(row["year"])] = TIERS.get(row["tier"].strip())
    doc = f"tkd:source-{V.slug(result_of(build, 'tiers').source.id)}"
    compared = 0
    for code in [*sorted(table)[::12], "PRK", "CHN", "RUS", "XKX"]:
        expected = []
        for year, tier in sorted(table[code].items()):
            if tier is None:
                continue
            before = table[code].get(year - 1, "absent")
            change = None
            if before is None:
                change = "change-first-ranked"
            elif before != "absent":
                delta = RANKS[tier] - RANKS[str(before)]
                change = {0: "change-remained"}.get(delta) or (
                    "change-upgraded" if delta < 0 else "change-downgraded"
                )
            expected.append((str(year), f"tkv:{tier}", change and f"tkv:{change}"))
        found = [
            (r["year"], r["tier"], r.get("change"))
            for r in query(build, "tier-history", country=code)
            if r.get("source") == doc
        ]
        assert found == expected, code
        compared += len(found)
    assert compared > 150


def glotip_citizenship_rows(year: str | None = None) -> list[dict[str, str]]:
    return [
        r
        for r in rows("glotip")
        if r["Indicator"] == "Detected trafficking victims"
        and r["Dimension"] == "by citizenship"
        and r["Sex"] == "Total"
        and r["Age"] == "Total"
        and (year is None or r["Year"] == year)
    ]


def number(raw: str) -> int | None:
    return None if raw.startswith("<") else int(raw.replace(",", ""))


def test_largest_flows_of_a_year_match_the_csv(build: pipeline.BuildResult) -> None:
    known = [
        r
        for r in glotip_citizenship_rows("2019")
        if r["Category"].strip() not in ("", "Unknown") and number(r["txtVALUE"])
    ]
    top = max(known, key=lambda r: number(r["txtVALUE"]) or 0)
    cross = max(
        (r for r in known if r["Category"] not in ("Nationals", r["Country"])),
        key=lambda r: number(r["txtVALUE"]) or 0,
    )
    found = query(build, "largest-flows", year="2019", unit="identified-victims")
    assert int(found[0]["value"]) == number(top["txtVALUE"])
    assert found[0]["destination"] == f"tkd:country-{top['Iso3_code'].lower()}"
    if top["Category"] == "Nationals":
        assert found[0]["origin"] == found[0]["destination"]
    first_cross = next(r for r in found if r["origin"] != r["destination"])
    assert int(first_cross["value"]) == number(cross["txtVALUE"])
    assert first_cross["destination"] == f"tkd:country-{cross['Iso3_code'].lower()}"
    label = build.store.query(
        f"SELECT ?l {{ <{V.TKD}{first_cross['origin'][4:]}> <{V.RDFS}label> ?l }}",
        use_default_graph_as_union=True,
    )
    assert isinstance(label, ox.QuerySolutions)
    assert cross["Category"] in {row["l"].value for row in label}


def test_destinations_of_north_korean_citizens_match_the_csv(build: pipeline.BuildResult) -> None:
    expected = {}
    for r in glotip_citizenship_rows():
        if r["Category"] == "Democratic People's Republic of Korea":
            value = number(r["txtVALUE"])
            band = (None, "1", "4") if value is None else (str(value), None, None)
            if value is not None and value < 10:
                band = (None, "1", "9")
            expected[(f"tkd:country-{r['Iso3_code'].lower()}", r["Year"])] = band
    doc = f"tkd:source-{V.slug(result_of(build, 'glotip').source.id)}"
    found = {
        (r["destination"], r["flowYear"]): (r.get("value"), r.get("lower"), r.get("upper"))
        for r in query(build, "destinations-of", country="PRK")
        if r.get("source") == doc
    }
    assert found == expected
    assert len(expected) >= 5


def test_ctdc_flows_match_record_counts(build: pipeline.BuildResult) -> None:
    counts = Counter(
        r["yearOfRegistration"]
        for r in rows("ctdc")
        if r["citizenship"] == "UA" and r["CountryOfExploitation"] == "RU"
    )
    doc = f"tkd:source-{V.slug(result_of(build, 'ctdc').source.id)}"
    found = {
        r["flowYear"]: (r.get("value"), r.get("lower"), r.get("upper"))
        for r in query(build, "destinations-of", country="UKR")
        if r.get("source") == doc
        and r["destination"] == "tkd:country-rus"
        and r["form"] == "tkv:form-trafficking-in-persons"
    }
    expected = {
        year: (str(n), None, None) if n >= 10 else (None, "1", "9") for year, n in counts.items()
    }
    assert found == expected
    assert sum(counts.values()) > 1000


def test_prosecution_statistics_match_the_csv(build: pipeline.BuildResult) -> None:
    sid = result_of(build, "glotip").source.id
    checked = 0
    for r in rows("glotip"):
        if (r["Indicator"], r["Dimension"], r["Sex"], r["Age"]) != (
            "Persons prosecuted",
            "Total",
            "Total",
            "Total",
        ) or r["Iso3_code"] not in ("USA", "DEU", "PHL", "GBR"):
            continue
        node = V.mint_iri(
            "statistic", sid, r["Iso3_code"], "indicator-persons-prosecuted", r["Year"]
        )
        answer = build.store.query(
            f"SELECT ?v ?lo {{ <{node}> <{V.TK}hasEstimate> ?e . "
            f"OPTIONAL {{ ?e <{V.TK}pointValue> ?v }} OPTIONAL {{ ?e <{V.TK}lowerBound> ?lo }} }}",
            use_default_graph_as_union=True,
        )
        assert isinstance(answer, ox.QuerySolutions)
        (sol,) = list(answer)
        value = number(r["txtVALUE"])
        if value is None:
            assert (sol["v"], sol["lo"].value) == (None, "1")
        else:
            assert int(sol["v"].value) == value
        checked += 1
    assert checked > 20


def test_bench_imports_reports_each_importer(tmp_path: Path) -> None:
    found = bench_imports(SHARED_DATA)
    assert [row["kind"] for row in found] == list(SHARED_FILES)
    for row in found:
        assert row["rows"]
        assert row["triples"]
        assert row["facts"]
        assert isinstance(row["seconds"], float)
