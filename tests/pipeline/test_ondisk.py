"""The on-disk store beside a build (build/store/): written atomically with the other outputs,
opened read-only by the read-only commands, safe for readers during a rebuild; a store that
cannot answer for its build (missing, another build's, another version's, changed, damaged,
open for writing elsewhere) is one warning line and the answer comes from graph.nq."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg import pipeline
from kg.cli import cli
from kg.core import vocab as V
from kg.core.errors import KGError
from kg.pipeline import opening
from kg.query.named import discover, load_query, run_query

ROOT = Path(__file__).resolve().parents[2]
QUERIES = ROOT / "queries"
PRK = "country-prk,PRK"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of data/ and ontology/ and a build of it (with its store)."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    result = pipeline.run(settings(tmp_path))
    assert result.report.conforms
    return tmp_path


def settings(root: Path, **extra: object) -> pipeline.Settings:
    return pipeline.Settings(
        data_dir=root / "data", ontology_dir=root / "ontology", out_dir=root / "build", **extra
    )  # type: ignore[arg-type]


def build_into(root: Path, out: Path, *nquads: Path) -> pipeline.BuildResult:
    """Build ``root``'s data and ontology, with the N-Quads files ``nquads``, into ``out``."""
    return pipeline.run(
        pipeline.Settings(
            data_dir=root / "data", ontology_dir=root / "ontology", out_dir=out, nquads=nquads
        )
    )


def query(root: Path, *args: str) -> object:
    base = ["--data", str(root / "data"), "--ontology", str(root / "ontology")]
    return CliRunner().invoke(
        cli, [*base, "query", "tiers", "--build", str(root / "build"), "--format", "csv", *args]
    )


def quads(store: ox.Store) -> list[str]:
    return sorted(map(str, store))


def test_the_build_writes_a_store_that_answers_like_the_files(project: Path) -> None:
    build = project / "build"
    manifest = json.loads((build / "manifest.json").read_text())
    stamp = json.loads((build / "store" / "kg-store.json").read_text())
    assert stamp["build"] == manifest["store"]["build"]
    assert stamp["pyoxigraph"] == ox.__version__ == manifest["store"]["pyoxigraph"]
    store = pipeline.open_build(build)
    written = ox.parse(path=build / "graph.nq", format=ox.RdfFormat.N_QUADS)
    assert quads(store) == sorted(map(str, written))  # blank-node labels included
    quad = ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("x"))
    with pytest.raises(RuntimeError, match="read-write"):  # opened read-only
        store.add(quad)
    files = pipeline.load_build(build)
    for name in sorted(discover(QUERIES)):
        spec = load_query(QUERIES, name)
        assert run_query(store, spec).rows == run_query(files, spec).rows, name
    assert not list(project.glob(".build.store.*"))  # the helper's work is gone


def test_read_only_commands_use_the_store(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(out_dir: Path) -> ox.Store:
        raise AssertionError("graph.nq was parsed")

    monkeypatch.setattr(opening, "load_build", refuse)
    result = query(project)
    assert result.exit_code == 0, result.output
    assert PRK in result.stdout
    assert "warning" not in result.stderr


def expect_fallback(project: Path, problem: str) -> None:
    result = query(project)
    assert result.exit_code == 0, result.output
    assert PRK in result.stdout  # the right answer, from graph.nq
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning")]
    assert len(warnings) == 1, result.stderr
    assert problem in warnings[0]
    assert warnings[0].endswith("instead (run 'kg build' to rewrite the store)")
    assert "Traceback" not in result.output


def edit_stamp(project: Path, **values: str) -> None:
    for path in (
        project / "build" / "store" / "kg-store.json",
        project / "build" / "manifest.json",
    ):
        data = json.loads(path.read_text())
        target = data if path.name == "kg-store.json" else data["store"]
        target.update(values)
        path.write_text(json.dumps(data))


def test_a_missing_store(project: Path) -> None:
    shutil.rmtree(project / "build" / "store")
    expect_fallback(project, "build/store is missing: reading")


def test_another_builds_store(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    other = tmp_path_factory.mktemp("other")
    shutil.copytree(ROOT / "ontology", other / "ontology")
    (other / "data").mkdir()
    shutil.copytree(ROOT / "data" / "reference", other / "data" / "reference")
    assert pipeline.run(settings(other)).report.conforms
    shutil.rmtree(project / "build" / "store")
    shutil.copytree(other / "build" / "store", project / "build" / "store")
    expect_fallback(project, "does not belong to this build")


def test_another_pyoxigraph_version(project: Path) -> None:
    edit_stamp(project, pyoxigraph="0.4.11")
    expect_fallback(project, f"was written by pyoxigraph 0.4.11 (this is {ox.__version__})")


def test_another_kg_version(project: Path) -> None:
    edit_stamp(project, kg="0.0.1")
    expect_fallback(project, "was written by kg 0.0.1")


def test_a_changed_store(project: Path) -> None:
    sst = max((project / "build" / "store").glob("*.sst"), key=lambda p: p.stat().st_size)
    with sst.open("r+b") as stream:
        stream.truncate(sst.stat().st_size // 2)
    expect_fallback(project, "is not as the build wrote it")


def test_a_damaged_store_that_kept_its_dates(project: Path) -> None:
    """Damage in place (same size, same time): RocksDB's own checks find it at opening."""
    manifest = next((project / "build" / "store").glob("MANIFEST-*"))
    stat = manifest.stat()
    data = bytearray(manifest.read_bytes())
    for i in range(len(data) // 3, len(data), 7):
        data[i] ^= 0x5A
    manifest.write_bytes(bytes(data))
    os.utime(manifest, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    expect_fallback(project, "build/store")


@pytest.mark.skipif(shutil.which("oxigraph") is None, reason="needs the oxigraph server")
def test_a_store_open_for_writing_elsewhere(project: Path) -> None:
    from oxiserver import free_port

    location = project / "build" / "store"
    port = free_port()
    server = subprocess.Popen(
        ["oxigraph", "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        assert server.stderr is not None
        server.stderr.readline()  # "Listening for requests at …": it holds the lock now
        expect_fallback(project, "build/store")
    finally:
        server.kill()
        server.wait()


def test_a_failed_build_leaves_the_store_as_it_was(project: Path, tmp_path: Path) -> None:
    stamp = (project / "build" / "store" / "kg-store.json").read_bytes()
    bad = tmp_path / "bad.nq"  # a country without its codes: the graph does not conform
    bad.write_text(
        f"<{V.TKD}country-xxx> <{V.RDF}type> <{V.TK}Country> <{V.source_graph('bad')}> .\n"
    )
    result = pipeline.run(settings(project, nquads=(bad,)))
    assert not result.report.conforms
    assert result.written == []
    broken = project / "data" / "broken.yaml"
    broken.write_text("source: [unclosed\n")
    with pytest.raises(KGError):
        pipeline.run(settings(project))
    assert (project / "build" / "store" / "kg-store.json").read_bytes() == stamp
    assert quads(pipeline.open_build(project / "build"))
    assert not [p for p in project.iterdir() if p.name.startswith(".build.")]


def test_readers_during_a_rebuild(project: Path) -> None:
    """A reader that opened the store keeps reading the build it opened while a rebuild
    replaces build/; the next reader sees the new build."""
    before = pipeline.open_build(project / "build")
    old = quads(before)
    essay = next((project / "data").rglob("prk-essay.yaml"))
    essay.write_text(essay.read_text() + "\n# a comment changes nothing in the graph\n")
    extra = project / "extra.nq"
    extra.write_text(f'<http://e/s> <http://e/p> "new" <{V.source_graph("extra")}> .\n')
    assert pipeline.run(settings(project, nquads=(extra,))).report.conforms
    assert quads(before) == old  # still the old build, whole
    after = pipeline.open_build(project / "build")
    assert len(quads(after)) == len(old) + 1


def test_checksums_decide_staleness(project: Path) -> None:
    s = settings(project)
    essay = next((project / "data").rglob("prk-essay.yaml"))
    stat = essay.stat()
    assert not opening.is_stale(s)
    os.utime(essay)  # touched, not changed
    assert not opening.is_stale(s)
    essay.write_text(essay.read_text().replace("Korea", "KOREA", 1))
    os.utime(essay, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # changed, its build-time date back
    assert (essay.stat().st_size, essay.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    assert opening.is_stale(s)


def test_inferred_quads_in_an_input_are_derived_afresh(project: Path, tmp_path: Path) -> None:
    """An input N-Quads file that holds an old inferred graph (a build's graph.nq): the rules
    drop it and derive it again, in memory and in the store alike."""
    old = tmp_path / "old.nq"
    shutil.copy(project / "build" / "graph.nq", old)
    with old.open("a") as stream:
        stream.write(f'<http://e/stale> <http://e/p> "stale" <{V.GRAPH_INFERRED}> .\n')
    out = tmp_path / "second"
    assert build_into(project, out, old).report.conforms
    written = ox.parse(path=out / "graph.nq", format=ox.RdfFormat.N_QUADS)
    assert quads(pipeline.open_build(out)) == sorted(map(str, written))
    assert "stale" not in (out / "graph.nq").read_text()


def test_a_graph_changed_after_the_build(project: Path) -> None:
    """An edited graph.nq is not what the store holds: the answer comes from graph.nq."""
    graph = project / "build" / "graph.nq"
    with graph.open("a") as stream:
        stream.write(f'<http://e/s> <http://e/p> "added" <{V.source_graph("edit")}> .\n')
    expect_fallback(project, "build/graph.nq was changed after the build wrote it")
    assert '"added"' in "\n".join(quads(pipeline.open_build(project / "build")))


def test_the_store_helper_runs_at_the_builds_priority(tmp_path: Path) -> None:
    """Not niced: the build cannot end before the helper (kg.pipeline.ondisk's docstring)."""
    from kg.pipeline.ondisk import StoreWriter

    writer = StoreWriter(tmp_path / "build")
    try:
        time.sleep(0.3)  # past the helper's start-up
        assert writer.proc.poll() is None
        assert os.getpriority(os.PRIO_PROCESS, writer.proc.pid) == os.getpriority(
            os.PRIO_PROCESS, 0
        )
    finally:
        writer.abort()
    assert not list(tmp_path.glob(".build.store.*"))


def _threads(pid: int) -> dict[int, str]:
    """Thread id → name of the threads of process ``pid``."""
    names = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            names[int(task.name)] = (task / "comm").read_text().strip()
    return names


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="needs Linux's SCHED_IDLE")
def test_the_stores_compactions_take_only_idle_cores(tmp_path: Path) -> None:
    """RocksDB's compaction threads in the helper run at SCHED_IDLE (they only merge levels;
    the build must not wait for them); its other threads keep the build's policy."""
    from kg.pipeline.cache import BuildCache
    from kg.pipeline.ondisk import StoreWriter

    writer = StoreWriter(tmp_path / "build")
    try:
        writer.load_inputs([], BuildCache(None), seed=False)  # the helper opens its store
        deadline = time.monotonic() + 30  # the policy is set just after the store opens
        while True:
            threads = _threads(writer.proc.pid)
            low = [tid for tid, name in threads.items() if name == "rocksdb:low"]
            policies = {os.sched_getscheduler(tid) for tid in low}
            if (low and policies == {os.SCHED_IDLE}) or time.monotonic() > deadline:
                break
            assert writer.proc.poll() is None
            time.sleep(0.05)
        assert low
        assert policies == {os.SCHED_IDLE}
        assert os.sched_getscheduler(writer.proc.pid) == os.sched_getscheduler(0)
        flushes = [tid for tid, name in threads.items() if name == "rocksdb:high"]
        assert all(os.sched_getscheduler(tid) != os.SCHED_IDLE for tid in flushes)
    finally:
        writer.abort()
    assert not list(tmp_path.glob(".build.store.*"))


def test_the_store_is_a_checkpoint_of_several_bulk_loads(project: Path, tmp_path: Path) -> None:
    """Input files, the build's quads and the inferred graph are separate bulk loads, and the
    build hands over a checkpoint without waiting for their levels to be merged: it must
    still hold every quad once, and open read-only."""
    extra = []
    for n in range(3):
        extra.append(tmp_path / f"in-{n}.nq")
        extra[-1].write_text(
            "".join(
                f'<http://e/s{n}-{i}> <http://e/p> "{i}" <{V.source_graph(f"in-{n}")}> .\n'
                for i in range(500)
            )
        )
    out = tmp_path / "several"
    assert build_into(project, out, *extra).report.conforms
    store = ox.Store.read_only(str(out / "store"))
    written = sorted(map(str, ox.parse(path=out / "graph.nq", format=ox.RdfFormat.N_QUADS)))
    assert quads(store) == written
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".several.")]


def test_a_sealed_store_is_complete_before_the_build_ends(tmp_path: Path) -> None:
    """Once sealed (the last quads sent), the helper checkpoints the store and exits without
    waiting for anything else of the build; ``finish`` then stamps the checkpoint with the
    build's id, and the stamp lists the checkpoint's files as they are."""
    from kg.core.ondisk import fingerprint
    from kg.pipeline.cache import BuildCache
    from kg.pipeline.ondisk import StoreWriter

    graph = V.source_graph("sealed")
    writer = StoreWriter(tmp_path / "build")
    try:
        writer.load_inputs([], BuildCache(None), seed=False)
        writer.load_imports([], [])
        quads = [
            ox.Quad(
                ox.NamedNode(f"http://e/s{i}"),
                ox.NamedNode("http://e/p"),
                ox.Literal(str(i)),
                ox.NamedNode(graph),
            )
            for i in range(100)
        ]
        writer.load_quads(quads)
        writer.seal()
        assert writer.proc.wait(timeout=60) == 0  # gone before the build asks for the store
        assert not (writer.target / "kg-store.json").exists()  # not stamped yet
        recorded = writer.finish("build-id", [graph])
        stamp = json.loads((writer.target / "kg-store.json").read_text())
        assert stamp["build"] == recorded["build"] == "build-id"
        assert stamp["files"] == fingerprint(writer.target)
        store = ox.Store.read_only(str(writer.target))
        assert sorted(map(str, store)) == sorted(map(str, quads))
        del store
    finally:
        writer.abort()
    assert not list(tmp_path.glob(".build.store.*"))


def test_a_helper_that_died_before_the_seal_is_one_line(tmp_path: Path) -> None:
    from kg.pipeline.ondisk import StoreWriter

    writer = StoreWriter(tmp_path / "build")
    try:
        writer.proc.kill()
        writer.proc.wait()
        with pytest.raises(KGError, match="writing the on-disk store failed"):
            writer.seal()
    finally:
        writer.abort()


@pytest.mark.parametrize("said", ["", "not JSON\n", "[1]\n", '{"graphs": []}\n'])
def test_a_helper_without_an_answer_is_one_line(tmp_path: Path, said: str) -> None:
    """A helper that exits 0 but does not end with its answer (the store's files and graphs)."""
    from kg.pipeline.ondisk import StoreWriter

    writer = StoreWriter(tmp_path / "build")
    helper = writer.proc
    try:
        script = f"import sys; sys.stdout.write({said!r})"
        writer.proc = subprocess.Popen(
            [sys.executable, "-c", script],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        with pytest.raises(KGError, match="its helper gave no answer"):
            writer.finish("build", [])
    finally:
        writer.abort()
        writer.proc = helper
        writer.abort()


def _faster_malloc() -> str | None:
    from kg.core.allocator import preload

    return preload({})


@pytest.mark.skipif(
    _faster_malloc() is None,
    reason="no jemalloc, mimalloc or tcmalloc on this machine (Debian: libjemalloc2)",
)
def test_the_helper_runs_with_a_faster_malloc_and_writes_the_same_store(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """kg.core.allocator: the helper starts with the system's faster malloc preloaded (the
    stamp names the one it had mapped), the build's own process keeps its own; the store
    holds the same quads as one written with the C library's malloc."""
    from kg.core.allocator import in_use

    library = Path(str(_faster_malloc())).name
    stamp = json.loads((project / "build" / "store" / "kg-store.json").read_text())
    assert stamp["malloc"].startswith(library.split(".so")[0])
    if not os.environ.get("LD_PRELOAD"):
        assert in_use() == "system"
    monkeypatch.setenv("KG_STORE_MALLOC", "system")
    assert build_into(project, tmp_path / "system").report.conforms
    stamp = json.loads((tmp_path / "system" / "store" / "kg-store.json").read_text())
    assert stamp["malloc"] == "system"
    faster = pipeline.open_build(project / "build")
    system = pipeline.open_build(tmp_path / "system")
    assert quads(faster) == quads(system)


def test_a_malloc_that_is_not_a_file_is_one_line(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = (project / "build" / "manifest.json").read_bytes()
    monkeypatch.setenv("KG_STORE_MALLOC", str(project / "libnowhere.so"))
    base = ["--data", str(project / "data"), "--ontology", str(project / "ontology")]
    done = CliRunner().invoke(cli, [*base, "build", "--out", str(project / "build")])
    assert done.exit_code != 0
    lines = done.output.strip().splitlines()
    assert len(lines) == 1, done.output
    assert "KG_STORE_MALLOC names" in lines[0]
    assert "libnowhere.so, which is not a file" in lines[0]
    assert "Traceback" not in done.output
    assert (project / "build" / "manifest.json").read_bytes() == before  # nothing lost
    assert not list(project.glob(".build.store.*"))  # nor left behind
