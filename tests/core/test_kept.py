"""SPARQL answers kept and answered again (``kg.core.kept``): a kept answer gives the same
rows and the same TSV as the store; queries not kept, or not over the union of all graphs, go
to the store; the bytes they are kept as are read back whole, and anything else (another key,
another layout, damaged, truncated, random bytes) is refused, never half read."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.core import rq
from kg.core.kept import (
    ANSWERS_FORMAT,
    KeptAnswers,
    answers_bytes,
    query_key,
    read_answers,
    record,
    union_tsv,
)
from kg.network.answers import network_queries

KEY = {"build": "b1", "kg_version": "1"}
TK = "https://w3id.org/kg-tip/ontology#"
LABELS = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"


@pytest.fixture(scope="module")
def store(rich_graph: ox.Store) -> ox.Store:
    return rich_graph


def _rows(result: object) -> list[list[object]]:
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [[row[n] for n in names] for row in result]


def _in_order(text: str, rows: list[list[object]]) -> list[list[object]]:
    """``rows`` as the query orders them, sorted when it does not (a store's order is its own)."""
    return rows if "ORDER BY" in text else sorted(rows, key=str)


def test_kept_answers_are_the_stores(store: ox.Store) -> None:
    """The same rows; in the same order where the query has an ORDER BY."""
    queries = [*network_queries(), LABELS]
    kept = KeptAnswers(record(store, queries))
    for text in queries:
        replayed = _rows(kept.query(text, use_default_graph_as_union=True))
        direct = _rows(store.query(text, use_default_graph_as_union=True))
        assert _in_order(text, replayed) == _in_order(text, direct)
        (head, rows), (head_direct, rows_direct) = rq.tsv_rows(kept, text), rq.tsv_rows(store, text)
        assert head == head_direct
        assert _in_order(text, rows) == _in_order(text, rows_direct)  # type: ignore[arg-type]
    assert kept.sent == 0


def test_other_queries_go_to_the_store(store: ox.Store) -> None:
    kept = KeptAnswers(record(store, [LABELS]), store)
    other = f"SELECT ?f WHERE {{ ?f <{TK}origin> ?o }}"
    assert _rows(kept.query(other, use_default_graph_as_union=True)) == _rows(
        store.query(other, use_default_graph_as_union=True)
    )
    assert kept.sent == 1
    # kept answers are over the union of all graphs: the default graph alone is asked again
    assert _rows(kept.query(LABELS)) == _rows(store.query(LABELS))
    assert kept.sent == 2
    with pytest.raises(LookupError):
        KeptAnswers({}).query(other, use_default_graph_as_union=True)


def test_only_select_answers_are_kept(store: ox.Store) -> None:
    with pytest.raises(ValueError, match="SELECT"):
        record(store, ["ASK { ?s ?p ?o }"])


def test_bytes_read_back(store: ox.Store) -> None:
    answers = record(store, [LABELS, network_queries()[0]])
    data = answers_bytes(answers, KEY)
    assert read_answers(data, KEY) == answers
    assert read_answers(answers_bytes({}, KEY), KEY) == {}


def _head(**fields: object) -> bytes:
    return (json.dumps({"kg-answers": ANSWERS_FORMAT, **KEY, **fields}) + "\n").encode()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"junk",
        b"{}\n",
        b"[]\n",
        _head(answers=[["k", 3]]) + b"ab",  # truncated
        _head(answers=[["k", 3]]) + b"abcd",  # longer than its index says
        _head(answers=[["k", -1]]),
        _head(answers=[["k"]]),
        _head(answers=[[1, 0]]),
        _head(answers={"k": 0}),
        _head(),  # no index
        _head(answers=[], build="other"),  # another build
        (json.dumps({"kg-answers": 0, **KEY, "answers": []}) + "\n").encode(),  # another layout
    ],
)
def test_other_bytes_are_refused(data: bytes) -> None:
    assert read_answers(data, KEY) is None


@given(st.binary(max_size=300))
def test_random_bytes_never_raise(data: bytes) -> None:
    found = read_answers(data, KEY)
    assert found is None or isinstance(found, dict)


@given(st.lists(st.tuples(st.text(max_size=8), st.binary(max_size=40)), max_size=5))
def test_any_answers_read_back_and_fail_when_cut(items: list[tuple[str, bytes]]) -> None:
    answers = {query_key(text): data for text, data in items}
    data = answers_bytes(answers, KEY)
    assert read_answers(data, KEY) == answers
    if any(answers.values()):
        assert read_answers(data[:-1], KEY) is None


def test_kept_bytes_depend_only_on_the_graph(store: ox.Store) -> None:
    """The same quads added in another order: the store gives many answers' rows in another
    order, the kept answers are the same bytes (unordered answers are sorted, ordered ones
    are ordered by every column)."""
    quads = list(store)
    forward, backward = ox.Store(), ox.Store()
    forward.extend(quads)
    backward.extend(reversed(quads))
    queries = network_queries()
    assert any(union_tsv(forward, q) != union_tsv(backward, q) for q in queries)
    assert record(forward, queries) == record(backward, queries)
    ordered = [q for q in queries if "ORDER BY" in q]
    assert ordered  # kept as the store orders them
    assert record(forward, ordered) == {query_key(q): union_tsv(forward, q) for q in ordered}
