"""The SPARQL text helpers used to page a query: top-level solution modifiers only, LIMIT and
OFFSET placed where the grammar wants them (checked by pyoxigraph's parser), nothing inside a
string, an IRI or a comment taken for code."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.query.sparqltext import modifiers, pageable, query_form, with_page

EX = "http://example.org/"


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s", {"ORDER"}),
        ("SELECT * { ?s ?p ?o } order  by ?s limit 5", {"ORDER", "LIMIT"}),
        ("SELECT * WHERE { { SELECT ?s { ?s ?p ?o } ORDER BY ?s LIMIT 3 } }", set()),
        (
            "SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s HAVING (COUNT(*) > 1) "
            "ORDER BY ?s OFFSET 2",
            {"GROUP", "HAVING", "ORDER", "OFFSET"},
        ),
        ('SELECT * WHERE { ?s ?p "} ORDER BY ?s LIMIT 1" }', set()),
        ("SELECT * WHERE { ?s ?p ?o } # ORDER BY ?s\n", set()),
        ("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s VALUES ?s { <http://e/x> }", {"ORDER"}),
        ("SELECT (EXISTS { ?a ?b ?c } AS ?e) WHERE { ?s ?p ?o } ORDER BY ?e", {"ORDER"}),
        ("SELECT ?limit WHERE { ?limit ?p ?o } ORDER BY ?limit", {"ORDER"}),
    ],
)
def test_modifiers(query: str, found: set[str]) -> None:
    assert modifiers(query) == found


def test_pageable() -> None:
    assert pageable("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s")
    assert not pageable("SELECT * WHERE { ?s ?p ?o }")
    assert not pageable("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 4")
    assert not pageable("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } ORDER BY ?s")
    assert query_form("PREFIX a: <http://e/> # SELECT\nASK {}") == "ASK"


def _store() -> ox.Store:
    s = ox.Store()
    for i in range(30):
        s.add(ox.Quad(ox.NamedNode(f"{EX}s{i:02d}"), ox.NamedNode(EX + "p"), ox.Literal(str(i))))
    return s


STORE = _store()


def rows(query: str) -> list[str]:
    answer = STORE.query(query)
    assert isinstance(answer, ox.QuerySolutions)
    return [str(r[0]) for r in answer]


parts = st.fixed_dictionaries(
    {
        "prefix": st.sampled_from(["", f"PREFIX ex: <{EX}>\n", "# a comment { }\n"]),
        "where": st.sampled_from(["WHERE ", ""]),
        "body": st.sampled_from(
            [
                "?s ?p ?o",
                '?s ?p ?o FILTER(?o != "} ORDER BY ?x LIMIT 1")',
                "{ SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY DESC(?s) LIMIT 20 }",
                "?s ?p ?o # } LIMIT 2\n",
            ]
        ),
        "order": st.sampled_from(["ORDER BY ?s", "ORDER BY DESC(?s) ?o", "order by ?s # end"]),
        "values": st.sampled_from(["", f"\nVALUES ?p {{ <{EX}p> }}"]),
        "limit": st.integers(1, 12),
        "offset": st.integers(0, 35),
    }
)


@settings(max_examples=60, deadline=None)
@given(parts)
def test_pages_parse_and_fit_together(p: dict[str, object]) -> None:
    query = f"{p['prefix']}SELECT ?s {p['where']}{{ {p['body']} }} {p['order']}{p['values']}"
    assert pageable(query)
    everything = rows(query)
    limit, offset = int(p["limit"]), int(p["offset"])  # type: ignore[call-overload]
    assert rows(with_page(query, limit, offset)) == everything[offset : offset + limit]
