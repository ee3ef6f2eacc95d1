"""SPARQL 1.1 dataset semantics in kg serve: FROM and FROM NAMED in the query, the protocol's
default-graph-uri and named-graph-uri (which override them), and the union default graph
otherwise; checked in-process and over HTTP with a real client."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from oxiserver import kg_server

from kg.query.sparqltext import has_dataset_clause
from kg.server.http import handle

EX = "http://example.org/"
G1, G2 = EX + "g1", EX + "g2"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    s = ox.Store()
    p = ox.NamedNode(EX + "p")
    s.add(ox.Quad(ox.NamedNode(EX + "a"), p, ox.Literal("1"), ox.NamedNode(G1)))
    s.add(ox.Quad(ox.NamedNode(EX + "b"), p, ox.Literal("2"), ox.NamedNode(G2)))
    s.add(ox.Quad(ox.NamedNode(EX + "c"), p, ox.Literal("3"), ox.DefaultGraph()))
    return s


def subjects(response: object) -> list[str]:
    assert response.status == 200, response.text  # type: ignore[attr-defined]
    data = json.loads(response.body)  # type: ignore[attr-defined]
    if "boolean" in data:
        return [str(data["boolean"])]
    names = data["head"]["vars"]
    rows = [
        " ".join(b[v]["value"].removeprefix(EX) for v in names if v in b)
        for b in data["results"]["bindings"]
    ]
    return sorted(rows)


def ask(store: ox.Store, query: str, **params: list[str]) -> list[str]:
    return subjects(handle(store, "GET", "/sparql", {"query": [query], **params}))


ALL = "SELECT ?s WHERE { ?s ?p ?o }"


@pytest.mark.parametrize(
    ("query", "params", "expected"),
    [
        (ALL, {}, ["a", "b", "c"]),  # union default graph
        (f"SELECT ?s FROM <{G1}> WHERE {{ ?s ?p ?o }}", {}, ["a"]),
        (f"SELECT ?s FROM <{G1}> FROM <{G2}> WHERE {{ ?s ?p ?o }}", {}, ["a", "b"]),
        # FROM NAMED alone: the default graph is empty
        (f"SELECT ?s FROM NAMED <{G1}> WHERE {{ ?s ?p ?o }}", {}, []),
        (f"SELECT ?g ?s FROM NAMED <{G1}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", {}, ["g1 a"]),
        # FROM alone: no named graph can be reached
        (f"SELECT ?g ?s FROM <{G2}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", {}, []),
        (f"ASK FROM <{G1}> {{ <{EX}b> ?p ?o }}", {}, ["False"]),
        (f"select ?s from <{G2}> where {{ ?s ?p ?o }}", {}, ["b"]),
        # the protocol's dataset overrides the query's
        (f"SELECT ?s FROM <{G1}> WHERE {{ ?s ?p ?o }}", {"default-graph-uri": [G2]}, ["b"]),
        (ALL, {"named-graph-uri": [G1]}, []),
        ("SELECT ?g ?s WHERE { GRAPH ?g { ?s ?p ?o } }", {"named-graph-uri": [G2]}, ["g2 b"]),
        # "from" that is not the keyword: a string, an IRI, a comment, a variable, a name
        (f'SELECT ?s WHERE {{ ?s ?p ?o FILTER(?o != "FROM <{G1}>") }}', {}, ["a", "b", "c"]),
        (f"SELECT ?s WHERE {{ ?s ?p ?o FILTER(?s != <{EX}from>) }}", {}, ["a", "b", "c"]),
        (f"SELECT ?s # FROM <{G1}>\nWHERE {{ ?s ?p ?o }}", {}, ["a", "b", "c"]),
        ("SELECT ?from WHERE { ?from ?p ?o }", {}, ["a", "b", "c"]),
        (f"PREFIX from: <{EX}> SELECT ?s WHERE {{ ?s from:p ?o }}", {}, ["a", "b", "c"]),
    ],
)
def test_dataset_of_a_query(
    store: ox.Store, query: str, params: dict[str, list[str]], expected: list[str]
) -> None:
    assert ask(store, query, **params) == expected


def test_construct_and_describe_honour_from(store: ox.Store) -> None:
    response = handle(
        store,
        "GET",
        "/sparql",
        {"query": [f"CONSTRUCT {{ ?s ?p ?o }} FROM <{G2}> WHERE {{ ?s ?p ?o }}"]},
        {"Accept": "application/n-triples"},
    )
    assert response.status == 200
    assert response.body.decode().strip() == f'<{EX}b> <{EX}p> "2" .'


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("SELECT * FROM <g> {}", True),
        ("SELECT * FROM NAMED <g> {}", True),
        ("select * from<g>{}", True),
        ('SELECT * { ?s ?p "from" }', False),
        ("SELECT * { ?s ?p ?from }", False),
        ("SELECT * { ?s ex:from ?o }", False),
        ("SELECT * { ?s from:x ?o }", False),
        ("# FROM <g>\nSELECT * {}", False),
        ("SELECT * { ?s ?p '''a\nFROM <g>''' }", False),
    ],
)
def test_has_dataset_clause(query: str, named: bool) -> None:
    assert has_dataset_clause(query) is named


@pytest.fixture(scope="module")
def url(store: ox.Store) -> Iterator[str]:
    with kg_server(store) as base:
        yield base + "sparql"


def test_from_over_http_with_a_real_client(url: str) -> None:
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(url)
    client.setReturnFormat(JSON)
    client.setQuery(f"SELECT ?s FROM <{G1}> WHERE {{ ?s ?p ?o }}")
    rows = client.query().convert()["results"]["bindings"]  # type: ignore[index]
    assert [r["s"]["value"] for r in rows] == [EX + "a"]
    body = urllib.parse.urlencode({"query": ALL, "default-graph-uri": G2}).encode()
    request = urllib.request.Request(
        url, data=body, headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        data = json.loads(response.read())
    assert [b["s"]["value"] for b in data["results"]["bindings"]] == [EX + "b"]
