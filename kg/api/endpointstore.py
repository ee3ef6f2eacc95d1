"""A SPARQL endpoint standing in for a pyoxigraph store, so that the flow network and the dossier
(which read the store only through SELECT queries over the union of its graphs) work on a graph
opened from a URL.

Every query goes through :class:`kg.query.endpoint.Endpoint`: one POST, paged when the query
has a top-level ORDER BY, the same one-line ``RemoteError`` when the endpoint fails. Its rows
come back as a real ``pyoxigraph.QuerySolutions`` (re-read from SPARQL JSON), which is all the
readers use.
"""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox

from kg.query.endpoint import Endpoint
from kg.query.named import Row


def _term(term: object) -> dict[str, str] | None:
    """A term as SPARQL 1.1 JSON results write it (None when unbound)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        else:
            out["datatype"] = term.datatype.value
        return out
    raise TypeError(f"cannot write {term!r} as a SPARQL JSON term")


def solutions(variables: list[str], rows: list[Row]) -> ox.QuerySolutions:
    """Rows of terms as a ``pyoxigraph.QuerySolutions``."""
    bindings = []
    for row in rows:
        cells = {v: _term(t) for v, t in zip(variables, row, strict=True)}
        bindings.append({v: cell for v, cell in cells.items() if cell is not None})
    document = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    answer = ox.parse_query_results(
        json.dumps(document).encode("utf-8"), format=ox.QueryResultsFormat.JSON
    )
    assert isinstance(answer, ox.QuerySolutions)
    return answer


class EndpointStore:
    """The part of ``pyoxigraph.Store`` that the readers use (``query`` of a SELECT over the
    union of all graphs), answered by a SPARQL endpoint whose default graph is that union
    (kg serve; ``oxigraph serve --union-default-graph``)."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint

    def query(self, query: str, **_options: Any) -> ox.QuerySolutions:
        """Run a SELECT query on the endpoint."""
        variables, rows = self.endpoint.rows(query)
        return solutions(variables, rows)

    def __repr__(self) -> str:
        return f"<EndpointStore {self.endpoint.url}>"


__all__ = ["EndpointStore", "solutions"]
