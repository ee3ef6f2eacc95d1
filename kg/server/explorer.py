"""The explorer: the pages a person browses on ``kg serve`` (the SPARQL endpoint stays at
``/sparql``).

``/``: every country with data, searchable by name, code or region, its latest tier and a
sparkline of its tier history · ``/country/ISO3``: the country's dossier, live, with its charts ·
``/queries`` and ``/query/NAME``: the named queries as forms (:mod:`kg.server.querypages`) ·
``/charts``: the tier heat-map (by region) · ``/resource?iri=``: everything the graph says about
an IRI · ``/editor``: the SPARQL editor · ``/labels``: labels of IRIs for the editor (POST, JSON)
· ``/static/…``, ``/favicon.ico``. Every page is rendered on the server, once, and kept in a
bounded cache: the store never changes while serving.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from kg.core.errors import KGError, QueryError
from kg.server import querypages as Q
from kg.server.assets import favicon, static_file
from kg.server.htmlkit import (
    CSP,
    country_link,
    e,
    error_box,
    page,
    url,
)
from kg.server.siteindex import dossier_rows
from kg.server.state import Explorer, explorer_of

HTML = "text/html; charset=utf-8"
JSON = "application/json; charset=utf-8"
_QUERY = re.compile(r"/query/([A-Za-z0-9_.-]+?)(?:\.(csv|json))?")
_COUNTRY = re.compile(r"/country/([A-Za-z]{3})")
_STATIC = re.compile(r"/static/([A-Za-z0-9_.-]+)")
_EXACT = (
    "/",
    "/index.html",
    "/queries",
    "/charts",
    "/charts/tiers.svg",
    "/resource",
    "/editor",
    "/labels",
    "/favicon.ico",
)


@dataclass(frozen=True)
class Answer:
    """An HTTP answer of an explorer route."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def _html(status: int, text: str) -> Answer:
    return Answer(status, (("Content-Type", HTML), ("Content-Security-Policy", CSP)), text.encode())


def _text(status: int, message: str) -> Answer:
    return Answer(status, (("Content-Type", "text/plain; charset=utf-8"),), f"{message}\n".encode())


def handles(path: str) -> bool:
    """True for the paths the explorer answers."""
    return path in _EXACT or any(p.fullmatch(path) for p in (_QUERY, _COUNTRY, _STATIC))


def _one(params: Mapping[str, Sequence[str]], name: str) -> str:
    return next(iter(params.get(name) or []), "").strip()


def _cached(state: Explorer, key: Any, render: Any) -> bytes:
    """The page ``render()`` gives, gzip-compressed, from the cache when it was made before
    (compressed pages are about a tenth of their size: many more fit in the cache)."""
    hit = state.pages.get(key)
    if hit is None:
        hit = gzip.compress(render().encode(), compresslevel=1, mtime=0)
        state.pages.put(key, hit)
    assert isinstance(hit, bytes)
    return hit


def _zipped(status: int, data: bytes, gz: bool, kind: str = HTML) -> Answer:
    """A cached (gzip) page: sent as is to a client that accepts gzip, else unpacked."""
    headers: tuple[tuple[str, str], ...] = (("Content-Type", kind), ("Vary", "Accept-Encoding"))
    if kind == HTML:
        headers += (("Content-Security-Policy", CSP),)
    if gz:
        return Answer(status, (*headers, ("Content-Encoding", "gzip")), data)
    return Answer(status, headers, gzip.decompress(data))


def route(
    app: Any,
    method: str,
    path: str,
    params: Mapping[str, Sequence[str]],
    headers: Mapping[str, str],
    body: bytes,
) -> Answer | None:
    """The answer to an explorer path, or None when ``path`` is not one."""
    if not handles(path):
        return None
    allowed = "GET, HEAD, POST, OPTIONS" if path == "/labels" else "GET, HEAD, OPTIONS"
    if method == "OPTIONS":
        return Answer(204, (("Allow", allowed),), b"")
    if method not in allowed.split(", "):
        return Answer(405, (("Allow", allowed), ("Content-Type", "text/plain; charset=utf-8")),
                      f"{method} is not allowed on {path}\n".encode())  # fmt: skip
    state = explorer_of(app, app.store, app.config.queries_dir)
    if path == "/favicon.ico":
        return Answer(200, (("Content-Type", "image/x-icon"), ("Cache-Control", "max-age=86400")),
                      favicon())  # fmt: skip
    static = _STATIC.fullmatch(path)
    if static:
        found = static_file(static.group(1))
        if found is None:
            return _text(404, f"no static file {static.group(1)}")
        data, kind = found
        return Answer(200, (("Content-Type", kind), ("Cache-Control", "max-age=3600")), data)
    if path == "/labels":
        return _labels(state, method, params, body)
    gz = "gzip" in headers.get("accept-encoding", "").lower()
    try:
        return _page(app, state, path, params, gz)
    except KGError as exc:
        return _html(400, page("Error", error_box(str(exc))))


def _page(
    app: Any, state: Explorer, path: str, params: Mapping[str, Sequence[str]], gz: bool
) -> Answer:
    if path in ("/", "/index.html"):
        return _zipped(200, _cached(state, "/", lambda: index_page(state)), gz)
    if path == "/queries":
        return _html(200, page("Questions", Q.queries_index(state), active="/queries"))
    if path == "/editor":
        return _zipped(200, _cached(state, "/editor", lambda: editor_page(app, state)), gz)
    if path == "/resource":
        return resource_page(state, _one(params, "iri"))
    if path in ("/charts", "/charts/tiers.svg"):
        return charts_page(state, _one(params, "region"), gz, svg=path.endswith(".svg"))
    country = _COUNTRY.fullmatch(path)
    if country:
        return country_page(state, country.group(1).upper(), gz)
    query = _QUERY.fullmatch(path)
    assert query is not None
    name, fmt = query.group(1), query.group(2)
    spec = state.specs().get(name)
    if spec is None:
        known = ", ".join(state.specs())
        return _html(
            404, page("Unknown question", error_box(f"no query {name!r} (known: {known})"))
        )
    if fmt:
        data = Q.download(app, state, spec, params, fmt)
        kind = "text/csv; charset=utf-8" if fmt == "csv" else "application/sparql-results+json"
        disposition = f'attachment; filename="{name}.{fmt}"'
        return Answer(200, (("Content-Type", kind), ("Content-Disposition", disposition)), data)
    key = ("query", name, tuple(sorted((k, tuple(v)) for k, v in params.items())))
    hit = state.pages.get(key)
    if hit is not None:
        return _zipped(200, hit, gz)
    status, text = Q.query_page(app, state, spec, params)
    body = page(spec.title or name, text, active="/queries")
    if status != 200:
        return _html(status, body)  # errors are not cached
    return _zipped(200, _cached(state, key, lambda: body), gz)


def _labels(
    state: Explorer, method: str, params: Mapping[str, Sequence[str]], body: bytes
) -> Answer:
    try:
        iris = json.loads(body or b"[]") if method == "POST" else list(params.get("iri") or [])
    except ValueError as exc:
        return _text(400, f"POST a JSON list of IRIs: {exc}")
    except RecursionError:  # a body of 100,000 '[' nests past the parser's stack
        return _text(400, "POST a JSON list of IRIs: the JSON is nested too deeply")
    if not isinstance(iris, list) or len(iris) > 20_000:
        return _text(400, "POST a JSON list of at most 20,000 IRIs")
    labels = state.labels()
    found = {i: labels[i] for i in iris if isinstance(i, str) and i in labels}
    return Answer(200, (("Content-Type", JSON),), json.dumps(found, ensure_ascii=False).encode())


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
        return _html(404, page("Unknown country", error_box(f"no country with ISO code {iso}")))
    try:
        return _zipped(200, _cached(state, ("country", iso), render), gz)
    except QueryError as exc:
        return _html(404, page("Not a country", error_box(str(exc))))


def charts_page(state: Explorer, region: str, gz: bool = False, *, svg: bool = False) -> Answer:
    """The tier heat-map of every country (or of one M49 region), as a page or as SVG."""
    from kg.viz.series import within_region
    from kg.viz.tiercharts import heatmap_svg

    def chart() -> str:
        table = state.tier_table()
        table = within_region(table, region, state.region_tree()) if region else table
        return heatmap_svg(table, linker=country_link)

    drawn = _cached(state, ("heatmap", region), chart)
    if svg:
        return _zipped(200, drawn, gz, "image/svg+xml; charset=utf-8")
    return _zipped(
        200, _cached(state, ("charts", region), lambda: _charts(state, region, drawn)), gz
    )


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
        return _html(400, page("Not an IRI", error_box(f"not an IRI: {iri!r}")))
    title, body = describe(state.store, node, state.labels())
    return _html(200, page(title, body))


def prepare(app: Any) -> dict[str, float]:
    """Read the explorer's per-store index now (:mod:`kg.server.siteindex`): ``kg serve``
    calls it before it reports ready, so that no visitor waits for it. Returns the seconds
    each part took."""
    from kg.server.siteindex import prepare as read_index

    return read_index(explorer_of(app, app.store, app.config.queries_dir))


def warm_up(app: Any, *, pause: float = 0.02) -> int:
    """Render the explorer's pages ahead of the first visit (the index, the heat-map, the
    editor, every named query with its defaults, then every country page in index order) into
    the bounded page cache; returns how many were rendered. Meant for a background thread at
    start-up: the store never changes while serving, so nothing rendered goes stale."""
    import time

    paths = ["/", "/charts", "/editor", "/queries"]
    state = explorer_of(app, app.store, app.config.queries_dir)
    paths += [f"/query/{name}" for name in state.specs()]
    table = state.tier_table()
    active = state.active_countries()
    paths += [
        country_link(iso) for iso, _ in state.countries() if iso in active or table.country(iso)
    ]
    done = 0
    for path in paths:
        answer = route(app, "GET", path, {}, {}, b"")
        done += answer is not None and answer.status == 200
        time.sleep(pause)  # let requests in between
    return done


def editor_page(app: Any, state: Explorer) -> str:
    """The SPARQL editor with the named queries and dossier links."""
    from kg.server.page import read_named_queries, render_editor

    assessed = [(iso, name) for iso, name in state.countries() if iso in state.active_countries()]
    return render_editor(read_named_queries(app.config.queries_dir), assessed)


__all__ = ["Answer", "handles", "prepare", "route", "warm_up"]
