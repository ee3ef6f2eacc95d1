"""Read a narrative file strictly: a regular file of UTF-8 text, not empty, not binary, of
bounded size."""

from __future__ import annotations

from pathlib import Path

from kg.core import regular
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


def read_regular(
    path: Path, name: str, limit: int | None = None, big: str = "split the narrative by country"
) -> bytes:
    """The bytes of ``path``, which must be a regular file once symbolic links are followed:
    a FIFO would wait for a writer and a device (/dev/zero) never end. At most ``limit`` bytes
    are accepted, counted as read (a size from ``stat`` is 0 for /proc files); ExtractError
    (one line, ``big`` its hint for a file over ``limit``) otherwise."""
    try:
        return regular.read_regular(path, limit)
    except regular.Refused as refused:
        if refused.kind == "a directory":
            raise ExtractError(f"{name}: is a directory", hint="give a text file") from None
        if refused.kind is not None:
            raise ExtractError(
                f"{name}: not a regular file", hint=f"it is {refused.kind}; give a text file"
            ) from None
        if refused.size is not None and limit is not None:
            raise _too_big(name, limit, refused.size, big) from None
        raise ExtractError(f"{name}: cannot read the file ({refused.reason})") from None


def _too_big(name: str, limit: int, size: int, hint: str) -> ExtractError:
    has = f"{size} bytes, more than {limit}" if size > limit + 1 else f"more than {limit} bytes"
    return ExtractError(f"{name}: the file has {has}", hint=hint)


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
