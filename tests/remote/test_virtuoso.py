"""kg push against a real Virtuoso (Debian virtuoso-opensource-7-bin, started here from a minimal
virtuoso.ini on loopback ports, once for the module): HTTP Digest on its authenticated Graph
Store endpoint, counts checked through its /sparql, a second push that sends nothing, stale
graphs pruned and listed, refusals as one line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from remote_helpers import (  # noqa: F401 (fixtures: used as test parameters)
    store_fixture,
)
from virtuoso import PASSWORD, SKIP_REASON, USER, VIRTUOSO, Virtuoso, virtuoso_server

from kg.cli import cli
from kg.core import vocab as V
from kg.remote.http import Client, credentials_from_env
from kg.remote.push import push_graphs, report_lines
from kg.remote.store import RemoteStore

pytestmark = [pytest.mark.server, pytest.mark.skipif(VIRTUOSO is None, reason=SKIP_REASON)]
ENV = {"KG_REMOTE_USER": USER, "KG_REMOTE_PASSWORD": PASSWORD}
OLD = V.source_graph("old-import")
MINE = "http://example.org/not-kg"


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


def remote(virtuoso: Virtuoso) -> RemoteStore:
    return RemoteStore(virtuoso.store, virtuoso.sparql, Client(credentials_from_env(ENV)))


def clear(virtuoso: Virtuoso) -> None:
    """Delete kg's graphs and the test's own graph from the store."""
    store = remote(virtuoso)
    for iri in [*store.graphs(V.GRAPH_ONTOLOGY.rsplit("/", 1)[0] + "/"), MINE]:
        store.delete(iri)


def test_push_with_digest_then_nothing_to_send(virtuoso: Virtuoso, store: ox.Store) -> None:
    clear(virtuoso)
    first = push_graphs(store, virtuoso.store, environ=ENV)
    graphs = sorted(g.value for g in store.named_graphs())
    assert sorted(first.pushed) == graphs
    # counted on Virtuoso's /sparql (guessed from the Graph Store URL)
    assert first.verified == {
        g: len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(g)))) for g in graphs
    }
    again = push_graphs(store, virtuoso.store, environ=ENV)
    assert again.pushed == []
    assert sorted(again.unchanged) == graphs  # Virtuoso's own lexical forms compare equal
    assert [m for m, url in again.requests if "?graph=" in url] == ["GET"] * len(graphs)
    assert report_lines(again)[-1] == f"pushed 0 of {len(graphs)} graphs ({len(graphs)} unchanged)"


def test_prune_and_dry_run_on_virtuoso(
    virtuoso: Virtuoso, store: ox.Store, shipped_build_dir: Path
) -> None:
    clear(virtuoso)
    push_graphs(store, virtuoso.store, environ=ENV)
    target = remote(virtuoso)
    for iri in (OLD, MINE):
        target.send("PUT", iri, b'<http://e/s> <http://e/p> "not in the build" .\n')
    runner = CliRunner()
    base = ["push", virtuoso.store, "--build", str(shipped_build_dir)]
    warned = runner.invoke(cli, base, env=ENV)
    assert warned.exit_code == 0, warned.output
    assert "tkg:source-old-import (kg push --prune deletes them)" in warned.stderr
    dry = runner.invoke(cli, [*base, "--prune", "--dry-run"], env=ENV)
    assert dry.exit_code == 0, dry.output
    assert f"<{OLD}>: not in the build: would delete" in dry.stdout
    assert target.counts([OLD], 1 << 20) == {OLD: 1}
    pruned = runner.invoke(cli, [*base, "--prune"], env=ENV)
    assert pruned.exit_code == 0, pruned.output
    assert f"<{OLD}>: not in the build: deleted" in pruned.stdout
    assert target.counts([OLD, MINE], 1 << 20) == {OLD: 0, MINE: 1}


def test_refusals_are_one_line(virtuoso: Virtuoso, shipped_build_dir: Path) -> None:
    clear(virtuoso)
    runner = CliRunner()
    base = ["push", virtuoso.store, "--build", str(shipped_build_dir)]
    wrong = runner.invoke(cli, base, env={"KG_REMOTE_USER": USER, "KG_REMOTE_PASSWORD": "nope-pw"})
    assert wrong.exit_code == 1
    assert len(wrong.stderr.splitlines()) == 1
    assert "HTTP 401" in wrong.stderr
    assert "KG_REMOTE_USER/KG_REMOTE_PASSWORD" in wrong.stderr
    assert "nope-pw" not in wrong.output
    open_url = virtuoso.base + "/sparql-graph-crud"  # the unauthenticated endpoint: 403
    anonymous = runner.invoke(cli, ["push", open_url, "--build", str(shipped_build_dir)])
    assert anonymous.exit_code == 1
    assert "HTTP 403" in anonymous.stderr
    assert len(anonymous.stderr.splitlines()) == 1


def test_a_result_cap_is_detected_and_the_graph_sent_whole(
    tmp_path: Path, store: ox.Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Virtuoso's Graph Store GET answers about [SPARQL] ResultSetMaxRows triples (here 100:
    it gives 101); its COUNT the whole graph. A push cannot verify such a graph: it sends it
    again and says why; a graph below the cap still compares."""
    import virtuoso as v

    cap = "ResultSetMaxRows = 100\n"
    monkeypatch.setattr(v, "INI", v.INI.replace("ResultSetMaxRows = 100000\n", cap))
    with virtuoso_server(tmp_path / "capped") as capped:
        first = push_graphs(store, capped.store, environ=ENV)
        again = push_graphs(store, capped.store, environ=ENV)
    sizes = dict(first.verified)
    big = sorted(g for g, n in sizes.items() if n > 101)
    assert big
    assert len(big) < len(sizes)  # the curation graph (51 triples) is below the cap
    assert sorted(again.pushed) == big
    assert sorted(again.unchanged) == sorted(g for g in sizes if g not in big)
    lines = report_lines(again)
    for g in big:
        n = sizes[g]
        start = f"<{g}>: {n} triples here, {n} in the store: the store counts {n} triples but "
        (line,) = [x for x in lines if x.startswith(start)]
        assert line.endswith(
            "(a cap on its answers, such as Virtuoso's ResultSetMaxRows): cannot verify: sent whole"
        )


def test_a_small_change_is_patched_on_virtuoso(virtuoso: Virtuoso, store: ox.Store) -> None:
    """One SPARQL Update through /sparql-auth (Digest), counted afterwards."""
    clear(virtuoso)
    push_graphs(store, virtuoso.store, environ=ENV)
    source = V.source_graph("essay-prk")
    newer = ox.Store()
    newer.extend(store)
    label = ox.Literal('v2 "quoted" é', language="en")
    newer.add(
        ox.Quad(ox.NamedNode(source), ox.NamedNode(V.RDFS + "label"), label, ox.NamedNode(source))
    )
    result = push_graphs(newer, virtuoso.store, environ=ENV)
    assert result.patched == result.pushed == [source]
    assert result.warnings == []
    assert push_graphs(newer, virtuoso.store, environ=ENV).pushed == []
    back = push_graphs(store, virtuoso.store, environ=ENV)
    assert back.patched == [source]
    assert push_graphs(store, virtuoso.store, environ=ENV).pushed == []


def test_counts_in_any_order_and_batch(
    virtuoso: Virtuoso, store: ox.Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Triples per graph, counted on Virtuoso's /sparql one UNION of constant-graph counts per
    batch, whatever the order of the graphs (with a VALUES block Virtuoso 7.2 took 17 s or
    0.07 s for the same graphs, by their order), absent ones 0."""
    import kg.remote.store as remote_store

    clear(virtuoso)
    push_graphs(store, virtuoso.store, environ=ENV)
    want = {
        g.value: len(list(store.quads_for_pattern(None, None, None, g)))
        for g in store.named_graphs()
    }
    graphs = [*sorted(want), OLD]
    for batch in (50, 2, 1):
        monkeypatch.setattr(remote_store, "COUNT_BATCH", batch)
        for order in (graphs, graphs[::-1], graphs[1::2] + graphs[::2]):
            assert remote(virtuoso).counts(order, 0) == {**want, OLD: 0}
