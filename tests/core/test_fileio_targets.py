"""What ``-o`` may name besides a plain file (kg.core.fileio.atomic_file): a device, a named pipe
or a symbolic link. ``kg export -o /dev/null``, run as root, replaced the device with a regular
file (and made it 0644), so that nothing else on the machine could discard output any more;
a link given as the output was replaced by a file, and the file it led to was left as it was."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.core.fileio import atomic_file


@pytest.fixture
def null(tmp_path: Path) -> Path:
    """A null device of our own (as /dev/null: character device 1,3), never the machine's."""
    if os.geteuid() != 0:
        pytest.skip("making a device takes root")
    path = tmp_path / "null"
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    path.chmod(0o666)
    return path


def test_a_device_is_written_to_not_replaced(null: Path) -> None:
    with atomic_file(null, output=True) as stream:
        stream.write(b"gone")
    info = null.lstat()
    assert stat.S_ISCHR(info.st_mode)
    assert stat.S_IMODE(info.st_mode) == 0o666
    assert sorted(p.name for p in null.parent.iterdir()) == ["null"]  # no temporary file


def test_kg_export_to_a_device(null: Path, sample_repo: Path, runner: CliRunner) -> None:
    assert runner.invoke(cli, ["build"]).exit_code == 0
    for fmt in ("turtle", "graphml", "ntriples"):
        result = runner.invoke(cli, ["export", "--format", fmt, "-o", str(null)])
        assert result.exit_code == 0, result.stderr
        assert result.stderr.startswith("wrote ")
        assert "bytes" not in result.stderr  # a device's size is not known
        assert stat.S_ISCHR(null.lstat().st_mode)
        assert stat.S_IMODE(null.lstat().st_mode) == 0o666
    result = runner.invoke(cli, ["report", "PRK", "-o", str(null)])
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISCHR(null.lstat().st_mode)


def test_a_named_pipe_is_written_through(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    with atomic_file(fifo, output=True) as stream:
        stream.write(b"through the pipe")
    reader.join(10)
    assert got == [b"through the pipe"]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_link_stays_and_its_file_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "out.ttl"
    target.write_bytes(b"old")
    link = tmp_path / "out.ttl"
    link.symlink_to(target)
    with atomic_file(link, output=True) as stream:
        stream.write(b"new")
    assert link.is_symlink()
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.ttl"]


def test_a_dangling_link_makes_its_file(tmp_path: Path) -> None:
    link = tmp_path / "out.ttl"
    link.symlink_to(tmp_path / "made.ttl")
    with atomic_file(link, output=True) as stream:
        stream.write(b"made")
    assert link.is_symlink()
    assert (tmp_path / "made.ttl").read_bytes() == b"made"


def test_a_socket_is_one_line(tmp_path: Path, sample_repo: Path, runner: CliRunner) -> None:
    import socket

    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(sample_repo / "sock"))
        assert runner.invoke(cli, ["build"]).exit_code == 0
        result = runner.invoke(cli, ["export", "--format", "turtle", "-o", "sock"])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("Error: sock: cannot write the file: ")


def test_kgs_own_files_are_replaced_whatever_is_in_their_place(tmp_path: Path) -> None:
    """A FIFO or a link put where kg keeps a file of its own (a build's kept answers) is
    replaced: never waited on, never followed to another file."""
    fifo = tmp_path / "kept.json"
    os.mkfifo(fifo)
    with atomic_file(fifo) as stream:  # would wait for a reader for ever if written through
        stream.write(b"{}")
    assert fifo.read_bytes() == b"{}"
    elsewhere = tmp_path / "precious"
    elsewhere.write_bytes(b"keep me")
    link = tmp_path / "kept2.json"
    link.symlink_to(elsewhere)
    with atomic_file(link) as stream:
        stream.write(b"{}")
    assert not link.is_symlink()
    assert link.read_bytes() == b"{}"
    assert elsewhere.read_bytes() == b"keep me"
