"""kg query --endpoint against a real Virtuoso (Debian virtuoso-opensource-7-bin, started here
on loopback ports, once for the module) holding the shipped build pushed by kg push: every
named query gives the rows it gives on the local store, in both graph modes, with its default
parameters and with every parameter at '*'; --graph-mode named lists Virtuoso's graphs (it
answers GRAPH ?g { } with no rows)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from remote_helpers import (  # noqa: F401 (fixtures: used as test parameters)
    store_fixture,
)
from virtuoso import PASSWORD, SKIP_REASON, USER, VIRTUOSO, Virtuoso, virtuoso_server

from kg.api.endpointstore import EndpointStore
from kg.cli import cli
from kg.core import rq
from kg.query.endpoint import Endpoint
from kg.query.named import QueryResult, discover, load_query, run_query
from kg.remote.push import push_graphs

pytestmark = [pytest.mark.server, pytest.mark.skipif(VIRTUOSO is None, reason=SKIP_REASON)]
ENV = {"KG_REMOTE_USER": USER, "KG_REMOTE_PASSWORD": PASSWORD}
QUERIES = Path(__file__).resolve().parents[2] / "queries"
REPORT = Path(__file__).resolve().parents[2] / "kg" / "report" / "sparql"


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso-queries")) as server:
        yield server


@pytest.fixture(scope="module")
def pushed(virtuoso: Virtuoso, shipped_build: object) -> str:
    store = shipped_build.store  # type: ignore[attr-defined]
    result = push_graphs(store, virtuoso.store, environ=ENV)
    assert sorted(result.pushed) == sorted(g.value for g in store.named_graphs())
    return virtuoso.sparql


def normalized(result: QueryResult) -> set[tuple[str, ...]]:
    """Rows as sets of N-Triples strings; GROUP_CONCAT lists (in engine order) are sorted."""

    def cell(term: object) -> str:
        if isinstance(term, ox.Literal):
            return "|".join(sorted(re.split(r"; |, ", term.value)))
        return "" if term is None else str(term)

    return {tuple(cell(t) for t in row) for row in result.rows}


@pytest.mark.parametrize("mode", ["named", "union"])
@pytest.mark.parametrize("name", sorted(discover(QUERIES)))
def test_every_named_query_gives_the_local_rows(
    pushed: str, store: ox.Store, name: str, mode: str
) -> None:
    spec = load_query(QUERIES, name)
    remote = Endpoint(pushed, graph_mode=mode).select(spec, {})
    here = run_query(store, spec)
    assert remote.vars == here.vars
    assert normalized(remote) == normalized(here)


@pytest.mark.parametrize("name", sorted(discover(QUERIES)))
def test_every_parameter_at_star_gives_the_local_rows(
    pushed: str, store: ox.Store, name: str
) -> None:
    spec = load_query(QUERIES, name)
    params = {p.name: "*" for p in spec.params}
    here = run_query(store, spec, params)
    for mode in ("named", "union"):
        remote = Endpoint(pushed, graph_mode=mode).select(spec, params)
        assert remote.vars == here.vars
        assert normalized(remote) == normalized(here), mode


def test_the_command_line(pushed: str, store: ox.Store) -> None:
    result = CliRunner().invoke(
        cli, ["query", "no-law", "--endpoint", pushed, "--graph-mode", "named", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == len(run_query(store, load_query(QUERIES, "no-law")).rows) > 0


@pytest.mark.parametrize("name", sorted(p.stem for p in REPORT.glob("*.rq")))
def test_the_dossiers_rows(pushed: str, store: ox.Store, name: str) -> None:
    """kg report --endpoint reads kg/report/sparql/*.rq on the endpoint: the same rows there."""
    library = rq.Library("kg.report")
    country = "https://w3id.org/kg-tip/id/country-prk"
    here = sorted(map(_key, library.select(store, name, country=country)))
    for mode in ("named", "union"):
        endpoint = cast(ox.Store, EndpointStore(Endpoint(pushed, graph_mode=mode)))
        assert sorted(map(_key, library.select(endpoint, name, country=country))) == here, mode


def _key(row: rq.Row) -> list[tuple[str, str]]:
    return sorted((k, repr(v)) for k, v in row.items())
