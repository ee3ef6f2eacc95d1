"""kg.core.rq reads SPARQL TSV cells (the fast path for large answers) into the same Python
values as it reads pyoxigraph's terms, for every kind of term a store can hold."""

from __future__ import annotations

import pyoxigraph as ox
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.core import rq

XSD = "http://www.w3.org/2001/XMLSchema#"
DATATYPES = [
    "integer", "int", "long", "short", "byte", "unsignedShort", "nonNegativeInteger",
    "positiveInteger", "negativeInteger", "decimal", "double", "float", "boolean", "gYear",
    "date", "dateTime", "string", "anyURI", "duration",
]  # fmt: skip
LEXICAL = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=True).map(repr),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
    st.sampled_from(["true", "false", "1", "0", "INF", "-INF", "NaN", "+5", "05", ".5", "1e3"]),
    st.sampled_from(["2020", "2020-01-31", "P1Y", "abc", ""]),
)
ODD = st.sampled_from(list("\t\n\r\"\\'\x00\x08\x0c"))
TEXT = st.text(
    st.one_of(st.characters(codec="utf-8", exclude_categories=("Cs",)), ODD), max_size=10
)


@st.composite
def terms(draw: st.DrawFn) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    kind = draw(st.sampled_from(["iri", "bnode", "plain", "lang", "typed"]))
    if kind == "iri":
        return ox.NamedNode(
            "http://example.org/" + draw(st.from_regex(r"[a-z0-9_~é-]{0,8}", fullmatch=True))
        )
    if kind == "bnode":
        return ox.BlankNode(draw(st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True)))
    if kind == "plain":
        return ox.Literal(draw(TEXT))
    if kind == "lang":
        return ox.Literal(draw(TEXT), language=draw(st.sampled_from(["en", "en-GB", "fr"])))
    datatype = ox.NamedNode(XSD + draw(st.sampled_from(DATATYPES)))
    return ox.Literal(draw(st.one_of(LEXICAL, TEXT)), datatype=datatype)


@settings(max_examples=300, deadline=None)
@given(st.lists(terms(), min_size=1, max_size=8))
def test_tsv_cells_read_like_terms(objects: list[ox.NamedNode | ox.BlankNode | ox.Literal]) -> None:
    store = ox.Store()
    graph = ox.NamedNode("http://example.org/g")
    for i, term in enumerate(objects):
        subject = ox.NamedNode(f"http://example.org/s{i:03}")
        store.add(ox.Quad(subject, ox.NamedNode("http://example.org/p"), term, graph))
    query = "SELECT ?s ?o ?none { ?s ?p ?o OPTIONAL { ?o ?p ?none } } ORDER BY ?s"
    solutions = store.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    rows = [list(row) for row in solutions]
    head, cells = rq.tsv_rows(store, query)
    assert head == ["?s", "?o", "?none"]
    assert [[same(rq.cell_value(c)) for c in row] for row in cells] == [
        [same(rq.value(t)) for t in row] for row in rows
    ]
    assert [[rq.cell_text(c) for c in row] for row in cells] == [
        [t.value if isinstance(t, ox.Literal) else rq.text({"x": rq.value(t)}, "x") for t in row]
        for row in rows
    ]
    assert [[rq.cell_int(c) for c in row] for row in cells] == [
        [rq.integer({"x": rq.value(t)}, "x") for t in row] for row in rows
    ]


def same(value: object) -> object:
    """NaN compares unequal to itself: compare it by name."""
    return "NaN" if isinstance(value, float) and value != value else (type(value), value)
