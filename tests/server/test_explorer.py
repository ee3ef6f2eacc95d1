"""The explorer on kg serve: the country index, country pages (the dossier with its charts),
the named queries as forms with labelled, sortable, paged tables and CSV/JSON downloads, the
heat-map, resource pages, the SPARQL editor, static files and the favicon; checked in-process on
a graph with synthetic flows, tiers and detections, and in real headless Chromium (no request
leaves the server, no console error, tables never wider than the window, screenshots)."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from kgbrowser import browse, needs_browser
from oxiserver import kg_server
from shots import check

from kg.core import vocab as V
from kg.query.named import load_query, run_query
from kg.server.htmlkit import CSP
from kg.server.http import App, ServerConfig, handle

ROOT = Path(__file__).resolve().parents[2]
QUERIES = ROOT / "queries"


@pytest.fixture(scope="module")
def store(rich_graph: ox.Store) -> ox.Store:
    return rich_graph


@pytest.fixture(scope="module")
def app(store: ox.Store) -> App:
    return App(store, ServerConfig(queries_dir=(QUERIES,), max_rows=60))


def get(app: App, path: str, **params: str) -> object:
    return handle(app, "GET", path, {k: [v] for k, v in params.items()}, {})


def test_index_lists_countries_with_tier_and_sparkline(app: App, store: ox.Store) -> None:
    response = get(app, "/")
    assert response.status == 200
    assert response.header("Content-Security-Policy") == CSP
    page = response.text
    rows = re.findall(r'<tr data-search="([^"]*)">', page)
    assert len(rows) > 30
    assert any(r.startswith("North Korea PRK") and "DPRK" in r for r in rows)  # other names too
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="spark"') > 30
    assert 'class="tier tier-' in page
    assert 'href="/country/PRK"' in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert get(app, "/").body == response.body  # rendered once
    packed = handle(app, "GET", "/", {}, {"Accept-Encoding": "gzip, br"})
    assert packed.header("Content-Encoding") == "gzip"
    assert packed.header("Vary") == "Accept-Encoding"
    assert gzip.decompress(packed.body) == response.body
    assert len(packed.body) < len(response.body) / 4


@pytest.mark.parametrize(
    ("accept_encoding", "gz"),
    [("gzip", True), ("GZip", True), ("x-gzip", True), ("br, gzip;q=0.5", True), ("*", True),
     ("gzip, identity;q=0.5", True), ("gzip;q=0.001", True),
     (None, False), ("", False), ("identity", False), ("br, deflate", False),
     ("gzip;q=0, identity", False), ("gzip;q=0", False), ("*;q=0", False), ("gzip;q=0, *", False),
     ("gzip;q=0.5, identity", False), ("gzip;q=NaN", False), ("gzip;q=2", False),
     ("br;q=1, gzipped", False)],
)  # fmt: skip
def test_gzip_only_for_clients_that_accept_it(
    app: App, accept_encoding: str | None, gz: bool
) -> None:
    """Accept-Encoding is read as RFC 9110 §12.5.3 says (weights, ``*``, any case): ``gzip;q=0,
    identity`` refuses gzip, and got it, since "gzip" was looked for in the text."""
    headers = {} if accept_encoding is None else {"Accept-Encoding": accept_encoding}
    for path in ("/", "/charts/tiers.svg", "/country/PRK", "/query/tier-history"):
        response = handle(app, "GET", path, {}, headers)
        assert response.status == 200
        assert response.header("Content-Encoding") == ("gzip" if gz else None), path
        assert response.body.startswith(b"\x1f\x8b") == gz
        assert response.header("Vary") == "Accept-Encoding"


def test_query_page_form_from_param_headers(app: App) -> None:
    page = get(app, "/query/largest-flows").text
    year = re.search(r'<select name="year">(.*?)</select>', page, re.S)
    assert year is not None
    assert '<option value="*" selected>any (*)</option>' in year.group(1)
    assert '<option value="2020">' in year.group(1)
    unit = re.search(r'<select name="unit">(.*?)</select>', page, re.S)
    assert unit is not None
    assert 'value="identified-victims"' in unit.group(1)
    assert '<input type="text" name="kind"' in page  # an IRI parameter is free text
    page = get(app, "/query/tier-history", country="CHN").text
    country = re.search(r'<select name="country">(.*?)</select>', page, re.S)
    assert country is not None
    assert '<option value="CHN" selected>China (CHN)</option>' in country.group(1)
    page = get(app, "/query/forms").text
    assert 'value="forced-labour"' in page  # concept:form menu
    assert "Forms of trafficking" in page


def test_results_are_labelled_with_iris_one_click_away(app: App, store: ox.Store) -> None:
    page = get(app, "/query/tier-history", country="CHN").text
    expected = run_query(store, load_query(QUERIES, "tier-history"), {"country": "CHN"})
    assert f"{len(expected.rows):,} rows" in page
    assert (
        '<a class="iri" href="/country/CHN" title="https://w3id.org/kg-tip/id/country-chn"' in page
    )
    assert ">China</a>" in page
    assert ">Tier 3</a>" in page  # a concept by its label, not tkv:tier-3
    assert 'href="/resource?iri=https%3A%2F%2Fw3id.org%2Fkg-tip%2Fvocab%2Ftier-3"' in page
    assert "(xsd:gYear)" not in page
    assert "tkv:tier-3" not in page


def cells(page: str, column: int) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    values = [re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)[column] for r in rows]
    return [re.sub(r"<[^>]+>", "", v) for v in values]


def test_sorting_and_paging(app: App, store: ox.Store) -> None:
    spec = load_query(QUERIES, "tier-history")
    expected = run_query(store, spec, {"country": "*"})
    assert len(expected.rows) > 100  # more than one page
    year = expected.vars.index("year")
    page = get(app, "/query/tier-history", country="*", _sort="year", _dir="desc").text
    shown = cells(page, year)
    assert len(shown) == 100
    assert shown == sorted(shown, reverse=True)
    assert shown[0] == max(str(r[year].value) for r in expected.rows)  # type: ignore[union-attr]
    assert 'aria-sort="descending"' in page
    assert "_sort=year&amp;_dir=asc" in page  # the header link flips the direction
    last = -(-len(expected.rows) // 100)
    tail = get(app, "/query/tier-history", country="*", _sort="year", _dir="desc", _page=str(last))
    assert len(cells(tail.text, year)) == len(expected.rows) - 100 * (last - 1)
    numbers = get(app, "/query/largest-flows", _sort="value", _dir="asc").text
    value = run_query(store, load_query(QUERIES, "largest-flows"), {}).vars.index("value")
    got = [int(x) for x in cells(numbers, value) if x]
    assert got == sorted(got)  # numerically, not as text
    assert "<td class=num>" in numbers


def test_downloads_hold_every_row_even_past_the_row_cap(app: App, store: ox.Store) -> None:
    # the app refuses answers of more than 60 rows: the explorer pages through them
    spec = load_query(QUERIES, "evidence-trail")
    expected = run_query(store, spec, {"country": "*"})
    assert len(expected.rows) > 2 * 60
    response = get(app, "/query/evidence-trail.csv", country="*")
    assert response.status == 200
    assert response.header("Content-Disposition") == 'attachment; filename="evidence-trail.csv"'
    table = list(csv.reader(io.StringIO(response.text)))
    assert table[0] == expected.vars
    assert len(table) == 1 + len(expected.rows)
    data = json.loads(get(app, "/query/evidence-trail.json", country="*").body)
    assert len(data["results"]["bindings"]) == len(expected.rows)
    assert f"{len(expected.rows):,} rows" in get(app, "/query/evidence-trail", country="*").text


def test_bad_parameters_are_one_readable_line(app: App) -> None:
    response = get(app, "/query/tier-history", country="XXQ")
    assert response.status == 400
    assert 'class="error" role="alert"' in response.text
    assert "parameter &#x27;country&#x27;" in response.text
    assert get(app, "/query/no-such-query").status == 404
    response = get(app, "/query/tier-history", country="North")
    assert "expects an ISO 3166 alpha-3 code" in response.text


def test_country_page_is_the_live_dossier_with_charts(app: App) -> None:
    response = get(app, "/country/THA")
    assert response.status == 200
    assert response.header("Content-Security-Policy") == CSP
    page = response.text
    assert '<link rel="stylesheet" href="/static/dossier.css">' in page
    assert "<style>" not in page  # the explorer's CSP allows no inline style
    assert 'class="chart detections"' in page
    assert "Country dossier" in page
    assert 'href="/query/tier-history?country=THA"' in page
    prk = get(app, "/country/prk").text
    assert 'class="chart timeline"' in prk
    assert 'class="chart pillars"' in prk
    assert get(app, "/country/QQQ").status == 404


def test_country_pages_read_once_what_every_dossier_shares(store: ox.Store) -> None:
    # kg serve reads places, latest tiers and every flow once for all the country pages: each
    # page is the dossier kg report makes on its own.
    from kg.network.read import read_flows, read_places
    from kg.network.tiers import latest_tiers
    from kg.report.dossier import dossier

    places, latest, flows = read_places(store), latest_tiers(store), read_flows(store)
    drawn = 0
    for iso in ("THA", "PRK", "NGA", "DEU"):
        alone = dossier(store, iso)
        shared = dossier(store, iso, places=places, latest=latest, flows=flows)
        assert shared.flows == alone.flows
        assert shared.flow_svg == alone.flow_svg
        assert shared.charts == alone.charts
        drawn += bool(alone.flow_svg)
    assert drawn >= 2


def test_the_index_read_at_start_up_gives_the_same_pages(store: ox.Store) -> None:
    # kg serve reads the explorer's index before it reports ready (the dossier queries of
    # every country in one pass each, the tier table...): the pages are the ones each country's
    # own queries give, and the ones a server without the index renders.
    from kg.report.dossier import dossier
    from kg.report.html import dossier_html
    from kg.server.explorer import prepare
    from kg.server.siteindex import CHART_QUERIES, DOSSIER_QUERIES, dossier_rows
    from kg.server.state import explorer_of

    lazy = App(store, ServerConfig(queries_dir=(QUERIES,), max_rows=60))
    ready = App(store, ServerConfig(queries_dir=(QUERIES,), max_rows=60))
    took = prepare(ready)
    assert {"labels", "tier table", "flows", "dossiers"} <= set(took)
    state = explorer_of(ready, store, ready.config.queries_dir)
    rows = dossier_rows(state)
    assert set(rows) == {*DOSSIER_QUERIES, *CHART_QUERIES}
    active = sorted(state.active_countries())
    for iso in ["THA", "PRK", "NGA", "DEU", *active[:: max(1, len(active) // 8)]]:
        alone = dossier_html(dossier(store, iso))
        indexed = dossier(
            store,
            iso,
            places=state.places(),
            latest=state.latest_tiers(),
            flows=state.flows(),
            rows=rows,
            tier_table=state.tier_table(),
        )
        assert dossier_html(indexed) == alone, iso
    for path in ("/", "/charts", "/country/THA", "/country/PRK", "/query/tiers", "/editor"):
        assert get(ready, path).body == get(lazy, path).body, path


def test_heatmap_page_and_svg(app: App) -> None:
    page = get(app, "/charts").text
    assert 'class="chart heatmap"' in page
    assert '<option value="Europe">Europe</option>' in page
    europe = get(app, "/charts", region="Europe").text
    assert "in Europe" in europe
    assert europe.count('class="row"') < page.count('class="row"')
    svg = get(app, "/charts/tiers.svg", region="Europe")
    assert svg.header("Content-Type").startswith("image/svg+xml")
    assert 'href="/country/' in svg.text
    assert get(app, "/charts", region="Atlantis").status == 400


def test_resource_page(app: App) -> None:
    iri = V.TKV + "tier-3"
    page = get(app, "/resource", iri=iri).text
    assert f"<code class=iri-full>{iri}</code>" in page
    assert "What points to it" in page
    assert get(app, "/resource", iri="not an iri").status == 400


def test_labels_endpoint(app: App) -> None:
    body = json.dumps([V.TKV + "tier-3", V.TKD + "country-prk", "http://x/unknown", 5]).encode()
    response = handle(app, "POST", "/labels", {}, {"Content-Type": "application/json"}, body)
    assert json.loads(response.body) == {
        V.TKV + "tier-3": "Tier 3",
        V.TKD + "country-prk": "North Korea",
    }
    bad = handle(app, "POST", "/labels", {}, {}, b"{not json")
    assert bad.status == 400
    deep = handle(app, "POST", "/labels", {}, {}, b"[" * 100_000)  # RecursionError: a 500
    assert (deep.status, deep.body) == (
        400,
        b"POST a JSON list of IRIs: the JSON is nested too deeply\n",
    )
    assert handle(app, "POST", "/", {}, {}, b"").status == 405


def test_static_files_and_favicon(app: App) -> None:
    from PIL import Image

    css = get(app, "/static/explorer.css")
    assert css.status == 200
    assert css.header("Content-Type").startswith("text/css")
    for path in ("/static/../app.py", "/static/nothing.js", "/static/.hidden.css"):
        assert get(app, path).status == 404
    icon = get(app, "/favicon.ico")
    assert icon.status == 200
    assert icon.header("Content-Type") == "image/x-icon"
    image = Image.open(io.BytesIO(icon.body))
    assert image.format == "ICO"
    assert image.size == (32, 32)


def test_requests_for_missing_static_files_keep_no_memory(app: App) -> None:
    """Every name asked for under /static/ used to be cached, misses too: 200 made-up 65 KB
    names kept 13 MB for the life of the server."""
    import gc
    import tracemalloc

    assert get(app, "/static/nothing.css").status == 404
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for number in range(200):
            assert get(app, f"/static/{number:06d}{'a' * 65_000}.css").status == 404
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert kept < 1 << 20, kept
    assert get(app, "/static/explorer.js").status == 200


def test_long_query_parameters_keep_no_memory(app: App) -> None:
    """The answers and pages of the query forms were cached under their parameters, whatever
    their length, and an empty answer cost nothing in the cache's budget: each request with a
    distinct 60 KB value kept 88 KB for the life of the server."""
    import gc
    import tracemalloc

    assert get(app, "/query/claims", polarity="warm").status == 200
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for number in range(20):
            value = f"{number:06d}" + "a" * 60_000
            assert get(app, "/query/claims", polarity=value).status == 200
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert kept < 300_000, kept


def test_answers_that_cost_nothing_are_still_counted() -> None:
    """An empty answer is 0 cells: by the cells budget alone, a cache kept any number."""
    from kg.server.bounded import Bounded

    cache = Bounded(1000, len, max_items=3)
    for number in range(10):
        cache.put(("query", str(number)), "")
    assert len(cache) == 3
    assert cache.get(("query", "9")) == ""
    assert cache.get(("query", "0")) is None


@pytest.fixture(scope="module")
def site(store: ox.Store) -> Iterator[str]:
    with kg_server(store, queries_dir=(QUERIES,)) as base:
        yield base


@pytest.mark.browser
@needs_browser
def test_explorer_in_chromium(site: str, update_golden: bool) -> None:
    with browse(site) as seen:
        page = seen.page
        seen.go("/")
        check(page.screenshot(), "explorer-index", update=update_golden)
        total = page.locator("#countries tbody tr").count()
        page.fill("#search", "korea")
        visible = page.locator("#countries tbody tr:not(.hidden)")
        assert 1 <= visible.count() < total
        assert "North Korea" in visible.all_inner_texts()[0] or "Korea" in page.inner_text("#shown")
        page.fill("#search", "prk")
        assert page.locator("#countries tbody tr:not(.hidden)").count() == 1
        page.fill("#search", "")
        page.click("#countries thead th:nth-child(4) button")  # sort by tier
        assert page.get_attribute("#countries thead th:nth-child(4)", "aria-sort") == "ascending"

        seen.go("/query/destinations-of?country=*")
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth,"
            " document.getElementById('results').scrollWidth,"
            " document.getElementById('results').clientWidth]"
        )
        assert widths[0] <= widths[1]  # the page never runs off the window
        assert widths[2] > widths[3]  # the wide table scrolls inside its own box
        check(page.screenshot(), "explorer-query", update=update_golden)
        page.select_option("select[name=country]", "THA")
        page.click("form.params button[type=submit]")
        page.wait_for_load_state("load")
        assert "country=THA" in page.url
        page.click("#results a.iri >> nth=0")
        page.wait_for_load_state("load")
        assert "/country/THA" in page.url or "/resource?iri=" in page.url

        seen.go("/country/THA")
        check(page.screenshot(), "explorer-country", update=update_golden)
        seen.go("/charts")
        check(page.screenshot(), "explorer-heatmap", update=update_golden)

        seen.go(
            "/editor?query="
            + "SELECT%20*%20WHERE%20%7B%20%3Fs%20%3Fp%20%0A%20FILTER(%3Fo%20%3D%20)%20%7D"
        )
        page.wait_for_selector("#error:not([hidden])")
        error = page.inner_text("#error")
        assert "line 2, column" in error
        assert "^" in error
        check(page.screenshot(), "explorer-editor-error", update=update_golden)
        page.fill(
            "#query", "SELECT ?c ?iso WHERE { ?c tk:iso3166Alpha3 ?iso } ORDER BY ?iso LIMIT 3"
        )
        page.click("#run")
        page.wait_for_selector("#result table")
        first = page.inner_text("#result tbody tr:first-child td:first-child")
        assert first
        assert not first.startswith("tkd:")
        assert page.get_attribute("#result a.iri >> nth=0", "title").startswith(V.TKD)
        # the one failed request is the editor's query with the syntax error, on purpose
        assert [e for e in seen.errors if "status of 400" not in e] == []
        assert sum("status of 400" in e for e in seen.errors) == 1
        assert seen.foreign_requests == []


def test_warm_up_renders_pages_ahead(imported_nquads: Path) -> None:
    from kg.server.explorer import warm_up
    from kg.server.state import explorer_of

    s = ox.Store()
    s.bulk_load(path=str(imported_nquads), format=ox.RdfFormat.N_QUADS)
    app = App(s, ServerConfig(queries_dir=(QUERIES,)))
    rendered = warm_up(app, pause=0)
    state = explorer_of(app, s, app.config.queries_dir)
    assert rendered >= 4 + len(state.specs())
    assert state.pages.get("/") is not None
    assert state.pages.get(("country", "PRK")) is not None
    assert state.pages.get(("query", "tiers", ())) is not None
    assert get(app, "/country/PRK").status == 200
