"""The naive build path, for comparison with the fast one on the same corpus.

What a straightforward implementation would do with the same libraries: PyYAML's pure-Python
``SafeLoader`` (instead of libyaml's ``CSafeLoader``), an rdflib ``Dataset`` filled with
``Graph.add`` and rdflib's N-Quads parser (instead of pyoxigraph), pySHACL with RDFS inference
(instead of the SPARQL UPDATE rules and the compiled shapes), rdflib's serializers (instead of
pyoxigraph's writers fed with sorted dumps) and ``networkx.write_graphml``. The records and
the quads are those of kg itself, so both paths do the same work on the same data. The flow
network for GraphML is built by ``kg.flows`` on both paths (there is no rdflib version of
it), so the GraphML row compares the writers.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
import yaml

ROOT = Path(__file__).resolve().parent.parent


def _term(term: Any) -> Any:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


class _Clock:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    def time(self, stage: str, func: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        value = func()
        self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - start
        return value


def run_naive(data_dir: Path, nquads: list[Path], out: Path) -> dict[str, Any]:
    """Build, validate and write the corpus the naive way; return stage timings and counts."""
    import pyshacl

    from kg.graph.build import build_graph
    from kg.network.flows import flow_network
    from kg.pipeline.run import jsonld_context
    from kg.source import loader as sources
    from kg.source.ontology import load_ontology
    from kg.source.parse import parse_records

    clock = _Clock()
    out.mkdir(parents=True, exist_ok=True)
    ontology = load_ontology(ROOT / "ontology")
    sources._Loader = yaml.SafeLoader  # the pure-Python loader
    try:
        docs = clock.time("YAML load", lambda: sources.load_sources(data_dir))
    finally:
        sources._Loader = yaml.CSafeLoader  # type: ignore[assignment]
    dataset = rdflib.Dataset()

    def parse_nquads() -> None:
        for path in nquads:
            dataset.parse(path, format="nquads")

    clock.time("N-Quads load", parse_nquads)

    def build() -> None:
        records = parse_records(docs, ontology.vocabulary)
        for q in [*ontology.quads, *build_graph(records).quads]:
            graph = dataset.graph(rdflib.URIRef(str(q.graph_name)[1:-1]))
            graph.add((_term(q.subject), _term(q.predicate), _term(q.object)))

    clock.time("build", build)

    def union() -> rdflib.Graph:
        graph = rdflib.Graph()
        for s, p, o, _g in dataset.quads((None, None, None, None)):
            graph.add((s, p, o))
        return graph

    graph = clock.time("build", union)
    shapes = rdflib.Graph()
    for t in ontology.shapes:
        shapes.add((_term(t.subject), _term(t.predicate), _term(t.object)))
    conforms, _report, _text = clock.time(
        "rules + SHACL",
        lambda: pyshacl.validate(
            graph, shacl_graph=shapes, inference="rdfs", advanced=True, allow_warnings=True
        ),
    )
    targets: list[tuple[str, str, rdflib.Graph]] = [
        ("Turtle", "turtle", graph),
        ("N-Triples", "nt", graph),
        ("TriG", "trig", dataset),
        ("N-Quads", "nquads", dataset),
    ]
    for name, fmt, target in targets:

        def write(t: rdflib.Graph = target, f: str = fmt, n: str = name) -> None:
            t.serialize(out / f"graph.{n}", format=f)

        clock.time(name, write)
    context = jsonld_context(ROOT / "ontology")
    clock.time(
        "JSON-LD",
        lambda: graph.serialize(out / "graph.jsonld", format="json-ld", context=context),
    )
    store = ox.Store()
    store.extend(ox.parse(path=out / "graph.N-Quads", format=ox.RdfFormat.N_QUADS))

    def graphml() -> None:  # the same network as the fast path; networkx's writer
        import networkx as nx

        buffer = io.BytesIO()
        nx.write_graphml(flow_network(store), buffer)
        (out / "flows.graphml").write_bytes(buffer.getvalue())

    clock.time("GraphML", graphml)
    return {"timings": clock.timings, "triples": len(graph), "conforms": bool(conforms)}
