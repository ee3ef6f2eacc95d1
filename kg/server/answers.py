"""The answers of the explorer's routes: an HTTP status, headers and body, for an HTML page
(with the site's Content-Security-Policy), a line of plain text, or a page kept gzip-compressed
in the explorer's bounded page cache and sent as is to clients that accept gzip (as their
``Accept-Encoding`` says, read as RFC 9110 §12.5.3 says: :func:`accepts_gzip`).
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from typing import Any

from kg.server.htmlkit import CSP
from kg.server.state import Explorer

_QVALUE = re.compile(r"0(\.[0-9]{0,3})?|1(\.0{0,3})?")
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


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether a client whose ``Accept-Encoding`` is ``accept_encoding`` gets gzip.

    Codings are case-insensitive, each with a weight (``q``, 1 by default; a malformed one
    counts as 0). gzip is sent when ``gzip`` (or ``x-gzip``) has a weight above 0, or is not
    named and ``*`` has, unless ``identity`` is named with a higher weight. No header, or an
    empty one, asks for the page as it is."""
    weights: dict[str, float] = {}
    for item in (accept_encoding or "").split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        weight = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                value = value.strip()
                weight = float(value) if _QVALUE.fullmatch(value) else 0.0
        coding = coding.lower()
        if coding:
            weights.setdefault("gzip" if coding == "x-gzip" else coding, weight)
    gz = weights.get("gzip", weights.get("*", 0.0))
    return gz > 0 and gz >= weights.get("identity", 0.0)


def zipped(status: int, data: bytes, gz: bool, kind: str = HTML) -> Answer:
    """A cached (gzip) page: sent as is to a client that accepts gzip, else unpacked."""
    headers: tuple[tuple[str, str], ...] = (("Content-Type", kind), ("Vary", "Accept-Encoding"))
    if kind == HTML:
        headers += (("Content-Security-Policy", CSP),)
    if gz:
        return Answer(status, (*headers, ("Content-Encoding", "gzip")), data)
    return Answer(status, headers, gzip.decompress(data))


__all__ = [
    "HTML",
    "JSON",
    "Answer",
    "accepts_gzip",
    "cached",
    "html_answer",
    "text_answer",
    "zipped",
]
