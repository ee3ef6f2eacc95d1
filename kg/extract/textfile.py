"""Read a narrative file strictly: a regular file of UTF-8 text, not empty, not binary, of
bounded size."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from kg.core.errors import display_path
from kg.extract.errors import ExtractError
from kg.extract.extractor import check_text

#: Largest narrative accepted (a whole TIP Report country chapter is under 100 kB).
MAX_BYTES = 4 * 1024 * 1024


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    col = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, col


def _utf16(data: bytes) -> bool:
    """True for UTF-16: a byte order mark, or text whose every other byte is NUL."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    head = data[:400]
    return len(head) >= 8 and (head[0::2].count(0) == len(head[0::2]) or not any(head[1::2]))


def _not_regular(name: str, mode: int) -> ExtractError | None:
    """The error for a path that is not a regular file (after symbolic links), else None."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return ExtractError(f"{name}: is a directory", hint="give a text file")
    kind = next((k for test, k in _KINDS if test(mode)), "special file")
    return ExtractError(f"{name}: not a regular file", hint=f"it is a {kind}; give a text file")


_KINDS = (
    (stat.S_ISFIFO, "FIFO"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISSOCK, "socket"),
)
#: Opening a FIFO for reading waits for a writer; with O_NONBLOCK it does not (a path that
#: became a FIFO after it was checked is then refused by the check of what was opened).
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_OPEN_FLAGS = os.O_RDONLY | _NONBLOCK | getattr(os, "O_CLOEXEC", 0)


def read_regular(path: Path, name: str, limit: int | None = None) -> bytes:
    """The bytes of ``path``, which must be a regular file once symbolic links are followed:
    a FIFO would wait for a writer and a device (/dev/zero) never end. At most ``limit`` bytes
    are accepted, counted as read (a size from ``stat`` is 0 for /proc files); ExtractError
    (one line) otherwise."""
    try:
        refused = _not_regular(name, os.stat(path).st_mode)
        if refused is not None:
            raise refused
        with open(os.open(path, _OPEN_FLAGS), "rb") as stream:
            opened = os.fstat(stream.fileno())
            refused = _not_regular(name, opened.st_mode)
            if refused is not None:
                raise refused
            if limit is not None and opened.st_size > limit:
                raise _too_big(name, limit, opened.st_size)
            if _NONBLOCK:
                os.set_blocking(stream.fileno(), True)
            data = stream.read() if limit is None else stream.read(limit + 1)
    except OSError as exc:
        raise ExtractError(f"{name}: cannot read the file ({exc.strerror or exc})") from exc
    if limit is not None and len(data) > limit:
        raise _too_big(name, limit)
    return data


def _too_big(name: str, limit: int, size: int | None = None) -> ExtractError:
    has = f"{size} bytes, more than {limit}" if size is not None else f"more than {limit} bytes"
    return ExtractError(f"{name}: the file has {has}", hint="split the narrative by country")


def read_narrative(path: Path) -> str:
    """The text of ``path``; ExtractError (one line, with a place) for anything else."""
    name = display_path(path)
    data = read_regular(path, name, MAX_BYTES)
    if _utf16(data):
        raise ExtractError(f"{name}:1:1: the file is UTF-16 text", hint="save it as UTF-8")
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = _line_col(data, nul)
        raise ExtractError(
            f"{name}:{line}:{col}: the file is binary (a NUL byte)", hint="give plain text"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _line_col(data, exc.start)
        raise ExtractError(
            f"{name}:{line}:{col}: the file is not UTF-8 text", hint="save it as UTF-8"
        ) from exc
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text) // 100):
        raise ExtractError(f"{name}:1:1: the file is binary (control characters)")
    check_text(text, name)
    return text


__all__ = ["MAX_BYTES", "read_narrative", "read_regular"]
