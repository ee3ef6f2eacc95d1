"""Every named query (whatever is in queries/) gives the same rows in the same order locally,
on the shipped build plus importer-shaped fixtures, synthetic flows and 25 years of tiers,
on a store loaded in another order, through kg serve (which refuses more than a few rows, so
the client pages) and through a real ``oxigraph serve`` (with a union default graph, and
without one through ``--graph-mode named``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from oxiserver import OXIGRAPH, kg_server, oxigraph_server

from kg.cli import cli
from kg.core.errors import RemoteError
from kg.query.endpoint import EMPTY_DEFAULT_GRAPH, Endpoint
from kg.query.named import QueryResult, QuerySpec, discover, load_query, parse_spec, run_query

ROOT = Path(__file__).resolve().parents[2]
QUERIES = ROOT / "queries"
MAX_ROWS = 100  # kg serve's row limit in these tests: the larger answers need paging

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(OXIGRAPH is None, reason="the oxigraph server binary is not installed"),
]


def param_sets(spec: QuerySpec) -> list[dict[str, str]]:
    """The defaults, and every parameter at '*' (the largest answer)."""
    sets: list[dict[str, str]] = [{}]
    if spec.params:
        sets.append({p.name: "*" for p in spec.params})
    return sets


CASES = [
    (name, params)
    for name in sorted(discover(QUERIES))
    for params in param_sets(load_query(QUERIES, name))
]


@pytest.fixture(scope="module")
def local(rich_graph: ox.Store) -> ox.Store:
    return rich_graph


@pytest.fixture(scope="module")
def reloaded(local: ox.Store) -> ox.Store:
    """The same quads inserted in reverse order: ties in an order would show up here."""
    store = ox.Store()
    store.extend(list(reversed(list(local))))
    return store


@pytest.fixture(scope="module")
def kg_url(local: ox.Store) -> Iterator[str]:
    with kg_server(local, max_rows=MAX_ROWS) as base:
        yield base + "sparql"


@pytest.fixture(scope="module")
def oxigraph_url(tmp_path_factory: pytest.TempPathFactory, rich_nquads: Path) -> Iterator[str]:
    with oxigraph_server(rich_nquads, tmp_path_factory.mktemp("oxi") / "db") as url:
        yield url


@pytest.fixture(scope="module")
def bare_oxigraph_url(tmp_path_factory: pytest.TempPathFactory, rich_nquads: Path) -> Iterator[str]:
    """An Oxigraph server whose default graph is its own (empty) default graph."""
    location = tmp_path_factory.mktemp("oxi-bare") / "db"
    with oxigraph_server(rich_nquads, location, union=False) as url:
        yield url


def same(a: QueryResult, b: QueryResult) -> None:
    assert a.vars == b.vars
    assert len(a.rows) == len(b.rows)
    for i, (x, y) in enumerate(zip(a.rows, b.rows, strict=True)):
        assert x == y, f"row {i} differs"


@pytest.mark.parametrize(("name", "params"), CASES)
def test_named_query_same_rows_in_the_same_order_everywhere(
    name: str,
    params: dict[str, str],
    local: ox.Store,
    reloaded: ox.Store,
    kg_url: str,
    oxigraph_url: str,
    bare_oxigraph_url: str,
) -> None:
    spec = load_query(QUERIES, name)
    here = run_query(local, spec, params)
    same(run_query(reloaded, spec, params), here)
    through_kg = Endpoint(kg_url).select(spec, params)
    same(through_kg, here)
    same(Endpoint(oxigraph_url, page_size=250).select(spec, params), here)
    same(Endpoint(bare_oxigraph_url, graph_mode="named", page_size=1000).select(spec, params), here)
    assert not through_kg.warnings


def test_the_parity_test_sees_paging(kg_url: str, local: ox.Store) -> None:
    # the largest answer of the suite is well over kg serve's limit here: it came in pages
    spec = load_query(QUERIES, "evidence-trail")
    rows = run_query(local, spec, {"country": "*"}).rows
    assert len(rows) > 3 * MAX_ROWS
    with pytest.raises(RemoteError, match=f"more than {MAX_ROWS} rows"):
        Endpoint(kg_url).rows(parse_spec("SELECT * { ?s ?p ?o }", "all").text)


def test_unordered_query_over_the_limit_says_how_to_page(kg_url: str) -> None:
    with pytest.raises(RemoteError, match="add ORDER BY") as err:
        Endpoint(kg_url).select(parse_spec("SELECT * WHERE { ?s ?p ?o }", "all"), {})
    assert err.value.status == 400


def test_empty_default_graph_warns(bare_oxigraph_url: str, local: ox.Store) -> None:
    spec = load_query(QUERIES, "tiers")
    result = Endpoint(bare_oxigraph_url).select(spec, {})
    assert result.rows == []
    assert len(result.warnings) == 1
    assert EMPTY_DEFAULT_GRAPH in result.warnings[0]
    runner = CliRunner()
    args = ["query", "tiers", "--endpoint", bare_oxigraph_url, "--queries", str(QUERIES)]
    out = runner.invoke(cli, args)
    assert out.exit_code == 0
    assert "start Oxigraph with --union-default-graph or pass --graph-mode named" in out.stderr
    assert "0 rows" in out.stderr
    out = runner.invoke(cli, [*args, "--graph-mode", "named", "--format", "csv"])
    assert out.exit_code == 0, out.output
    assert "warning" not in out.stderr
    assert len(out.stdout.splitlines()) == 1 + len(run_query(local, spec).rows)


def test_cli_pages_through_kg_serve(kg_url: str, local: ox.Store) -> None:
    spec = load_query(QUERIES, "evidence-trail")
    expected = run_query(local, spec, {"country": "*"})
    args = ["query", "evidence-trail", "-p", "country=*", "--endpoint", kg_url]
    out = CliRunner().invoke(cli, [*args, "--queries", str(QUERIES), "--format", "tsv"])
    assert out.exit_code == 0, out.output
    assert len(out.stdout.splitlines()) == 1 + len(expected.rows)
    assert f"{len(expected.rows)} rows" in out.stderr
