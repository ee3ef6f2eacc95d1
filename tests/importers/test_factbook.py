"""``kg import factbook`` on a small hand-made folder shaped like ../shared/data/factbook_tip.

tests/data/imports/factbook_tip/ holds invented lists and tier texts (never rows of the real
files) with every quirk the real ones have: untagged lists dated by an identical tagged list or
by their companion, a snapshot that repeats an earlier year, an undatable list, names only the
crosswalk's patterns know ("Republic of Congo", "Macau", "Sint Maarten"), HTML entities
("Laos&nbsp;"), a GEC code the crosswalk lacks (South Sudan ``od``), a country on two lists of
one year, a per-country text that disputes its list, one that adds a Special Case, one of a
year without lists, a placeholder ("update pending"), untagged and unparsed texts, and
entities that are not countries. The crosswalk is tests/data/imports/country_centroids/.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.core import vocab as V
from kg.core.errors import ImportError_, KGError
from kg.graph.build import build_graph
from kg.graph.rules import apply_rules
from kg.importers import ImportResult, import_inputs, load_matcher, read_import_list, run_import
from kg.query.named import load_query, run_query
from kg.shacl.validate import validate
from kg.source.countrymatch import CountryMatcher
from kg.source.loader import load_sources
from kg.source.ontology import load_ontology
from kg.source.parse import parse_records
from tests.conftest import DATA, ONTOLOGY, QUERIES, ROOT

FIX = ROOT / "tests" / "data" / "imports"
FOLDER = FIX / "factbook_tip"
LISTS = FOLDER / "factbook_world_tier_lists.csv"
PREFIXES = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in V.PREFIXES.items())
SID = "cia-factbook-tip"


@pytest.fixture(scope="module")
def matcher() -> CountryMatcher:
    return load_matcher(DATA, ONTOLOGY)


@pytest.fixture(scope="module")
def factbook(matcher: CountryMatcher) -> ImportResult:
    return run_import("factbook", FOLDER, matcher)


@pytest.fixture(scope="module")
def tiers(matcher: CountryMatcher) -> ImportResult:
    return run_import("tiers", FIX / "tiers.csv", matcher)


@pytest.fixture(scope="module")
def store(factbook: ImportResult, tiers: ImportResult) -> ox.Store:
    """The shipped data, the tier table fixture and the Factbook fixture, derived."""
    ontology = load_ontology(ONTOLOGY)
    store = ox.Store()
    store.extend(ontology.quads)
    store.extend(build_graph(parse_records(load_sources(DATA), ontology.vocabulary)).quads)
    store.extend(tiers.quads)
    store.extend(factbook.quads)
    apply_rules(store)
    return store


def found(result: ImportResult) -> dict[tuple[str, int, str], str]:
    """(ISO code, restated year, document) → tier local name, read from the quads alone."""
    tk = V.TK
    by: dict[str, dict[str, list[str]]] = {}
    for q in result.quads:
        by.setdefault(q.subject.value, {}).setdefault(q.predicate.value, []).append(q.object.value)
    out = {}
    for props in by.values():
        if V.RDF + "type" not in props or tk + "Assessment" not in props[V.RDF + "type"]:
            continue
        (placement,) = props[tk + "hasTierPlacement"]
        p = by[placement]
        assert props[tk + "assessor"] == [V.mint_iri("agent", "cia-world-factbook")]
        assert p[tk + "restates"] == [V.mint_iri("agent", "us-dos-jtip")]
        assert p[tk + "restatedReportYear"] == props[tk + "reportYear"]
        assert p[tk + "statedIn"] == props[tk + "publishedIn"]
        code = props[tk + "assessedCountry"][0].rpartition("-")[2].upper()
        doc = props[tk + "publishedIn"][0].removeprefix(V.TKD + "source-")
        tier = p[tk + "tier"][0].removeprefix(V.TKV)
        out[(code, int(props[tk + "reportYear"][0]), doc)] = tier
    return out


LISTED = {
    # 2014: the Watch List has no tag; its companion Tier 3 list closes with "(2014)"
    ("AGO", 2014): "tier-2wl",
    ("COG", 2014): "tier-2wl",  # "Republic of Congo": the crosswalk's pattern
    ("SDN", 2014): "tier-2wl",
    ("PRK", 2014): "tier-3",
    ("THA", 2014): "tier-3",
    ("CHN", 2014): "tier-3",
    # 2015: printed again, untagged, in the 2020-11-24 snapshot: still 2015
    ("CHN", 2015): "tier-2wl",
    ("SDN", 2015): "tier-2wl",
    ("PRK", 2015): "tier-3",
    ("THA", 2015): "tier-3",
    ("MYS", 2020): "tier-2wl",
    ("LAO", 2020): "tier-2wl",  # "Laos&nbsp;"
    ("CHN", 2020): "tier-3",  # "People's Republic of China"
    ("PRK", 2020): "tier-3",
    ("MAC", 2020): "tier-3",  # "Macau"
    ("CUW", 2024): "tier-2wl",
    ("CHN", 2024): "tier-3",
    ("SXM", 2024): "tier-3",  # "Sint Maarten"
    # SDN 2024 is on both lists of one year: kept out. The 2023 Maldives list has no year.
}
FROM_TEXTS = {
    ("THA", 2014): "tier-2wl",  # disputes the list (Tier 3): both kept
    ("SOM", 2025): "tier-special-case",
    ("TZA", 2013): "tier-2wl",  # no list for 2013
    ("SSD", 2020): "tier-3",  # GEC od is not in the crosswalk: mapped by its name
}


def test_every_placement_is_a_restatement_by_the_factbook(factbook: ImportResult) -> None:
    expected = {(c, y, SID): t for (c, y), t in LISTED.items()}
    expected |= {(c, y, f"{SID}-country-texts"): t for (c, y), t in FROM_TEXTS.items()}
    assert found(factbook) == expected


def test_absence_from_the_lists_records_nothing(factbook: ImportResult) -> None:
    years = {(code, year) for code, year, _ in found(factbook)}
    assert ("AGO", 2015) not in years  # on the 2014 Watch List only: 2015 not recorded
    assert ("MDV", 2023) not in years  # an undatable list
    assert not any(code == "SDN" and year == 2024 for code, year in years)
    tiers = set(found(factbook).values())
    assert tiers <= {"tier-2wl", "tier-3", "tier-special-case"}  # never Tier 1 or 2


def test_the_report_names_what_it_left_out_and_why(factbook: ImportResult) -> None:
    report = factbook.report
    skipped = {reason: t.count for reason, t in report.skipped.items()}
    assert skipped == {
        "country on two lists of one report year (kept none)": 2,
        "per-country texts disagree among themselves (kept none)": 2,
        "list country not mapped": 1,
        "list without a report year (no tag, no identical or companion list)": 1,
        "per-country text is a placeholder ('update pending'): not a placement": 1,
        "per-country text without a tier we read ('Special Category')": 1,
        "per-country text without a year tag: no report year": 1,
    }
    assert set(report.unmapped) == {
        "list country 'Atlantis' (unmapped name)",
        "GEC 'at' Ashmore and Cartier Islands (unmapped name)",
    }
    assert set(report.not_countries) == {
        "GEC entity, not a country: world",
        "GEC entity, not a country: oceans",
    }
    assert report.counts["GEC od (South Sudan) not in the crosswalk: SSD by name"] == 1
    assert report.counts["lists dated by own year tag"] == 6
    assert report.counts["lists dated by tag of the identical tagged list"] == 1
    assert report.counts["lists dated by companion's year tag"] == 3
    assert report.counts["per-country texts agreeing with the World list"] == 3
    assert report.counts["per-country texts disputing the World list (both kept)"] == 1
    (dispute,) = [n for n in report.notes if n.startswith("THA 2014")]
    assert "tier-2wl (factbook_tip_history.csv line 2)" in dispute
    assert "tier-3 (factbook_world_tier_lists.csv line 6" in dispute
    # every row is accounted for: a fact, a repetition, a confirmation, an empty entry or a skip
    accounted = sum(report.facts.values()) + report.rows_skipped
    accounted += report.counts["list rows repeating a placement of an earlier snapshot"]
    accounted += report.counts["per-country texts agreeing with the World list"]
    accounted += report.counts["per-country rows without a trafficking entry (nothing recorded)"]
    assert report.rows_read == accounted == 42


def test_the_folder_and_the_lists_file_give_the_same_graph(
    factbook: ImportResult, matcher: CountryMatcher
) -> None:
    again = run_import("factbook", LISTS, matcher)
    assert sorted(map(str, again.quads)) == sorted(map(str, factbook.quads))


def test_without_the_files_beside_it_the_lists_alone_are_read(
    tmp_path: Path, matcher: CountryMatcher
) -> None:
    shutil.copy(LISTS, tmp_path / LISTS.name)
    result = run_import("factbook", tmp_path, matcher)
    assert {doc for _, _, doc in found(result)} == {SID}
    assert any("factbook_tip_history.csv is not beside" in n for n in result.report.notes)
    assert any("no GEC crosswalk" in n for n in result.report.notes)
    assert set(found(result).values()) == {"tier-2wl", "tier-3"}


def test_a_path_that_is_not_the_folder_is_one_line(tmp_path: Path, matcher: CountryMatcher) -> None:
    with pytest.raises(ImportError_) as err:
        run_import("factbook", tmp_path, matcher)
    assert str(err.value).startswith(f"{tmp_path}: no factbook_world_tier_lists.csv here (")
    with pytest.raises(ImportError_) as err:
        run_import("factbook", tmp_path / "absent.csv", matcher)
    assert "not factbook_world_tier_lists.csv or a folder that holds it" in str(err.value)
    with pytest.raises(ImportError_) as err:
        run_import("tiers", tmp_path, matcher)
    assert str(err.value).startswith(f"{tmp_path}: a folder, but tiers reads one CSV file (")


def test_the_import_conforms_and_is_located(
    store: ox.Store, factbook: ImportResult, tiers: ImportResult
) -> None:
    origins = {**tiers.origins, **factbook.origins}
    report = validate(store, load_ontology(ONTOLOGY).shapes, origins, "fast")
    assert report.conforms, [v.line() for v in report.violations]
    assert not report.warnings, [v.line() for v in report.warnings]  # all marked restated
    where = factbook.origins[V.mint_iri("assessment", f"{SID}-country-texts", "THA", 2014)]
    assert (where.path.endswith("factbook_tip_history.csv"), where.line) == (True, 2)


def query(store: ox.Store, name: str, **params: str) -> list[dict[str, str]]:
    result = run_query(store, load_query(QUERIES, name), params)
    return [
        {v: V.shorten(t.value) for v, t in zip(result.vars, row, strict=True) if t is not None}
        for row in result.rows
    ]


def test_tiers_and_history_answer_after_2015(store: ox.Store) -> None:
    (china,) = query(store, "tiers", country="CHN")
    assert (china["tier"], china["year"], china["assessor"]) == (
        "tkv:tier-3",
        "2024",
        "tkd:agent-us-dos-jtip",
    )
    assert (china["restated"], china["authoritative"]) == ("true", "false")
    assert china["source"] == f"tkd:source-{SID}"
    years = [r["year"] for r in query(store, "tier-history", country="CHN")]
    assert {"2020", "2024"} <= set(years)
    (somalia,) = query(store, "tiers", country="SOM")
    assert (somalia["tier"], somalia["year"]) == ("tkv:tier-special-case", "2025")


def test_tier_worsened_names_the_gap(store: ox.Store) -> None:
    rows = query(store, "tier-worsened", country="CHN")
    pairs = {
        (r["fromYear"], r["fromTier"], r["toYear"], r["toTier"], r["yearsMissing"]) for r in rows
    }
    assert ("2015", "tkv:tier-2wl", "2020", "tkv:tier-3", "2016-2019") in pairs
    assert ("2005", "tkv:tier-2wl", "2013", "tkv:tier-3", "2006-2012") in pairs
    assert ("2004", "tkv:tier-2", "2005", "tkv:tier-2wl", "") in pairs  # consecutive years


def test_disagreements_are_contradictions_with_both_sources(store: ox.Store) -> None:
    rows = [r for r in query(store, "contradictions") if r["aspect"] == "tkv:tiers"]
    pairs = {(r["subject"], frozenset({r["source"], r["otherSource"]}), r["scope"]) for r in rows}
    texts, lists, table = (
        f"tkd:source-{SID}-country-texts",
        f"tkd:source-{SID}",
        "tkd:source-tip-tiers-2001-2015",
    )
    assert pairs == {
        # Thailand 2014: the per-country text against the World list (two entries)
        ("tkd:country-tha", frozenset({texts, lists}), "cross-document"),
        # China 2014: the Factbook's list (Tier 3) against the tier table (Watch List)
        ("tkd:country-chn", frozenset({lists, table}), "cross-document"),
    }
    assert all(r["locator"] and r["otherLocator"] for r in rows)


def test_cli_import_of_the_folder(runner: CliRunner, tmp_path: Path) -> None:
    args = ["--data", str(DATA), "--ontology", str(ONTOLOGY), "import", "factbook"]
    result = runner.invoke(cli, [*args, str(FOLDER), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "restated J/TIP placement (World list)" in result.stdout
    assert "THA 2014: the per-country text says tier-2wl" in result.stdout
    report = json.loads((tmp_path / f"{SID}.report.json").read_text())
    assert report["rows_read"] == 42
    bad = runner.invoke(cli, [*args, str(tmp_path / "absent")])
    assert bad.exit_code == 1
    assert bad.stderr.count("\n") == 1


def test_an_import_list_may_name_the_folder(tmp_path: Path) -> None:
    config = tmp_path / "imports.yaml"
    config.write_text(f"imports:\n  - kind: factbook\n    path: {FOLDER}\n")
    (spec,) = read_import_list(config)
    assert spec.id == SID
    inputs = import_inputs(config)
    assert [p.name for p in inputs] == [
        "imports.yaml",
        "factbook_world_tier_lists.csv",
        "factbook_tip_history.csv",
        "countrycode_codelist_without_cldr.csv",
    ]
    config.write_text(f"imports:\n  - kind: glotip\n    path: {FOLDER}\n")
    with pytest.raises(KGError, match="dataset file"):
        read_import_list(config)


def test_the_dossier_shows_restated_tiers_and_disagreements(store: ox.Store) -> None:
    from kg.report.dossier import dossier
    from kg.report.html import dossier_html

    page = dossier_html(dossier(store, "THA"))
    start = page.index("Tier placements</h2>")
    tiers = page[start : page.index("</table>", start)]
    assert "official J/TIP placement" not in tiers
    assert tiers.count("J/TIP placement, restated by US Central Intelligence Agency") == 3
    assert tiers.count("sources disagree on this year&#x27;s tier") == 2  # 2014: list and text
