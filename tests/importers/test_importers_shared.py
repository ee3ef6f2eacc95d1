"""The real datasets in ../shared/data imported into one build by imports.example.yaml
(skipped when absent).

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
from kg.importers import SHARED_FILES, ImportResult, bench_imports, read_import_list
from kg.query.named import load_query, run_query
from tests.conftest import DATA, ONTOLOGY, QUERIES, ROOT, SHARED_DATA, needs_shared_data

pytestmark = [pytest.mark.shared_data, needs_shared_data]

TIERS = {"Tier 1": "tier-1", "Tier 2": "tier-2", "Watchlist": "tier-2wl", "Tier 3": "tier-3"}
RANKS = {"tier-1": 1, "tier-2": 2, "tier-2wl": 3, "tier-3": 4}


def rows(kind: str) -> list[dict[str, str]]:
    with (SHARED_DATA / SHARED_FILES[kind]).open(newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> pipeline.BuildResult:
    """``kg build --imports imports.example.yaml``, as the README shows it."""
    tmp = tmp_path_factory.mktemp("shared")
    config = ROOT / "imports.example.yaml"
    assert {s.kind for s in read_import_list(config)} == set(SHARED_FILES)
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
        if report.kind == "factbook":  # rows repeat a placement, confirm it or hold no entry
            merged += report.counts["list rows repeating a placement of an earlier snapshot"]
            merged += report.counts["per-country texts agreeing with the World list"]
            merged += report.counts[
                "per-country texts repeating an earlier version (same tier, same year)"
            ]
            merged += report.counts[
                "per-country rows without a trafficking entry (nothing recorded)"
            ]
        if report.kind != "ctdc":  # CTDC rows are aggregated, not one fact per row
            assert report.rows_read == sum(report.facts.values()) + report.rows_skipped + merged


def test_tier_history_matches_the_csv(build: pipeline.BuildResult) -> None:
    special: set[tuple[str, str]] = set()  # (COW code, year) coded 666 in Cho's table
    with (SHARED_DATA / "tip_tiers_kelley" / "criminalization_cho_tiers_2015-08-10.csv").open(
        newline="", encoding="utf-8"
    ) as stream:
        for row in csv.DictReader(stream):
            if row["tierupdated"] == "666.0":
                special.add((row["ccode"], row["year"]))
    table: dict[str, dict[int, str | None]] = defaultdict(dict)
    for row in rows("tiers"):
        code = {"KOS": "XKX"}.get(row["iso"], row["iso"])
        tier = TIERS.get(row["tier"].strip())
        if tier is None and (row["ccode"], row["year"]) in special:
            tier = "tier-special-case"
        table[code][int(row["year"])] = tier
    doc = f"tkd:source-{V.slug(result_of(build, 'tiers').source.id)}"
    compared = 0
    for code in [*sorted(table)[::12], "PRK", "CHN", "RUS", "XKX", "SOM", "HTI"]:
        expected = []
        for year, tier in sorted(table[code].items()):
            if tier is None:
                continue
            before = table[code].get(year - 1, "absent")
            change = None
            if tier == "tier-special-case":
                change = None
            elif before is None or before == "tier-special-case":
                change = "change-first-ranked"
            elif before != "absent":
                delta = RANKS[tier] - RANKS[str(before)]
                change = {0: "change-remained"}.get(delta) or (
                    "change-upgraded" if delta < 0 else "change-downgraded"
                )
            expected.append((str(year), f"tkv:{tier}", change and f"tkv:{change}"))
        found = [  # one row per previous tier: the Factbook's may differ from the table's
            (r["year"], r["tier"], r.get("change"))
            for r in query(build, "tier-history", country=code)
            if r.get("source") == doc
        ]
        found = list(dict.fromkeys(found))
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


# --- the CIA World Factbook (J/TIP tiers 2014-2025, restated) ---------------------------------

FACTBOOK = SHARED_DATA / "factbook_tip"
#: Names of the Factbook's lists that are not a label or alternative name of the country.
FACTBOOK_NAMES = {
    "People's Republic of China": "CHN",
    "Democratic People's Republic of Korea": "PRK",
    "Burma": "MMR",
    "Macau": "MAC",
    "Sint Maarten": "SXM",
}


def factbook_rows(name: str) -> list[dict[str, str]]:
    with (FACTBOOK / name).open(newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def country_codes(build: pipeline.BuildResult) -> dict[str, str]:
    """Every label and alternative name of a reference country → its ISO code, casefolded."""
    answer = build.store.query(
        f"SELECT ?code ?name {{ ?c <{V.TK}iso3166Alpha3> ?code . "
        f"{{ ?c <{V.RDFS}label> ?name }} UNION {{ ?c <{V.SKOS}altLabel> ?name }} }}",
        use_default_graph_as_union=True,
    )
    assert isinstance(answer, ox.QuerySolutions)
    return {row["name"].value.casefold(): row["code"].value for row in answer}


def test_the_2025_tier_of_every_tier_3_country(build: pipeline.BuildResult) -> None:
    listed = {
        r["country_name"]
        for r in factbook_rows("factbook_world_tier_lists.csv")
        if r["tier"] == "Tier 3" and r["year_in_text"] == "2025"
    }
    codes = country_codes(build)
    expected = {FACTBOOK_NAMES.get(n) or codes[n.casefold()] for n in listed}
    assert len(expected) == len(listed) == 20
    jtip = "tkd:agent-us-dos-jtip"
    for code in sorted(expected):
        rows = [r for r in query(build, "tiers", country=code) if r["assessor"] == jtip]
        assert [(r["tier"], r["year"], r["restated"]) for r in rows] == [
            ("tkv:tier-3", "2025", "true")
        ], code
        assert rows[0]["source"] == "tkd:source-cia-factbook-tip"
        assert rows[0]["authoritative"] == "false"  # the Factbook is not J/TIP's publication


def test_the_factbook_lists_match_the_csv(build: pipeline.BuildResult) -> None:
    """Tier 3 lists are tagged with their year; the 2014/2015 Watch Lists match the table."""
    tagged: dict[str, set[str]] = defaultdict(set)
    for r in factbook_rows("factbook_world_tier_lists.csv"):
        if r["tier"] == "Tier 3" and r["year_in_text"]:
            tagged[r["year_in_text"]].add(r["country_name"])
    answer = build.store.query(
        f"SELECT ?year ?tier {{ ?a <{V.TK}publishedIn> <{V.TKD}source-cia-factbook-tip> ; "
        f"<{V.TK}reportYear> ?year ; <{V.TK}hasTierPlacement>/<{V.TK}tier> ?tier }}",
        use_default_graph_as_union=True,
    )
    assert isinstance(answer, ox.QuerySolutions)
    placed = Counter((row["year"].value, V.shorten(row["tier"].value)) for row in answer)
    assert {year for year, _ in placed} == {"2014", "2015", "2020", "2022", "2023", "2024", "2025"}
    for year, names in tagged.items():
        assert placed[year, "tkv:tier-3"] == len(names), year
    watch = Counter(r["year"] for r in rows("tiers") if r["tier"].strip() == "Watchlist")
    assert (placed["2014", "tkv:tier-2wl"], placed["2015", "tkv:tier-2wl"]) == (
        watch["2014"] + 1,  # South Sudan: on the Factbook's 2014 list, not in the table
        watch["2015"],
    )


def test_china_worsened_across_a_gap_that_is_named(build: pipeline.BuildResult) -> None:
    rows_ = query(build, "tier-worsened", country="CHN")
    gap = [r for r in rows_ if r["toYear"] == "2020"]
    assert [(r["fromYear"], r["fromTier"], r["toTier"], r["yearsMissing"]) for r in gap] == [
        ("2015", "tkv:tier-2wl", "tkv:tier-3", "2016-2019")
    ]
    history = {r["year"]: r for r in query(build, "tier-history", country="CHN")}
    assert {"2020", "2022", "2023", "2024", "2025"} <= set(history)
    assert (history["2022"]["previousYear"], history["2022"]["yearsMissing"]) == ("2020", "2021")


def test_thailand_and_sudan_disagreements_are_kept_as_contradictions(
    build: pipeline.BuildResult,
) -> None:
    """The per-country texts tag THA 2014/2015 and SDN 2014 differently from the World lists;
    the lists agree with the tier table. Both sides stay, each with its source and locator."""
    texts, lists, table = (
        "tkd:source-cia-factbook-tip-country-texts",
        "tkd:source-cia-factbook-tip",
        "tkd:source-tip-tiers-2001-2015",
    )
    pairs = set()
    for r in query(build, "contradictions"):
        if r["aspect"] == "tkv:tiers":
            year = r["claim"].rpartition("_")[2]
            pairs.add((r["subject"], year, frozenset({r["source"], r["otherSource"]})))
    for subject, year in (("tha", "2014"), ("tha", "2015"), ("sdn", "2014")):
        for other in (lists, table):
            assert (f"tkd:country-{subject}", year, frozenset({texts, other})) in pairs
    assert not [p for p in pairs if p[2] == frozenset({lists, table})]  # lists = table
    text_tiers = {
        (r["gec"], r["tier_year_in_text"]): r["tier"]
        for r in factbook_rows("factbook_tip_history.csv")
        if r["gec"] in ("th", "su") and r["tier"]
    }
    table_tiers = {(r["iso"], r["year"]): r["tier"].strip() for r in rows("tiers")}
    assert text_tiers["th", "2014"] == text_tiers["th", "2015"] == "Tier 2 Watch List"
    assert table_tiers["THA", "2014"] == table_tiers["THA", "2015"] == "Tier 3"
    assert (text_tiers["su", "2014"], table_tiers["SDN", "2014"]) == ("Tier 3", "Watchlist")


def test_ctdc_exports_carry_each_number_once(build: pipeline.BuildResult) -> None:
    """Breakdowns by form are parts of their all-forms total: summing the exported flows'
    estimate_point per unit gives the sum of the totals, not totals plus parts."""
    from kg.network import flows as F

    doc = result_of(build, "ctdc").source.node.value
    exported: Counter[str] = Counter()
    for _, _, d in F.flow_network(build.store).edges(data=True):
        if d.get("source_iri") == doc and "estimate_point" in d:
            exported[str(d["unit"]).rpartition("unit-")[2]] += d["estimate_point"]
    totals: Counter[str] = Counter()
    every: Counter[str] = Counter()
    answer = build.store.query(
        f"""PREFIX tk: <{V.TK}> SELECT ?form ?unit ?v ?part WHERE {{
          ?f tk:statedIn <{doc}> ; tk:concernsForm ?form ; tk:hasEstimate ?e .
          ?e tk:pointValue ?v ; tk:countUnit ?unit .
          OPTIONAL {{ ?f tk:partOfFlow ?part }} }}""",
        use_default_graph_as_union=True,
    )
    assert isinstance(answer, ox.QuerySolutions)
    for row in answer:
        every[row["unit"].value.rpartition("unit-")[2]] += int(row["v"].value)  # type: ignore[union-attr]
        if row["form"].value.endswith("form-trafficking-in-persons"):  # type: ignore[union-attr]
            assert row["part"] is None
            totals[row["unit"].value.rpartition("unit-")[2]] += int(row["v"].value)  # type: ignore[union-attr]
        else:
            assert row["part"] is not None  # every breakdown names its total
    assert exported == totals
    assert sum(every.values()) > sum(totals.values())  # the parts would double count


def test_glotip_breakdowns_by_form_are_parts_of_their_total(build: pipeline.BuildResult) -> None:
    """GLOTIP's detected victims by form of exploitation, for a few countries, as parts of the
    national total, each equal to its CSV cell (counts 1-9 banded)."""
    sid = result_of(build, "glotip").source.id
    forms = {
        "Sexual exploitation": "form-sex-trafficking",
        "Forced labour": "form-labour-trafficking",
        "Other forms of exploitation": "form-other-exploitation",
    }
    wanted = ("Detected trafficking victims", "by form of exploitation", "Total", "Total")
    cells = [
        r for r in rows("glotip") if (r["Indicator"], r["Dimension"], r["Sex"], r["Age"]) == wanted
    ]
    values: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for r in cells:
        values[(r["Iso3_code"], r["Year"], r["Category"])].add(r["txtVALUE"])
    checked = 0
    for r in cells:
        if len(values[(r["Iso3_code"], r["Year"], r["Category"])]) > 1:
            continue  # conflicting rows: none is imported (the import report says so)
        if r["Iso3_code"] not in ("DEU", "GBR", "USA", "THA") or r["Category"] not in forms:
            continue
        concept = "indicator-victims-detected"
        node = V.mint_iri(
            "statistic", sid, r["Iso3_code"], concept, r["Year"], forms[r["Category"]]
        )
        whole = V.mint_iri("statistic", sid, r["Iso3_code"], concept, r["Year"])
        answer = build.store.query(
            f"PREFIX tk: <{V.TK}> SELECT ?v ?lo ?hi ?whole WHERE {{ <{node}> tk:hasEstimate ?e . "
            "OPTIONAL { ?e tk:pointValue ?v } OPTIONAL { ?e tk:lowerBound ?lo } "
            "OPTIONAL { ?e tk:upperBound ?hi } "
            f"OPTIONAL {{ <{node}> tk:partOfStatistic ?whole }} }}",
            use_default_graph_as_union=True,
        )
        assert isinstance(answer, ox.QuerySolutions)
        (sol,) = list(answer)
        value = number(r["txtVALUE"])
        if value is None or 1 <= value <= 9:
            assert sol["v"] is None
        else:
            assert int(sol["v"].value) == value  # type: ignore[union-attr]
        if sol["whole"] is not None:
            assert sol["whole"].value == whole  # type: ignore[union-attr]
        checked += 1
    assert checked > 50
