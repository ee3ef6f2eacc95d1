"""The build keeps the answers of the flow network's queries, evaluating some of them by a twin
planned for its in-memory store (``kg.network.answers.memory_twins``). A twin must give the
reader's query's rows, whatever the flows hold: none, one or several values of each property,
estimates without values, the same statement in several graphs."""

from __future__ import annotations

import pyoxigraph as ox
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.core import vocab as V
from kg.core.kept import record
from kg.network.answers import memory_twins, network_answers, network_queries

TK = "https://w3id.org/kg-tip/ontology#"
GRAPHS = [ox.NamedNode(V.source_graph("a")), ox.NamedNode(V.source_graph("b"))]
FLOW_PROPERTIES = ("origin", "isAggregate", "partOfFlow", "year", "locator", "statedIn")
ESTIMATE_PROPERTIES = (
    "pointValue",
    "lowerBound",
    "upperBound",
    "countUnit",
    "estimateMethod",
    "censored",
)


def _value(prop: str, n: int) -> ox.NamedNode | ox.Literal:
    if prop in ("isAggregate", "censored"):
        return ox.Literal(str(n % 2 == 0).lower(), datatype=ox.NamedNode(V.XSD + "boolean"))
    if prop in ("year", "pointValue", "lowerBound", "upperBound"):
        return ox.Literal(str(2000 + n), datatype=ox.NamedNode(V.XSD + "integer"))
    if prop == "locator":
        return ox.Literal(f"p. {n}")
    return ox.NamedNode(f"http://e/{prop}/{n}")


#: The values of one property: (value number, graph number), none to three of them.
counts = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 1)), max_size=3)
Spec = list[tuple[dict[str, list[tuple[int, int]]], list[dict[str, list[tuple[int, int]]]]]]
flows = st.lists(
    st.tuples(
        st.fixed_dictionaries({p: counts for p in FLOW_PROPERTIES}),
        st.lists(st.fixed_dictionaries({p: counts for p in ESTIMATE_PROPERTIES}), max_size=2),
    ),
    max_size=5,
)


def _store(spec: Spec) -> ox.Store:
    """Flows and their estimates; each property has values ``(n, graph)``, as many as listed
    (a value listed twice in two graphs is the same statement in both)."""
    store = ox.Store()
    for f, (props, estimates) in enumerate(spec):
        flow = ox.NamedNode(f"http://e/flow/{f}")
        for prop, values in props.items():
            for n, g in values:
                store.add(ox.Quad(flow, ox.NamedNode(TK + prop), _value(prop, n), GRAPHS[g]))
        for e, eprops in enumerate(estimates):
            estimate = ox.NamedNode(f"http://e/flow/{f}/estimate/{e}")
            store.add(ox.Quad(flow, ox.NamedNode(TK + "hasEstimate"), estimate, GRAPHS[0]))
            for prop, values in eprops.items():
                for n, g in values:
                    store.add(
                        ox.Quad(estimate, ox.NamedNode(TK + prop), _value(prop, n), GRAPHS[g])
                    )
    return store


@settings(max_examples=120, deadline=None)
@given(spec=flows)
def test_every_twin_gives_its_readers_rows(spec: Spec) -> None:
    store = _store(spec)
    twins = memory_twins()
    readers = list(twins)
    assert record(store, readers, twins) == record(store, readers)


def test_twins_on_a_rich_graph(rich_graph: ox.Store) -> None:
    """On the shared rich graph (hundreds of flows, aggregates, estimates of several units)
    the kept answers are those of the reader queries, every one of them."""
    assert network_answers(rich_graph) == record(rich_graph, network_queries())


def test_the_twins_are_other_queries_for_read_queries() -> None:
    twins = memory_twins()
    assert len(twins) >= 2
    assert set(twins) <= set(network_queries())  # a twin answers a query the readers send
    assert all(twin != reader for reader, twin in twins.items())
