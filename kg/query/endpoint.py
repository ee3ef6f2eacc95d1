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

One exchange (time limit, size cap, no redirects) is ``kg.query.exchange``; reading an answer
(booleans in canonical form, an ASK answered as a row) is ``kg.query.results``; their public
names are importable from here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.core.errors import RemoteError
from kg.query.exchange import ACCEPT, MAX_ANSWER, Answer, post_query
from kg.query.named import QueryResult, QuerySpec, Row, Term, check_syntax
from kg.query.params import bind_params, inject_values
from kg.query.results import parse_boolean, parse_results, row_limit
from kg.query.sparqltext import pageable, with_page

GRAPH_MODES = ("union", "named")
#: Rows asked for per page (a server with a smaller limit lowers it).
PAGE_SIZE = 10_000
EMPTY_DEFAULT_GRAPH = (
    "the endpoint's default graph is empty but it has named graphs, so the query saw no data: "
    "start Oxigraph with --union-default-graph or pass --graph-mode named"
)


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
        return parse_boolean(self._post(query, dataset=dataset).body, self.url)

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
    "ACCEPT",
    "EMPTY_DEFAULT_GRAPH",
    "GRAPH_MODES",
    "MAX_ANSWER",
    "PAGE_SIZE",
    "Answer",
    "Endpoint",
    "EndpointTarget",
    "inject_values",
    "parse_boolean",
    "parse_results",
    "post_query",
    "row_limit",
    "run_endpoint",
]
