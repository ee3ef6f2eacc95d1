"""``--endpoint``: the named queries against a real Oxigraph server process."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from oxiserver import OXIGRAPH, free_port, oxigraph_server

from kg.cli import cli
from kg.core.errors import QueryError, RemoteError
from kg.query.endpoint import EndpointTarget, run_endpoint
from kg.query.named import QueryResult, discover, load_query, parse_spec, run_query

ROOT = Path(__file__).resolve().parents[2]
QUERIES = ROOT / "queries"

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(OXIGRAPH is None, reason="the oxigraph server binary is not installed"),
]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory, imported_nquads: Path) -> Iterator[str]:
    """An Oxigraph server on a free port, loaded with the build and the importer fixture."""
    with oxigraph_server(imported_nquads, tmp_path_factory.mktemp("oxigraph") / "db") as url:
        yield url


@pytest.fixture(scope="module")
def local(imported_graph: ox.Store) -> ox.Store:
    return imported_graph


def normalized(result: QueryResult) -> set[tuple[str, ...]]:
    """Rows as sets of N-Triples strings; GROUP_CONCAT lists (in engine order) are sorted."""

    def cell(term: object) -> str:
        if isinstance(term, ox.Literal):
            return "|".join(sorted(re.split(r"; |, ", term.value)))
        return "" if term is None else str(term)

    return {tuple(cell(t) for t in row) for row in result.rows}


@pytest.mark.parametrize("name", sorted(discover(QUERIES)))
def test_named_queries_give_the_same_rows_remotely(
    endpoint: str, local: ox.Store, name: str
) -> None:
    spec = load_query(QUERIES, name)
    remote = run_endpoint(endpoint, spec)
    here = run_query(local, spec)
    assert remote.vars == here.vars
    assert normalized(remote) == normalized(here)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("tier-history", {"country": "CHN"}),
        ("recommendations", {"pillar": "partnership", "form": "*"}),
        ("largest-flows", {"year": "2014"}),
        ("forms", {"form": "forced-labour"}),
        ("tiers", {"assessor": "us-dos-jtip", "country": "PRK"}),
    ],
)
def test_parameters_are_bound_remotely(
    endpoint: str, local: ox.Store, name: str, params: dict[str, str]
) -> None:
    spec = load_query(QUERIES, name)
    remote = EndpointTarget(endpoint).select(spec, params)
    assert remote.rows
    assert normalized(remote) == normalized(run_query(local, spec, params))


def _count(endpoint: str) -> int:
    spec = parse_spec("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "count")
    cell = run_endpoint(endpoint, spec).rows[0][0]
    assert isinstance(cell, ox.Literal)
    return int(cell.value)


@pytest.mark.parametrize("value", ['" } UNION { ?s ?p ?o } #', "x' } ; DROP ALL ; #", "PRK> } #"])
def test_injection_cannot_reach_the_server(endpoint: str, value: str) -> None:
    spec = parse_spec(
        '# param: name (string) = "North Korea" — a name\n'
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?c WHERE { ?c rdfs:label ?l FILTER(STR(?l) = ?name) }",
        "by-name",
    )
    before = _count(endpoint)
    assert run_endpoint(endpoint, spec, {"name": value}).rows == []
    assert len(run_endpoint(endpoint, spec, {"name": "North Korea"}).rows) == 1
    with pytest.raises(QueryError, match="parameter 'country'"):
        run_endpoint(endpoint, load_query(QUERIES, "tier-history"), {"country": value})
    assert _count(endpoint) == before


def test_http_errors_are_remote_errors(endpoint: str) -> None:
    spec = parse_spec("SELECT * WHERE { ?s ?p ?o } LIMIT 1", "one")
    with pytest.raises(RemoteError) as err:
        run_endpoint(endpoint.replace("/query", "/nowhere"), spec)
    assert err.value.status == 404
    with pytest.raises(RemoteError, match="cannot reach"):
        run_endpoint(f"http://127.0.0.1:{free_port()}/query", spec, timeout=2)


def test_cli_endpoint(endpoint: str, local: ox.Store) -> None:
    result = CliRunner().invoke(
        cli,
        ["query", "tiers", "--endpoint", endpoint, "--format", "json", "--queries", str(QUERIES)],
    )
    assert result.exit_code == 0, result.output
    bindings = json.loads(result.stdout)["results"]["bindings"]
    assert len(bindings) == len(run_query(local, load_query(QUERIES, "tiers")).rows)
    table = CliRunner().invoke(
        cli, ["query", "tiers", "--endpoint", endpoint, "--queries", str(QUERIES)]
    )
    assert "North Korea" in table.stdout  # labels are fetched from the endpoint too
