"""Static files of the explorer (``kg/server/static/``, shipped in the package: nothing comes from
a CDN), the dossier's style sheet, and ``/favicon.ico`` (a 32×32 PNG inside an ICO container,
drawn here: three tier colours on the page's navy)."""

from __future__ import annotations

import struct
import zlib
from functools import cache
from importlib import resources

TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
}
NAVY = (15, 23, 42)
MARKS = ((46, 125, 50), (239, 108, 0), (198, 40, 40))


def static_file(name: str) -> tuple[bytes, str] | None:
    """(body, content type) of ``static/<name>``, or None when there is no such file.

    Only the shipped files are read and kept (a fixed set); a name that is not one of them is
    answered None at once and kept nowhere, so requests for made-up names cost no memory."""
    return _read(name) if name in _shipped() else None


@cache
def _shipped() -> frozenset[str]:
    """The names ``static_file`` answers: the files in ``static/`` and ``dossier.css``."""
    folder = resources.files("kg.server") / "static"
    names = {
        entry.name
        for entry in folder.iterdir()
        if entry.is_file() and not entry.name.startswith(".") and _suffix(entry.name) in TYPES
    }
    return frozenset({*names, "dossier.css"})


def _suffix(name: str) -> str:
    return name[name.rfind(".") :] if "." in name else ""


@cache
def _read(name: str) -> tuple[bytes, str]:
    """One shipped file (called only with names from :func:`_shipped`)."""
    if name == "dossier.css":
        from kg.report.style import CSS

        return CSS.encode("utf-8"), TYPES[".css"]
    data = (resources.files("kg.server") / "static" / name).read_bytes()
    return data, TYPES[_suffix(name)]


def _png(size: int, pixel: object) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(size))  # type: ignore[operator]
        for y in range(size)
    )
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


@cache
def favicon() -> bytes:
    """The icon: a navy square with a tiny heat-map row of tier colours."""
    size = 32

    def pixel(x: int, y: int) -> tuple[int, int, int, int]:
        corner = min(x, size - 1 - x) + min(y, size - 1 - y)
        if corner < 3:
            return (0, 0, 0, 0)
        if 10 <= y <= 21 and 4 <= x <= 27 and (x - 4) % 8 < 7:
            return (*MARKS[(x - 4) // 8], 255)
        return (*NAVY, 255)

    png = _png(size, pixel)
    entry = struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(png), 6 + 16)
    return struct.pack("<HHH", 0, 1, 1) + entry + png


__all__ = ["favicon", "static_file"]
