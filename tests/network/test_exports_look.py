"""Exports that add up in other tools: GEXF with viz:position (projected, scaled for Gephi),
viz:size (total flow) and viz:color (tier); CSV nodes and edges tables (alone, or zipped), with a
BOM for spreadsheets; read back with networkx, python-igraph and the csv module."""

from __future__ import annotations

import csv
import io
import itertools
import math
import zipfile
from pathlib import Path

import igraph as ig
import networkx as nx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg import pipeline
from kg.cli import cli
from kg.network import export as netio
from kg.network import flows as F
from kg.network import look
from tests.conftest import needs_shared_data

BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="module")
def store(imported_graph: ox.Store) -> ox.Store:
    return imported_graph


@pytest.fixture(scope="module")
def graph(store: ox.Store) -> nx.MultiDiGraph:
    return F.flow_network(store)


def gexf(graph: nx.MultiDiGraph, tmp_path: Path) -> nx.Graph:
    path = tmp_path / "flows.gexf"
    with path.open("wb") as stream:
        netio.write_network(graph, "gexf", stream)
    return nx.read_gexf(path)


def test_gexf_viz_size_colour_and_projected_position(
    graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    back = gexf(graph, tmp_path)
    assert back.number_of_nodes() == graph.number_of_nodes()
    totals = look.node_totals(graph)
    assert totals, "the fixture has numbered flows"
    for node, d in back.nodes(data=True):
        viz = d["viz"]
        src = graph.nodes[node]
        colour = (viz["color"]["r"], viz["color"]["g"], viz["color"]["b"])
        if src.get("kind") == "region":
            assert colour == look.REGION
        elif src.get("tier_id"):
            assert colour == look.TIER_COLOURS[src["tier_id"]]
        else:
            assert colour == look.NO_TIER
        if node in totals:
            assert d["flow_total"] == totals[node][0]
            assert d["flow_total_unit"] == totals[node][1]
        if "latitude" in src:
            x, y = look.project(src["longitude"], src["latitude"])
            assert viz["position"]["x"] == pytest.approx(x)
            assert viz["position"]["y"] == pytest.approx(y)
    # size grows with the total: the largest total has the largest size
    sized = sorted(totals, key=lambda n: totals[n][0])
    sizes = [back.nodes[n]["viz"]["size"] for n in sized]
    assert sizes == sorted(sizes)
    assert sizes[-1] == pytest.approx(look.SIZE_MAX)
    # numbers were never added across units: each total is one unit's sum of carried numbers
    for node, (total, unit) in totals.items():
        carried = [
            d["weight"]
            for u, v, d in graph.edges(data=True)
            if node in (u, v) and "weight" in d and (d.get("unit_label") or d.get("unit")) == unit
        ]
        assert total == sum(carried)


def test_gexf_positions_spread_europe_apart() -> None:
    # Belgium and the Netherlands: 1.6 degrees apart in raw degrees (Gephi draws them on top of
    # each other); dozens of units apart in the projected plane, more than the largest node.
    bel, nld = look.project(4.47, 50.5), look.project(5.29, 52.13)
    assert math.dist(bel, nld) > look.SIZE_MAX
    west, east = look.project(-180, 0), look.project(180, 0)
    assert east[0] - west[0] == pytest.approx(360 * look.SCALE)
    assert look.project(0, 89)[1] == look.project(0, look.MAX_LAT)[1]  # clamped, finite


@needs_shared_data
def test_gexf_of_the_full_import_has_no_overlapping_countries(tmp_path: Path) -> None:
    # The whole GLOTIP + TIP + CTDC network: no two countries' discs overlap in Gephi.
    from tests.conftest import DATA, ONTOLOGY, ROOT

    settings = pipeline.Settings(
        data_dir=DATA,
        ontology_dir=ONTOLOGY,
        out_dir=tmp_path / "build",
        imports=ROOT / "imports.example.yaml",
    )
    result = pipeline.run(settings, write=False)
    back = gexf(F.flow_network(result.store), tmp_path)
    placed = {
        n: (d["viz"]["position"]["x"], d["viz"]["position"]["y"], d["viz"]["size"])
        for n, d in back.nodes(data=True)
        if "position" in d["viz"]
    }
    assert len(placed) > 150
    for a, b in itertools.combinations(placed, 2):
        gap = math.dist(placed[a][:2], placed[b][:2])
        assert gap >= (placed[a][2] + placed[b][2]) / 2, (a, b)


def tables(data: bytes) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == ["edges.csv", "nodes.csv"]
        nodes = archive.read("nodes.csv").decode("utf-8")
        edges = archive.read("edges.csv").decode("utf-8")
    return list(csv.DictReader(io.StringIO(nodes))), list(csv.DictReader(io.StringIO(edges)))


def test_csv_zip_reads_back_with_csv_igraph_and_networkx(
    store: ox.Store, graph: nx.MultiDiGraph
) -> None:
    buf = io.BytesIO()
    netio.export(store, "csv", buf)
    nodes, edges = tables(buf.getvalue())
    assert [r["id"] for r in nodes] == sorted(str(n) for n in graph.nodes)
    assert list(nodes[0])[:3] == ["id", "label", "kind"]
    assert len(edges) == graph.number_of_edges()
    assert list(edges[0])[:4] == ["source", "target", "flow", "label"]
    prk = next(r for r in nodes if r["id"] == "PRK")
    assert prk["label"] == graph.nodes["PRK"]["label"]
    assert float(prk["latitude"]) == pytest.approx(graph.nodes["PRK"]["latitude"])
    assert prk["tier"] == graph.nodes["PRK"]["tier"]
    assert prk["tier_assessor"] == graph.nodes["PRK"]["tier_assessor"]
    # numbers add up per unit, as in the network
    for unit in {d["unit"] for *_, d in graph.edges(data=True) if "unit" in d}:
        expected = sum(
            d.get("estimate_point", 0) for *_, d in graph.edges(data=True) if d.get("unit") == unit
        )
        got = sum(int(r["estimate_point"] or 0) for r in edges if r["unit"] == unit)
        assert got == expected

    other = ig.Graph.DictList(
        vertices=nodes,
        edges=edges,
        directed=True,
        vertex_name_attr="id",
        edge_foreign_keys=("source", "target"),
    )
    assert (other.vcount(), other.ecount()) == (graph.number_of_nodes(), graph.number_of_edges())
    assert other.vs.find(id="PRK")["label"] == graph.nodes["PRK"]["label"]

    back = nx.MultiDiGraph()
    back.add_nodes_from((r["id"], r) for r in nodes)
    back.add_edges_from((r["source"], r["target"], r["flow"], r) for r in edges)
    assert sorted(back.edges(keys=True)) == sorted((u, v, k) for u, v, k in graph.edges(keys=True))
    assert back.number_of_nodes() == graph.number_of_nodes()


def test_excel_tables_start_with_a_bom(graph: nx.MultiDiGraph) -> None:
    for table in ("nodes", "edges"):
        plain = netio.csv_bytes(graph, table)
        excel = netio.csv_bytes(graph, table, excel=True)
        assert not plain.startswith(BOM)
        assert excel.startswith(BOM)
        assert excel[3:].decode("utf-8").replace("\r\n", "\n") == plain.decode("utf-8")
    edges = netio.csv_bytes(graph, "edges", excel=True).decode("utf-8-sig")
    assert "¶" in edges  # locators survive: a spreadsheet honouring the BOM shows ¶1, not Â¶1
    assert "Â" not in edges


def test_cli_csv_tables(runner: CliRunner, shipped_build_dir: Path, tmp_path: Path) -> None:
    build = ["--build", str(shipped_build_dir)]
    nodes, edges = tmp_path / "nodes.csv", tmp_path / "edges.csv"
    args = ["export", *build, "--format", "csv", "--nodes", str(nodes), "--edges", str(edges)]
    result = runner.invoke(cli, [*args, "--excel"])
    assert result.exit_code == 0, result.output
    assert nodes.read_bytes().startswith(BOM)
    assert edges.read_bytes().startswith(BOM)
    rows = list(csv.DictReader(edges.open(encoding="utf-8-sig", newline="")))
    assert any(r["locator"].startswith("¶") for r in rows)
    archive = tmp_path / "flows.zip"
    result = runner.invoke(cli, ["export", *build, "--format", "csv", "-o", str(archive)])
    assert result.exit_code == 0, result.output
    zipped_nodes, zipped_edges = tables(archive.read_bytes())
    assert len(zipped_edges) == len(rows)
    assert [r["id"] for r in zipped_nodes] == [
        r["id"] for r in csv.DictReader(nodes.open(encoding="utf-8-sig", newline=""))
    ]
    result = runner.invoke(cli, [*args, "-o", str(archive)])
    assert result.exit_code == 2
