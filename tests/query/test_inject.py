"""Where kg.query.inject puts a parameter's VALUES block: in the query's own WHERE group always,
in a subquery only when the subquery names the parameter (Virtuoso 7.2 runs without end on a
block inside a grouped subquery that never names it), and the answers are those of a block in
every group, for every query kg ships, on a graph where each has rows."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.query.inject import Term, inject_values, where_braces, where_groups
from kg.query.named import discover, load_query
from kg.query.params import bind_params

ROOT = Path(__file__).resolve().parents[2]
QUERIES = ROOT / "queries"  # kg's own libraries bind by rq.Library.bound, in one group


def everywhere(text: str, bound: Mapping[str, Term]) -> str:
    """The block at the start of every WHERE group, as kg bound parameters before."""
    names = sorted(bound)
    block = (
        f" VALUES ({' '.join('?' + n for n in names)}) "
        f"{{ ({' '.join(str(bound[n]) for n in names)}) }} "
    )
    out, last = [], 0
    for at in where_braces(text):
        out += [text[last : at + 1], block]
        last = at + 1
    return "".join([*out, text[last:]])


def test_a_subquery_that_never_names_the_parameter_gets_no_block() -> None:
    text = (
        "SELECT ?country ?n WHERE {\n"
        "  { SELECT ?country (COUNT(*) AS ?n) WHERE { ?f <urn:to> ?country } GROUP BY ?country }\n"
        "  ?f <urn:from> ?origin ; <urn:to> ?country .\n"
        "}"
    )
    bound = inject_values(text, {"origin": ox.NamedNode("urn:prk")})
    assert bound.count("VALUES") == 1
    assert bound.index("VALUES") < bound.index("{ SELECT")
    both = inject_values(text, {"origin": ox.NamedNode("urn:a"), "country": ox.NamedNode("urn:b")})
    assert both.count("VALUES (?country ?origin)") == 1  # the query's own group: every one
    assert both.count("VALUES (?country)") == 1  # the subquery: the one it names
    assert bound.count("\n") == text.count("\n")  # line numbers stay those of the file


def test_a_name_in_the_projection_or_group_by_counts() -> None:
    text = "SELECT * WHERE { { SELECT ?x (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?x } }"
    assert inject_values(text, {"x": ox.Literal("1")}).count("VALUES (?x)") == 2


def test_a_longer_name_is_not_the_parameter() -> None:
    text = "SELECT ?x WHERE { ?x ?p ?o { SELECT ?xy WHERE { ?xy ?q $x2 } } }"
    assert inject_values(text, {"x": ox.Literal("1")}).count("VALUES") == 1
    assert inject_values(text, {"xy": ox.Literal("1")}).count("VALUES") == 2


def test_a_query_without_the_where_keyword_binds_in_its_own_group() -> None:
    text = "SELECT ?x ?y { { SELECT ?y WHERE { ?s ?p ?y } } ?x <urn:p> ?y }"
    groups = where_groups(text)
    assert [g.top for g in groups] == [True, False]
    store = ox.Store()
    for s, o in (("a", "b"), ("c", "d")):
        store.add(
            ox.Quad(ox.NamedNode(f"urn:{s}"), ox.NamedNode("urn:p"), ox.NamedNode(f"urn:{o}"))
        )
    bound = inject_values(text, {"x": ox.NamedNode("urn:a")})
    rows = list(store.query(bound))  # type: ignore[arg-type]
    assert [r["y"] for r in rows] == [ox.NamedNode("urn:b")]


def test_no_group_at_all_is_an_error() -> None:
    from kg.core.errors import QueryError

    with pytest.raises(QueryError, match="no WHERE group"):
        inject_values("SELECT ?x", {"x": ox.Literal("1")})


@given(
    name=st.from_regex(r"[a-z][a-zA-Z0-9_]{0,8}", fullmatch=True),
    mention=st.sampled_from(["?{n}", "${n}", "?{n}x", "?x{n}", "<urn:{n}>", '"?{n}"']),
)
@settings(max_examples=200, deadline=None)
def test_a_block_in_a_subquery_exactly_when_it_names_the_parameter(name: str, mention: str) -> None:
    inner = mention.format(n=name)
    text = f"SELECT * WHERE {{ ?_s ?_p ?_o {{ SELECT ?_s WHERE {{ ?_s ?_p {inner} }} }} }}"
    try:
        ox.Store().query(text)
    except SyntaxError:
        return  # not a query (a keyword as a prefixed name, say): nothing to bind
    bound = inject_values(text, {name: ox.Literal("v")})
    names_it = inner in (f"?{name}", f"${name}", f'"?{name}"')  # a string counts: harmless
    assert bound.count("VALUES") == (2 if names_it else 1)
    ox.Store().query(bound)  # still one valid query


def rows(store: ox.Store, text: str) -> list[tuple[str, ...]]:
    answer = store.query(text, use_default_graph_as_union=True)
    assert isinstance(answer, ox.QuerySolutions)
    return [tuple(str(term) for term in solution) for solution in answer]


#: A value of each parameter type, to bind a parameter whose default is ``*``.
SAMPLES = {
    "country": "PRK",
    "int": "1",
    "year": "2015",
    "agent": "us-dos-jtip",
    "string": "law",
    "iri": "tk:Claim",
    "concept:aspect": "comprehensive-law",
    "concept:direction": "harm-reported",
    "concept:effect": "penalizes-victims",
    "concept:evidence": "reported",
    "concept:form": "forced-labour",
    "concept:pillar": "protection",
    "concept:role": "destination",
    "concept:unit": "identified-victims",
}


def _cases() -> list[tuple[str, str | None]]:
    """Each named query with its defaults (None), and with each parameter given a value."""
    cases: list[tuple[str, str | None]] = []
    for name in sorted(discover(QUERIES)):
        params = load_query(QUERIES, name).params
        if any(param.default not in (None, "*") for param in params):
            cases.append((name, None))
        cases += [(name, param.name) for param in params]
    return cases


@pytest.mark.parametrize(("name", "param"), _cases())
def test_the_same_rows_as_a_block_in_every_group(
    name: str, param: str | None, rich_graph: ox.Store, bare_graph: ox.Store
) -> None:
    spec = load_query(QUERIES, name)
    given: dict[str, str] = {}
    if param is not None:
        kind = next(p.kind for p in spec.params if p.name == param)
        given[param] = SAMPLES[kind or "string"]
    bound = bind_params(spec.name, spec.params, given)
    assert bound
    for store in (rich_graph, bare_graph):
        assert rows(store, inject_values(spec.text, bound)) == rows(
            store, everywhere(spec.text, bound)
        )


_TOKENS = st.sampled_from(
    [
        "{",
        "}",
        " WHERE ",
        "where",
        "SELECT ?x",
        " ?x ",
        "$x",
        " ?xy ",
        "?y",
        "<urn:a>",
        "<not an iri",
        '"s"',
        "'t'",
        '"""long { } """',
        '"open',
        "# c { WHERE }\n",
        "\n",
        " . ",
        "UNION",
        "OPTIONAL",
        "FILTER(?x > 1)",
        "\\",
        "“",
        "\u00b7",
    ]
)


@given(parts=st.lists(_TOKENS, max_size=40), value=st.text(max_size=20))
@settings(max_examples=400, deadline=None)
def test_binding_only_ever_inserts_whole_blocks(parts: list[str], value: str) -> None:
    """On any text, hostile or not, binding inserts whole VALUES blocks right after some of
    its braces and changes nothing else; or it says there is no group to bind in."""
    from kg.core.errors import QueryError

    text = "".join(parts)
    term = ox.Literal(value)
    block = f" VALUES (?x) {{ ({term}) }} "
    try:
        bound = inject_values(text, {"x": term})
    except QueryError:
        assert "{" not in text or not where_groups(text)
        return
    assert bound.replace(block, "") == text
    assert bound.count(block) <= text.count("{")
    for group in where_groups(text):
        assert text[group.brace] == "{"
