"""HTTP/1.1 request heads read strictly, with deadlines: nothing a proxy could read otherwise.

Request smuggling needs two parsers that disagree about where a request ends, so the endpoint
accepts only the unambiguous forms (RFC 9112) and answers anything else 400 and closes the
connection: lines end with CRLF (a bare LF is refused), no obs-fold continuation lines, no
space before a header's colon, no control characters in values, exactly one well-formed
``Content-Length`` or none, never ``Transfer-Encoding`` beside it, ``Transfer-Encoding`` only
as ``chunked`` (then 411: send a length), one ``Host``, origin-form targets. Sizes are bounded
(431, 414) and so is time (:mod:`kg.server.pace`): a request head must arrive within its
deadline however slowly the bytes trickle in, and a body (:meth:`Reader.read`) or an answer
(:func:`kg.server.pace.send_all`) must keep to a minimum pace and end within a total limit.
"""

from __future__ import annotations

import re
import socket
import time
from dataclasses import dataclass

from kg.server.pace import Transfer

MAX_REQUEST_LINE = 65536  # GET puts the whole query in the URL
MAX_HEADER_LINE = 8192
MAX_HEADERS = 100

_METHOD = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_VERSION = re.compile(rb"HTTP/(\d)\.(\d)")
_TARGET_BAD = re.compile(rb"[\x00-\x20\x7f]")
_VALUE_BAD = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_DIGITS = re.compile(r"[0-9]{1,18}")


class BadRequest(Exception):
    """The request cannot be answered as sent: status and one line; the connection closes."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class RequestHead:
    """A validated request line and headers."""

    method: str
    target: str
    version: tuple[int, int]
    headers: tuple[tuple[str, str], ...]  # (name as sent, value), in order

    def get(self, name: str) -> str | None:
        """The value of header ``name`` (case-insensitive; validated heads have one)."""
        lower = name.lower()
        return next((v for k, v in self.headers if k.lower() == lower), None)

    @property
    def content_length(self) -> int:
        """The body length (0 without Content-Length)."""
        value = self.get("Content-Length")
        return int(value) if value is not None else 0

    @property
    def chunked(self) -> bool:
        """Whether the body is sent with ``Transfer-Encoding: chunked``."""
        return self.get("Transfer-Encoding") is not None

    @property
    def keep_alive(self) -> bool:
        """Whether the client wants the connection kept open after the answer."""
        tokens = {t.strip().lower() for t in (self.get("Connection") or "").split(",")}
        if self.version >= (1, 1):
            return "close" not in tokens
        return "keep-alive" in tokens


class Reader:
    """Lines and bytes from a socket, each call bounded by an absolute deadline."""

    def __init__(self, sock: socket.socket) -> None:
        """Read from ``sock``."""
        self.sock = sock
        self.buffer = bytearray()

    def _fill(self, deadline: float) -> bool:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request took too long to arrive")
        self.sock.settimeout(left)
        chunk = self.sock.recv(65536)
        self.buffer += chunk
        return bool(chunk)

    def wait(self, deadline: float) -> bool:
        """Wait for the first byte of the next request; False at EOF."""
        return bool(self.buffer) or self._fill(deadline)

    def readline(self, limit: int, deadline: float, too_long: int = 431) -> bytes:
        """One line with its LF (shorter at EOF); BadRequest ``too_long`` past ``limit``."""
        while True:
            end = self.buffer.find(b"\n", 0, limit + 1)
            if end >= 0:
                line = bytes(self.buffer[: end + 1])
                del self.buffer[: end + 1]
                return line
            if len(self.buffer) > limit:
                raise BadRequest(too_long, f"a request line or header is longer than {limit} bytes")
            if not self._fill(deadline):
                line = bytes(self.buffer)
                self.buffer.clear()
                return line

    def _take(self, limit: int, transfer: Transfer) -> bytes:
        """The next bytes (at most ``limit``) from the socket, by the transfer's deadline."""
        left = transfer.deadline() - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request took too long to arrive")
        self.sock.settimeout(left)
        chunk = self.sock.recv(limit)
        transfer.add(len(chunk))
        return chunk

    def discard(self, size: int, transfer: Transfer) -> int:
        """Read and drop ``size`` bytes (fewer at EOF), holding at most one chunk; returns
        how many were dropped. TimeoutError when the client falls behind ``transfer``."""
        dropped = min(size, len(self.buffer))
        del self.buffer[:dropped]
        transfer.add(dropped)
        while dropped < size:
            chunk = self._take(min(65536, size - dropped), transfer)
            if not chunk:
                break
            dropped += len(chunk)
        return dropped

    def read(self, size: int, transfer: Transfer) -> bytes:
        """Exactly ``size`` bytes (fewer only at EOF). TimeoutError when the client falls
        behind ``transfer``."""
        transfer.add(min(size, len(self.buffer)))
        while len(self.buffer) < size:
            chunk = self._take(65536, transfer)
            if not chunk:
                break
            self.buffer += chunk
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data


def _line(raw: bytes, what: str) -> bytes:
    if not raw.endswith(b"\r\n"):
        raise BadRequest(400, f"the {what} must end with CR LF")
    body = raw[:-2]
    if b"\r" in body:
        raise BadRequest(400, f"a bare CR in the {what}")
    return body


def _request_line(raw: bytes) -> tuple[str, str, tuple[int, int]]:
    line = _line(raw, "request line")
    parts = line.split(b" ")
    if len(parts) != 3 or not _METHOD.fullmatch(parts[0]):
        raise BadRequest(400, "the request line must be: METHOD SP target SP HTTP/1.1")
    method, target, version = parts
    match = _VERSION.fullmatch(version)
    if match is None:
        raise BadRequest(400, "the request line must end with HTTP/1.1 or HTTP/1.0")
    numbers = (int(match.group(1)), int(match.group(2)))
    if numbers not in ((1, 0), (1, 1)):
        raise BadRequest(505, "only HTTP/1.0 and HTTP/1.1 are spoken here")
    if _TARGET_BAD.search(target):
        raise BadRequest(400, "the request target has a space or a control character")
    if not (target.startswith(b"/") or (target == b"*" and method == b"OPTIONS")):
        raise BadRequest(400, "the request target must be a path (this is not a proxy)")
    try:
        text = target.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(400, "the request target is not UTF-8") from None
    return method.decode("ascii"), text, numbers


def _header(raw: bytes) -> tuple[str, str]:
    if raw[:1] in (b" ", b"\t"):
        raise BadRequest(400, "obsolete line folding (a header line starting with a space)")
    line = _line(raw, "header line").decode("latin-1")
    name, colon, value = line.partition(":")
    if not colon or not _TOKEN.fullmatch(name):
        raise BadRequest(400, f"a malformed header line (no 'name: value'): {_shown(name)}")
    value = value.strip(" \t")
    if _VALUE_BAD.search(value):
        raise BadRequest(400, f"a control character in the {name} header")
    return name, value


def _check_framing(headers: list[tuple[str, str]], version: tuple[int, int]) -> None:
    def values(name: str) -> list[str]:
        return [v for k, v in headers if k.lower() == name]

    lengths, codings, hosts = values("content-length"), values("transfer-encoding"), values("host")
    if len(lengths) > 1:
        raise BadRequest(400, "more than one Content-Length header")
    if lengths and not _DIGITS.fullmatch(lengths[0]):
        raise BadRequest(400, f"Content-Length must be a number of bytes, not {_shown(lengths[0])}")
    if codings and lengths:
        raise BadRequest(400, "both Transfer-Encoding and Content-Length: send only Content-Length")
    if codings and (version < (1, 1) or len(codings) > 1 or codings[0].lower() != "chunked"):
        raise BadRequest(501, "the only transfer coding understood here is a single 'chunked'")
    if len(hosts) > 1 or (version >= (1, 1) and not hosts):
        raise BadRequest(400, "an HTTP/1.1 request needs exactly one Host header")


def read_head(reader: Reader, idle_deadline: float, head_seconds: float) -> RequestHead | None:
    """The next request's head, or None when the client closed the connection between
    requests; it must start by ``idle_deadline`` and arrive within ``head_seconds`` of its first
    byte. Raises BadRequest (answer it and close) or TimeoutError (just close)."""
    if not reader.wait(idle_deadline):
        return None
    deadline = time.monotonic() + head_seconds
    raw = reader.readline(MAX_REQUEST_LINE, deadline, 414)
    for _ in range(3):  # RFC 9112 §2.2: ignore a few empty lines before a request
        if raw != b"\r\n":
            break
        raw = reader.readline(MAX_REQUEST_LINE, deadline, 414)
    if not raw:
        return None
    method, target, version = _request_line(raw)
    headers: list[tuple[str, str]] = []
    while True:
        raw = reader.readline(MAX_HEADER_LINE, deadline)
        if raw in (b"\r\n", b"\n", b""):
            if raw != b"\r\n":
                raise BadRequest(400, "the header section must end with an empty CR LF line")
            break
        headers.append(_header(raw))
        if len(headers) > MAX_HEADERS:
            raise BadRequest(431, f"more than {MAX_HEADERS} headers")
    _check_framing(headers, version)
    return RequestHead(method, target, version, tuple(headers))


def split_target(target: str) -> tuple[str, str]:
    """The path and query string of an origin-form target. Unlike ``urlsplit``, a path that
    starts with ``//`` stays a path (``//evil.example/sparql`` is not a host and a path)."""
    path, _, query = target.partition("#")[0].partition("?")
    return path, query


def shown(text: str, limit: int = 200) -> str:
    """``text`` safe for a one-line message or a log line: non-printable characters escaped
    (no CR, LF or terminal escape gets through), cut after ``limit`` characters."""
    cleaned = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text[:limit])
    return cleaned + ("…" if len(text) > limit else "")


def _shown(text: str, limit: int = 60) -> str:
    return f"'{shown(text, limit)}'"


__all__ = [
    "BadRequest",
    "Reader",
    "RequestHead",
    "read_head",
    "shown",
    "split_target",
]
