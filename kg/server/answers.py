"""The answers of the explorer's routes: an HTTP status, headers and body, for an HTML page
(with the site's Content-Security-Policy), a line of plain text, or a page kept gzip-compressed
in the explorer's bounded page cache and sent as is to clients that accept gzip.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from typing import Any

from kg.server.htmlkit import CSP
from kg.server.state import Explorer

HTML = "text/html; charset=utf-8"
JSON = "application/json; charset=utf-8"


@dataclass(frozen=True)
class Answer:
    """An HTTP answer of an explorer route."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def html_answer(status: int, text: str) -> Answer:
    """An HTML page (not cached)."""
    return Answer(status, (("Content-Type", HTML), ("Content-Security-Policy", CSP)), text.encode())


def text_answer(status: int, message: str) -> Answer:
    """One line of plain text."""
    return Answer(status, (("Content-Type", "text/plain; charset=utf-8"),), f"{message}\n".encode())


def cached(state: Explorer, key: Any, render: Any) -> bytes:
    """The page ``render()`` gives, gzip-compressed, from the cache when it was made before
    (compressed pages are about a tenth of their size: many more fit in the cache)."""
    hit = state.pages.get(key)
    if hit is None:
        hit = gzip.compress(render().encode(), compresslevel=1, mtime=0)
        state.pages.put(key, hit)
    assert isinstance(hit, bytes)
    return hit


def zipped(status: int, data: bytes, gz: bool, kind: str = HTML) -> Answer:
    """A cached (gzip) page: sent as is to a client that accepts gzip, else unpacked."""
    headers: tuple[tuple[str, str], ...] = (("Content-Type", kind), ("Vary", "Accept-Encoding"))
    if kind == HTML:
        headers += (("Content-Security-Policy", CSP),)
    if gz:
        return Answer(status, (*headers, ("Content-Encoding", "gzip")), data)
    return Answer(status, headers, gzip.decompress(data))


__all__ = ["HTML", "JSON", "Answer", "cached", "html_answer", "text_answer", "zipped"]
