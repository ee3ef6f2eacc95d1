"""Run a named query against any SPARQL 1.1 endpoint over HTTP (SPARQL 1.1 Protocol).

Parameters are bound exactly as for the local store (``kg.params.inject_values``), so the
same query text gives the same rows here and there.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from kg.core.errors import RemoteError
from kg.query.named import QueryResult, QuerySpec, Row, Term, check_syntax
from kg.query.params import bind_params, inject_values

ACCEPT = "application/sparql-results+json"


def post_query(url: str, query: str, *, timeout: float = 60.0) -> bytes:
    """POST ``query`` to ``url`` as a form and return the JSON results body."""
    body = urllib.parse.urlencode({"query": query}).encode()
    headers = {"Accept": ACCEPT, "Content-Type": "application/x-www-form-urlencoded"}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data: bytes = response.read()
            return data
    except urllib.error.HTTPError as exc:
        excerpt = exc.read(300).decode("utf-8", "replace").strip().splitlines()
        detail = f": {excerpt[0]}" if excerpt else ""
        raise RemoteError(
            f"{url} answered HTTP {exc.code} {exc.reason}{detail}", status=exc.code
        ) from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise RemoteError(f"cannot reach {url}: {reason}", hint="is the endpoint running?") from exc


def parse_results(data: bytes, url: str) -> tuple[list[str], list[Row]]:
    """Parse SPARQL 1.1 JSON results into variables and rows of terms."""
    try:
        json.loads(data)
        answer = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    except (ValueError, SyntaxError) as exc:
        raise RemoteError(f"{url} did not return SPARQL JSON results: {exc}") from exc
    if not isinstance(answer, ox.QuerySolutions):
        raise RemoteError(f"{url} returned a boolean, not rows")
    variables = [v.value for v in answer.variables]
    return variables, [tuple(sol[v] for v in variables) for sol in answer]


def run_endpoint(
    url: str,
    spec: QuerySpec,
    params: Mapping[str, str | Term] | None = None,
    *,
    timeout: float = 60.0,
) -> QueryResult:
    """Run ``spec`` on the endpoint at ``url`` with ``params`` bound by a VALUES block."""
    check_syntax(spec)
    bound = bind_params(spec.name, spec.params, params or {})
    data = post_query(url, inject_values(spec.text, bound), timeout=timeout)
    variables, rows = parse_results(data, url)
    return QueryResult(variables, rows)


@dataclass(frozen=True)
class EndpointTarget:
    """A SPARQL 1.1 endpoint as a query target."""

    url: str
    timeout: float = 60.0

    def select(self, spec: QuerySpec, params: Mapping[str, str | Term]) -> QueryResult:
        """Run ``spec`` on the endpoint."""
        return run_endpoint(self.url, spec, params, timeout=self.timeout)


# inject_values is re-exported for callers that bind parameters the same way (defined in kg.params)
__all__ = ["EndpointTarget", "inject_values", "post_query", "run_endpoint"]
