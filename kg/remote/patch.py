"""A small change to a graph sent as one SPARQL 1.1 Update request instead of the whole graph:
``DELETE DATA { GRAPH <g> { …removed… } } ; INSERT DATA { GRAPH <g> { …added… } }``.

A store applies one Update request atomically (Oxigraph runs it in one transaction; Virtuoso
likewise), so a graph in the store is still either fully old or fully new. Only triples without
blank nodes are patched (a blank node in ``DELETE DATA`` matches nothing): when the blank-node
triples differ, or the change is large, the graph is sent whole with ``PUT``. After a patch the
graph's triples are counted on the store; a store that matched a deleted triple differently
(another lexical form of the same value) shows up there, and kg then sends the graph whole.

``update_url`` guesses the Update endpoint from the Graph Store URL, as ``store.query_url``
guesses the query endpoint: Oxigraph (``/store`` → ``/update``), Virtuoso
(``/sparql-graph-crud-auth`` → ``/sparql-auth``, Digest), Jena Fuseki (``/DATASET/data`` →
``/DATASET/update``), GraphDB and RDF4J (``…/rdf-graphs/service`` → ``…/statements``) and Amazon
Neptune (``/sparql/gsp/`` → ``/sparql``). Without one, changed graphs are sent whole.
"""

from __future__ import annotations

import re
import urllib.parse

import pyoxigraph as ox

from kg.remote.diff import GraphDiff, Mode

#: A patch at most this many changed lines, and at most this fraction of the graph.
MAX_LINES = 20_000
MAX_SHARE = 0.25
UPDATE = "application/sparql-update"
_LAYOUTS = (
    (re.compile(r"^(.*)/store/?$"), r"\1/update"),  # Oxigraph
    (re.compile(r"^(.*)/sparql-graph-crud-auth/?$"), r"\1/sparql-auth"),  # Virtuoso
    (re.compile(r"^(.*/repositories/[^/]+)/rdf-graphs/service/?$"), r"\1/statements"),
    (re.compile(r"^(.*)/sparql/gsp/?$"), r"\1/sparql"),  # Neptune
    (re.compile(r"^(.*/[^/]+)/data/?$"), r"\1/update"),  # Fuseki
)


def sibling_url(endpoint: str, layouts: tuple[tuple[re.Pattern[str], str], ...]) -> str | None:
    """The URL beside a Graph Store URL by the first of ``layouts`` (a path pattern and its
    replacement) that matches its path, without its query; None when none matches."""
    parts = urllib.parse.urlsplit(endpoint)
    for pattern, replacement in layouts:
        if pattern.match(parts.path):
            path = pattern.sub(replacement, parts.path)
            return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    return None


def update_url(endpoint: str) -> str | None:
    """The SPARQL Update endpoint that belongs to a Graph Store URL, when its layout is known."""
    return sibling_url(endpoint, _LAYOUTS)


def patchable(diff: GraphDiff, mode: Mode) -> bool:
    """Whether the change of ``diff`` goes as a patch (replace mode, the graph is in the store
    and was compared, blank-node triples equal, the change small)."""
    changed = len(diff.plus) + len(diff.minus)
    return (
        mode == "replace"
        and not diff.unread
        and diff.remote is not None
        and diff.bnodes_equal
        and 0 < changed <= MAX_LINES
        and changed <= MAX_SHARE * max(diff.local, diff.remote)
    )


def patch_request(diff: GraphDiff) -> bytes:
    """The Update request that turns the store's graph into the build's (canonical N-Triples
    lines are valid SPARQL triples)."""
    graph = str(ox.NamedNode(diff.iri)).encode()
    parts = []
    if diff.minus:
        parts.append(b"DELETE DATA { GRAPH " + graph + b" {\n" + b"".join(diff.minus) + b"} }")
    if diff.plus:
        parts.append(b"INSERT DATA { GRAPH " + graph + b" {\n" + b"".join(diff.plus) + b"} }")
    return b" ;\n".join(parts) + b"\n"


__all__ = ["UPDATE", "patch_request", "patchable", "sibling_url", "update_url"]
