"""``kg query --endpoint`` against hostile servers: every answer that is not a sane SPARQL JSON
result is one line and exit 1, never a traceback, a hang or an unbounded read; a redirect is
never followed (to another host or not); text from the server cannot drive the terminal."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.core.errors import RemoteError
from kg.query.endpoint import Endpoint, post_query

Handler = Callable[[socket.socket], None]
EMPTY = b'{"head":{"vars":["x"]},"results":{"bindings":[]}}'


class Raw:
    """A loopback server that reads each request (head and body) and hands the socket on."""

    def __init__(self, handle: Handler) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/query"
        self.handle = handle
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            length = [
                int(h.split(b":")[1])
                for h in head.split(b"\r\n")
                if h.lower().startswith(b"content-length")
            ]
            while length and len(body) < length[0]:
                body += conn.recv(65536)
            with contextlib.suppress(OSError):
                self.handle(conn)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def raw() -> Iterator[Callable[[Handler], Raw]]:
    servers: list[Raw] = []

    def make(handle: Handler) -> Raw:
        servers.append(Raw(handle))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


def answer(body: bytes, head: bytes = b"", status: bytes = b"200 OK") -> Handler:
    def handle(conn: socket.socket) -> None:
        conn.sendall(
            b"HTTP/1.1 " + status + b"\r\nContent-Type: application/sparql-results+json\r\n"
            + head + b"Content-Length: %d\r\n\r\n" % len(body) + body
        )  # fmt: skip

    return handle


def trickle(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
    for _ in range(1000):
        conn.sendall(b" ")
        time.sleep(0.2)


def slow_headers(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    for i in range(1000):
        conn.sendall(b"X-%d: a\r\n" % i)
        time.sleep(0.2)


def endless(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + b"[")
    block = b" " * (1 << 16)
    for _ in range(100_000):
        conn.sendall(block)


HOSTILE: dict[str, tuple[Handler, str]] = {
    "deep JSON": (answer(b"[" * 200_000), "the JSON is nested too deeply"),
    "not HTTP": (lambda c: c.sendall(b"garbage\r\n\r\n"), "did not answer in HTTP: BadStatusLine"),
    "many headers": (
        answer(EMPTY, b"".join(b"X-%d: a\r\n" % i for i in range(200))),
        "got more than 100 headers",
    ),
    "huge header": (answer(EMPTY, b"X-A: " + b"a" * 100_000 + b"\r\n"), "LineTooLong"),
    "bad IRI in a row": (
        answer(
            b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"uri","value":"a b<>"}}]}}'
        ),
        "did not return SPARQL JSON results: Invalid uri value",
    ),
    "announced huge": (
        answer(b"", b"Content-Length: 5000000000\r\n"),
        "answered 5,000,000,000 bytes, more than the 1,048,576 kg reads",
    ),
    "endless": (endless, "answered more than the 1,048,576 bytes kg reads"),
    "redirect elsewhere": (
        lambda c: c.sendall(
            b"HTTP/1.1 303 See Other\r\nLocation: http://10.255.255.1/x\r\n"
            b"Content-Length: 0\r\n\r\n"
        ),
        "redirected to http://10.255.255.1/x (HTTP 303); kg does not follow redirects",
    ),
    "trickle": (trickle, "gave no complete answer within 1.5 s"),
    "slow headers": (slow_headers, "gave no complete answer within 1.5 s"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_endpoint_is_one_error(case: str, raw: Callable[[Handler], Raw]) -> None:
    handle, expected = HOSTILE[case]
    server = raw(handle)
    started = time.monotonic()

    def ask() -> object:
        if case in ("announced huge", "endless"):
            return post_query(server.url, "ASK {}", timeout=30, max_bytes=1 << 20)
        return Endpoint(server.url, timeout=1.5).rows("SELECT ?x WHERE { ?x ?p ?o }")

    with pytest.raises(RemoteError) as err:
        ask()
    assert expected in str(err.value)
    assert time.monotonic() - started < 15


def test_the_cli_shows_one_escaped_line(
    raw: Callable[[Handler], Raw], runner: CliRunner, tmp_path: Path
) -> None:
    """An error page and reason with terminal escapes: one line, escapes written out."""
    server = raw(answer(b"\x1b]0;owned\x07 broken", status=b"500 \x1b[31mRED"))
    result = runner.invoke(cli, ["query", "tiers", "--endpoint", server.url])
    assert result.exit_code == 1
    assert "\x1b" not in result.output
    assert "Traceback" not in result.output
    assert result.stderr.count("\n") == 1
    assert "answered HTTP 500 \\x1b[31mRED: \\x1b]0;owned\\x07 broken" in result.stderr


def test_terminal_escapes_in_remote_values_are_shown_escaped(
    raw: Callable[[Handler], Raw], runner: CliRunner
) -> None:
    body = (
        b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal",'
        b'"value":"\\u001b[2J\\u001b]0;owned\\u0007 text \\u202e"}}]}}'
    )
    server = raw(answer(body))
    text = "SELECT ?x WHERE { ?x ?p ?o }"
    for fmt in ("table", "md"):
        result = runner.invoke(
            cli, ["query", "-e", text, "--endpoint", server.url, "--format", fmt]
        )
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.stdout
        assert "\u202e" not in result.stdout
        shown = "\\x1b[2J\\x1b]0;owned\\x07 text \\u202e"
        assert (shown if fmt == "table" else shown.replace("\\", "\\\\")) in result.stdout
