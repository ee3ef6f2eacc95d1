"""Every result format stays parsable, by an independent parser, whatever a literal holds.

The loader keeps control characters out of the graph, but the store may come from elsewhere
(``--graph FILE``), so the writers cannot trust it: XML 1.0 cannot carry C0 controls (but tab,
LF, CR), surrogates or U+FFFE/U+FFFF at all, so such a result is refused in XML (406, one line
pointing to JSON) and every other format carries it exactly; a carriage return survives XML
(written ``&#13;``: a raw CR is read back as LF).
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
import rdflib

from kg.server.http import App, handle

EX = "http://example.org/"
RESULTS = "{http://www.w3.org/2005/sparql-results#}"
#: Characters XML 1.0 cannot carry, each alone in a literal.
NOT_XML = [
    "\x00",
    "\x01",
    "\x07",
    "\x08",
    "\x0b",
    "\x0c",
    "\x0e",
    "\x1b",
    "\x1f",
    "\ufffe",
    "\uffff",
]
#: Characters every format, XML included, must carry exactly.
AWKWARD = ["a\rb", "a\r\nb", "tab\there", "new\nline", "del\x7f", "nel\x85", "ls\u2028ps\u2029",
           '<&>"\'', "]]>", "bidi\u202eevil", "\U0001f600"]  # fmt: skip


def store_of(values: list[str]) -> ox.Store:
    store = ox.Store()
    for i, value in enumerate(values):
        subject = ox.NamedNode(f"{EX}s{i}")
        store.add(ox.Quad(subject, ox.NamedNode(EX + "plain"), ox.Literal(value)))
        store.add(ox.Quad(subject, ox.NamedNode(EX + "tagged"), ox.Literal(value, language="en")))
    return store


def answer(store: ox.Store, query: str, accept: str) -> tuple[int, str, bytes]:
    response = handle(App(store), "GET", "/sparql", {"query": [query]}, {"Accept": accept})
    return response.status, response.header("Content-Type") or "", response.body


SELECT = f"SELECT ?s ?o WHERE {{ ?s <{EX}plain> ?o }} ORDER BY ?s"
CONSTRUCT = "CONSTRUCT WHERE { ?s ?p ?o }"


def literals_xml(body: bytes) -> list[str]:
    root = ET.fromstring(body)  # expat: a strict XML 1.0 parser
    return [e.text or "" for e in root.iter(f"{RESULTS}literal")]


@pytest.mark.parametrize("values", [AWKWARD, NOT_XML], ids=["awkward", "not-xml"])
def test_select_results_parse_back_exactly(values: list[str]) -> None:
    store = store_of(values)
    ordered = [values[i] for i in sorted(range(len(values)), key=lambda i: f"{EX}s{i}")]

    status, _, body = answer(store, SELECT, "application/sparql-results+json")
    assert status == 200
    assert [b["o"]["value"] for b in json.loads(body)["results"]["bindings"]] == ordered

    status, _, body = answer(store, SELECT, "text/csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    assert [r[1] for r in rows[1:]] == ordered

    status, _, body = answer(store, SELECT, "text/tab-separated-values")
    lines = body.decode("utf-8").split("\n")
    assert len([line for line in lines if line]) == 1 + len(values)  # one line a row
    parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.TSV)
    assert isinstance(parsed, ox.QuerySolutions)
    assert [row["o"].value for row in parsed] == ordered

    status, _, body = answer(store, SELECT, "application/sparql-results+xml")
    if values is NOT_XML:
        assert status == 406
        text = body.decode()
        assert text.count("\n") == 1
        assert "XML 1.0 cannot carry" in text
        assert "application/sparql-results+json" in text
    else:
        assert status == 200
        assert literals_xml(body) == ordered


def test_language_tagged_literals_in_xml() -> None:
    store = store_of(AWKWARD)
    status, _, body = answer(store, f"SELECT ?o {{ ?s <{EX}tagged> ?o }}", "application/xml")
    assert status == 200
    root = ET.fromstring(body)
    langs = {
        e.get("{http://www.w3.org/XML/1998/namespace}lang") for e in root.iter(f"{RESULTS}literal")
    }
    assert langs == {"en"}
    assert sorted(literals_xml(body)) == sorted(AWKWARD)


@pytest.mark.parametrize("values", [AWKWARD, NOT_XML], ids=["awkward", "not-xml"])
def test_graph_results_parse_back_exactly(values: list[str]) -> None:
    store = store_of(values)
    expected = sorted(values * 2)
    for media, rdflib_format, ox_format in [
        ("text/turtle", "turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", "nt", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", "json-ld", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", "xml", ox.RdfFormat.RDF_XML),
    ]:
        status, _, body = answer(store, CONSTRUCT, media)
        if media == "application/rdf+xml" and values is NOT_XML:
            assert status == 406, body
            assert body.decode().count("\n") == 1
            continue
        assert status == 200, (media, body)
        if media == "application/rdf+xml":
            ET.fromstring(body)  # well-formed for expat
        graph = rdflib.Graph().parse(data=body, format=rdflib_format)
        assert sorted(str(o) for o in graph.objects()) == expected, media
        again = [t.object.value for t in ox.parse(body, format=ox_format)]
        assert sorted(again) == expected, media


def test_ask_in_xml() -> None:
    status, _, body = answer(store_of(NOT_XML), "ASK { ?s ?p ?o }", "application/xml")
    assert status == 200
    assert ET.fromstring(body).find(f"{RESULTS}boolean").text == "true"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "predicate", [EX, "urn:x:1", f"{EX}a#", f"{EX}a?b=1", f"{EX}a%20", f"{EX}\u2070x"]
)
def test_a_predicate_rdf_xml_cannot_name_is_refused_not_garbled(predicate: str) -> None:
    """pyoxigraph writes such a predicate as ``<oxprefix:>``: no namespace-aware parser reads
    that, so the answer is a 406 naming the predicate, and the other formats carry it."""
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(predicate), ox.Literal("v")))
    store.add(ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "fine"), ox.Literal("w")))
    status, _, body = answer(store, CONSTRUCT, "application/rdf+xml")
    assert status == 406, body
    assert body.decode() == (
        f"cannot answer in RDF/XML: the predicate <{predicate}> has no XML name (RDF/XML needs "
        "one); ask for Turtle (text/turtle) or N-Triples (application/n-triples) instead\n"
    )
    status, _, body = answer(store, CONSTRUCT, "application/n-triples")
    assert status == 200
    assert {t.predicate.value for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)} == {
        predicate,
        EX + "fine",
    }


def test_rdf_xml_predicates_with_xml_names_are_written() -> None:
    store = ox.Store()
    for i, predicate in enumerate(["urn:a", f"{EX}a-", f"{EX}-a", f"{EX}\u00e9t\u00e9", f"{EX}_1"]):
        store.add(ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(predicate), ox.Literal(str(i))))
    status, _, body = answer(store, CONSTRUCT, "application/rdf+xml")
    assert status == 200, body
    ET.fromstring(body)  # namespace-aware expat
    graph = rdflib.Graph().parse(data=body, format="xml")
    assert len(graph) == 5


TRIPLE_TERM = "<<( <http://example.org/b> <http://example.org/c> 'q'@en )>>"
TRIPLE_TERM_QUERIES = {
    "graph": f"CONSTRUCT {{ <{EX}x> <{EX}p> {TRIPLE_TERM} }} WHERE {{}}",
    "table": f"SELECT ?t {{ BIND({TRIPLE_TERM} AS ?t) }}",
}
REFUSED = (
    "cannot answer in JSON-LD: the JSON-LD writer refuses this result (JSON-LD does not support "
    "RDF 1.2 yet); ask for Turtle (text/turtle) or N-Triples (application/n-triples) instead\n"
)


@pytest.mark.parametrize(
    ("kind", "fmt"),
    [("graph", f) for f in ("turtle", "ntriples", "jsonld", "rdfxml")]
    + [("table", f) for f in ("json", "xml", "csv", "tsv")],
)
def test_rdf_1_2_triple_terms_are_written_or_refused_with_406(kind: str, fmt: str) -> None:
    """pyoxigraph's JSON-LD writer refuses RDF 1.2 triple terms: that was a 500 ("query
    failed"). A writer's refusal is a 406 naming the formats that carry every term; every
    other format writes the result."""
    params = {"query": [TRIPLE_TERM_QUERIES[kind]], "format": [fmt]}
    response = handle(App(ox.Store()), "GET", "/sparql", params, {})
    if fmt == "jsonld":
        assert (response.status, response.text) == (406, REFUSED)
        del params["format"]
        accept = {"Accept": "application/ld+json"}
        assert handle(App(ox.Store()), "GET", "/sparql", params, accept).text == REFUSED
        return
    assert response.status == 200, response.body
    term = ox.Triple(ox.NamedNode(EX + "b"), ox.NamedNode(EX + "c"), ox.Literal("q", language="en"))
    if kind == "graph":
        rdf = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}
        parsed = ox.parse(response.body, format=rdf.get(fmt, ox.RdfFormat.RDF_XML))
        assert [q.object for q in parsed] == [term]
    elif fmt != "csv":  # CSV writes a triple term as its three values, and no language
        table = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML}
        rows = ox.parse_query_results(response.body, table.get(fmt, ox.QueryResultsFormat.TSV))
        assert [row["t"] for row in rows] == [term]  # type: ignore[union-attr]


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_a_literal_keeps_its_base_direction(fmt: str) -> None:
    """RDF 1.2 ``"x"@ar--rtl``: SPARQL JSON (and the CSV and TSV made from it) dropped the
    direction, so TSV read back ``"x"@ar``."""
    query = (
        "SELECT ?t ?u { BIND('x'@ar--rtl AS ?t) BIND(<<( <urn:s> <urn:p> 'y'@en--ltr )>> AS ?u) }"
    )
    response = handle(App(ox.Store()), "GET", "/sparql", {"query": [query], "format": [fmt]}, {})
    assert response.status == 200, response.body
    table = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML}
    parsed = ox.parse_query_results(response.body, table.get(fmt, ox.QueryResultsFormat.TSV))
    rows = list(parsed)  # type: ignore[arg-type]
    rtl, ltr = ox.BaseDirection.RTL, ox.BaseDirection.LTR
    assert rows[0]["t"] == ox.Literal("x", language="ar", direction=rtl)
    inner = ox.Literal("y", language="en", direction=ltr)
    assert rows[0]["u"] == ox.Triple(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), inner)
