"""The Python API (issue 14 §1): kg.open over every kind of source, results as Python values,
networks, dossiers and builds; the same errors as the command line; a cheap ``import kg``."""

from __future__ import annotations

import json
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import kg
from kg.api import Graph, Result, Row
from kg.cli import cli
from kg.core.errors import ConfigError, KGError, QueryError, SourceError
from kg.network.flows import flow_network

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def g(shipped_build_dir: Path) -> Graph:
    return kg.open(shipped_build_dir)


def cli_out(build: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--build", str(build)])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_every_public_name_resolves() -> None:
    for name in kg.__all__:
        assert getattr(kg, name) is not None, name
    assert set(kg.__all__) <= set(dir(kg))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        kg.nope  # noqa: B018


def test_query_by_name_rows_by_index_name_and_attribute(g: Graph) -> None:
    tiers = g.query("tiers")
    assert isinstance(tiers, Result)
    assert tiers.variables == tuple(tiers.raw.vars)
    assert tiers.variables[:5] == ("country", "iso3", "tier", "year", "assessor")
    assert tiers.columns[:7] == (
        "country", "country_label", "iso3", "tier", "tier_label", "year", "assessor",
    )  # fmt: skip
    assert [c for c in tiers.columns if not c.endswith("_label")] == list(tiers.variables)
    row = tiers[0]
    assert isinstance(row, Row)
    assert row[2] == row["iso3"] == row.iso3 == "PRK"
    assert row[0:2] == ("https://w3id.org/kg-tip/id/country-prk", "North Korea")
    assert row.as_dict()["tier_label"] == "Tier 3"
    assert row.authoritative is False
    assert row.keys() == list(tiers.columns)
    with pytest.raises(KeyError, match="no column 'tierz'"):
        row["tierz"]
    with pytest.raises(AttributeError, match="no column 'tierz'"):
        row.tierz  # noqa: B018
    assert len(tiers) == len(tiers.rows) == len(tiers.to_dicts()) == 1
    assert "North Korea" in str(tiers)
    assert repr(tiers).startswith("<Result 'tiers': 1 rows, columns country, country_label")


def test_parameters_are_keywords_checked_like_the_cli(g: Graph, shipped_build_dir: Path) -> None:
    by_api = g.query("largest-flows", unit="trafficking-victims", year="*")
    assert [r.value for r in by_api] == [50000, 50000]
    assert all(isinstance(r.value, int) for r in by_api)
    assert by_api.to_csv() == cli_out(
        shipped_build_dir, "query", "largest-flows", "-p", "unit=trafficking-victims",
        "--format", "csv",
    ).replace("\n", "\r\n")  # fmt: skip
    prk = kg.IRI("https://w3id.org/kg-tip/id/country-prk")
    assert g.query("tiers", country=prk).rows == g.query("tiers", country="PRK").rows
    assert len(g.query("tiers", country="CHN")) == 0
    for call, message in [
        (lambda: g.query("tierz"), "unknown query 'tierz' (did you mean 'tiers'?)"),
        (lambda: g.query("tiers", cuntry="PRK"), "query 'tiers' has no parameter 'cuntry'"),
        (lambda: g.query("tier-history", year=[1]), "parameter 'year': cannot bind a list"),
    ]:
        with pytest.raises(QueryError) as caught:
            call()
        assert str(caught.value).startswith(message)
    on_cli = CliRunner().invoke(cli, ["query", "tierz", "--build", str(shipped_build_dir)])
    with pytest.raises(QueryError) as caught:
        g.query("tierz")
    assert on_cli.stderr == f"Error: {caught.value}\n"


def test_query_text_and_files(g: Graph, tmp_path: Path) -> None:
    text = "SELECT (COUNT(*) AS ?n) (1.5 AS ?d) WHERE { ?s a ?t }"
    answer = g.query(text)
    assert answer.columns == ("n", "d")
    assert isinstance(answer[0].n, int)
    assert str(answer[0].d) == "1.5"
    path = tmp_path / "count.rq"
    path.write_text("# title: count\n" + text + "\n")
    assert g.query(str(path))[0].n == answer[0].n
    with pytest.raises(QueryError, match="SPARQL syntax error"):
        g.query("SELECT WHERE {")


def test_to_csv_json_and_files(g: Graph, shipped_build_dir: Path, tmp_path: Path) -> None:
    tiers = g.query("tiers")
    as_json = json.loads(tiers.to_json(tmp_path / "tiers.json"))
    assert as_json == json.loads(cli_out(shipped_build_dir, "query", "tiers", "--format", "json"))
    assert (tmp_path / "tiers.json").read_text() == tiers.to_json()
    tiers.to_csv(tmp_path / "tiers.csv")
    assert (tmp_path / "tiers.csv").read_bytes().startswith(b"country,iso3,tier,")


def test_to_pandas(g: Graph) -> None:
    pd = pytest.importorskip("pandas")
    flows = g.query("largest-flows")
    frame = flows.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert tuple(frame.columns) == flows.columns
    assert len(frame) == len(flows)
    assert frame["value"].dropna().tolist() == [r.value for r in flows if r.value is not None]


def test_to_pandas_without_pandas(g: Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ConfigError) as caught:
        g.query("tiers").to_pandas()
    assert str(caught.value) == "Result.to_pandas needs pandas (pip install 'kg-tip[pandas]')"


def test_flows_report_queries(g: Graph, shipped_build_dir: Path, shipped_build: object) -> None:
    net = g.flows(origin="PRK")
    assert isinstance(net, nx.MultiDiGraph)
    expected = flow_network(shipped_build.store, origin="PRK")  # type: ignore[attr-defined]
    assert sorted(net.edges(keys=True)) == sorted(expected.edges(keys=True))
    assert g.flows(form="forced-labour-in-detention").number_of_edges() == 1
    with pytest.raises(QueryError, match="did you mean 'PRK'"):
        g.flows(origin="PKR")
    page = g.report("PRK")
    assert page == cli_out(shipped_build_dir, "report", "PRK")
    names = [q.name for q in g.queries()]
    assert names == sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    assert {p.name for p in g.queries()[names.index("tiers")].params} == {"assessor", "country"}
    assert sum(g.counts().values()) == len(g.store)


def test_open_every_kind_of_source(
    shipped_build_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = kg.open(shipped_build_dir).query("tiers").rows
    monkeypatch.chdir(tmp_path)
    assert kg.open(shipped_build_dir / "graph.trig").query("tiers").rows == expected
    assert kg.open(ROOT / "data").query("tiers").rows == expected  # in memory
    assert list(tmp_path.iterdir()) == []
    kg.init_project(tmp_path / "proj")
    (tmp_path / "proj" / "queries").mkdir()
    (tmp_path / "proj" / "queries" / "mine.rq").write_text("# title: mine\nSELECT ?s {?s a ?o}\n")
    project = kg.open(tmp_path / "proj")  # its build/ is made first
    assert project.query("tiers")[0].iso3 == "XEX"
    assert (tmp_path / "proj" / "build" / "graph.nq").is_file()
    assert "mine" in [q.name for q in project.queries()]
    with pytest.raises(SourceError) as caught:
        kg.open(tmp_path / "nowhere")
    assert str(caught.value) == (
        "nowhere: no such file or directory (give a build directory, an RDF file, a data "
        "directory or an endpoint URL)"
    )
    (tmp_path / "x.csv").write_text("a,b\n")
    with pytest.raises(SourceError, match=r"x.csv: unknown RDF file type '.csv'"):
        kg.open(tmp_path / "x.csv")


def nonconforming(tmp_path: Path) -> Path:
    """A copy of data/ plus a J/TIP assessment without its year (the shapes require one)."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    (tmp_path / "data" / "assessments" / "bad.yaml").write_text(
        "assessment:\n  source: essay-prk\n  country: CHN\n  assessor: us-dos-jtip\n"
        "  tier:\n    tier: tier-3\n    locator: p. 1\n"
    )
    return tmp_path / "data"


def test_a_data_directory_that_does_not_conform_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(KGError, match=r"data does not conform \(\d+ violations\)"):
        kg.open(nonconforming(tmp_path))


@pytest.fixture
def endpoint(shipped_build: object) -> Iterator[str]:
    from kg.server.http import App, make_server

    server = make_server(App(shipped_build.store), "127.0.0.1", 0)  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


@pytest.mark.server
def test_open_an_endpoint(endpoint: str, g: Graph) -> None:
    remote = kg.open(endpoint)
    assert remote.query("tiers").rows == g.query("tiers").rows
    assert repr(remote) == f"<kg.Graph {endpoint} (endpoint)>"
    with pytest.raises(ConfigError, match="is a SPARQL endpoint: it has no local store"):
        remote.store  # noqa: B018


@pytest.mark.server
def test_an_endpoint_gives_the_same_flows_dossier_and_counts(endpoint: str, g: Graph) -> None:
    remote = kg.open(endpoint)
    for args in ({}, {"origin": "PRK"}, {"form": "forced-labour", "top": 2}):
        here, there = g.flows(**args), remote.flows(**args)
        assert here.number_of_edges() > 0, args
        assert sorted(there.nodes(data=True)) == sorted(here.nodes(data=True)), args
        assert sorted(there.edges(keys=True, data=True)) == sorted(
            here.edges(keys=True, data=True)
        ), args
    assert remote.report("PRK") == g.report("PRK")
    assert remote.counts() == g.counts()
    with pytest.raises(KGError, match="XXZ"):
        remote.report("XXZ")


@pytest.mark.server
def test_report_and_viz_read_an_endpoint_as_a_build(
    endpoint: str, shipped_build_dir: Path, tmp_path: Path
) -> None:
    for args in (["report", "PRK"], ["viz", "flows", "PRK"], ["viz", "tiers"]):
        suffix = ".html" if args[0] == "report" else ".svg"
        local, remote = tmp_path / f"local{suffix}", tmp_path / f"remote{suffix}"
        cli_out(shipped_build_dir, *args, "-o", str(local))
        result = CliRunner().invoke(cli, [*args, "--endpoint", endpoint, "-o", str(remote)])
        assert result.exit_code == 0, result.output
        assert remote.read_bytes() == local.read_bytes(), args
    gone = CliRunner().invoke(cli, ["report", "PRK", "--endpoint", "http://127.0.0.1:9/sparql"])
    assert gone.exit_code == 1
    assert gone.stderr.startswith("Error: cannot reach http://127.0.0.1:9/sparql")
    assert gone.stderr.count("\n") == 1


def test_endpoint_rows_become_query_solutions() -> None:
    from kg.api.endpointstore import solutions

    terms = (
        ox.NamedNode("https://example.org/a"),
        ox.Literal("Corée du Nord", language="fr"),
        ox.Literal("7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        ox.BlankNode("b1"),
        None,
    )
    answer = solutions(["a", "b", "c", "d", "e"], [terms])
    assert [v.value for v in answer.variables] == ["a", "b", "c", "d", "e"]
    (row,) = list(answer)
    assert tuple(row[v] for v in "abcde") == terms


def test_build_in_memory_and_to_a_directory(tmp_path: Path) -> None:
    memory = kg.build(data=ROOT / "data")
    assert memory.conforms
    assert memory.report.violations == []
    assert memory.written == []
    assert memory.graph.query("tiers")[0].iso3 == "PRK"
    assert repr(memory).endswith("; conforms>")
    out = tmp_path / "out"
    written = kg.build(data=ROOT / "data", out=out)
    assert {p.name for p in written.written} >= {"graph.nq", "manifest.json", "validation.json"}
    assert kg.open(out).query("tiers").rows == memory.graph.query("tiers").rows


def test_a_build_that_does_not_conform_is_a_value(tmp_path: Path) -> None:
    built = kg.build(data=nonconforming(tmp_path), out=tmp_path / "out")
    assert not built.conforms
    assert built.report.violations
    assert "bad.yaml" in str(built.report.violations[0].where)
    assert built.written == []
    assert not (tmp_path / "out").exists()
    with pytest.raises(SourceError, match=r"data directory .* does not exist"):
        kg.build(data=tmp_path / "nowhere")
