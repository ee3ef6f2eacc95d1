"""Clients that take their time: a request body trickling in or an answer read slowly keeps to a
minimum pace and a total limit (kg.server.pace)."""

from __future__ import annotations

import select
import socket
import time
from typing import Any
from urllib.parse import quote

import pytest

from kg.server.http import App, ServerConfig
from kg.server.pace import ClientTimes
from tests.server.support import guard_store, serving
from tests.server.test_http_wire import connect, read_replies, request

#: An answer of a little more than 8 MB (20 doublings of 8 characters).
BINDS = " ".join(f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(20))
BIG = f'SELECT ?v20 {{ BIND("abcdefgh" AS ?v0) {BINDS} }}'


def post_head(length: int) -> bytes:
    return request("/sparql", "Content-Type: application/sparql-query",
                   f"Content-Length: {length}", "Connection: close", method="POST")  # fmt: skip


def big_request() -> bytes:
    return request("/sparql?query=" + quote(BIG), "Connection: close")


def small_window() -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
    sock.settimeout(10)
    return sock


def wait_for(server: Any, **wanted: int) -> None:
    """Until the server's connections are in the ``wanted`` phases (10 s at most)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        phases = server.connections.phases()
        if all(phases[name] >= count for name, count in wanted.items()):
            return
        time.sleep(0.01)
    raise AssertionError(f"connections {server.connections.phases()}, wanted {wanted}")


def closed(sock: socket.socket, seconds: float = 5) -> bool:
    """Whether the server closed ``sock`` within ``seconds`` (its pending bytes are read)."""
    sock.settimeout(seconds)
    try:
        while sock.recv(1 << 20):
            pass
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False
    return True


def whole(sock: socket.socket) -> bool:
    """Whether the answer on ``sock`` arrives whole before the connection ends."""
    data = b""
    sock.settimeout(10)
    try:
        while chunk := sock.recv(1 << 20):
            data += chunk
    except ConnectionResetError:
        pass
    head, _, body = data.partition(b"\r\n\r\n")
    return b"Content-Length: %d\r\n" % len(body) in head


def reads_slowly(port: int) -> tuple[int, int, float]:
    """Ask for the 8 MB answer and take 16 KB every 50 ms (about 320 KB/s): the answer's
    length, the bytes received until the server closed, and the seconds that took."""
    with small_window() as sock:
        sock.connect(("127.0.0.1", port))
        sock.sendall(big_request())
        started = time.monotonic()
        data = b""
        try:
            while chunk := sock.recv(16384):
                data += chunk
                time.sleep(0.05)
                if time.monotonic() - started > 20:
                    break
        except ConnectionResetError:
            pass
        seconds = time.monotonic() - started
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    return length, len(body), seconds


@pytest.mark.parametrize(
    "times",
    [ClientTimes(min_rate=4 << 20, grace=0.5), ClientTimes(send=1.5, min_rate=1)],
    ids=["too slow a pace", "too long in all"],
)
def test_a_slow_reader_is_cut_off(times: ClientTimes) -> None:
    """A client that takes an answer slowly, but never so slowly that a send stalls, held its
    connection for as long as it liked (32 MB at 1 KB every 29 s: 10 days). Now it must keep
    to --min-rate after a grace period and take the answer within a total limit."""
    with serving(App(guard_store(), ServerConfig(client_times=times))) as (_, port):
        length, received, seconds = reads_slowly(port)
    assert length > 8 << 20
    assert received < length // 2
    assert seconds < 6


def test_a_body_that_falls_behind_is_cut_off() -> None:
    """A body must arrive at the minimum pace after its grace period: 1 byte every 0.1 s of
    a 100-byte body used to hold its connection up to the body's 30 s."""
    times = ClientTimes(min_rate=100, grace=0.5)
    with serving(App(guard_store(), ServerConfig(client_times=times))) as (_, port):
        sock = connect(port)
        started = time.monotonic()
        sock.sendall(post_head(100))
        for _ in range(50):  # until the server answers
            if select.select([sock], [], [], 0.1)[0]:
                break
            sock.sendall(b" ")
        replies = read_replies(sock)
        sock.close()
    assert [r.status for r in replies] == [408]
    assert time.monotonic() - started < 5
