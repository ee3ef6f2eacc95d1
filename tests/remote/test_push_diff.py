"""A no-op push is detected exactly (kg.remote.diff compares sorted N-Triples lines): against a
real ``oxigraph serve``, a changed literal, datatype, language tag or blank-node structure is
sent again, literals that look like blank nodes or hold escapes compare equal, and another
store's way of writing values compares equal. (A store that answers fewer triples than it counts,
Virtuoso's ResultSetMaxRows: tests/remote/test_virtuoso.py.)"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox
import pytest
from remote_helpers import (  # noqa: F401 (fixtures: used as test parameters)
    GRAPHS,
    SOURCE,
    Oxigraph,
    copy_with,
    local_graph,
    methods,
    oxigraph_fixture,
    same_graph,
    store_fixture,
)

from kg.core import vocab as V
from kg.remote.diff import diff_lines, has_bnode, sorted_lines
from kg.remote.push import push_graphs, report_lines

pytestmark = pytest.mark.server
G = ox.NamedNode(V.source_graph("diff-test"))
OTHER = ox.NamedNode(V.source_graph("diff-other"))
S, P, Q = (ox.NamedNode(f"http://example.org/{x}") for x in ("s", "p", "q"))
XSD = "http://www.w3.org/2001/XMLSchema#"
AWKWARD = [  # literals whose N-Triples lines are easy to misread
    "a _:b .",
    "line\nbreak\ttab \\ back",
    'say "hi" _:x',
    "é ∑ 😀",
    "",
]


def small_store(change: Callable[[list[ox.Quad]], None] | None = None) -> ox.Store:
    """Two graphs: G with a number, a tagged and typed literal, awkward literals and two OWL-like
    blank-node structures; OTHER with one triple. ``change`` edits G's quads first."""
    b1, b2 = ox.BlankNode("r1"), ox.BlankNode("r2")
    quads = [
        ox.Quad(S, P, ox.Literal("5", datatype=ox.NamedNode(XSD + "integer")), G),
        ox.Quad(S, P, ox.Literal("Korea", language="en"), G),
        ox.Quad(S, P, ox.Literal("2020-01-01", datatype=ox.NamedNode(XSD + "date")), G),
        *(ox.Quad(S, Q, ox.Literal(text), G) for text in AWKWARD),
        ox.Quad(S, P, b1, G),
        ox.Quad(b1, P, ox.NamedNode("http://example.org/A"), G),
        ox.Quad(S, Q, b2, G),
        ox.Quad(b2, P, ox.NamedNode("http://example.org/B"), G),
        ox.Quad(S, P, S, OTHER),
    ]
    if change is not None:
        change(quads)
    store = ox.Store()
    store.extend(quads)
    return store


def swap(old: ox.Quad, new: ox.Quad) -> Callable[[list[ox.Quad]], None]:
    def change(quads: list[ox.Quad]) -> None:
        quads[quads.index(old)] = new

    return change


b1, b2 = ox.BlankNode("r1"), ox.BlankNode("r2")
FIVE = ox.Quad(S, P, ox.Literal("5", datatype=ox.NamedNode(XSD + "integer")), G)
KOREA = ox.Quad(S, P, ox.Literal("Korea", language="en"), G)
CHANGES = {
    "literal": swap(FIVE, ox.Quad(S, P, ox.Literal("6", datatype=FIVE.object.datatype), G)),  # type: ignore[union-attr]
    "datatype": swap(FIVE, ox.Quad(S, P, ox.Literal("5", datatype=ox.NamedNode("http://e/dt")), G)),
    "plain": swap(FIVE, ox.Quad(S, P, ox.Literal("5"), G)),
    "language": swap(KOREA, ox.Quad(S, P, ox.Literal("Korea", language="ko"), G)),
    "no language": swap(KOREA, ox.Quad(S, P, ox.Literal("Korea"), G)),
    "awkward": swap(ox.Quad(S, Q, ox.Literal(AWKWARD[0]), G), ox.Quad(S, Q, ox.Literal("a"), G)),
    # the same triples but the blank nodes linked the other way round: counts alike
    "blank-node structure": swap(ox.Quad(S, P, b1, G), ox.Quad(S, P, b2, G)),
}


@pytest.fixture(name="pushed")
def pushed_fixture(oxigraph: Oxigraph) -> str:
    """The Oxigraph store's URL after ``small_store()`` was pushed to it."""
    push_graphs(small_store(), oxigraph.store)
    return oxigraph.store


def test_the_same_graphs_are_a_no_op(pushed: str) -> None:
    again = push_graphs(small_store(), pushed)
    assert methods(again.requests) == ["GET", "GET"]
    assert again.pushed == []
    assert report_lines(again)[-1] == "pushed 0 of 2 graphs (2 unchanged)"


@pytest.mark.parametrize("what", sorted(CHANGES))
def test_any_change_is_sent_again(pushed: str, what: str) -> None:
    changed = small_store(CHANGES[what])
    dry = push_graphs(changed, pushed, dry_run=True)
    assert [d.iri for d in dry.diffs if d.needs("replace")] == [G.value]
    result = push_graphs(changed, pushed)
    assert result.pushed == [G.value]
    assert push_graphs(changed, pushed).pushed == []  # and now it is the same


def test_a_small_change_is_one_update_request(oxigraph: Oxigraph, store: ox.Store) -> None:
    push_graphs(store, oxigraph.store)
    newer = copy_with(store, {SOURCE: "v2"})
    dry = push_graphs(newer, oxigraph.store, dry_run=True)
    update = f"{oxigraph.base}/update"
    would = f"  would send POST {update} (application/sparql-update: DELETE DATA, INSERT DATA)"
    assert would in report_lines(dry)
    result = push_graphs(newer, oxigraph.store)
    assert result.patched == result.pushed == [SOURCE]
    assert methods(result.requests) == ["GET"] * GRAPHS  # no PUT
    assert ("POST", update) in result.requests
    assert result.verified == {SOURCE: len(local_graph(newer, SOURCE))}
    assert same_graph(oxigraph.graph(SOURCE), local_graph(newer, SOURCE))
    back = push_graphs(store, oxigraph.store)  # and the triple removed again: DELETE DATA
    assert back.patched == [SOURCE]
    assert same_graph(oxigraph.graph(SOURCE), local_graph(store, SOURCE))


def test_a_large_change_or_no_patching_is_sent_whole(pushed: str) -> None:
    def many(quads: list[ox.Quad]) -> None:  # 5 of 12 triples changed: over a quarter
        quads[3:8] = [ox.Quad(S, Q, ox.Literal(f"new {i}"), G) for i in range(5)]

    assert methods(push_graphs(small_store(many), pushed).requests) == ["GET", "GET", "PUT"]
    changed = small_store(CHANGES["literal"])
    assert push_graphs(changed, pushed, patch=False).patched == []
    assert push_graphs(small_store(), pushed).patched == [G.value]


def test_lines_with_blank_nodes_are_told_from_literals() -> None:
    lines = sorted_lines(small_store().dump(format=ox.RdfFormat.N_TRIPLES, from_graph=G))
    assert sum(map(has_bnode, lines)) == 4
    assert not any(has_bnode(x) for x in lines if b'"' in x)


def test_a_store_that_writes_values_its_own_way_compares_equal() -> None:
    ours = sorted_lines(
        b'<http://e/s> <http://e/p> "5"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    )
    theirs = b'<http://e/s>\t<http://e/p>  "05"^^<http://www.w3.org/2001/XMLSchema#integer>.\n'
    diff = diff_lines("http://g", ours, theirs + theirs)  # written twice, too
    assert not diff.needs("replace")
    assert diff.remote == 1


def test_big_graphs_are_compared_on_the_shipped_build(oxigraph: Oxigraph, store: ox.Store) -> None:
    first = push_graphs(store, oxigraph.store)
    again = push_graphs(store, oxigraph.store)
    assert again.pushed == []
    assert sorted(again.unchanged) == sorted(first.pushed)
