"""A build directory in states no build leaves it in: another build's files copied over it, its
files replaced by FIFOs, its store damaged in place. Every read-only command answers from the
build of the current inputs (rebuilt when the manifest's checksums say so), or says in one line
what is wrong and how to rebuild: never a stale answer, a hang or a traceback."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.core import fileio
from kg.query.named import load_query, run_query

ESSAY = Path("data/assessments/prk-essay.yaml")


def tier(result: object) -> str:
    """The PRK tier a ``kg query tiers --format csv`` answered (exit 0 expected)."""
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "Traceback" not in result.output  # type: ignore[attr-defined]
    (row,) = [line for line in result.stdout.splitlines() if "PRK" in line]  # type: ignore[attr-defined]
    return row.split(",")[2].rsplit("/", 1)[-1]


def tiers(runner: CliRunner, build: str) -> object:
    return runner.invoke(cli, ["query", "tiers", "--build", build, "--format", "csv"])


@pytest.fixture
def other_build(sample_repo: Path, runner: CliRunner) -> Path:
    """``out``, the build of the project (PRK at tier 3), and ``elsewhere``, the build of a
    copy of its data that puts PRK at tier 2; the project's own data is unchanged."""
    assert runner.invoke(cli, ["build", "--out", "out"]).exit_code == 0
    shutil.copytree(sample_repo / "data", sample_repo / "other")
    essay = sample_repo / "other" / ESSAY.relative_to("data")
    essay.write_text(essay.read_text().replace("tier: tier-3", "tier: tier-2", 1))
    done = runner.invoke(cli, ["--data", "other", "build", "--out", "elsewhere"])
    assert done.exit_code == 0, done.output
    assert tier(tiers(runner, "out")) == "tier-3"
    return sample_repo / "elsewhere"


def test_another_builds_files_copied_without_dot_files(
    other_build: Path, sample_repo: Path, runner: CliRunner
) -> None:
    """``cp -a elsewhere/* out/`` copies the manifest, graph.nq and the store of a build of
    other data but leaves ``out/.inputs.json`` of the project's build: the manifest's
    checksums are not the project's inputs', so the build is made again."""
    for path in other_build.iterdir():
        if not path.name.startswith("."):
            target = sample_repo / "out" / path.name
            if path.is_dir():
                shutil.rmtree(target)
                shutil.copytree(path, target)
            else:
                shutil.copy2(path, target)
    assert tier(tiers(runner, "out")) == "tier-3"


def test_a_build_without_its_inputs_record(other_build: Path, runner: CliRunner) -> None:
    """Without ``.inputs.json`` (copied without dot files) the inputs are hashed and compared
    with the manifest's checksums, not their times with the manifest's."""
    (other_build / ".inputs.json").unlink()
    assert tier(tiers(runner, "elsewhere")) == "tier-3"


@contextlib.contextmanager
def fifo(path: Path) -> Iterator[threading.Event]:
    """``path`` replaced by a FIFO; a reader that waits on it is let go after 10 s (a writer
    opens and closes it), and the event yielded says whether one had to be."""
    path.unlink()
    os.mkfifo(path)
    freed, done = threading.Event(), threading.Event()

    def release() -> None:
        while not done.wait(10):
            with contextlib.suppress(OSError):  # ENXIO: nobody reads it
                os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
                freed.set()

    watchdog = threading.Thread(target=release, daemon=True)
    watchdog.start()
    try:
        yield freed
    finally:
        done.set()
        watchdog.join()


@pytest.mark.parametrize(
    "name", ["manifest.json", "store/kg-store.json", ".inputs.json", ".network-flows.json"]
)
def test_a_fifo_for_a_json_file_of_the_build(
    sample_repo: Path, runner: CliRunner, name: str
) -> None:
    """A FIFO where the build keeps a file is never waited on: it is a file that cannot be
    read (at most a warning, and the answer from graph.nq or a rebuild)."""
    assert runner.invoke(cli, ["build", "--out", "out"]).exit_code == 0
    assert runner.invoke(cli, ["export", "--format", "graphml", "--build", "out"]).exit_code == 0
    with fifo(sample_repo / "out" / name) as freed:
        assert tier(tiers(runner, "out")) == "tier-3"
        done = runner.invoke(cli, ["export", "--format", "graphml", "--build", "out"])
        assert done.exit_code == 0, done.output
        assert done.stdout.startswith("<?xml")
    assert not freed.is_set()


def test_a_fifo_for_the_graph(sample_repo: Path, runner: CliRunner) -> None:
    assert runner.invoke(cli, ["build", "--out", "out"]).exit_code == 0
    with fifo(sample_repo / "out" / "graph.nq") as freed:
        result = tiers(runner, "out")
    assert not freed.is_set()
    assert result.exit_code == 1  # type: ignore[attr-defined]
    (line,) = result.stderr.splitlines()  # type: ignore[attr-defined]
    assert line == (
        "Error: out/graph.nq: not a regular file (the build is damaged or incomplete: run "
        "'kg build --out out')"
    )


def test_a_store_damaged_in_place_is_one_line(sample_repo: Path, runner: CliRunner) -> None:
    """Bytes of the store's data files changed in place, their sizes and times kept (bit rot):
    the checks at opening cannot see it, RocksDB finds it when a command reads the block. One
    line naming the damage and how to rewrite the store, exit 1."""
    assert runner.invoke(cli, ["build", "--out", "out"]).exit_code == 0
    for sst in (sample_repo / "out" / "store").glob("*.sst"):
        stat = sst.stat()
        if stat.st_size < 50_000:  # the small ones: their checks run at opening
            continue
        data = bytearray(sst.read_bytes())
        at = len(data) * 3 // 10  # a data block
        data[at : at + 64] = bytes(b ^ 0x5A for b in data[at : at + 64])
        sst.write_bytes(bytes(data))
        os.utime(sst, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    result = runner.invoke(cli, ["export", "--format", "ntriples", "--build", "out"])
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: the on-disk store cannot be read: Corruption: ")
    assert "out/store/" in line
    assert line.endswith("(it is damaged: run 'kg build' to write it again)")


@pytest.mark.skipif(sys.platform != "linux", reason="the swap in one step is Linux's renameat2")
def test_a_rebuild_never_leaves_the_build_missing(
    sample_repo: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """kg build swaps its new directory in for the old one in one step: a reader looking at
    any moment finds a build (in the moment between moving the old one aside and the new one
    in, a reader took the build for missing and built it itself, or said it was not a build)."""
    assert runner.invoke(cli, ["build", "--out", "out"]).exit_code == 0
    there: list[bool] = []
    real = os.replace

    def replace(source: object, target: object) -> None:
        real(source, target)  # type: ignore[arg-type]
        there.append((sample_repo / "out" / "graph.nq").is_file())

    monkeypatch.setattr(os, "replace", replace)
    assert runner.invoke(cli, ["build", "--out", "out"]).exit_code == 0
    assert all(there)


def test_builds_racing_for_one_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where directories cannot be swapped in one step, a build that finds another one's
    directory swapped in between its own two moves moves that one aside too (it failed)."""
    target = tmp_path / "out"
    fileio.atomic_dir(target, lambda d: (d / "v").write_text("old"))
    monkeypatch.setattr(fileio, "_exchange", lambda new, target: False, raising=False)
    real = os.replace
    raced: list[bool] = []

    def replace(source: object, dest: object) -> None:
        real(source, dest)  # type: ignore[arg-type]
        if not raced and Path(str(dest)).parent.name.startswith(".out.old."):
            raced.append(True)  # the old one is aside: another build swaps its own in now
            fileio.atomic_dir(target, lambda d: (d / "v").write_text("other"))

    monkeypatch.setattr(os, "replace", replace)
    fileio.atomic_dir(target, lambda d: (d / "v").write_text("new"))
    assert raced
    assert (target / "v").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # nothing left beside it


def test_a_reader_while_a_build_replaces_the_directory(
    other_build: Path,
    sample_repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A build swaps its directory in while a reader opens the old one (it read the old
    manifest, then found the new store): the reader reads the new build afresh, without a
    warning that the store is not the build's or is damaged."""
    from kg.pipeline import opening

    real = opening.open_store
    swapped: list[bool] = []

    def open_store(out_dir: Path, manifest: dict[str, object]) -> object:
        if not swapped:
            swapped.append(True)
            fileio.atomic_dir(
                out_dir, lambda d: shutil.copytree(other_build, d, dirs_exist_ok=True)
            )
        return real(out_dir, manifest)

    monkeypatch.setattr(opening, "open_store", open_store)
    with caplog.at_level(logging.WARNING):
        store = opening.open_build(sample_repo / "out")
    assert swapped
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    answer = run_query(store, load_query(sample_repo / "queries", "tiers"))
    (row,) = answer.rows
    assert "/tier-2>" in str(row[answer.vars.index("tier")])  # the build swapped in


@pytest.mark.parametrize("store", ["--no-store", "store removed"])
def test_graph_nq_read_keeps_blank_node_labels(
    sample_repo: Path, runner: CliRunner, store: str
) -> None:
    """Read from graph.nq (a build without its store, or a store that cannot answer), the
    graph keeps its blank-node labels: an export is the build's own file, byte for byte, as
    from the store (they were new random labels at each reading)."""
    args = ["build", "--out", "out"] + (["--no-store"] if store == "--no-store" else [])
    assert runner.invoke(cli, args).exit_code == 0
    if store == "store removed":
        shutil.rmtree(sample_repo / "out" / "store")
    graph = (sample_repo / "out" / "graph.nt").read_bytes()
    assert b"_:" in graph
    done = runner.invoke(cli, ["export", "--format", "ntriples", "--build", "out"])
    assert done.exit_code == 0, done.output
    assert done.stdout_bytes == graph


def test_a_build_that_lost_its_manifest(sample_repo: Path, runner: CliRunner) -> None:
    """Without manifest.json nothing says whether the build is stale: a reader builds again,
    in place (kg's record of the inputs and the store's stamp say it is a kg build; it was
    refused as 'not a kg build', with the advice to choose --out build, the very one). With
    nothing of kg's left but graph.nq the refusal says to remove a damaged build."""
    assert runner.invoke(cli, ["build", "--out", "out"]).exit_code == 0
    (sample_repo / "out" / "manifest.json").unlink()
    assert tier(tiers(runner, "out")) == "tier-3"
    assert (sample_repo / "out" / "manifest.json").is_file()
    (sample_repo / "out" / "manifest.json").unlink()
    (sample_repo / "out" / ".inputs.json").unlink()
    shutil.rmtree(sample_repo / "out" / "store")
    result = tiers(runner, "out")
    assert result.exit_code == 1  # type: ignore[attr-defined]
    (line,) = result.stderr.splitlines()  # type: ignore[attr-defined]
    assert "(if it is a damaged build, remove it and build again; else" in line


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        ("file", "out/store is not a directory"),
        ("fifo", "out/store is not a directory"),
        ("dangling link", "out/store is a symbolic link that leads to no directory"),
        ("looping link", "out/store is a symbolic link that leads to no directory"),
        ("link to another store", "out/store does not belong to this build"),
    ],
)
def test_a_store_that_is_no_store_directory(
    other_build: Path, sample_repo: Path, runner: CliRunner, kind: str, said: str
) -> None:
    """The warning names ``out/store`` as it is (it said 'is missing' of a file, and named a
    link's target instead of the link); the answer is the build's, from graph.nq."""
    store = sample_repo / "out" / "store"
    shutil.rmtree(store)
    if kind == "file":
        store.write_text("not a store\n")
    elif kind == "fifo":
        os.mkfifo(store)
    else:
        target = {"dangling link": "nowhere", "looping link": "store"}.get(kind)
        store.symlink_to(target or other_build / "store")
    result = tiers(runner, "out")
    assert tier(result) == "tier-3"
    (warning,) = [x for x in result.stderr.splitlines() if x.startswith("warning")]  # type: ignore[attr-defined]
    assert warning.startswith(f"warning: {said}")
