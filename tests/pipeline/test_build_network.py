"""The flow network a build keeps beside its outputs (``kg.pipeline.netcache.NetworkJob``):
made from the build's own store while the writers run (in a forked child, or a thread where
the process cannot fork), byte-for-byte the network an export would read from the store,
used by the first export; a failure in making it costs only the kept rows."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from bench import synthetic
from kg import pipeline
from kg.cli import cli
from kg.network import export as netio
from kg.network.flows import flow_rows
from kg.network.rows import read_key
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


_FRESH = """
import json, os, sys
from pathlib import Path
from kg import pipeline
from kg.pipeline import netcache
a = json.loads(sys.argv[1])
forks, fork = [], os.fork
def counting():
    forks.append(1)
    return fork()
os.fork = counting
if a["fail"]:
    def failing(store):
        raise RuntimeError("no network today")
    netcache.flow_rows = failing
settings = pipeline.Settings(
    data_dir=Path(a["data"]), ontology_dir=Path(a["onto"]), out_dir=Path(a["out"]),
    nquads=tuple(map(Path, a["nquads"])), use_cache=False,
)
assert pipeline.run(settings).report.conforms
print(len(forks))
"""


def _build_as(how: str, tmp_path: Path, corpus: synthetic.Corpus, *, fail: bool = False) -> Path:
    """Build ``corpus`` so that its network is made in a forked child (``how="fork"``: in a
    fresh process, which runs no other thread) or in a thread (as in a process that already
    runs threads, or cannot fork: here, this test process); with ``fail``, making it fails."""
    if how == "thread":
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(netcache, "_threads", lambda: 2)
            if fail:
                _made(patch, fail=True)
            return _build(tmp_path, corpus)
    args = {
        "data": str(corpus.data_dir),
        "onto": str(ROOT / "ontology"),
        "out": str(tmp_path / "build"),
        "nquads": [str(p) for p in corpus.nquads],
        "fail": fail,
    }
    done = subprocess.run(
        [sys.executable, "-c", _FRESH, json.dumps(args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1"]  # one fork: the network's child
    return tmp_path / "build"


def _every_format(network: object) -> dict[str, bytes]:
    return {
        "graphml": netio.graphml_bytes(network),
        "gexf": netio.gexf_bytes(network),
        "nodes": netio.csv_bytes(network, "nodes"),
        "edges": netio.csv_bytes(network, "edges"),
    }


def _made(monkeypatch: pytest.MonkeyPatch, fail: bool = False) -> list[int]:
    """Count the networks computed with ``flow_rows`` (failing each, with ``fail``)."""
    calls: list[int] = []

    def counting(store: ox.Store) -> object:
        calls.append(1)
        if fail:
            raise RuntimeError("no network today")
        return flow_rows(store)

    monkeypatch.setattr(netcache, "flow_rows", counting)
    return calls


@pytest.mark.parametrize("how", ["fork", "thread"])
def test_the_build_keeps_the_network_an_export_would_read(
    tmp_path: Path, corpus: synthetic.Corpus, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    build = _build_as(how, tmp_path, corpus)
    kept = netcache.kept_network(build)
    assert kept is not None
    assert len(kept.edge_rows) > 800
    from_store = flow_rows(pipeline.open_build(build))
    assert _every_format(kept) == _every_format(from_store)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".build.")]  # work gone

    made = _made(monkeypatch)
    out = tmp_path / "flows.graphml"
    args = ["export", "--format", "graphml", "-o", str(out), "--build", str(build)]
    base = ["--data", str(corpus.data_dir), "--ontology", str(ROOT / "ontology")]
    result = CliRunner().invoke(cli, [*base, *args])
    assert result.exit_code == 0, result.output
    assert made == []  # the first export wrote from the rows the build kept
    assert out.read_bytes() == netio.graphml_bytes(from_store)


@pytest.mark.parametrize("how", ["fork", "thread"])
def test_a_failure_costs_only_the_kept_rows(
    tmp_path: Path, corpus: synthetic.Corpus, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    build = _build_as(how, tmp_path, corpus, fail=True)
    assert (build / "graph.nq").is_file()
    assert not (build / netcache.KEPT).exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".build.")]
    made = _made(monkeypatch)
    store = pipeline.open_build(build)
    network = netcache.build_flow_network(build, store)  # the first export makes them
    assert made == [1]
    assert netcache.kept_network(build) is not None
    assert _every_format(network) == _every_format(flow_rows(store))


def test_the_network_can_be_left_out(tmp_path: Path, corpus: synthetic.Corpus) -> None:
    build = _build(tmp_path, corpus, network=False)
    assert not (build / netcache.KEPT).exists()


def test_rows_kept_by_a_build_are_keyed_by_its_manifest(
    tmp_path: Path, corpus: synthetic.Corpus
) -> None:
    build = _build(tmp_path, corpus)
    assert read_key((build / netcache.KEPT).read_bytes()) == netcache.build_key(build)
    manifest = build / "manifest.json"
    manifest.write_bytes(manifest.read_bytes().replace(b'"triples"', b'"triples" ', 1))
    assert netcache.kept_network(build) is None  # another manifest: another build
