"""Importers on small fixtures in the real formats (every quirk), the CLI, the build list."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.core import vocab as V
from kg.core.errors import ImportError_, KGError
from kg.graph.build import BuiltGraph, build_graph
from kg.graph.rules import apply_rules
from kg.importers import DEFAULT_IDS, ImportResult, load_matcher, read_import_list, run_import
from kg.importers.common import Count, parse_count
from kg.importers.disclosure import WITHHELD
from kg.shacl.validate import validate
from kg.source.countrymatch import CountryMatcher
from kg.source.loader import load_sources
from kg.source.ontology import Ontology, load_ontology
from kg.source.parse import parse_records
from tests.conftest import DATA, ONTOLOGY, ROOT

FIX = ROOT / "tests" / "data" / "imports"
FLOW_ALL = "form-trafficking-in-persons"
PREFIXES = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in V.PREFIXES.items())


@pytest.fixture(scope="module")
def matcher() -> CountryMatcher:
    return load_matcher(DATA, ONTOLOGY)


@pytest.fixture(scope="module")
def imported(matcher: CountryMatcher) -> dict[str, ImportResult]:
    files = {"glotip": "glotip.csv", "tiers": "tiers.csv", "ctdc": "ctdc.csv"}
    results = {kind: run_import(kind, FIX / name, matcher) for kind, name in files.items()}
    results["ctdc_full"] = run_import("ctdc", FIX / "ctdc_full.csv", matcher, source_id="ctdc-full")
    return results


@dataclass
class Base:
    """The shipped data's ontology and asserted graphs, built by the real stages."""

    ontology: Ontology
    built: BuiltGraph


@pytest.fixture(scope="module")
def base() -> Base:
    ontology = load_ontology(ONTOLOGY)
    return Base(ontology, build_graph(parse_records(load_sources(DATA), ontology.vocabulary)))


def store_with(base: Base, *results: ImportResult) -> ox.Store:
    """The shipped data's asserted graphs plus the imports, with the rules applied."""
    store = ox.Store()
    store.extend(base.ontology.quads)
    store.extend(base.built.quads)
    for result in results:
        store.extend(result.quads)
    apply_rules(store)
    return store


@pytest.fixture(scope="module")
def store(base: Base, imported: dict[str, ImportResult]) -> ox.Store:
    return store_with(base, *imported.values())


def one_graph(result: ImportResult) -> ox.Store:
    graph = ox.Store()
    graph.extend(result.quads)
    return graph


def estimate(store: ox.Store, subject: str) -> dict[str, object]:
    """The number behind a flow or statistic: value, bounds, censored flag, unit, method."""
    rows = store.query(
        f"""{PREFIXES} SELECT ?v ?lo ?hi ?c ?unit ?method ?doc WHERE {{
          <{subject}> tk:hasEstimate ?e . ?e tk:countUnit ?unit ; tk:estimateMethod ?method ;
          tk:statedIn ?doc .
          OPTIONAL {{ ?e tk:pointValue ?v }} OPTIONAL {{ ?e tk:lowerBound ?lo }}
          OPTIONAL {{ ?e tk:upperBound ?hi }} OPTIONAL {{ ?e tk:censored ?c }} }}""",
        use_default_graph_as_union=True,
    )
    assert isinstance(rows, ox.QuerySolutions)
    found = list(rows)
    assert len(found) == 1, subject
    row = found[0]

    def val(name: str) -> object:
        term = row[name]
        if term is None:
            return None
        if isinstance(term, ox.NamedNode):
            return V.shorten(term.value)
        return int(term.value) if term.value.isdigit() else term.value

    return {k: val(k) for k in ("v", "lo", "hi", "c", "unit", "method", "doc")}


def flow_iri(kind: str, origin: str, dest: str, year: int, form: str = FLOW_ALL) -> str:
    return V.mint_iri("flow", DEFAULT_IDS[kind], origin, dest, year, form)


def has_type(store: ox.Store, subject: str, cls: str) -> bool:
    answer = store.query(
        f"{PREFIXES} ASK {{ <{subject}> a tk:{cls} }}", use_default_graph_as_union=True
    )
    return bool(answer)


# --- counts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "count"),
    [
        ("<5", Count(1, 4, True)),
        ("<10", Count(1, 9, True)),
        ("1,282", Count(1282, 1282)),
        (" 12 ", Count(12, 12)),
        ("12.0", Count(12, 12)),
        ("0", Count(0, 0)),
        ("", None),
        ("n/a", None),
        ("<1", None),
    ],
)
def test_parse_count(raw: str, count: Count | None) -> None:
    assert parse_count(raw) == count


# --- GLOTIP --------------------------------------------------------------------------------


def test_glotip_flows_carry_the_published_numbers(store: ox.Store) -> None:
    exact = estimate(store, flow_iri("glotip", "ALB", "GBR", 2019))
    assert exact == {
        "v": 1705,
        "lo": None,
        "hi": None,
        "c": None,
        "unit": "tkv:unit-identified-victims",
        "method": "tkv:method-official-statistic",
        "doc": "tkd:source-unodc-glotip-2023",
    }
    assert has_type(store, flow_iri("glotip", "ALB", "GBR", 2019), "CrossBorderFlow")
    below_five = estimate(store, flow_iri("glotip", "VNM", "GBR", 2019))
    assert (below_five["v"], below_five["lo"], below_five["hi"], below_five["c"]) == (
        None,
        1,
        4,
        "true",
    )
    assert estimate(store, flow_iri("glotip", "TUR", "GBR", 2019))["v"] == 12  # mojibake name
    assert estimate(store, flow_iri("glotip", "XKX", "GBR", 2019))["lo"] == 1  # 5 → band
    banded = estimate(store, flow_iri("glotip", "CIV", "GBR", 2019))  # lost chars, exact 7
    assert (banded["v"], banded["lo"], banded["hi"], banded["c"]) == (None, 1, 9, "true")


def test_glotip_nationals_are_internal_flows_and_duplicates_are_not_double_counted(
    store: ox.Store,
) -> None:
    gbr = flow_iri("glotip", "GBR", "GBR", 2019)
    assert has_type(store, gbr, "InternalFlow")
    assert estimate(store, gbr)["v"] == 250
    # NLD: "Nationals" 20 and "Netherlands (own country)" 20 are one row, kept once
    assert estimate(store, flow_iri("glotip", "NLD", "NLD", 2018))["v"] == 20
    # "Albania" 6 and "albanian" 5: two spellings of one citizenship, summed
    assert estimate(store, flow_iri("glotip", "ALB", "NLD", 2018))["v"] == 11
    # Spain's "Ciudadanos de su pa\ufffds" (citizens of the country)
    assert has_type(store, flow_iri("glotip", "ESP", "ESP", 2018), "InternalFlow")
    assert estimate(store, flow_iri("glotip", "BRA", "ESP", 2018))["hi"] == 4


def test_glotip_statistics_of_the_detecting_country(store: ox.Store) -> None:
    sid = DEFAULT_IDS["glotip"]

    def stat(indicator: str, country: str = "GBR", year: int = 2019) -> dict[str, object]:
        node = V.mint_iri("statistic", sid, country, f"indicator-{indicator}", year)
        assert has_type(store, node, "CountryStatistic")
        return estimate(store, node)

    assert stat("persons-prosecuted")["v"] == 1282
    assert stat("persons-prosecuted")["unit"] == "tkv:unit-persons-prosecuted"
    assert (stat("persons-convicted")["lo"], stat("persons-convicted")["hi"]) == (1, 4)
    assert stat("persons-suspected")["v"] == 40
    assert stat("victims-detected")["v"] == 2864
    small = stat("victims-detected", "NLD", 2018)  # exact 3 victims → band
    assert (small["v"], small["lo"], small["hi"], small["c"]) == (None, 1, 9, "true")


def test_glotip_report_accounts_for_every_row(imported: dict[str, ImportResult]) -> None:
    report = imported["glotip"].report
    with (FIX / "glotip.csv").open(encoding="utf-8") as stream:
        data_rows = sum(1 for _ in stream) - 1
    assert report.rows_read == data_rows
    merged = report.counts["rows summed into a flow named twice (spelling variants)"]
    assert report.rows_read == sum(report.facts.values()) + report.rows_skipped + merged
    kinds = {key: t.count for key, t in report.not_countries.items()}
    assert kinds == {
        "citizenship: unknown": 3,  # Unknown, 0, empty
        "citizenship: abroad": 1,
        "citizenship: stateless": 1,  # Rohingya: a stateless people, not a country
        "citizenship: aggregate": 1,  # M49 Region: Africa
        "reporting area: aggregate": 2,  # CAS, CAR
    }
    assert set(report.unmapped) == {
        "citizenship 'Congolese' (COD/COG)",
        "reporting country 'Sark'",
    }
    reasons = set(report.skipped)
    assert "sex or age breakdown (only totals are imported)" in reasons
    assert "zero victims (no flow)" in reasons
    assert "reporting area is a region, not a country" in reasons
    assert report.counts["exact counts 1-9 published as the band 1-9"] == 3  # CIV, XKX, NLD
    assert json.loads(json.dumps(report.as_dict()))["rows_read"] == data_rows


def test_glotip_source_document(store: ox.Store, imported: dict[str, ImportResult]) -> None:
    result = imported["glotip"]
    doc = result.source.node.value
    sha = hashlib.sha256((FIX / "glotip.csv").read_bytes()).hexdigest()
    graph = result.graph
    assert store.query(
        f"""{PREFIXES} ASK {{ GRAPH <{graph}> {{
          <{doc}> a tk:SourceDocument ; tk:sha256 "{sha}" ; tk:docType tkv:doc-dataset ;
            tk:reliability tkv:reliability-official ; dcterms:publisher tkd:agent-unodc ;
            dcterms:issued "2023-05-30"^^xsd:date }} }}"""
    )
    assert {q.graph_name.value for q in result.quads} == {graph}


# --- tiers ----------------------------------------------------------------------------------


def tier_of(store: ox.Store, code: str, year: int) -> tuple[str, str | None] | None:
    rows = store.query(
        f"""{PREFIXES} SELECT ?tier ?change WHERE {{
          ?a tk:assessedCountry tkd:country-{code.lower()} ; tk:reportYear {year} ;
             tk:assessor tkd:agent-tip-tier-compilers ; tk:publishedIn ?doc ;
             tk:hasTierPlacement ?p .
          ?p tk:tier ?tier ; tk:statedIn ?doc ; tk:restates tkd:agent-us-dos-jtip ;
             tk:restatedReportYear {year} .
          ?doc dcterms:publisher tkd:agent-tip-tier-compilers .
          OPTIONAL {{ ?p tk:tierChange ?change }} }}""",
        use_default_graph_as_union=True,
    )
    assert isinstance(rows, ox.QuerySolutions)
    found = [
        (V.shorten(r["tier"].value), r["change"] and V.shorten(r["change"].value)) for r in rows
    ]
    assert len(found) <= 1
    return found[0] if found else None


@pytest.mark.parametrize(
    ("code", "year", "expected"),
    [
        ("PRK", 2001, None),  # NA: not ranked, no assessment
        ("PRK", 2003, ("tkv:tier-3", "tkv:change-first-ranked")),
        ("PRK", 2004, ("tkv:tier-3", "tkv:change-remained")),
        ("CHN", 2004, ("tkv:tier-2", None)),  # 2003 not in the table: change unknown
        ("CHN", 2005, ("tkv:tier-2wl", "tkv:change-downgraded")),  # "Watchlist    "
        ("CHN", 2013, ("tkv:tier-3", None)),  # Cho says 666: the table's tier is kept
        ("CHN", 2014, ("tkv:tier-2wl", "tkv:change-upgraded")),
        # KOS, COW code 1001: 'NA' in 2008, which Cho's table beside codes 666 (special case)
        ("XKX", 2008, ("tkv:tier-special-case", None)),
        ("XKX", 2009, ("tkv:tier-2", "tkv:change-first-ranked")),
        ("XKX", 2015, ("tkv:tier-2", None)),
        ("TWN", 2010, ("tkv:tier-1", None)),
        ("ABW", 2011, ("tkv:tier-2", None)),  # COW code NA
        ("NAM", 2012, ("tkv:tier-1", "tkv:change-upgraded")),
        ("MDA", 2012, None),  # "Tier 4" is not a tier
        ("SRB", 2004, ("tkv:tier-2wl", None)),  # duplicate row, same tier: kept once
        ("RUS", 2013, None),  # two different tiers for one year: none kept
    ],
)
def test_tier_placements(
    store: ox.Store, code: str, year: int, expected: tuple[str, str | None] | None
) -> None:
    assert tier_of(store, code, year) == expected


def test_a_special_case_names_both_files(store: ox.Store) -> None:
    rows = store.query(
        f"""{PREFIXES} SELECT ?locator WHERE {{ ?p tk:tier tkv:tier-special-case ;
           tk:locator ?locator }}""",
        use_default_graph_as_union=True,
    )
    assert isinstance(rows, ox.QuerySolutions)
    (locator,) = [r["locator"].value for r in rows]
    assert locator == (
        "tiers.csv line 10 ('NA'); criminalization_cho_tiers_2015-08-10.csv line 3 "
        "(666, special case)"
    )


def test_tiers_report(imported: dict[str, ImportResult]) -> None:
    report = imported["tiers"].report
    assert report.facts["Assessment with TierPlacement (restating J/TIP)"] == 14
    assert report.counts["special cases"] == 1
    assert report.counts["Cho special case where the table has a tier (the table's kept)"] == 1
    assert report.skipped["not ranked ('NA'): no Assessment"].count == 2
    assert report.skipped["unknown tier label"].count == 1
    assert report.skipped["unknown tier label"].examples == ["line 18: 'Tier 4'"]
    assert report.skipped["conflicting tiers (kept none)"].count == 2
    assert report.skipped["duplicate country-year (kept first)"].count == 1
    assert set(report.unmapped) == {"country 'Atlantis'"}
    assert report.counts["non-standard code KOS read as XKX"] == 3
    assert report.rows_read == sum(report.facts.values()) + report.rows_skipped


# --- CTDC -----------------------------------------------------------------------------------


def test_ctdc_aggregates_records_by_pair_form_and_year(store: ox.Store) -> None:
    total = estimate(store, flow_iri("ctdc", "UKR", "RUS", 2016))
    assert (total["v"], total["method"]) == (17, "tkv:method-aggregated-records")
    sexual = estimate(store, flow_iri("ctdc", "UKR", "RUS", 2016, "form-sex-trafficking"))
    assert (sexual["v"], sexual["lo"], sexual["hi"], sexual["c"]) == (None, 1, 9, "true")
    # 12 records of labour trafficking: written, 17 - 12 = 5 would pass for the count of sex
    # trafficking (3, and 2 records with no form), so the labour flow is withheld
    labour = flow_iri("ctdc", "UKR", "RUS", 2016, "form-labour-trafficking")
    assert not has_type(store, labour, "CrossBorderFlow")
    assert has_type(store, flow_iri("ctdc", "PHL", "PHL", 2017), "InternalFlow")
    namibia = estimate(store, flow_iri("ctdc", "NAM", "ZAF", 2017))  # alpha-2 "NA"
    assert (namibia["lo"], namibia["hi"]) == (1, 9)


def test_ctdc_composite_and_missing_form_columns(
    store: ox.Store, imported: dict[str, ImportResult]
) -> None:
    def flow(form: str) -> str:
        return V.mint_iri("flow", "ctdc-full", "KHM", "CHN", 2021, form)

    assert estimate(store, flow(FLOW_ALL))["v"] == 13
    assert estimate(store, flow("form-labour-trafficking"))["v"] == 10  # isSexAndLabour
    assert estimate(store, flow("form-sex-trafficking"))["v"] == 10
    assert estimate(store, flow("form-forced-marriage"))["hi"] == 9
    report = imported["ctdc_full"].report
    assert report.not_countries["citizenship: unknown"].count == 3  # -99
    assert not any("absent" in n for n in report.notes)
    assert any("isForcedMarriage" in n for n in imported["ctdc"].report.notes)


def test_ctdc_report_and_no_person_level_output(imported: dict[str, ImportResult]) -> None:
    result = imported["ctdc"]
    report = result.report
    assert report.rows_read == 44
    assert report.skipped["year of registration is not a year"].count == 1
    assert report.skipped["citizenship unknown or unmapped"].count == 6  # 5 × "0", 1 × XX
    assert report.skipped["country of exploitation unknown or unmapped"].count == 3
    assert report.skipped["citizenship and country of exploitation unknown or unmapped"].count == 2
    assert set(report.unmapped) == {"citizenship 'XX'"}
    assert report.counts["records without a form flag (in the all-forms flow only)"] == 2
    literals = {q.object.value for q in result.quads if isinstance(q.object, ox.Literal)}
    assert not literals & {"Female", "Male", "18--20"}
    flows = {q.subject for q in result.quads if q.predicate.value == V.TK + "origin"}
    assert len(flows) == sum(report.facts.values()) == 6
    assert report.counts[WITHHELD] == 1  # the labour flow UKR → RUS, 2016


# --- the whole graph ------------------------------------------------------------------------


def test_imports_conform_to_the_shapes_with_both_engines(
    store: ox.Store, base: Base, imported: dict[str, ImportResult]
) -> None:
    origins = {k: v for r in imported.values() for k, v in r.origins.items()}
    for engine in ("fast", "pyshacl"):
        report = validate(store, base.ontology.shapes, origins, engine)
        assert report.conforms, [v.line() for v in report.violations]


def test_an_unbanded_small_victim_count_would_be_caught_and_located(
    base: Base, imported: dict[str, ImportResult]
) -> None:
    result = imported["glotip"]
    est = V.mint_iri("estimate", DEFAULT_IDS["glotip"], "CIV", "GBR", 2019, FLOW_ALL)
    band = {V.TK + p for p in ("censored", "lowerBound", "upperBound")}
    tampered = [
        q for q in result.quads if not (q.subject.value == est and q.predicate.value in band)
    ]
    graph = ox.NamedNode(result.graph)
    seven = ox.Literal("7", datatype=ox.NamedNode(V.XSD + "integer"))
    tampered.append(ox.Quad(ox.NamedNode(est), ox.NamedNode(V.TK + "pointValue"), seven, graph))
    store = store_with(base, ImportResult(result.source, tampered, result.report))
    report = validate(store, base.ontology.shapes, result.origins, "fast")
    found = [v for v in report.violations if v.focus == est]
    assert found, [v.line() for v in report.violations]
    assert str(found[0].where).startswith("tests/data/imports/glotip.csv:")


def test_imports_are_deterministic(matcher: CountryMatcher) -> None:
    for kind, name in (("glotip", "glotip.csv"), ("tiers", "tiers.csv"), ("ctdc", "ctdc.csv")):
        first = run_import(kind, FIX / name, matcher)
        second = run_import(kind, FIX / name, matcher)
        assert sorted(map(str, first.quads)) == sorted(map(str, second.quads))


def test_bad_files_are_one_line_errors(tmp_path: Path, matcher: CountryMatcher) -> None:
    missing_column = tmp_path / "bad.csv"
    missing_column.write_text("Iso3_code,Country\nGBR,United Kingdom\n")
    with pytest.raises(ImportError_) as err:
        run_import("glotip", missing_column, matcher)
    assert str(err.value).startswith(f"{missing_column}:1:1: missing column 'Indicator'")
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(b"countryname,iso,year,ccode,tier\nC\xf4te,CIV,2010,437,Tier 2\n")
    with pytest.raises(ImportError_) as err:
        run_import("tiers", latin1, matcher)
    assert str(err.value).startswith(f"{latin1}:2:2: file is not valid UTF-8 (byte 0xf4)")
    with pytest.raises(ImportError_, match="cannot read file"):
        run_import("ctdc", tmp_path / "absent.csv", matcher)


# --- CLI and the build's import list -------------------------------------------------------


def test_cli_import_writes_the_graph_and_prints_the_summary(
    runner: CliRunner, tmp_path: Path, imported: dict[str, ImportResult]
) -> None:
    args = ["--data", str(DATA), "--ontology", str(ONTOLOGY), "import", "glotip"]
    result = runner.invoke(cli, [*args, str(FIX / "glotip.csv"), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "rows read" in result.stdout
    assert "Rohingya" in result.stdout  # listed with the stateless, not as a country
    written = ox.Store()
    written.bulk_load(path=str(tmp_path / "unodc-glotip-2023.nq"), format=ox.RdfFormat.N_QUADS)
    assert set(written) == set(imported["glotip"].quads)
    report = json.loads((tmp_path / "unodc-glotip-2023.report.json").read_text())
    assert report["rows_read"] == imported["glotip"].report.rows_read
    bad = runner.invoke(cli, [*args, str(tmp_path / "nope.csv")])
    assert bad.exit_code == 1
    assert bad.stderr.count("\n") == 1
    assert "cannot read file" in bad.stderr


def write_list(tmp_path: Path, body: str) -> Path:
    config = tmp_path / "imports.yaml"
    config.write_text(body)
    return config


def test_build_repeats_the_import_list(runner: CliRunner, tmp_path: Path) -> None:
    config = write_list(
        tmp_path,
        f"imports:\n  - kind: tiers\n    path: {FIX / 'tiers.csv'}\n"
        f"  - kind: ctdc\n    path: {FIX / 'ctdc.csv'}\n    id: ctdc-fixture\n",
    )
    out = tmp_path / "build"
    base = ["--data", str(DATA), "--ontology", str(ONTOLOGY), "build", "--out", str(out)]
    result = runner.invoke(cli, [*base, "--imports", str(config)])
    assert result.exit_code == 0, result.output
    graphs = json.loads((out / "manifest.json").read_text())["graphs"]
    assert V.source_graph("tip-tiers-2001-2015") in graphs
    assert V.source_graph("ctdc-fixture") in graphs
    inputs = json.loads((out / "manifest.json").read_text())["inputs"]
    assert any(name.endswith("tiers.csv") for name in inputs)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("imports:\n  - kind: glotipp\n    path: x.csv\n", ":2:11: unknown import kind 'glotipp'"),
        ("imports:\n  - kind: tiers\n    path: absent.csv\n", ":3:11: dataset file"),
        ("imports:\n  - kind: tiers\n    file: x.csv\n", ":3:5: unknown key 'file'"),
        (
            "imports:\n  - {kind: tiers, path: t.csv, id: a}\n"
            "  - {kind: ctdc, path: t.csv, id: a}\n",
            ":3:35: duplicate import id 'a'",
        ),
    ],
)
def test_import_list_errors_point_at_the_entry(tmp_path: Path, body: str, message: str) -> None:
    (tmp_path / "t.csv").write_text("countryname,iso,year,tier\n")
    config = write_list(tmp_path, body)
    with pytest.raises(KGError) as err:
        read_import_list(config)
    assert message in str(err.value)


def test_progress_is_reported_in_bytes_up_to_the_file_size(
    tmp_path: Path, matcher: CountryMatcher
) -> None:
    big = tmp_path / "ctdc.csv"
    lines = (FIX / "ctdc.csv").read_text().splitlines(keepends=True)
    big.write_text(lines[0] + "".join(lines[1:]) * 300)
    seen: list[tuple[int, int]] = []
    run_import("ctdc", big, matcher, progress=lambda done, total: seen.append((done, total)))
    assert len(seen) > 2
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert seen[-1] == (big.stat().st_size, big.stat().st_size)


def test_a_source_id_must_be_a_slug(matcher: CountryMatcher) -> None:
    with pytest.raises(ImportError_, match="lower-case letters"):
        run_import("tiers", FIX / "tiers.csv", matcher, source_id="../escape")
