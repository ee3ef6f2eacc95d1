"""Routing of the SPARQL endpoint: the SPARQL 1.1 Protocol at ``/sparql`` (GET, POST form,
POST direct; updates refused), the query page at ``/``, the flow map and dossiers beside it.
:func:`handle` is a pure function from a request to a :class:`Response` (tests and ``kg serve
--get`` call it directly; :mod:`kg.server.listener` puts it on a socket).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qs

import pyoxigraph as ox

from kg.query.named import QueryDirs, query_dirs
from kg.server import explorer
from kg.server import site as server_site
from kg.server.bounded import Bounded
from kg.server.engine import (
    MAX_RESULT_BYTES,
    Engine,
    InlineEngine,
    Outcome,
    QueryRequest,
    text_outcome,
)
from kg.server.guard import MAX_DEPTH, MAX_QUERY_BYTES, QueryLimits
from kg.server.pace import ClientTimes
from kg.server.state import PAGE_BYTES
from kg.server.wire import shown, split_target

log = logging.getLogger(__name__)

MAX_BODY = 1 << 20  # bytes of a POSTed query
_FORM = "application/x-www-form-urlencoded"
_DIRECT = "application/sparql-query"
_UPDATE = "application/sparql-update"
_SPARQL_METHODS = "GET, HEAD, POST, OPTIONS"
#: The methods of RFC 9110 and PATCH (RFC 5789): any other is not implemented here (501).
_KNOWN_METHODS = frozenset(
    ("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH")
)
_PAGE_METHODS = "GET, HEAD, OPTIONS"
_REPORT = re.compile(r"/report/([A-Za-z]{3})\.html")


@dataclass(frozen=True)
class ServerConfig:
    """Limits and places of one endpoint."""

    timeout: float = 10.0
    max_rows: int = 10_000
    #: Named queries offered on the page: kg's own and ./queries by default (``query_dirs``).
    queries_dir: QueryDirs = field(default_factory=lambda: tuple(query_dirs()))
    max_query_bytes: int = MAX_QUERY_BYTES
    max_depth: int = MAX_DEPTH
    max_result_bytes: int = MAX_RESULT_BYTES
    max_memory: int = 1 << 30  # bytes a query may add to a worker (kg serve's workers only)
    allow_hosts: tuple[str, ...] = ()  # Host names answered besides loopback and --host
    #: How long a client may take to send a request and take its answer (kg.server.pace).
    client_times: ClientTimes = field(default_factory=ClientTimes)

    @property
    def limits(self) -> QueryLimits:
        """The guard's bounds."""
        return QueryLimits(max_bytes=self.max_query_bytes, max_depth=self.max_depth)


@dataclass(frozen=True)
class Response:
    """An HTTP response: status, headers (without Content-Length) and body."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (case-insensitive), or None."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    @property
    def text(self) -> str:
        """The body decoded as UTF-8."""
        return self.body.decode("utf-8", "replace")


@dataclass
class App:
    """What an endpoint serves: the store, a query engine, limits, and a page cache."""

    store: ox.Store
    config: ServerConfig = field(default_factory=ServerConfig)
    engine: Engine | None = None
    _pages: Bounded = field(init=False, repr=False)  # the flow map, dossiers: PAGE_BYTES
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        """Default to answering queries in-process."""
        if self.engine is None:
            self.engine = InlineEngine(self.store)
        self._pages = Bounded(PAGE_BYTES, lambda response: len(response.body))

    def page(self, key: str, render: Callable[[], Response]) -> Response:
        """Render a page once (the store never changes while serving) and keep it, while the
        kept pages take at most ``PAGE_BYTES``; an error is rendered each time."""
        with self._lock:
            found: Response | None = self._pages.get(key)
            if found is None:
                found = render()
                if found.status == 200:
                    self._pages.put(key, found)
            return found

    def close(self) -> None:
        """Stop the engine's workers."""
        if self.engine is not None:
            self.engine.close()


def _response(outcome: Outcome, *extra: tuple[str, str]) -> Response:
    headers = (("Content-Type", outcome.content_type), *outcome.headers, *extra)
    return Response(outcome.status, headers, outcome.body)


def error(status: int, message: str, *extra: tuple[str, str]) -> Response:
    """A plain-text error response."""
    return _response(text_outcome(status, message), *extra)


def _page(outcome: Outcome) -> Response:
    # Generated pages may carry inline script and style, but never load from other hosts.
    return _response(outcome, ("Content-Security-Policy", server_site.PAGE_CSP))


def _one(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = params.get(name) or []
    if len(values) > 1:
        raise ValueError(f"give the '{name}' parameter once, not {len(values)} times")
    return values[0] if values else None


def _content_type(headers: Mapping[str, str]) -> tuple[str, str | None]:
    """The media type (lower case) and its charset parameter, if any."""
    media, *params = headers.get("content-type", "").split(";")
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.strip().lower(), charset


def _sparql(
    app: App,
    method: str,
    params: Mapping[str, Sequence[str]],
    headers: Mapping[str, str],
    body: bytes,
    client: str,
) -> Response:
    content_type, charset = _content_type(headers)
    if (method == "POST" and content_type == _UPDATE) or "update" in params:
        return error(403, "SPARQL Update is not allowed: this endpoint is read-only")
    if method == "POST" and content_type not in (_FORM, _DIRECT):
        return error(415, f"POST a query as {_FORM} or {_DIRECT}, not {content_type or '?'}")
    if method == "POST" and charset not in (None, "utf-8", "utf8"):
        return error(415, f"send the query in UTF-8, not {charset} (SPARQL 1.1 Protocol)")
    if len(body) > MAX_BODY:
        return error(413, f"the query is larger than {MAX_BODY} bytes")
    merged = dict(params)
    if method == "POST" and content_type == _FORM:
        form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        if "update" in form:
            return error(403, "SPARQL Update is not allowed: this endpoint is read-only")
        if "query" in form and "query" in params:
            return error(400, "give the query in the body or in the URL, not both")
        merged.update(form)
    try:
        direct = method == "POST" and content_type == _DIRECT
        if direct and "query" in params:
            raise ValueError("give the query in the body or in the URL, not both")
        query = body.decode("utf-8") if direct else _one(merged, "query")
    except (ValueError, UnicodeDecodeError) as exc:
        return error(400, f"bad request: {exc}")
    if query is None:
        if method in ("GET", "HEAD"):
            formats = tuple(merged.get("format", ()))
            return _response(server_site.service_description(app.store, headers, formats))
        return error(400, "missing 'query' parameter (see the SPARQL 1.1 Protocol)")
    config = app.config
    size = len(query.encode("utf-8", "surrogatepass"))
    if size > config.max_query_bytes:
        return error(
            413,
            f"the query is {size} bytes, more than this server's {config.max_query_bytes} "
            "(restart with a larger --max-query-size)",
        )
    assert app.engine is not None
    request = QueryRequest(
        query=query,
        accept=headers.get("accept"),
        format=tuple(merged.get("format", ())),
        default_graphs=tuple(merged.get("default-graph-uri", ())),
        named_graphs=tuple(merged.get("named-graph-uri", ())),
        max_rows=config.max_rows,
        max_result_bytes=config.max_result_bytes,
        limits=config.limits,
    )
    outcome = app.engine.run(request, config.timeout, client)
    return _response(outcome, ("Vary", "Accept"))


def route(
    app: App,
    method: str,
    path: str,
    params: Mapping[str, Sequence[str]],
    headers: Mapping[str, str],
    body: bytes,
    client: str = "",
) -> Response:
    """Answer a request whose header names are lower-case; ``client`` (the peer's address) is
    who the query's fair share is counted for."""
    if method not in _KNOWN_METHODS:  # methods are case-sensitive (RFC 9110 §9.1): not "get"
        return error(
            501,
            f"{shown(method, 20)} is not a method this server implements (methods are "
            f"case-sensitive: {_SPARQL_METHODS})",
        )
    if path == "*" and method == "OPTIONS":  # the server as a whole (RFC 9110 §9.3.7)
        return Response(204, (("Allow", _SPARQL_METHODS),), b"")
    page = explorer.route(app, method, path, params, headers, body)
    if page is not None:
        return Response(page.status, page.headers, page.body)
    is_sparql = path == "/sparql"
    is_page = path == "/flows.html" or bool(_REPORT.fullmatch(path))
    if not (is_sparql or is_page):
        return error(
            404, f"no page at {shown(path, 100)}; the endpoint is /sparql, the explorer is /"
        )
    allowed = _SPARQL_METHODS if is_sparql else _PAGE_METHODS
    if method == "OPTIONS":
        return Response(204, (("Allow", allowed),), b"")
    if method not in allowed.split(", "):
        if is_sparql and method in ("PUT", "DELETE", "PATCH"):
            return error(403, "this endpoint is read-only", ("Allow", allowed))
        return error(405, f"{shown(method, 20)} is not allowed on {path}", ("Allow", allowed))
    if is_sparql:
        return _sparql(app, method, params, headers, body, client)
    if path == "/flows.html":
        return app.page(path, lambda: _page(server_site.flows_page(app.store)))
    report = _REPORT.fullmatch(path)
    assert report is not None
    iso = report.group(1).upper()
    return app.page(f"report/{iso}", lambda: _page(server_site.report_page(app.store, iso)))


def handle(
    app: App | ox.Store,
    method: str,
    path: str,
    query_params: Mapping[str, Sequence[str]] | None = None,
    headers: Mapping[str, str] | None = None,
    body: bytes = b"",
    client: str = "",
) -> Response:
    """Answer one HTTP request (a pure function of the store and the request).

    Args:
        app: the :class:`App`, or a bare store (queries then run in-process).
        method: the HTTP method (case-sensitive: ``get`` is not ``GET``).
        path: the URL path, without the query string.
        query_params: the decoded URL query parameters (``parse_qs`` shape).
        headers: request headers (any case).
        body: the request body.
        client: the client's address (its fair share of the query workers).
    """
    if isinstance(app, ox.Store):
        app = App(app)
    lower = {k.lower(): v for k, v in (headers or {}).items()}
    response = route(app, method, path, query_params or {}, lower, body, client)
    if method == "HEAD":
        size = ("Content-Length", str(len(response.body)))
        return Response(response.status, (*response.headers, size), b"")
    return response


def handle_url(app: App | ox.Store, url: str, headers: Mapping[str, str] | None = None) -> Response:
    """Answer ``GET url`` (a path with an optional query string), as ``kg serve --get`` does."""
    path, query = split_target(url)
    params = parse_qs(query, keep_blank_values=True)
    return handle(app, "GET", path or "/", params, headers or {}, b"")


__all__ = [
    "MAX_BODY",
    "App",
    "Response",
    "ServerConfig",
    "error",
    "handle",
    "handle_url",
    "route",
]
