"""The explorer: the pages a person browses on ``kg serve`` (the SPARQL endpoint stays at
``/sparql``).

``/``: every country with data, searchable by name, code or region, its latest tier and a
sparkline of its tier history · ``/country/ISO3``: the country's dossier, live, with its charts ·
``/queries`` and ``/query/NAME``: the named queries as forms (:mod:`kg.server.querypages`) ·
``/charts``: the tier heat-map (by region) · ``/resource?iri=``: everything the graph says about
an IRI · ``/editor``: the SPARQL editor · ``/labels``: labels of IRIs for the editor (POST, JSON)
· ``/static/…``, ``/favicon.ico``. Every page is rendered on the server, once, and kept in a
bounded cache: the store never changes while serving. This module routes a request to its page
(:mod:`kg.server.explorerpages`) and renders pages ahead; :mod:`kg.server.answers` makes the
answers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from kg.core.errors import KGError
from kg.server import querypages as Q
from kg.server.answers import (
    JSON,
    Answer,
    accepts_gzip,
    cached,
    html_answer,
    text_answer,
    zipped,
)
from kg.server.assets import favicon, static_file
from kg.server.explorerpages import (
    charts_page,
    country_page,
    editor_page,
    index_page,
    resource_page,
)
from kg.server.htmlkit import country_link, error_box, page
from kg.server.state import Explorer, explorer_of
from kg.server.wire import shown

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


def handles(path: str) -> bool:
    """True for the paths the explorer answers."""
    return path in _EXACT or any(p.fullmatch(path) for p in (_QUERY, _COUNTRY, _STATIC))


def _one(params: Mapping[str, Sequence[str]], name: str) -> str:
    return next(iter(params.get(name) or []), "").strip()


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
        refusal = f"{shown(method, 20)} is not allowed on {shown(path, 100)}\n"
        return Answer(405, (("Allow", allowed), ("Content-Type", "text/plain; charset=utf-8")),
                      refusal.encode())  # fmt: skip
    state = explorer_of(app, app.store, app.config.queries_dir)
    if path == "/favicon.ico":
        return Answer(200, (("Content-Type", "image/x-icon"), ("Cache-Control", "max-age=86400")),
                      favicon())  # fmt: skip
    static = _STATIC.fullmatch(path)
    if static:
        found = static_file(static.group(1))
        if found is None:
            return text_answer(404, f"no static file {shown(static.group(1), 100)}")
        data, kind = found
        return Answer(200, (("Content-Type", kind), ("Cache-Control", "max-age=3600")), data)
    if path == "/labels":
        return _labels(state, method, params, body)
    gz = accepts_gzip(headers.get("accept-encoding"))
    try:
        return _page(app, state, path, params, gz)
    except KGError as exc:
        return html_answer(400, page("Error", error_box(str(exc))))


def _page(
    app: Any, state: Explorer, path: str, params: Mapping[str, Sequence[str]], gz: bool
) -> Answer:
    if path in ("/", "/index.html"):
        return zipped(200, cached(state, "/", lambda: index_page(state)), gz)
    if path == "/queries":
        return html_answer(200, page("Questions", Q.queries_index(state), active="/queries"))
    if path == "/editor":
        return zipped(200, cached(state, "/editor", lambda: editor_page(app, state)), gz)
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
        return html_answer(
            404,
            page("Unknown question", error_box(f"no query {shown(name, 100)!r} (known: {known})")),
        )
    if fmt:
        data = Q.download(app, state, spec, params, fmt)
        kind = "text/csv; charset=utf-8" if fmt == "csv" else "application/sparql-results+json"
        disposition = f'attachment; filename="{name}.{fmt}"'
        return Answer(200, (("Content-Type", kind), ("Content-Disposition", disposition)), data)
    key = ("query", name, tuple(sorted((k, tuple(v)) for k, v in params.items())))
    hit = state.pages.get(key)
    if hit is not None:
        return zipped(200, hit, gz)
    status, text = Q.query_page(app, state, spec, params)
    body = page(spec.title or name, text, active="/queries")
    if status != 200:
        return html_answer(status, body)  # errors are not cached
    return zipped(200, cached(state, key, lambda: body), gz)


def _labels(
    state: Explorer, method: str, params: Mapping[str, Sequence[str]], body: bytes
) -> Answer:
    try:
        iris = json.loads(body or b"[]") if method == "POST" else list(params.get("iri") or [])
    except ValueError as exc:
        return text_answer(400, f"POST a JSON list of IRIs: {exc}")
    except RecursionError:  # a body of 100,000 '[' nests past the parser's stack
        return text_answer(400, "POST a JSON list of IRIs: the JSON is nested too deeply")
    if not isinstance(iris, list) or len(iris) > 20_000:
        return text_answer(400, "POST a JSON list of at most 20,000 IRIs")
    labels = state.labels()
    found = {i: labels[i] for i in iris if isinstance(i, str) and i in labels}
    return Answer(200, (("Content-Type", JSON),), json.dumps(found, ensure_ascii=False).encode())


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


__all__ = ["Answer", "handles", "prepare", "route", "warm_up"]
