"""The flow reader (SPARQL TSV, labels in their own queries) gives the same flows as the
reader it replaced (tests/network/flows_reference.py), on the shipped data, the synthetic
flows and generated graphs with several estimates, blank nodes and odd labels; a country's
flows are exactly the flows from or to it."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest
from flowdata import synthetic_store
from flows_reference import read_flows as reference_flows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg import pipeline
from kg.core import vocab as V
from kg.network import read

TK, SKOS, DCT = V.TK, "http://www.w3.org/2004/02/skos/core#", "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def store(shipped_build: pipeline.BuildResult) -> ox.Store:
    return shipped_build.store


def test_shipped_and_synthetic(store: ox.Store) -> None:
    for graph in (store, synthetic_store(store, n=600)):
        flows = read.read_flows(graph)
        assert flows
        assert flows == reference_flows(graph)


def test_a_countrys_flows(store: ox.Store) -> None:
    big = synthetic_store(store, n=600)
    every = read.read_flows(big)
    for code in ("PRK", "CHN", "FRA", "150"):
        iri = read.resolve_country(big, code)
        mine = {k: f for k, f in every.items() if iri == f.origin or iri in f.destinations}
        assert read.read_flows(big, country=iri) == mine
    assert read.read_flows(big, country=V.TKD + "country-nowhere") == {}


odd = st.sampled_from('"\\\t\n@<>')
label_text = st.text(
    st.one_of(st.characters(codec="utf-8", exclude_categories=("Cs",)), odd), min_size=1, max_size=8
)
names = st.from_regex(r"[a-z0-9_~-]{1,6}", fullmatch=True)


def node(kind: str, name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{V.TKD}{kind}-{name}")


@st.composite
def flow_graphs(draw: st.DrawFn) -> ox.Store:
    store = ox.Store()
    graph = ox.NamedNode(V.source_graph("generated"))

    def add(
        s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal
    ) -> None:
        store.add(ox.Quad(s, ox.NamedNode(p), o, graph))

    places = [node("country", c) for c in ("aaa", "bbb", "ccc")]
    forms = [ox.NamedNode(f"{V.TKV}form-{n}") for n in ("x", "y", "z")]
    for form in forms[:2]:
        add(form, SKOS + "prefLabel", ox.Literal(draw(label_text), language="en"))
    units = [ox.NamedNode(f"{V.TKV}unit-{n}") for n in ("a", "b")]
    add(units[0], SKOS + "prefLabel", ox.Literal(draw(label_text)))
    sources = [node("source", n) for n in ("s1", "s2")]
    add(sources[0], DCT + "title", ox.Literal(draw(label_text)))
    level = ox.NamedNode(V.TKV + "reliability-high")
    add(level, SKOS + "prefLabel", ox.Literal("high", language="en"))
    add(sources[1], TK + "reliability", level)
    flows = [node("flow", n) for n in draw(st.lists(names, min_size=1, max_size=5, unique=True))]
    for flow in flows:
        add(flow, TK + "origin", draw(st.sampled_from(places)))
        for place in draw(st.lists(st.sampled_from(places), max_size=2, unique=True)):
            add(flow, TK + "destination", place)
        for form in draw(st.lists(st.sampled_from(forms), max_size=2, unique=True)):
            add(flow, TK + "concernsForm", form)
        for source in draw(st.lists(st.sampled_from(sources), max_size=2, unique=True)):
            add(flow, TK + "statedIn", source)
        if draw(st.booleans()):
            add(
                flow,
                V.RDF + "type",
                ox.NamedNode(TK + draw(st.sampled_from(["CrossBorderFlow", "InternalFlow"]))),
            )
        if draw(st.booleans()):
            add(
                flow,
                TK + "year",
                ox.Literal(
                    str(draw(st.integers(1990, 2030))), datatype=ox.NamedNode(XSD + "gYear")
                ),
            )
        if draw(st.booleans()):
            add(flow, TK + "locator", ox.Literal(draw(label_text)))
        if draw(st.booleans()):
            add(
                flow,
                TK + "isAggregate",
                ox.Literal(
                    draw(st.sampled_from(["true", "false"])), datatype=ox.NamedNode(XSD + "boolean")
                ),
            )
        if draw(st.booleans()) and flow != flows[0]:
            add(flow, TK + "partOfFlow", flows[0])
        for i in range(draw(st.integers(0, 2))):
            name = f"{flow.value.rsplit('-', 1)[1]}x{i}{draw(names)}"  # one per flow
            estimate: ox.NamedNode | ox.BlankNode = (
                ox.BlankNode("b" + name.replace("~", ""))
                if draw(st.booleans())
                else node("estimate", name)
            )
            add(flow, TK + "hasEstimate", estimate)
            for prop in ("pointValue", "lowerBound", "upperBound"):
                if draw(st.booleans()):
                    add(
                        estimate,
                        TK + prop,
                        ox.Literal(
                            str(draw(st.integers(0, 10**12))),
                            datatype=ox.NamedNode(XSD + "integer"),
                        ),
                    )
            if draw(st.booleans()):
                add(estimate, TK + "countUnit", draw(st.sampled_from(units)))
            if draw(st.booleans()):
                add(
                    estimate,
                    TK + "censored",
                    ox.Literal(
                        draw(st.sampled_from(["true", "false"])),
                        datatype=ox.NamedNode(XSD + "boolean"),
                    ),
                )
    return store


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flow_graphs())
def test_generated_graphs(graph: ox.Store) -> None:
    assert read.read_flows(graph) == reference_flows(graph)


def test_network_files_are_unchanged(store: ox.Store) -> None:
    """GraphML, GEXF and CSV of the flow network, from a networkx graph and from the sorted rows
    kg export writes: the same bytes as the old reader, network and ElementTree writers gave."""
    from etree_reference import gexf_bytes, graphml_bytes
    from flows_reference import flow_network as reference_network

    from kg.network import export
    from kg.network.flows import flow_network

    for graph in (store, synthetic_store(store, n=600)):
        old, new = reference_network(graph), flow_network(graph)
        assert export.graphml_bytes(new) == graphml_bytes(old)
        assert export.gexf_bytes(new) == gexf_bytes(old)
        assert export.csv_bytes(new) == export.csv_bytes(old)
        rows = export.network_of(graph)  # what kg export writes: sorted rows, no networkx
        assert export.graphml_bytes(rows) == graphml_bytes(old)
        assert export.gexf_bytes(rows) == gexf_bytes(old)
        for table in ("nodes", "edges", "both"):
            assert export.csv_bytes(rows, table) == export.csv_bytes(old, table)
        for fmt, expected in (("graphml", graphml_bytes(old)), ("gexf", gexf_bytes(old))):
            buf = io.BytesIO()
            export.export(graph, fmt, buf)
            assert buf.getvalue() == expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flow_graphs())
def test_generated_network_files(graph: ox.Store) -> None:
    from etree_reference import graphml_bytes
    from flows_reference import flow_network as reference_network

    from kg.network import export
    from kg.network.flows import flow_network

    expected = graphml_bytes(reference_network(graph))
    assert export.graphml_bytes(flow_network(graph)) == expected
    assert export.graphml_bytes(export.network_of(graph)) == expected
