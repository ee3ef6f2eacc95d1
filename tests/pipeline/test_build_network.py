"""The flow network's answers a build keeps beside its outputs (``kg.pipeline.netcache``):
evaluated on the build's own store in a thread while the writers run, the answers an export
would get from the store, used by the first export, which keeps the network's rows in their
place; a failure in evaluating them costs only the kept answers."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from bench import synthetic
from kg import pipeline
from kg.cli import cli
from kg.core import vocab as V
from kg.core.kept import KeptAnswers, Results, record
from kg.graph.rules import apply_rules
from kg.network import export as netio
from kg.network.answers import network_answers, network_queries
from kg.network.flows import flow_rows
from kg.pipeline import netcache

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> synthetic.Corpus:
    """A small synthetic corpus (bench.synthetic: aggregates with parts, estimates, several
    units, tiers, imported N-Quads) with a few thousand flows."""
    return synthetic.generate(tmp_path_factory.mktemp("corpus"), 60_000)


def _build(tmp_path: Path, corpus: synthetic.Corpus, **extra: object) -> Path:
    settings = pipeline.Settings(
        data_dir=corpus.data_dir,
        ontology_dir=ROOT / "ontology",
        out_dir=tmp_path / "build",
        nquads=tuple(corpus.nquads),
        use_cache=False,
        **extra,  # type: ignore[arg-type]
    )
    result = pipeline.run(settings)
    assert result.report.conforms
    return tmp_path / "build"


def _every_format(network: object) -> dict[str, bytes]:
    return {
        "graphml": netio.graphml_bytes(network),
        "gexf": netio.gexf_bytes(network),
        "nodes": netio.csv_bytes(network, "nodes"),
        "edges": netio.csv_bytes(network, "edges"),
    }


def _made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record what each network an export makes is read from: "answers" (the kept ones, with
    the queries they do not hold sent to the store) or "store"."""
    calls: list[str] = []

    def counting(store: ox.Store | KeptAnswers) -> object:
        calls.append("answers" if isinstance(store, KeptAnswers) else "store")
        return flow_rows(store)

    monkeypatch.setattr(netcache, "flow_rows", counting)
    return calls


def _export(build: Path, corpus: synthetic.Corpus, out: Path) -> bytes:
    args = ["export", "--format", "graphml", "-o", str(out), "--build", str(build)]
    base = ["--data", str(corpus.data_dir), "--ontology", str(ROOT / "ontology")]
    result = CliRunner().invoke(cli, [*base, *args])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_the_build_keeps_the_answers_an_export_would_read(
    tmp_path: Path, corpus: synthetic.Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    build = _build(tmp_path, corpus)
    answers = netcache.kept_answers(build)
    assert answers is not None
    assert len(answers) == len(network_queries())
    store = pipeline.open_build(build)
    from_store = flow_rows(store)
    assert len(from_store.edge_rows) > 800
    replayed = KeptAnswers(answers, store)
    assert _every_format(flow_rows(replayed)) == _every_format(from_store)
    assert replayed.sent <= 1  # at most the flows with several values, read again by name
    assert not (build / netcache.KEPT).exists()  # the rows are the first export's to keep
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".build.")]  # work gone

    made = _made(monkeypatch)
    first = _export(build, corpus, tmp_path / "1.graphml")
    assert made == ["answers"]
    assert first == netio.graphml_bytes(from_store)
    assert netcache.kept_network(build) is not None  # the rows, kept by the first export
    assert not (build / netcache.ANSWERS).exists()  # in place of the answers
    assert _export(build, corpus, tmp_path / "2.graphml") == first
    assert made == ["answers"]  # the next export wrote from the rows


class _Recorder:
    """A store that remembers the text of every query sent to it over the union of graphs."""

    def __init__(self, store: ox.Store) -> None:
        self.store, self.sent = store, list[str]()

    def query(self, query: str, *, use_default_graph_as_union: bool = False) -> Results:
        if use_default_graph_as_union:
            self.sent.append(query)
        return self.store.query(query, use_default_graph_as_union=use_default_graph_as_union)


def test_the_kept_queries_are_those_the_network_is_read_with(rich_graph: ox.Store) -> None:
    """If a reader of the network changes a query, its kept answer would go unused: this
    fails instead. (Only the re-reading of flows with several values, by name, is not kept.)"""
    recorder = _Recorder(rich_graph)
    flow_rows(recorder)
    sent = [q for q in recorder.sent if "VALUES ?flow" not in q]
    assert sorted(sent) == sorted(network_queries())


def test_a_failure_costs_only_the_kept_answers(
    tmp_path: Path, corpus: synthetic.Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(store: ox.Store) -> dict[str, bytes]:
        raise RuntimeError("no answers today")

    monkeypatch.setattr(netcache, "network_answers", failing)
    build = _build(tmp_path, corpus)
    assert (build / "graph.nq").is_file()
    assert not (build / netcache.ANSWERS).exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".build.")]
    made = _made(monkeypatch)
    store = pipeline.open_build(build)
    network = netcache.build_flow_network(build, store)  # the first export reads the store
    assert made == ["store"]
    assert netcache.kept_network(build) is not None
    assert _every_format(network) == _every_format(flow_rows(store))


def test_the_network_can_be_left_out(tmp_path: Path, corpus: synthetic.Corpus) -> None:
    build = _build(tmp_path, corpus, network=False)
    assert not (build / netcache.ANSWERS).exists()
    assert not (build / netcache.KEPT).exists()


def test_answers_kept_by_a_build_are_keyed_by_its_manifest(
    tmp_path: Path, corpus: synthetic.Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    build = _build(tmp_path, corpus)
    assert netcache.kept_answers(build) is not None
    manifest = build / "manifest.json"
    manifest.write_bytes(manifest.read_bytes().replace(b'"triples"', b'"triples" ', 1))
    assert netcache.kept_answers(build) is None  # another manifest: another build
    made = _made(monkeypatch)
    netcache.build_flow_network(build, pipeline.open_build(build))
    assert made == ["store"]


def test_the_answers_take_the_cores_the_build_leaves(
    tmp_path: Path, corpus: synthetic.Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The thread evaluating the answers runs at a lower priority than the build's own
    threads (as the store's helper does); the build's priority is left as it was."""
    seen: list[int] = []

    def niceness(store: ox.Store) -> dict[str, bytes]:
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        return network_answers(store)

    before = os.getpriority(os.PRIO_PROCESS, 0)
    monkeypatch.setattr(netcache, "network_answers", niceness)
    build = _build(tmp_path, corpus)
    assert os.getpriority(os.PRIO_PROCESS, 0) == before
    assert seen == [min(before + 10, 19)]
    assert netcache.kept_answers(build) is not None


@pytest.mark.parametrize("damage", [(b"\t", b" "), (b"<", b"{"), (b"\n", b"\t")])
def test_damaged_answers_are_read_from_the_store(
    tmp_path: Path,
    corpus: synthetic.Corpus,
    monkeypatch: pytest.MonkeyPatch,
    damage: tuple[bytes, bytes],
) -> None:
    """Kept answers damaged without changing their length or header still pass the checks
    of their layout: making the network from them fails, and it is read from the store."""
    build = _build(tmp_path, corpus)
    path = build / netcache.ANSWERS
    head, body = path.read_bytes().split(b"\n", 1)
    path.write_bytes(head + b"\n" + body.replace(*damage))
    assert netcache.kept_answers(build) is not None  # the layout is intact
    made = _made(monkeypatch)
    out = _export(build, corpus, tmp_path / "1.graphml")
    assert made == ["answers", "store"]
    assert out == netio.graphml_bytes(flow_rows(pipeline.open_build(build)))


def test_the_kept_answers_are_those_of_the_finished_graph(
    tmp_path: Path, corpus: synthetic.Corpus
) -> None:
    """The build starts the network's queries once the closure rules have run, beside
    kg.derive (which adds only conclusions none of them reads): what it keeps must be the
    answers of the graph the build wrote, conclusions and all."""
    build = _build(tmp_path, corpus)
    answers = netcache.kept_answers(build)
    assert answers is not None
    written = ox.Store()
    written.bulk_load(path=str(build / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    assert dict(answers) == record(written, network_queries())


def test_the_network_queries_read_no_conclusion_of_derive(rich_graph: ox.Store) -> None:
    """Their answers on a graph before kg.derive ran and after are the same (the rich graph
    gets thousands of derived conclusions: tier changes, latest placements, size ranks)."""
    before = ox.Store()
    before.extend(rich_graph)  # apply_rules drops the inferred graph first
    seen: list[dict[str, bytes]] = []
    apply_rules(before, lambda: seen.append(record(before, network_queries())))
    assert len(seen) == 1
    assert len(list(before.quads_for_pattern(None, None, None, ox.NamedNode(V.GRAPH_INFERRED))))
    assert seen[0] == record(before, network_queries())
