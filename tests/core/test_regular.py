"""kg.core.regular: the one reader of files that must be regular, for every stage."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest

from kg.core.regular import Refused, kind_of, not_regular, open_regular, read_regular


def refused(path: Path, limit: int | None = None) -> Refused:
    with pytest.raises(Refused) as raised:
        read_regular(path, limit)
    return raised.value


def test_a_regular_file_and_a_link_to_one(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"abc")
    (tmp_path / "link").symlink_to("a.txt")
    assert read_regular(tmp_path / "a.txt") == b"abc"
    assert read_regular(tmp_path / "link", limit=3) == b"abc"
    assert not_regular(tmp_path / "link") is None
    with open_regular(tmp_path / "a.txt") as stream:
        assert os.get_blocking(stream.fileno())


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    """Opening a FIFO for reading waits for a writer; the test would hang without O_NONBLOCK."""
    os.mkfifo(tmp_path / "fifo")
    done: list[Refused] = []
    reader = threading.Thread(target=lambda: done.append(refused(tmp_path / "fifo")), daemon=True)
    reader.start()
    reader.join(10)
    assert done
    assert done[0].kind == "a named pipe (FIFO)"
    assert not_regular(tmp_path / "fifo") == "a named pipe (FIFO)"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_and_a_directory_are_refused(tmp_path: Path) -> None:
    assert refused(Path("/dev/zero")).kind == "a character device"
    assert refused(tmp_path).kind == "a directory"


def test_a_socket(tmp_path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(tmp_path / "s"))
        assert not_regular(tmp_path / "s") == "a socket"
        assert refused(tmp_path / "s").error is not None  # a socket cannot be opened


def test_missing_and_looping_paths(tmp_path: Path) -> None:
    (tmp_path / "loop").symlink_to("loop")
    assert refused(tmp_path / "none").reason == "No such file or directory"
    assert refused(tmp_path / "loop").reason == "Too many levels of symbolic links"


def test_sizes_are_checked_before_and_while_reading(tmp_path: Path) -> None:
    """A sparse 1 TB file is refused by its size, unread; a /proc file says 0 bytes in
    ``stat`` and is counted as it is read, never more than the limit and one byte."""
    with open(tmp_path / "sparse", "wb") as sparse:
        sparse.truncate(1 << 40)
    assert refused(tmp_path / "sparse", limit=10).size == 1 << 40
    status = Path("/proc/self/status")
    if not status.is_file() or status.stat().st_size != 0:
        pytest.skip("no /proc file of size 0 here")
    assert refused(status, limit=10).size == 11
    assert len(read_regular(status)) > 11


def test_kind_of_names_every_kind() -> None:
    import stat

    modes = [stat.S_IFREG, stat.S_IFDIR, stat.S_IFIFO, stat.S_IFCHR, stat.S_IFBLK, stat.S_IFSOCK]
    assert len({kind_of(m) for m in modes}) == len(modes)
