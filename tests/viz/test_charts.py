"""Charts: the tier heat-map (gaps stay gaps, restatements marked, disagreements flagged, regions),
the tier timeline and sparkline, detections by citizenship and by country of detection (one
source, censored cells never turned into numbers) and the 4P findings; as SVG, PNG and HTML
files from kg viz."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from flowdata import DETECTED_TOTALS, DETECTIONS
from kgbrowser import needs_browser, visit
from shots import check

from kg.cli import cli
from kg.core.errors import QueryError
from kg.viz import detections as D
from kg.viz import pillars as P
from kg.viz.series import tier_table
from kg.viz.tiercharts import heatmap_svg, sparkline_svg, timeline_svg

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def store(rich_nquads: Path) -> ox.Store:
    s = ox.Store()
    s.bulk_load(path=str(rich_nquads), format=ox.RdfFormat.N_QUADS)
    return s


def placements(store: ox.Store) -> set[tuple[str, int, str, bool]]:
    """(ISO3, year, tier, official) of every J/TIP tier, straight from the graph."""
    query = """PREFIX tk: <https://w3id.org/kg-tip/ontology#>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    SELECT ?iso ?year ?tier ?restated ?source WHERE {
      ?a tk:assessedCountry ?c ; tk:hasTierPlacement ?p ; tk:assessor ?by .
      ?c tk:iso3166Alpha3 ?iso . ?p tk:tier ?tier .
      OPTIONAL { ?a tk:publishedIn ?source }
      OPTIONAL { ?p tk:restates ?original }
      OPTIONAL { ?p tk:restatedReportYear ?ry } OPTIONAL { ?a tk:reportYear ?y0 }
      BIND(COALESCE(?original, ?by) AS ?assessor) ?assessor tk:issuesTiers true .
      BIND(BOUND(?original) AS ?restated) BIND(IF(?restated, ?ry, ?y0) AS ?year)
      FILTER(BOUND(?year)) }"""
    rows = store.query(query, use_default_graph_as_union=True)
    assert isinstance(rows, ox.QuerySolutions)
    return {
        (
            r["iso"].value,
            int(r["year"].value),
            r["tier"].value.rsplit("/", 1)[-1],
            r["restated"].value == "false",
        )
        for r in rows
    }


def cells(svg: str) -> list[ET.Element]:
    return [e for e in ET.fromstring(svg).iter(f"{SVG}rect") if "cell" in e.get("class", "")]


def test_heatmap_has_a_cell_exactly_where_there_is_a_placement(store: ox.Store) -> None:
    table = tier_table(store)
    svg = heatmap_svg(table)
    root = ET.fromstring(svg)
    expected = placements(store)
    shown = set()
    for row in root.iter(f"{SVG}g"):
        if row.get("class") != "row":
            continue
        iso = row.get("data-iso")
        for cell in row.iter(f"{SVG}rect"):
            if "cell" in cell.get("class", ""):
                kind, tier = cell.get("class", "").split()[1:]
                shown.add((iso, int(cell.get("data-year", "0")), tier, kind))
    # one cell per country-year with a placement: the official one where there is one
    years = {(iso, y) for iso, y, _, _ in expected}
    assert {(iso, y) for iso, y, _, _ in shown} == years
    for iso, year, tier, kind in shown:
        official = {(t, o) for i, y, t, o in expected if (i, y) == (iso, year) and o}
        if official:
            assert kind == "official"
            assert (tier, True) in official
        else:
            assert kind == "restated"
    # gaps are gaps: a row of the synthetic data has years with no cell between its first/last
    gaps = [
        (c.iso3, y)
        for c in table.countries
        for y in range(min(c.years), max(c.years))
        if y not in c.years
    ]
    assert gaps
    assert all((iso, y) not in {(i, yy) for i, yy, _, _ in shown} for iso, y in gaps)
    assert len(cells(svg)) == len(years)
    # restatements are hatched, and the legend says what the hatch means
    assert svg.count('fill="url(#restated)"') >= sum(1 for *_, k in shown if k == "restated")
    assert "restated by another source" in svg
    assert "no placement that year" in svg


def test_heatmap_flags_sources_that_disagree(store: ox.Store) -> None:
    # imported.trig: J/TIP placed China on Tier 3 in 2013; a restating document says Watch List
    table = tier_table(store)
    china = table.country("CHN")
    assert china is not None
    assert china.disagree(2013)
    assert china.shown(2013).official  # type: ignore[union-attr]
    assert china.shown(2013).tier == "tier-3"  # type: ignore[union-attr]
    assert not china.disagree(2014)  # the restatement of 2014 agrees
    svg = heatmap_svg(table)
    tips = [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}title")]
    tip = next(t for t in tips if t.startswith("China · 2013"))
    assert "disagrees with: Tier 2 Watch List" in tip
    assert "restated by" in tip
    assert svg.count('class="disagree"') >= 1


def test_region_filter(store: ox.Store) -> None:
    europe = tier_table(store, region="Europe")
    assert europe.region == "Europe"
    assert europe.countries
    everyone = tier_table(store)
    assert 0 < len(europe.countries) < len(everyone.countries)
    assert all("Europe" in c.region_label for c in europe.countries)
    assert {c.iso3 for c in tier_table(store, region="150").countries} == {
        c.iso3 for c in europe.countries
    }
    with pytest.raises(QueryError, match="did you mean 'Europe'"):
        tier_table(store, region="Europ")


def test_timeline_and_sparkline(store: ox.Store) -> None:
    table = tier_table(store)
    country = max(table.countries, key=lambda c: len(c.years))
    root = ET.fromstring(timeline_svg(country, table.years))
    points = [c for c in root.iter(f"{SVG}circle") if "point" in c.get("class", "")]
    assert len(points) == len(country.years)
    hollow = [p for p in points if "restated" in p.get("class", "")]
    assert all(p.get("fill") == "#ffffff" for p in hollow)
    steps = [x for x in root.iter(f"{SVG}line") if x.get("class") == "step"]
    consecutive = sum(1 for y in country.years if y + 1 in country.years)
    assert len(steps) == consecutive  # the line breaks at every gap
    spark = ET.fromstring(sparkline_svg(country, table.years))
    marks = [r for r in spark.iter(f"{SVG}rect")][1:]
    assert len(marks) == len(country.years)
    assert country.label in (spark.find(f"{SVG}title").text or "")  # type: ignore[union-attr]


def test_detections_by_citizenship_and_by_country_of_detection(store: ox.Store) -> None:
    d = D.detections(store, "THA")
    assert d.source.endswith("source-synthetic-glotip")  # the official statistic, not CTDC
    inward, outward = d.panels
    exact = {y: 0 for y in (2018, 2019, 2020)}
    censored = {y: 0 for y in exact}
    for _origin, dest, year, count in DETECTIONS:
        if dest == "THA":
            if count is None:
                censored[year] += 1
            else:
                exact[year] += count
    for year in exact:
        low_exact, low, high = inward.height(year)
        assert low_exact == exact[year]  # exact counts only; CTDC's 999 is not added
        assert (low - low_exact, high - low_exact) == (censored[year], 4 * censored[year])
    assert inward.totals == DETECTED_TOTALS
    assert outward.bars[2019]["USA"].exact == 12
    assert outward.bars[2019]["THA"].exact == 280  # nationals detected at home
    assert outward.bars[2020]["MYS"].censored == 1
    assert outward.bars[2020]["MYS"].exact == 0
    svg = D.detections_svg(d)
    root = ET.fromstring(svg)
    assert len([e for e in root.iter(f"{SVG}line") if e.get("class") == "total"]) == 2
    bands = [e for e in root.iter(f"{SVG}rect") if e.get("class") == "censored"]
    assert {int(e.get("data-year", "0")) for e in bands} == {2019, 2020}
    assert "identified victims" in svg
    assert "official statistic" in svg
    other = D.detections(store, "THA", source="synthetic-ctdc")
    assert other.panels[0].height(2019)[0] == 999
    with pytest.raises(QueryError, match="valid: synthetic-ctdc, synthetic-glotip"):
        D.detections(store, "THA", source="nope")


def test_detections_of_a_country_without_any(store: ox.Store) -> None:
    d = D.detections(store, "ISL")
    assert d.years == []
    assert "No detections" in D.detections_svg(d)


def test_pillar_findings_count_every_claim_and_recommendation(store: ox.Store) -> None:
    f = P.pillar_findings(store, "PRK")
    query = """PREFIX tk: <https://w3id.org/kg-tip/ontology#>
    SELECT ?pillar (COUNT(DISTINCT ?claim) AS ?n) WHERE {
      ?claim tk:inAssessment/tk:assessedCountry <https://w3id.org/kg-tip/id/country-prk> ;
             tk:aspect/tk:pillar ?pillar } GROUP BY ?pillar"""
    rows = store.query(query, use_default_graph_as_union=True)
    assert isinstance(rows, ox.QuerySolutions)
    expected = {r["pillar"].value.rsplit("-", 1)[-1]: int(r["n"].value) for r in rows}
    assert {p.name: len(p.findings) for p in f.pillars if p.findings} == expected
    assert sum(len(p.recommendations) for p in f.pillars) == 6
    svg = P.pillars_svg(f)
    root = ET.fromstring(svg)
    chips = [g for g in root.iter(f"{SVG}g") if g.get("class") == "finding"]
    assert len(chips) == sum(expected.values())
    assert {g.get("data-holds") for g in chips} <= {"yes", "no", "?"}


@pytest.mark.parametrize("suffix", ["svg", "png", "html"])
def test_cli_viz_tiers_and_detections(
    runner: CliRunner, rich_nquads: Path, tmp_path: Path, suffix: str
) -> None:
    graph = ["--graph", str(rich_nquads)]
    out = tmp_path / f"tiers.{suffix}"
    result = runner.invoke(cli, ["viz", "tiers", *graph, "--region", "Asia", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    if suffix == "png":
        assert data.startswith(b"\x89PNG")
    elif suffix == "html":
        page = data.decode()
        assert "default-src 'none'" in page
        assert not re.search(r"<(script|img|link)[^>]*\s(src|href)=", page)
        assert 'class="chart heatmap"' in page
    else:
        assert "in Asia" in data.decode()
    out = tmp_path / f"det.{suffix}"
    result = runner.invoke(cli, ["viz", "detections", "THA", *graph, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 1000


def test_cli_viz_errors(runner: CliRunner, rich_nquads: Path, tmp_path: Path) -> None:
    graph = ["--graph", str(rich_nquads)]
    result = runner.invoke(cli, ["viz", "tiers", *graph, "-o", str(tmp_path / "t.pdf")])
    assert result.exit_code == 1
    assert "use .svg, .png or .html" in result.stderr
    result = runner.invoke(cli, ["viz", "tiers", *graph, "--region", "Atlantis", "-o", "t.svg"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: unknown region 'Atlantis'")
    result = runner.invoke(cli, ["viz", "detections", "TAH", *graph, "-o", "t.svg"])
    assert result.exit_code == 1
    assert "did you mean 'THA'" in result.stderr


@pytest.mark.browser
@needs_browser
def test_charts_in_chromium(store: ox.Store, tmp_path: Path, update_golden: bool) -> None:
    from kg.viz.chartpage import chart_page

    pages = {
        "chart-detections": chart_page(
            "Detections", [D.detections_svg(D.detections(store, "THA"))]
        ),
        "chart-timeline-4p": chart_page(
            "Tier history and 4P findings",
            [
                timeline_svg(tier_table(store).country("CHN")),  # type: ignore[arg-type]
                P.pillars_svg(P.pillar_findings(store, "PRK")),
            ],
        ),
        "chart-heatmap-asia": chart_page(
            "Heat-map", [heatmap_svg(tier_table(store, region="Asia"))]
        ),
    }
    for name, html in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        with visit(path, width=1400, height=900) as seen:
            check(seen.page.screenshot(), name, update=update_golden)
            assert seen.errors == []
            assert seen.foreign_requests == []
