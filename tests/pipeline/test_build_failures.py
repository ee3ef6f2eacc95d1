"""A build that cannot finish (a full disk, SIGKILL): one line naming the build directory and
what to do, the previous build left as it was, and nothing of the failed one left beside it for
long (what a killed build leaves, the next one removes)."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.core.leftovers import GRACE, claimed_dir, release, sweep


def test_a_full_disk_is_one_line_and_keeps_the_previous_build(
    sample_repo: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The system's error on a full disk names no file when it comes from closing one (it
    was 'Error: No space left on device', nothing more)."""
    assert runner.invoke(cli, ["build", "--out", "out"]).exit_code == 0
    before = (sample_repo / "out" / "manifest.json").read_bytes()

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("kg.graph.dump.write_graphs", full)
    result = runner.invoke(cli, ["build", "--out", "out"])
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.splitlines()
    assert line == (
        "Error: cannot write the build out: No space left on device (free some space where out "
        "is, or choose another --out; the previous build is left as it was)"
    )
    assert (sample_repo / "out" / "manifest.json").read_bytes() == before
    assert not [p for p in sample_repo.iterdir() if p.name.startswith(".out.")]
    answer = runner.invoke(cli, ["query", "tiers", "--build", "out", "--format", "csv"])
    assert answer.exit_code == 0, answer.output
    assert "PRK" in answer.stdout


def aged(path: Path) -> Path:
    """``path`` made older than ``kg.core.leftovers.GRACE``."""
    old = time.time() - 2 * GRACE
    os.utime(path, (old, old))
    return path


def test_what_a_killed_build_left_is_removed_by_the_next(
    sample_repo: Path, runner: CliRunner
) -> None:
    """A build killed with SIGKILL cannot remove its staging directory or its store's work
    directory (a whole store): the next build into the same directory removes them (they
    piled up, one set per killed build). A directory a running build holds, one made a
    moment ago, and anything else beside the build are left alone."""
    assert runner.invoke(cli, ["build", "--out", "out"]).exit_code == 0
    script = (
        "import sys, time; from pathlib import Path; from kg.core.leftovers import claimed_dir\n"
        "path, fd = claimed_dir(Path(sys.argv[1]), '.out.store.')\n"
        "(path / 'data.sst').write_bytes(b'x' * 1000); print(path, flush=True); time.sleep(60)"
    )
    killed = subprocess.Popen(
        [sys.executable, "-c", script, str(sample_repo)], stdout=subprocess.PIPE, text=True
    )
    assert killed.stdout is not None
    work = aged(Path(killed.stdout.readline().strip()))
    assert work.name.startswith(".out.store.")
    assert sweep(sample_repo / "out") == []  # its build runs: it holds it
    killed.kill()
    killed.wait()
    killed.stdout.close()
    staging = aged(Path(tempfile.mkdtemp(prefix=".out.", dir=sample_repo)))
    fresh = Path(tempfile.mkdtemp(prefix=".out.", dir=sample_repo))
    held, fd = claimed_dir(sample_repo, ".out.")
    aged(held)
    others = [sample_repo / name for name in (".out.notes", ".outx.abcdefgh")]
    for path in others:
        path.mkdir()
        aged(path)
    try:
        assert runner.invoke(cli, ["build", "--out", "out"]).exit_code == 0
    finally:
        release(fd)
    assert not work.exists()
    assert not staging.exists()
    assert fresh.is_dir()
    assert held.is_dir()
    assert all(path.is_dir() for path in others)
    assert (sample_repo / "out" / "manifest.json").is_file()


@pytest.mark.parametrize("store", [True, False])
def test_a_read_only_place_is_one_line_naming_the_build(
    sample_repo: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, store: bool
) -> None:
    """The system names the staging directory it could not make (a name nobody knows, which
    is not there); the line names the build directory instead."""
    assert runner.invoke(cli, ["build", "--out", "out"]).exit_code == 0

    def refused(parent: Path, prefix: str) -> tuple[Path, int]:
        raise OSError(errno.EROFS, "Read-only file system", str(parent / f"{prefix}abcdefgh"))

    where = "kg.pipeline.ondisk.claimed_dir" if store else "kg.core.fileio.claimed_dir"
    monkeypatch.setattr(where, refused)
    result = runner.invoke(cli, ["build", "--out", "out"] + ([] if store else ["--no-store"]))
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.splitlines()
    assert line == (
        "Error: cannot write the build out: Read-only file system (choose an --out in a "
        "directory you can write; the previous build is left as it was)"
    )


def test_a_huge_stamp_is_not_read(
    sample_repo: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store's stamp grown past what kg writes (a 300 MB one took 0.9 GB of memory, and the
    store was used) is not read: a warning, and the answer from graph.nq."""
    assert runner.invoke(cli, ["build", "--out", "out"]).exit_code == 0
    monkeypatch.setattr("kg.core.fileio.JSON_LIMIT", 100_000, raising=False)  # not 64 MB
    stamp = sample_repo / "out" / "store" / "kg-store.json"
    text = stamp.read_text().rstrip()
    stamp.write_text(text[:-1] + ', "pad": "' + "x" * 200_000 + '"}\n')
    result = runner.invoke(cli, ["query", "tiers", "--build", "out", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "PRK" in result.stdout
    (warning,) = result.stderr.splitlines()[:-1]
    assert warning.startswith("warning: out/store has no readable kg-store.json: reading")


def test_a_full_disk_in_the_stores_helper(tmp_path: Path) -> None:
    """The helper that writes the store says a full disk in RocksDB's words on its last line
    (a long line naming its work files); the build gets it as the system's error, which it
    says in one line naming the build directory (see above)."""
    from kg.pipeline.ondisk import StoreWriter

    writer = StoreWriter(tmp_path / "build")
    helper = writer.proc
    said = (
        "OSError: IO error: No space left on device: While appending to file: "
        f"{writer.work}/live/000000.dbtmp: No space left on device"
    )
    try:
        writer.proc = subprocess.Popen(
            [sys.executable, "-c", f"import sys; sys.stderr.write({said!r}); sys.exit(1)"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        with pytest.raises(OSError, match="No space left on device") as raised:
            writer.finish("build", [])
        assert raised.value.errno == errno.ENOSPC
    finally:
        writer.abort()
        writer.proc = helper
        writer.abort()


def test_a_file_system_without_locks(
    sample_repo: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where directories cannot be locked the build still runs (unclaimed), and removes no
    leftover: it cannot tell one from the work of a running build."""
    left = aged(Path(tempfile.mkdtemp(prefix=".out.store.", dir=sample_repo)))

    def no_locks(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr("kg.core.leftovers.fcntl.flock", no_locks)
    result = runner.invoke(cli, ["build", "--out", "out"])
    assert result.exit_code == 0, result.output
    assert left.is_dir()
