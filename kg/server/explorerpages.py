"""The explorer's own pages (the named-query forms are in :mod:`kg.server.querypages`): the
index of countries with their latest tier and tier-history sparkline, a country's live dossier,
the tier heat-map, everything the graph says about one IRI, and the SPARQL editor.
"""

from __future__ import annotations

import gzip
from typing import Any

import pyoxigraph as ox

from kg.core.errors import QueryError
from kg.server.answers import Answer, cached, html_answer, zipped
from kg.server.htmlkit import country_link, e, error_box, page, url
from kg.server.siteindex import dossier_rows
from kg.server.state import Explorer


def index_page(state: Explorer) -> str:
    """Every country with data: name, code, region, latest tier, tier history sparkline."""
    from kg.viz.tiercharts import sparkline_svg

    table = state.tier_table()
    regions = state.regions()
    alts = state.alt_names()
    active = state.active_countries()
    rows = []
    for iso, name in state.countries():
        row = table.country(iso)
        if iso not in active and row is None:
            continue
        region = regions.get(iso, "")
        latest = row.latest if row else None
        if latest is not None:
            kind = "" if latest.official else " restated"
            note = latest.note
            tier = (
                f'<span class="tier {e(latest.tier)}{kind}" title="{e(note)}">{e(latest.label)}'
                f"</span> <span class=muted>{latest.year}</span>"
            )
            rank = f"{latest.rank or 9}{latest.year}"
        else:
            tier, rank = '<span class="muted">—</span>', "99999"
        spark = sparkline_svg(row, table.years) if row else ""
        search = " ".join([name, iso, region, *alts.get(iso, [])])
        rows.append(
            f'<tr data-search="{e(search)}"><td data-key="{e(name)}"><a href="{country_link(iso)}">'
            f"{e(name)}</a></td><td>{e(iso)}</td><td>{e(region)}</td>"
            f'<td data-key="{rank}">{tier}</td><td>{spark}</td></tr>'
        )
    span = f"{table.first}–{table.last}" if table.countries else "no report years"
    heads = "".join(
        f'<th{" aria-sort=ascending" if i == 0 else ""}><button type="button" class="plain">'
        f"{h}</button></th>"
        for i, h in enumerate(("Country", "ISO3", "Region", "Tier now"))
    )
    body = f"""<h1>Countries</h1>
<p class="lead">{len(rows)} countries with data in this graph. The tier is the latest J/TIP
placement (a US-government judgement; a restated tier, repeated by another source, is shaded);
the strip shows every report year {span}, blank where there is no placement.
See them all side by side in the <a href="/charts">tier heat-map</a>.</p>
<div class="search"><input id="search" type="search" aria-label="Search countries"
 placeholder="Search by name, ISO code or region" autocomplete="off">
 <span id="shown" class="muted"></span></div>
<div class="table-wrap"><table id="countries" class="full" data-sortable="client">
<thead><tr>{heads}<th>Tier history</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>"""
    return page("Countries", body, active="/")


def country_page(state: Explorer, iso: str, gz: bool = False) -> Answer:
    """The dossier of one country, live, inside the explorer."""
    from kg.report.dossier import dossier
    from kg.report.html import dossier_html

    def render() -> str:
        d = dossier(
            state.store,
            iso,
            places=state.places(),
            latest=state.latest_tiers(),
            flows=state.flows(),
            rows=dossier_rows(state),
            tier_table=state.tier_table(),
        )
        links = "".join(f'<a href="{href}">{e(name)}</a>' for href, name in (
            ("/", "← All countries"), ("/queries", "Questions"), ("/charts", "Tier heat-map"),
            (url("/query/tier-history", {"country": iso}), "Tier history table"),
            (url("/query/destinations-of", {"country": iso}), "Where its people go"),
        ))  # fmt: skip
        return dossier_html(
            d, stylesheet="/static/dossier.css", banner=f'<div class="banner">{links}</div>'
        )

    if iso not in {c for c, _ in state.countries()}:
        return html_answer(
            404, page("Unknown country", error_box(f"no country with ISO code {iso}"))
        )
    try:
        return zipped(200, cached(state, ("country", iso), render), gz)
    except QueryError as exc:
        return html_answer(404, page("Not a country", error_box(str(exc))))


def charts_page(state: Explorer, region: str, gz: bool = False, *, svg: bool = False) -> Answer:
    """The tier heat-map of every country (or of one M49 region), as a page or as SVG."""
    from kg.viz.series import within_region
    from kg.viz.tiercharts import heatmap_svg

    def chart() -> str:
        table = state.tier_table()
        table = within_region(table, region, state.region_tree()) if region else table
        return heatmap_svg(table, linker=country_link)

    drawn = cached(state, ("heatmap", region), chart)
    if svg:
        return zipped(200, drawn, gz, "image/svg+xml; charset=utf-8")
    return zipped(200, cached(state, ("charts", region), lambda: _charts(state, region, drawn)), gz)


def _charts(state: Explorer, region: str, drawn_gz: bytes) -> str:
    drawn = gzip.decompress(drawn_gz).decode()
    options = "".join(
        f'<option value="{e(name)}"{" selected" if name == region else ""}>{e(name)}</option>'
        for name in state.region_names()
    )
    body = f"""<h1>Tier heat-map</h1>
<p class="lead">Every country's TIP tier by report year. Solid: J/TIP's own placement; hatched: a
restatement by another source; blank: no placement that year; a dot: sources disagree. Hover a
cell for the tier, who placed it and where; click a country for its page.</p>
<form class="params" method="get" action="/charts"><label>Region<select name="region">
<option value="">all countries</option>{options}</select></label><button type="submit">Show</button>
<a href="{e(url("/charts/tiers.svg", {"region": region} if region else {}))}">SVG file</a></form>
<figure class="chart">{drawn}</figure>"""
    return page("Tier heat-map", body, active="/charts")


def resource_page(state: Explorer, iri: str) -> Answer:
    """Everything the graph says about ``iri`` (:mod:`kg.server.describe`)."""
    from kg.server.describe import describe

    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return html_answer(400, page("Not an IRI", error_box(f"not an IRI: {iri!r}")))
    title, body = describe(state.store, node, state.labels())
    return html_answer(200, page(title, body))


def editor_page(app: Any, state: Explorer) -> str:
    """The SPARQL editor with the named queries and dossier links."""
    from kg.server.page import read_named_queries, render_editor

    assessed = [(iso, name) for iso, name in state.countries() if iso in state.active_countries()]
    return render_editor(read_named_queries(app.config.queries_dir), assessed)


__all__ = ["charts_page", "country_page", "editor_page", "index_page", "resource_page"]
