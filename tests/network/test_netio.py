"""Network and RDF exports, read back by independent readers (networkx, python-igraph, rdflib,
a plain XML parser) with attribute types checked; files are byte-stable."""

from __future__ import annotations

import io
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import igraph as ig
import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from kg import pipeline
from kg.cli import cli
from kg.network import export as netio
from kg.network import flows as F
from kg.network import full as netfull

GML = "{http://graphml.graphdrawing.org/xmlns}"
GEXF = "{http://www.gexf.net/1.2draft}"
PRK = "https://w3id.org/kg-tip/id/country-prk"


@pytest.fixture(scope="module")
def store(shipped_build: pipeline.BuildResult) -> ox.Store:
    return shipped_build.store


def export(store: ox.Store, fmt: str, network: str, path: Path) -> Path:
    with path.open("wb") as stream:
        netio.export(store, fmt, stream, network=network)
    return path


def graphml_keys(path: Path) -> dict[tuple[str, str], str]:
    root = ET.parse(path).getroot()
    return {
        (k.get("for", ""), k.get("attr.name", "")): k.get("attr.type", "")
        for k in root.iter(f"{GML}key")
    }


@pytest.mark.parametrize("network", ["flows", "full"])
def test_graphml_read_by_networkx_and_igraph(store: ox.Store, network: str, tmp_path: Path) -> None:
    graph = F.flow_network(store) if network == "flows" else netfull.full_network(store)
    path = export(store, "graphml", network, tmp_path / "g.graphml")
    text = path.read_text(encoding="utf-8")
    assert ">None<" not in text
    assert '="None"' not in text
    keys = graphml_keys(path)
    assert set(keys.values()) <= {"string", "long", "double", "boolean"}

    back = nx.read_graphml(path, force_multigraph=True)
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    assert list(back.nodes) == sorted(back.nodes)  # stable order

    other = ig.Graph.Read_GraphML(str(path))
    assert other.is_directed()
    assert (other.vcount(), other.ecount()) == (graph.number_of_nodes(), graph.number_of_edges())
    if network == "flows":
        assert keys["edge", "estimate_point"] == "long"
        assert keys["node", "latitude"] == "double"
        assert keys["node", "tier_official"] == "boolean"
        prk = back.nodes["PRK"]
        assert isinstance(prk["latitude"], float)
        assert prk["tier_official"] is False
        points = [d["estimate_point"] for *_, d in back.edges(data=True) if "estimate_point" in d]
        assert points
        assert all(isinstance(p, int) for p in points)
        v = other.vs.find(id="PRK")
        assert v["label"] == graph.nodes["PRK"]["label"]
        assert v["latitude"] == pytest.approx(graph.nodes["PRK"]["latitude"])
        values = [x for x in other.es["estimate_point"] if x is not None and not math.isnan(x)]
        assert sum(values) == sum(points)
    else:
        assert keys["node", "tk:latitude"] == "double"
        assert keys["node", "tk:iso3166Alpha3"] == "string"
        assert back.nodes[PRK]["tk:latitude"] == pytest.approx(40.0)
        assert back.nodes[PRK]["tk:iso3166Alpha3"] == "PRK"
        v = other.vs.find(id=PRK)
        assert v["tk:iso3166Alpha3"] == "PRK"


def test_full_network_is_the_rdf_graph(store: ox.Store) -> None:
    g = netfull.full_network(store)
    result = store.query(
        "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } "
        "FILTER (!isLiteral(?o)) } }"
    )
    assert isinstance(result, ox.QuerySolutions)
    assert g.number_of_edges() == int(next(iter(result))["n"].value)
    keys = {k for u, v, k in g.edges(keys=True) if u == PRK}
    assert "https://w3id.org/kg-tip/ontology#inRegion" in keys
    alt = g.nodes[PRK]["skos:altLabel"]  # several values: one sorted string
    assert isinstance(alt, str)
    assert "DPRK" in alt
    assert " | " in alt
    assert g.nodes[PRK]["tk:latitude"] == 40.0


@pytest.mark.parametrize("network", ["flows", "full"])
def test_gexf_declares_types_and_reads_back(store: ox.Store, network: str, tmp_path: Path) -> None:
    graph = F.flow_network(store) if network == "flows" else netfull.full_network(store)
    path = export(store, "gexf", network, tmp_path / "g.gexf")
    root = ET.parse(path).getroot()
    declared: dict[tuple[str, str], str] = {}
    for attrs in root.iter(f"{GEXF}attributes"):
        for a in attrs.iter(f"{GEXF}attribute"):
            assert a.get("type") in {"string", "long", "double", "boolean"}
            declared[attrs.get("class", ""), a.get("id", "")] = a.get("type", "")
    for cls in ("node", "edge"):
        for el in root.iter(f"{GEXF}{cls}"):
            for av in el.iter(f"{GEXF}attvalue"):
                assert (cls, av.get("for")) in declared
                assert av.get("value") not in (None, "None")
    back = nx.read_gexf(path)
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    if network == "flows":
        assert back.nodes["PRK"]["label"] == graph.nodes["PRK"]["label"]
        assert back.nodes["PRK"]["latitude"] == pytest.approx(40.0)
        points = [d["estimate_point"] for *_, d in back.edges(data=True) if "estimate_point" in d]
        assert points == [50000]
        assert isinstance(points[0], int)


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "csv"])
@pytest.mark.parametrize("network", ["flows", "full"])
def test_byte_stable(shipped_build_dir: Path, fmt: str, network: str) -> None:  # csv: a zip
    outputs = []
    for _ in range(2):
        buf = io.BytesIO()
        netio.export(pipeline.load_build(shipped_build_dir), fmt, buf, network=network)
        outputs.append(buf.getvalue())
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize(
    ("fmt", "rdflib_format"),
    [("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld"), ("trig", "trig")],
)
def test_rdf_exports_via_cli(
    runner: CliRunner, shipped_build_dir: Path, tmp_path: Path, fmt: str, rdflib_format: str
) -> None:
    out = tmp_path / f"graph.{fmt}"
    args = ["export", "--build", str(shipped_build_dir), "--format", fmt, "-o", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    store = pipeline.load_build(shipped_build_dir)
    if fmt == "trig":
        ds = rdflib.Dataset()
        ds.parse(out, format="trig")
        assert len(ds) == len(store)
        return
    expected = rdflib.Graph()
    expected.parse(shipped_build_dir / "graph.nt", format="nt")
    got = rdflib.Graph()
    got.parse(out, format=rdflib_format)
    assert isomorphic(got, expected)


def test_cli_network_export_to_stdout_and_usage(runner: CliRunner, shipped_build_dir: Path) -> None:
    build = ["--build", str(shipped_build_dir)]
    result = runner.invoke(cli, ["export", *build, "--format", "csv", "--edges", "-"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("source,target,flow")
    result = runner.invoke(cli, ["export", *build, "--format", "csv", "-o", "-"])
    assert result.exit_code == 2
    assert "csv writes two tables" in result.output
    result = runner.invoke(cli, ["export", *build, "--format", "turtle", "--network", "full"])
    assert result.exit_code == 2
    assert "--network applies to graphml, gexf and csv only" in result.output
    result = runner.invoke(cli, ["export", *build, "--format", "gexf", "--excel"])
    assert result.exit_code == 2
    assert "apply to --format csv only" in result.output
