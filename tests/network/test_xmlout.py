"""The streaming GraphML/GEXF writers give the same bytes as the ElementTree writers they
replaced (tests/network/etree_reference.py), on the real networks and on generated ones with
every kind of value: odd characters, mixed types, missing values, empty graphs."""

from __future__ import annotations

import io

import networkx as nx
import pyoxigraph as ox
import pytest
from etree_reference import gexf_bytes as reference_gexf
from etree_reference import graphml_bytes as reference_graphml
from flowdata import synthetic_store
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg import pipeline
from kg.network import export as netio
from kg.network import flows as F
from kg.network import full as netfull
from kg.network.gexf import write_gexf
from kg.network.graphml import write_graphml


def streamed(graph: nx.MultiDiGraph, writer: object) -> bytes:
    buf = io.BytesIO()
    writer(graph, buf)  # type: ignore[operator]
    return buf.getvalue()


def assert_same(graph: nx.MultiDiGraph) -> None:
    assert streamed(graph, write_graphml) == reference_graphml(graph)
    assert streamed(graph, write_gexf) == reference_gexf(graph)
    assert netio.graphml_bytes(graph) == reference_graphml(graph)
    assert netio.gexf_bytes(graph) == reference_gexf(graph)


@pytest.fixture(scope="module")
def store(shipped_build: pipeline.BuildResult) -> ox.Store:
    return shipped_build.store


def test_shipped_networks(store: ox.Store) -> None:
    assert_same(F.flow_network(store))
    assert_same(F.flow_network(store, top=3))
    assert_same(netfull.full_network(store))


def test_synthetic_flows(store: ox.Store) -> None:
    assert_same(F.flow_network(synthetic_store(store)))


def test_empty_and_bare_graphs() -> None:
    assert_same(nx.MultiDiGraph())
    assert_same(nx.MultiDiGraph(title=""))
    bare = nx.MultiDiGraph(title="t")
    bare.add_node("A")
    bare.add_edge("A", "B", key="k")
    assert_same(bare)


texts = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("&<>\"'\r\n\t \x00\x01\x1b\x7f\ufffe\uffff\u00e9\u202e\U0001f600")),
        st.characters(codec="utf-8"),
        st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),  # lone surrogates
    ),
    max_size=12,
)
values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    texts,
    st.lists(st.integers(), max_size=2),
)
names = st.sampled_from(
    ["label", "weight", "latitude", "longitude", "kind", "a&b", "x<y", 'q"', "n\tm", "é"]
)
attrs = st.dictionaries(names, values, max_size=6)


@st.composite
def networks(draw: st.DrawFn) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph(**draw(st.dictionaries(st.sampled_from(["title", "flows"]), values)))
    ids = draw(st.lists(texts, max_size=6, unique=True))
    for node in ids:
        graph.add_node(node, **draw(attrs))
    if ids:
        for _ in range(draw(st.integers(0, 8))):
            u, v = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
            graph.add_edge(u, v, key=draw(texts), **draw(attrs))
    return graph


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks())
def test_generated_networks(graph: nx.MultiDiGraph) -> None:
    assert_same(graph)


def test_places_with_and_without_coordinates() -> None:
    graph = nx.MultiDiGraph(title="places")
    graph.add_node("A", label="a", latitude=1.5, longitude=-2.25)
    graph.add_node("B", label="b", latitude=1, longitude=2.0)  # an int: no position
    graph.add_edge("A", "B", key="f", weight=True, label="w")
    graph.add_edge("B", "A", key="g", weight=3, label=None)
    assert_same(graph)
    assert netio.gexf_bytes(graph).count(b"<viz:position ") == 1
    graph.remove_node("A")
    assert_same(graph)
    graph.remove_node("B")
    assert b"xmlns:viz=" not in netio.gexf_bytes(graph)
    assert_same(graph)
