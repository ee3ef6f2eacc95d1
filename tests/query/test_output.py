"""Rendering of query results: every machine format is read back by an independent reader."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.query import Result

from kg.query.named import QueryResult, parse_spec
from kg.query.output import (
    FORMATS,
    catalogue,
    render,
    to_csv,
    to_json,
    to_markdown,
    to_table,
    to_tsv,
)

XSD = "http://www.w3.org/2001/XMLSchema#"
PRK = "https://w3id.org/kg-tip/id/country-prk"

TRICKY = QueryResult(
    ["iri", "text", "number", "lang", "blank", "flag"],
    [
        (
            ox.NamedNode(PRK),
            ox.Literal('a "quoted", comma\nnew line\ttab | pipe \\ backslash é'),
            ox.Literal("50000", datatype=ox.NamedNode(XSD + "integer")),
            ox.Literal("Corée du Nord", language="fr"),
            ox.BlankNode("b0"),
            ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")),
        ),
        (
            ox.NamedNode("urn:x:1"),
            None,
            ox.Literal("-3.5", datatype=ox.NamedNode(XSD + "decimal")),
            None,
            None,
            None,
        ),
    ],
)


def rdflib_rows(text: str, fmt: str) -> list[list[rdflib.term.Node | None]]:
    result = Result.parse(io.StringIO(text), format=fmt)
    assert [str(v) for v in result.vars or []] == TRICKY.vars
    return [[row.get(rdflib.Variable(v)) for v in TRICKY.vars] for row in result.bindings]


def test_csv_reads_back_with_the_csv_module_and_rdflib() -> None:
    text = to_csv(TRICKY)
    assert text.endswith("\r\n")  # the SPARQL CSV format uses CRLF line ends
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == TRICKY.vars
    assert rows[1] == [PRK, TRICKY.rows[0][1].value, "50000", "Corée du Nord", "_:b0", "true"]  # type: ignore[union-attr]
    assert rows[2] == ["urn:x:1", "", "-3.5", "", "", ""]
    parsed = rdflib_rows(text, "csv")
    assert parsed[0][0] == rdflib.URIRef(PRK)
    assert str(parsed[0][1]) == TRICKY.rows[0][1].value  # type: ignore[union-attr]
    assert parsed[1][1] is None


def test_tsv_keeps_every_term_and_reads_back_with_rdflib_and_oxigraph() -> None:
    text = to_tsv(TRICKY)
    assert text.splitlines()[0] == "\t".join(f"?{v}" for v in TRICKY.vars)
    parsed = rdflib_rows(text, "tsv")
    first = parsed[0]
    assert first[0] == rdflib.URIRef(PRK)
    assert first[1] == rdflib.Literal(TRICKY.rows[0][1].value)  # type: ignore[union-attr]
    assert first[2] == rdflib.Literal(50000)
    assert first[3] == rdflib.Literal("Corée du Nord", lang="fr")
    assert isinstance(first[4], rdflib.BNode)
    assert parsed[1][1] is None
    back = ox.parse_query_results(text.encode(), format=ox.QueryResultsFormat.TSV)
    assert isinstance(back, ox.QuerySolutions)
    rows = [tuple(s[v] for v in TRICKY.vars) for s in back]
    assert rows[0][:4] == TRICKY.rows[0][:4]
    assert rows[1] == TRICKY.rows[1]


def test_json_follows_the_sparql_results_format() -> None:
    text = to_json(TRICKY)
    doc = json.loads(text)
    assert doc["head"]["vars"] == TRICKY.vars
    first, second = doc["results"]["bindings"]
    assert first["iri"] == {"type": "uri", "value": PRK}
    assert first["lang"] == {"type": "literal", "value": "Corée du Nord", "xml:lang": "fr"}
    assert first["number"]["datatype"] == XSD + "integer"
    assert "datatype" not in first["text"]  # a simple literal
    assert first["blank"] == {"type": "bnode", "value": "b0"}
    assert set(second) == {"iri", "number"}  # unbound cells are left out
    parsed = rdflib_rows(text, "json")
    assert parsed[0][3] == rdflib.Literal("Corée du Nord", lang="fr")
    assert parsed[1][2] == rdflib.Literal("-3.5", datatype=rdflib.XSD.decimal)
    back = ox.parse_query_results(text.encode(), format=ox.QueryResultsFormat.JSON)
    assert isinstance(back, ox.QuerySolutions)
    assert [tuple(s[v] for v in TRICKY.vars) for s in back] == TRICKY.rows


def test_table_aligns_and_shows_labels() -> None:
    lines = to_table(TRICKY, {PRK: "North Korea"}, max_width=20).splitlines()
    assert len(lines) == 4
    spans, at = [], 0
    for dashes in lines[1].split("  "):
        spans.append((at, at + len(dashes)))
        at += len(dashes) + 2
    cells = [[line[a:b].ljust(b - a) for a, b in spans] for line in lines[2:]]
    assert cells[0][0].rstrip() == "North Korea"  # a label instead of the IRI
    assert cells[1][0].rstrip() == "urn:x:1"  # no label, no prefix: the IRI
    assert cells[0][1].rstrip().endswith("…")  # long cells are cut …
    assert len(cells[0][1].rstrip()) == 20  # … at max_width
    assert "\n" not in cells[0][1]
    assert cells[0][2] == "50000".rjust(len(cells[0][2]))  # numbers are right-aligned
    assert cells[1][2] == "-3.5".rjust(len(cells[1][2]))
    assert cells[0][3].rstrip() == "Corée du Nord"


def test_markdown_escapes_pipes_and_right_aligns_numbers() -> None:
    text = to_markdown(TRICKY, {})
    lines = text.splitlines()
    assert lines[0] == "| iri | text | number | lang | blank | flag |"
    assert lines[1] == "|---|---|---:|---|---|---|"
    assert "\\| pipe" in lines[2]
    assert lines[2].startswith("| tkd:country-prk |")
    assert lines[2].count(" | ") == 5


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_an_empty_result(fmt: str) -> None:
    assert render(QueryResult(["a", "b"], []), fmt).startswith(("a", "?a", "{", "|"))


def test_catalogue_lists_names_titles_and_parameters() -> None:
    spec = parse_spec("# title: T\n# param: country (country) = PRK — c\nSELECT * {}", "q")
    listing = catalogue([spec])
    assert listing.vars == ["name", "title", "parameters"]
    assert [t.value for t in listing.rows[0]] == ["q", "T", "-p country=PRK"]  # type: ignore[union-attr]
