"""The flow network kept beside a build (``kg.pipeline.netcache``): its rows read back give the
same GraphML, GEXF and CSV bytes; ``kg export`` keeps it on the first export of a build that
has none and uses it on the next; rows of another build, of another kg or damaged ones are
never used but made again; a build directory that cannot be written is exported all the same."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from flowdata import synthetic_store

from kg import pipeline
from kg.cli import cli
from kg.network import export as netio
from kg.network.flows import flow_rows
from kg.network.rows import network_bytes, network_from_bytes, read_key
from kg.pipeline import netcache


@pytest.fixture(scope="module")
def store(shipped_build: pipeline.BuildResult) -> ox.Store:
    return shipped_build.store


def test_rows_read_back_write_the_same_bytes(store: ox.Store) -> None:
    for graph in (store, synthetic_store(store, n=600)):
        network = flow_rows(graph)
        data = network_bytes(network, {"build": "x"})
        assert read_key(data) == {"build": "x"}
        back = network_from_bytes(data)
        assert netio.graphml_bytes(back) == netio.graphml_bytes(network)
        assert netio.gexf_bytes(back) == netio.gexf_bytes(network)
        for table in ("nodes", "edges"):
            assert netio.csv_bytes(back, table) == netio.csv_bytes(network, table)


@pytest.mark.parametrize("data", [b"", b"junk", b"{}\n[]", b'{"kg-network-rows": 0}\n[]\n'])
def test_other_bytes_have_no_key(data: bytes) -> None:
    assert read_key(data) is None


@pytest.fixture
def build(shipped_build_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "b"
    shutil.copytree(shipped_build_dir, target)
    (target / netcache.KEPT).unlink(missing_ok=True)  # kept by an export of another test
    (target / netcache.ANSWERS).unlink(missing_ok=True)  # read the store, not the answers
    monkeypatch.chdir(tmp_path)  # no data/ here: the build is read as it is
    return target


def _export(runner: CliRunner, build: Path, fmt: str, out: Path) -> bytes:
    result = runner.invoke(cli, ["export", "--format", fmt, "-o", str(out), "--build", str(build)])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def _made(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the networks read from the store (not from kept rows)."""
    calls: list[int] = []

    def counting(store: ox.Store) -> object:
        calls.append(1)
        return flow_rows(store)

    monkeypatch.setattr(netcache, "flow_rows", counting)
    return calls


def test_export_keeps_and_reuses_the_network(
    build: Path, store: ox.Store, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _made(monkeypatch)
    expected = {}
    for fmt in ("graphml", "gexf"):
        with (build.parent / f"direct.{fmt}").open("wb") as stream:
            netio.export(store, fmt, stream)
        expected[fmt] = (build.parent / f"direct.{fmt}").read_bytes()
    assert not (build / netcache.KEPT).exists()
    assert _export(runner, build, "graphml", build.parent / "1.graphml") == expected["graphml"]
    assert (build / netcache.KEPT).is_file()
    assert made == [1]
    assert _export(runner, build, "graphml", build.parent / "2.graphml") == expected["graphml"]
    assert _export(runner, build, "gexf", build.parent / "2.gexf") == expected["gexf"]
    assert made == [1]  # both from the kept rows


@pytest.mark.parametrize("change", ["manifest", "version", "damaged", "truncated"])
def test_rows_of_another_build_are_made_again(
    build: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    first = _export(runner, build, "graphml", build.parent / "1.graphml")
    made = _made(monkeypatch)
    kept = build / netcache.KEPT
    if change == "manifest":  # another build in the same place
        manifest = json.loads((build / "manifest.json").read_text())
        manifest["triples"] = manifest["triples"] + 1
        (build / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    elif change == "version":
        monkeypatch.setattr(netcache, "__version__", "0.0.0-other")
    elif change == "damaged":
        head = kept.read_bytes().split(b"\n", 1)[0]
        kept.write_bytes(head + b'\n[{"title": 1}, [[\n')
    else:
        kept.write_bytes(kept.read_bytes()[:1000])
    assert _export(runner, build, "graphml", build.parent / "2.graphml") == first
    assert made == [1]
    assert _export(runner, build, "graphml", build.parent / "3.graphml") == first
    assert made == [1]  # kept again, right this time


def test_an_unwritable_build_is_exported_all_the_same(
    build: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(path: Path) -> object:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(netcache, "atomic_file", refuse)
    made = _made(monkeypatch)
    first = _export(runner, build, "graphml", build.parent / "1.graphml")
    second = _export(runner, build, "graphml", build.parent / "2.graphml")
    assert first == second
    assert made == [1, 1]
    assert not (build / netcache.KEPT).exists()


def test_other_sources_and_networks_keep_nothing(
    build: Path, runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "g.graphml"
    args = ["export", "--format", "graphml", "--network", "full", "-o", str(out)]
    assert runner.invoke(cli, [*args, "--build", str(build)]).exit_code == 0
    graph = ["export", "--format", "graphml", "-o", str(out), "--graph", str(build / "graph.nq")]
    assert runner.invoke(cli, graph).exit_code == 0
    assert not (build / netcache.KEPT).exists()
