"""The build's writers (kg.graph.dump, kg.graph.jsonld_stream) on hostile graphs.

graph.jsonld is checked byte for byte against ``json.dumps(indent=1, sort_keys=True,
ensure_ascii=False)`` of a document built here from pyoxigraph terms (the layout the writer
promises), and as a graph against rdflib's reading of it; every format is written the same
with and without helper processes.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib.compare import to_isomorphic

from kg.core import vocab as V
from kg.graph import jsonld_stream
from kg.graph.dump import sorted_dump, write_all, write_graphs

TK, TKD, XSD = V.PREFIXES["tk"], V.PREFIXES["tkd"], V.PREFIXES["xsd"]
RDF_TYPE = ox.NamedNode(V.RDF + "type")
HOSTILE = [
    'quote " and backslash \\ and both \\"',
    "newline\nreturn\rtab\tformfeed\fbackspace\b",
    "".join(chr(c) for c in range(32)) + "\x7f\x80\x9f",
    "line separators \u2028 \u2029, BOM \ufeff, NUL-free",
    "non-BMP \U0001f600 \U00010348 \U0010fffd",
    "ends with a backslash \\",
    '"',
    "",
    " .\n",
    "x" * 100_000 + '"\\',
    "<not an IRI> _:b0 @en ^^<x>",
]
CONTEXT: dict[str, Any] = {**V.PREFIXES, "label": {"@id": "rdfs:label"}}


def hostile_store() -> ox.Store:
    """Literals with every escape, tags, datatypes, types, blank nodes, several graphs."""
    store = ox.Store()
    g1, g2 = ox.NamedNode("https://w3id.org/kg-tip/graph/a"), ox.NamedNode("urn:graph:b")
    node = ox.NamedNode(TKD + "node")
    other = ox.NamedNode("http://example.org/other#x")
    blank = ox.BlankNode("b0")
    objects: list[ox.NamedNode | ox.BlankNode | ox.Literal] = [
        *(ox.Literal(text) for text in HOSTILE),
        *(ox.Literal(text, language=tag) for text in HOSTILE[:4] for tag in ("en", "en-us")),
        ox.Literal("12", datatype=ox.NamedNode(XSD + "integer")),
        ox.Literal("1.5", datatype=ox.NamedNode(XSD + "decimal")),
        ox.Literal("1.5e0", datatype=ox.NamedNode(XSD + "double")),
        ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")),
        ox.Literal('odd "datatype"', datatype=ox.NamedNode("http://example.org/dt#odd")),
        ox.Literal("x", datatype=ox.NamedNode(XSD + "string")),
        other,
        blank,
        ox.NamedNode(TKD + "country-prk"),
    ]
    for i, obj in enumerate(objects):
        graph = (ox.DefaultGraph(), g1, g2)[i % 3]
        store.add(ox.Quad(node, ox.NamedNode(TK + "value"), obj, graph))
        store.add(ox.Quad(blank, ox.NamedNode(f"{TK}p{i % 4}"), obj, graph))
        store.add(ox.Quad(other, ox.NamedNode(f"http://example.org/p/{i}"), obj, g2))
    for cls in ("Country", "Estimate", "Country"):  # one type twice, in two graphs
        for graph in (g1, g2):
            store.add(ox.Quad(node, RDF_TYPE, ox.NamedNode(TK + cls), graph))
    store.add(ox.Quad(node, RDF_TYPE, ox.Literal("a literal type"), g1))
    store.add(ox.Quad(node, RDF_TYPE, blank, g1))
    store.add(ox.Quad(other, RDF_TYPE, ox.NamedNode("http://example.org/C"), g2))
    return store


def compact(term: ox.NamedNode | ox.BlankNode) -> str:
    return V.shorten(term.value) if isinstance(term, ox.NamedNode) else f"_:{term.value}"


def value_object(term: Any) -> dict[str, str]:
    if not isinstance(term, ox.Literal):
        return {"@id": compact(term)}
    value = {"@value": term.value}
    if term.language:
        value["@language"] = term.language
    elif term.datatype.value != XSD + "string":
        value["@type"] = compact(term.datatype)
    return value


def expected_jsonld(store: ox.Store, context: dict[str, Any]) -> bytes:
    """The document the writer promises, built from terms and written by json.dumps."""
    triples = sorted(
        {q.triple for q in store}, key=lambda t: f"{t.subject} {t.predicate} {t.object}".encode()
    )
    nodes: dict[Any, dict[str, Any]] = {}
    for t in triples:
        node = nodes.setdefault(t.subject, {"@id": compact(t.subject)})
        if t.predicate == RDF_TYPE and isinstance(t.object, ox.NamedNode):
            node.setdefault("@type", []).append(compact(t.object))
            continue
        values = node.setdefault(compact(t.predicate), [])
        if value_object(t.object) not in values:
            values.append(value_object(t.object))
    doc = {"@context": context, "@graph": list(nodes.values())}
    return (json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def union_graph(store: ox.Store) -> rdflib.Graph:
    graph = rdflib.Graph()
    data = b"".join(line + b" .\n" for line in sorted_dump(store).union)
    return graph.parse(data=data.decode(), format="nt")


def written(store: ox.Store, out: Path, parallel_min: int) -> dict[str, bytes]:
    out.mkdir()
    write_all(store, out, CONTEXT, parallel_min=parallel_min)
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_hostile_graph_jsonld_is_the_promised_json_and_the_same_graph(tmp_path: Path) -> None:
    store = hostile_store()
    files = written(store, tmp_path / "out", 10**12)
    assert files["graph.jsonld"] == expected_jsonld(store, CONTEXT)
    json.loads(files["graph.jsonld"])  # strict JSON
    back = rdflib.Graph().parse(data=files["graph.jsonld"].decode(), format="json-ld")
    assert to_isomorphic(back) == to_isomorphic(union_graph(store))
    for name, fmt in (("graph.ttl", "turtle"), ("graph.nt", "nt")):
        parsed = rdflib.Graph().parse(data=files[name].decode(), format=fmt)
        assert to_isomorphic(parsed) == to_isomorphic(union_graph(store))


def test_the_counts_of_the_written_graphs_are_those_of_the_store(tmp_path: Path) -> None:
    """The counts come from the dump (no query): the same as kg.pipeline.graph_counts, the
    same triple in two graphs counted in each, the union counted once."""
    from kg.pipeline import graph_counts

    store = hostile_store()
    first = next(iter(store))
    other = ox.NamedNode("http://example.org/another-graph")
    store.add(ox.Quad(first.subject, first.predicate, first.object, other))
    (tmp_path / "out").mkdir()
    result = write_graphs(store, tmp_path / "out", CONTEXT, parallel_min=10**12)
    assert result.graphs == graph_counts(store)
    assert result.graphs[other.value] == 1
    assert result.triples == len(union_graph(store))


def test_helper_processes_write_the_same_bytes(tmp_path: Path) -> None:
    store = hostile_store()
    assert written(store, tmp_path / "serial", 10**12) == written(store, tmp_path / "helpers", 0)


def test_outputs_do_not_depend_on_insertion_order(tmp_path: Path) -> None:
    store = hostile_store()
    backwards = ox.Store()
    backwards.extend(reversed(list(store)))
    assert written(store, tmp_path / "a", 10**12) == written(backwards, tmp_path / "b", 10**12)


def test_file_lines_list_lines_and_a_small_cache_give_the_same_json(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = hostile_store()
    union = sorted_dump(store).union
    as_file = io.BytesIO(b"".join(line + b" .\n" for line in union) + b"\n")
    outputs = []
    for lines in (union, as_file, [line + b" ." for line in union]):
        stream = io.BytesIO()
        jsonld_stream.write_jsonld_lines(lines, stream, CONTEXT)
        outputs.append(stream.getvalue())
    monkeypatch.setattr(jsonld_stream, "CACHE_LIMIT", 3)
    stream = io.BytesIO()
    jsonld_stream.write_jsonld_lines(union, stream, CONTEXT)
    outputs.append(stream.getvalue())
    assert outputs == [expected_jsonld(store, CONTEXT)] * 4


def test_empty_graph_and_a_predicate_seen_again_later() -> None:
    stream = io.BytesIO()
    jsonld_stream.write_jsonld_lines([], stream, {})
    assert json.loads(stream.getvalue()) == {"@context": {}, "@graph": []}
    lines = [b'<urn:s> <urn:q> "a"', b'<urn:s> <urn:p> "b"', b'<urn:s> <urn:q> "c"']
    lines += [b'<urn:s> <urn:r> "d"', b'<urn:s> <urn:p> "b"', b'<urn:s> <urn:r> "e"']
    stream = io.BytesIO()
    jsonld_stream.write_jsonld_lines(lines, stream, {})
    node = json.loads(stream.getvalue())["@graph"][0]
    assert node == {
        "@id": "urn:s",
        "urn:p": [{"@value": "b"}],
        "urn:q": [{"@value": "a"}, {"@value": "c"}],
        "urn:r": [{"@value": "d"}, {"@value": "e"}],
    }


texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(texts, st.sampled_from(["", "en", "de-ch", "dt"])), max_size=12))
def test_any_literal_round_trips(literals: list[tuple[str, str]]) -> None:
    store = ox.Store()
    for i, (text, tag) in enumerate(literals):
        if tag == "dt":
            literal = ox.Literal(text, datatype=ox.NamedNode("http://example.org/dt"))
        else:
            literal = ox.Literal(text, language=tag or None)
        store.add(ox.Quad(ox.NamedNode(f"{TKD}s{i % 3}"), ox.NamedNode(TK + "p"), literal))
    union = sorted_dump(store).union
    stream = io.BytesIO()
    jsonld_stream.write_jsonld_lines(union, stream, {})
    assert stream.getvalue() == expected_jsonld(store, {})
