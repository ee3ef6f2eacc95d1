"""A triple store seen through the SPARQL 1.1 Graph Store Protocol (read, replace, add to and
delete one named graph) and, where its SPARQL query endpoint is known, the Protocol's queries
(list its graphs, count the triples of graphs).

``query_url`` guesses the query endpoint of the stores kg is tested or documented with from
their Graph Store URL: Oxigraph (``/store`` → ``/query``), Virtuoso (``/sparql-graph-crud-auth``
or ``/sparql-graph-crud`` → ``/sparql``), Jena Fuseki (``/DATASET/data`` → ``/DATASET/sparql``),
GraphDB and RDF4J (``/repositories/REPO/rdf-graphs/service`` → ``/repositories/REPO``) and
Amazon Neptune (``/sparql/gsp/`` → ``/sparql``).
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from kg.core.errors import RemoteError
from kg.remote.diff import canonical
from kg.remote.http import SMALL_ANSWER, Client
from kg.remote.patch import UPDATE, sibling_url

NTRIPLES = "application/n-triples"
RESULTS = "application/sparql-results+json"
#: (pattern of a Graph Store path, replacement giving the query endpoint's path)
_LAYOUTS = (
    (re.compile(r"^(.*)/store/?$"), r"\1/query"),  # Oxigraph
    (re.compile(r"^(.*)/sparql-graph-crud(?:-auth)?/?$"), r"\1/sparql"),  # Virtuoso
    (re.compile(r"^(.*/repositories/[^/]+)/rdf-graphs/service/?$"), r"\1"),  # GraphDB, RDF4J
    (re.compile(r"^(.*)/sparql/gsp/?$"), r"\1/sparql"),  # Neptune
    (re.compile(r"^(.*/[^/]+)/data/?$"), r"\1/sparql"),  # Fuseki
)


def query_url(endpoint: str) -> str | None:
    """The SPARQL query endpoint that belongs to a Graph Store URL, when its layout is known."""
    return sibling_url(endpoint, _LAYOUTS)


def graph_url(endpoint: str, iri: str) -> str:
    """The Graph Store Protocol URL of graph ``iri`` (indirect identification, ``?graph=``)."""
    return endpoint + ("&" if "?" in endpoint else "?") + urllib.parse.urlencode({"graph": iri})


@dataclass
class RemoteStore:
    """One store: its Graph Store URL, its query endpoint (None: unknown) and the client."""

    endpoint: str
    sparql: str | None
    client: Client
    #: The SPARQL Update endpoint (None: unknown; changed graphs are then sent whole).
    update: str | None = None

    def fetch(self, iri: str, limit: int) -> bytes | None:
        """The store's graph ``iri`` as it answers it (N-Triples, not yet checked; None: no such
        graph).

        Raises:
            TooLarge: the graph is longer than ``limit`` bytes as N-Triples.
            RemoteError: the store failed.
        """
        url = graph_url(self.endpoint, iri)
        status, body = self.client.request(
            "GET", url, headers={"Accept": NTRIPLES}, limit=limit, allow_404=True
        )
        return None if status == 404 else body

    def not_ntriples(self, iri: str, exc: SyntaxError) -> RemoteError:
        """The error for an answer to ``fetch(iri)`` that is not N-Triples."""
        first = str(exc).splitlines()[0] if str(exc) else "unreadable"
        return RemoteError(
            f"GET {graph_url(self.endpoint, iri)} did not return N-Triples for {iri}: {first}",
            hint="is this the store's Graph Store URL? (Oxigraph: http://HOST:PORT/store)",
        )

    def count(self, iri: str, limit: int) -> int:
        """Triples of graph ``iri`` read through the Graph Store Protocol (0: absent)."""
        body = self.fetch(iri, limit)
        try:
            return len(canonical(body or b""))
        except SyntaxError as exc:
            raise self.not_ntriples(iri, exc) from exc

    def send(self, method: str, iri: str, body: bytes) -> None:
        """PUT (replace) or POST (add to) graph ``iri``."""
        url = graph_url(self.endpoint, iri)
        self.client.request(method, url, body, {"Content-Type": NTRIPLES})

    def patch(self, body: bytes) -> None:
        """POST a SPARQL Update request to the Update endpoint."""
        assert self.update is not None
        self.client.request("POST", self.update, body, {"Content-Type": UPDATE})

    def delete(self, iri: str) -> None:
        """Delete graph ``iri`` (already absent is fine)."""
        self.client.request("DELETE", graph_url(self.endpoint, iri), allow_404=True)

    def select(self, query: str) -> list[dict[str, ox.NamedNode | ox.Literal | ox.BlankNode]]:
        """Rows of a SELECT query on the query endpoint.

        Raises:
            RemoteError: no query endpoint is known, or it failed.
        """
        if self.sparql is None:
            raise RemoteError("no SPARQL query endpoint is known for this store")
        form = urllib.parse.urlencode({"query": query}).encode()
        headers = {"Accept": RESULTS, "Content-Type": "application/x-www-form-urlencoded"}
        _, body = self.client.request("POST", self.sparql, form, headers, limit=16 * SMALL_ANSWER)
        try:
            answer = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            raise RemoteError(f"{self.sparql} did not answer SPARQL JSON results: {exc}") from exc
        if not isinstance(answer, ox.QuerySolutions):
            raise RemoteError(f"{self.sparql} answered a boolean, not rows")
        names = [v.value for v in answer.variables]
        return [{n: row[n] for n in names if row[n] is not None} for row in answer]

    def graphs(self, namespace: str) -> list[str]:
        """The store's named graphs whose IRI starts with ``namespace``, sorted."""
        text = '"' + namespace.replace("\\", "\\\\").replace('"', '\\"') + '"'
        found: set[str] = set()
        for body in ("GRAPH ?g { }", "GRAPH ?g { ?s ?p ?o }"):  # the second for Virtuoso
            query = f"SELECT DISTINCT ?g WHERE {{ {body} FILTER(STRSTARTS(STR(?g), {text})) }}"
            found = {
                r["g"].value for r in self.select(query) if isinstance(r.get("g"), ox.NamedNode)
            }
            if found:
                break
        return sorted(found)

    def counts(self, iris: Sequence[str], limit: int) -> dict[str, int]:
        """Triples per graph (0 for an empty or absent graph), by SPARQL or else by reading
        each graph (up to ``limit`` bytes) through the Graph Store Protocol."""
        if not iris:
            return {}
        out = dict.fromkeys(iris, 0)
        if self.sparql is None:
            return {iri: self.count(iri, limit) for iri in iris}
        for at in range(0, len(iris), COUNT_BATCH):
            for row in self.select(count_query(iris[at : at + COUNT_BATCH])):
                g, n = row.get("g"), row.get("n")
                if isinstance(g, ox.NamedNode) and isinstance(n, ox.Literal) and g.value in out:
                    out[g.value] = int(n.value)
        return out


#: Graphs counted by one query.
COUNT_BATCH = 50


def count_query(iris: Sequence[str]) -> str:
    """One SELECT of (?g, ?n: its triples) for each graph of ``iris``: a UNION of one count per
    graph, each on a constant graph. Not ``VALUES ?g {…} GRAPH ?g {…} GROUP BY ?g``: Virtuoso
    7.2 answers that in 0.07 s or 17 s for the same 9 graphs of 313k triples, depending only
    on the order of the values."""
    parts = []
    for iri in iris:
        g = str(ox.NamedNode(iri))
        parts.append(
            f"{{ SELECT ({g} AS ?g) (COUNT(*) AS ?n) WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }} }}"
        )
    return "SELECT ?g ?n WHERE { " + " UNION ".join(parts) + " }"


__all__ = ["COUNT_BATCH", "NTRIPLES", "RemoteStore", "count_query", "graph_url", "query_url"]
