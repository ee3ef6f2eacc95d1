"""Run a named query against any SPARQL 1.1 endpoint over HTTP (SPARQL 1.1 Protocol).

Parameters are bound exactly as for the local store (``kg.params.inject_values``), so the
same query text gives the same rows here and there. On top of one POST per query:

* **Paging.** A SELECT with a top-level ``ORDER BY`` and no ``LIMIT``/``OFFSET`` of its own is
  fetched in pages (``LIMIT n OFFSET k``) until a page comes back short, so a server's row limit
  never cuts the answer: when a server refuses a page as too large (kg serve says "more than N
  rows") or announces a smaller cap (Virtuoso's ``X-SPARQL-MaxRows``), the page size drops to
  its limit and paging goes on. Every named query has a total order, so pages fit together.
* **Graph mode.** ``union`` (the default) expects the endpoint's default graph to be the union of
  its named graphs (kg serve; ``oxigraph serve --union-default-graph``). ``named`` lists the
  endpoint's named graphs first and sends them as ``default-graph-uri`` (and
  ``named-graph-uri``), so the query reads their merge on any endpoint. In ``union`` mode an
  empty answer from an endpoint whose default graph is empty while named graphs exist carries a
  warning saying so.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg.core.errors import RemoteError
from kg.query.named import QueryResult, QuerySpec, Row, Term, check_syntax
from kg.query.params import bind_params, inject_values
from kg.query.sparqltext import pageable, with_page

ACCEPT = "application/sparql-results+json"
GRAPH_MODES = ("union", "named")
#: Bytes of one answer kg reads at most (a page of rows is far smaller).
MAX_ANSWER = 256 << 20
_CHUNK = 1 << 16
#: Rows asked for per page (a server with a smaller limit lowers it).
PAGE_SIZE = 10_000
EMPTY_DEFAULT_GRAPH = (
    "the endpoint's default graph is empty but it has named graphs, so the query saw no data: "
    "start Oxigraph with --union-default-graph or pass --graph-mode named"
)
_ROW_LIMIT = re.compile(r"more than ([\d,]+) (?:rows|results|solutions)", re.IGNORECASE)


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: the body and the row cap the server announced, if any."""

    body: bytes
    max_rows: int | None = None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse every redirect: the answer is an error naming where it pointed."""

    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> None:
        raise RemoteError(
            f"{req.full_url} redirected to {newurl} (HTTP {code}); kg does not follow redirects "
            "of a SPARQL endpoint",
            status=code,
            hint="give the endpoint's final URL",
        )


_OPENER = urllib.request.build_opener(_NoRedirect())


def _read_capped(response: Any, url: str, cap: int, timeout: float) -> bytes:
    ends = time.monotonic() + timeout
    length = response.headers.get("Content-Length", "")
    if length.strip().isascii() and length.strip().isdigit() and int(length) > cap:
        raise RemoteError(f"{url} answered {int(length):,} bytes, more than the {cap:,} kg reads")
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read1(_CHUNK):
        size += len(chunk)
        if size > cap:
            raise RemoteError(f"{url} answered more than the {cap:,} bytes kg reads")
        if time.monotonic() > ends:
            raise RemoteError(f"{url} gave no complete answer within {timeout:g} s")
        chunks.append(chunk)
    return b"".join(chunks)


def _exchange(request: urllib.request.Request, timeout: float, cap: int) -> Answer:
    with _OPENER.open(request, timeout=timeout) as response:
        data = _read_capped(response, request.full_url, cap, timeout)
        cap_header = response.headers.get("X-SPARQL-MaxRows") or ""
        rows = cap_header.strip()
        return Answer(data, int(rows) if rows.isascii() and rows.isdigit() else None)


def post_query(
    url: str,
    query: str,
    *,
    timeout: float = 60.0,
    default_graphs: Sequence[str] = (),
    named_graphs: Sequence[str] = (),
    max_bytes: int = MAX_ANSWER,
) -> Answer:
    """POST ``query`` to ``url`` as a form (with the protocol's dataset parameters, if any).

    The whole exchange (name resolution, connecting, the answer however slowly it trickles in)
    must end within ``timeout`` seconds, the answer is read up to ``max_bytes``, and a redirect
    is not followed: each is a RemoteError, as is any answer that is not HTTP.
    """
    fields = [("query", query)]
    fields += [("default-graph-uri", g) for g in default_graphs]
    fields += [("named-graph-uri", g) for g in named_graphs]
    body = urllib.parse.urlencode(fields).encode()
    headers = {"Accept": ACCEPT, "Content-Type": "application/x-www-form-urlencoded"}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    box: list[Answer | BaseException] = []

    def work() -> None:
        try:
            box.append(_exchange(request, timeout, max_bytes))
        except BaseException as exc:  # handed to the caller's thread
            box.append(exc)

    worker = threading.Thread(target=work, daemon=True, name=f"kg query {url}")
    worker.start()
    worker.join(timeout + 1.0)  # the socket timeout covers each step; this covers them all
    if not box:
        raise RemoteError(
            f"{url} gave no complete answer within {timeout:g} s", hint="is the endpoint running?"
        )
    outcome = box[0]
    if isinstance(outcome, Answer):
        return outcome
    try:
        raise outcome
    except RemoteError:
        raise
    except urllib.error.HTTPError as exc:
        excerpt = exc.read(300).decode("utf-8", "replace").strip().splitlines()
        detail = f": {excerpt[0]}" if excerpt else ""
        raise RemoteError(
            f"{url} answered HTTP {exc.code} {exc.reason}{detail}", status=exc.code
        ) from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise RemoteError(f"cannot reach {url}: {reason}", hint="is the endpoint running?") from exc
    except http.client.HTTPException as exc:
        raise RemoteError(
            f"{url} did not answer in HTTP: {type(exc).__name__}: {exc}",
            hint="is this a SPARQL endpoint's URL?",
        ) from exc


def _parse(data: bytes, url: str, what: str) -> ox.QuerySolutions | ox.QueryBoolean:
    try:
        json.loads(data)
        return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    except (ValueError, SyntaxError) as exc:
        raise RemoteError(f"{url} did not return {what}: {exc}") from exc
    except RecursionError:
        raise RemoteError(f"{url} did not return {what}: the JSON is nested too deeply") from None


def parse_results(data: bytes, url: str) -> tuple[list[str], list[Row]]:
    """Parse SPARQL 1.1 JSON results into variables and rows of terms."""
    answer = _parse(data, url, "SPARQL JSON results")
    if not isinstance(answer, ox.QuerySolutions):
        raise RemoteError(f"{url} returned a boolean, not rows")
    variables = [v.value for v in answer.variables]
    try:  # the solutions are parsed as they are read
        return variables, [tuple(sol[v] for v in variables) for sol in answer]
    except (ValueError, SyntaxError) as exc:
        raise RemoteError(f"{url} did not return SPARQL JSON results: {exc}") from exc


def _boolean(data: bytes, url: str) -> bool:
    answer = _parse(data, url, "a SPARQL JSON boolean")
    if not isinstance(answer, ox.QueryBoolean):
        raise RemoteError(f"{url} returned rows, not a boolean")
    return bool(answer)


def row_limit(error: RemoteError) -> int | None:
    """The row limit a server gave as its reason to refuse an answer, if it said one."""
    match = _ROW_LIMIT.search(str(error))
    return int(match.group(1).replace(",", "")) if match else None


@dataclass
class Endpoint:
    """A SPARQL 1.1 endpoint as a query target (see the module docstring)."""

    url: str
    timeout: float = 60.0
    page_size: int = PAGE_SIZE
    graph_mode: str = "union"
    _graphs: list[str] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        """Check the graph mode and page size."""
        if self.graph_mode not in GRAPH_MODES:
            raise ValueError(f"graph mode must be one of {GRAPH_MODES}, not {self.graph_mode!r}")
        if self.page_size < 1:
            raise ValueError("the page size must be at least 1")

    def graphs(self) -> list[str]:
        """The endpoint's named graphs (listed once)."""
        if self._graphs is None:
            self._graphs = []
            # GRAPH ?g { } is the cheap form; Virtuoso 7 answers it with no rows, so the graphs
            # that hold a triple are listed then
            for pattern in ("{ }", "{ ?s ?p ?o }"):
                text = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {pattern} }} ORDER BY ?g"
                _, rows = parse_results(self._post(text, dataset=False).body, self.url)
                self._graphs = [r[0].value for r in rows if isinstance(r[0], ox.NamedNode)]
                if self._graphs:
                    break
            if not self._graphs:
                raise RemoteError(
                    f"{self.url} has no named graphs to query with --graph-mode named",
                    hint="use --graph-mode union",
                )
        return self._graphs

    def _post(self, query: str, *, dataset: bool = True) -> Answer:
        graphs = self.graphs() if dataset and self.graph_mode == "named" else []
        return post_query(
            self.url, query, timeout=self.timeout, default_graphs=graphs, named_graphs=graphs
        )

    def ask(self, query: str, *, dataset: bool = True) -> bool:
        """Answer an ASK query."""
        return _boolean(self._post(query, dataset=dataset).body, self.url)

    def rows(self, query: str) -> tuple[list[str], list[Row]]:
        """All rows of a SELECT query text, page by page when it can be paged."""
        if not pageable(query):
            try:
                return parse_results(self._post(query).body, self.url)
            except RemoteError as exc:
                if row_limit(exc) is not None:
                    exc.hint = "add ORDER BY on a key so that kg can page through the result"
                raise
        size, offset = self.page_size, 0
        variables: list[str] = []
        rows: list[Row] = []
        while True:
            try:
                answer = self._post(with_page(query, size, offset))
            except RemoteError as exc:
                limit = row_limit(exc)
                if limit is None or limit >= size or limit < 1:
                    raise
                size = limit
                continue
            variables, page = parse_results(answer.body, self.url)
            rows += page
            if answer.max_rows is not None and 0 < answer.max_rows < size:
                size = answer.max_rows  # the server cut the page: go on with its size
            elif len(page) < size:
                return variables, rows
            offset += len(page)
            if not page:
                return variables, rows

    def empty_default_graph(self) -> bool:
        """True when the default graph has no triple but some named graph has."""
        if self.ask("ASK { ?s ?p ?o }"):
            return False
        return self.ask("ASK { GRAPH ?g { ?s ?p ?o } }", dataset=False)

    def select(self, spec: QuerySpec, params: Mapping[str, str | Term]) -> QueryResult:
        """Run ``spec`` on the endpoint with ``params`` bound by a VALUES block."""
        check_syntax(spec)
        bound = bind_params(spec.name, spec.params, params or {})
        variables, rows = self.rows(inject_values(spec.text, bound))
        warnings: tuple[str, ...] = ()
        if not rows and self.graph_mode == "union" and self.empty_default_graph():
            warnings = (f"{self.url}: {EMPTY_DEFAULT_GRAPH}",)
        return QueryResult(variables, rows, warnings)


def run_endpoint(
    url: str,
    spec: QuerySpec,
    params: Mapping[str, str | Term] | None = None,
    *,
    timeout: float = 60.0,
    page_size: int = PAGE_SIZE,
    graph_mode: str = "union",
) -> QueryResult:
    """Run ``spec`` on the endpoint at ``url`` with ``params`` bound by a VALUES block."""
    target = Endpoint(url, timeout=timeout, page_size=page_size, graph_mode=graph_mode)
    return target.select(spec, params or {})


#: The name of the endpoint target before paging and graph modes (same constructor arguments).
EndpointTarget = Endpoint

# inject_values is re-exported for callers that bind parameters the same way (defined in kg.params)
__all__ = [
    "EMPTY_DEFAULT_GRAPH",
    "GRAPH_MODES",
    "MAX_ANSWER",
    "PAGE_SIZE",
    "Answer",
    "Endpoint",
    "EndpointTarget",
    "inject_values",
    "parse_results",
    "post_query",
    "row_limit",
    "run_endpoint",
]
