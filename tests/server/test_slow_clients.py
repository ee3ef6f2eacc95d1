"""Clients that take their time: a request body trickling in or an answer nobody reads keeps to a
minimum pace and a total limit (kg.server.pace), and when the connection table is full, the
slowest such transfer is closed for a newcomer; only connections the server works for are
never closed, and a newcomer gets 503 only when it works for all of them."""

from __future__ import annotations

import select
import socket
import threading
import time
from typing import Any
from urllib.parse import quote

import pytest

from kg.server import listener
from kg.server.engine import InlineEngine, Outcome, QueryRequest
from kg.server.http import App, ServerConfig
from kg.server.pace import ClientTimes
from tests.server.support import guard_store, serving
from tests.server.test_http_wire import ASK, connect, exchange, read_one, read_replies, request

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


@pytest.fixture
def three(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(listener, "MAX_CONNECTIONS_PER_CLIENT", 3)


@pytest.mark.usefixtures("three")
def test_bodies_trickling_in_make_way_for_a_newcomer() -> None:
    """Three connections (the address's share here; 64 in kg serve, and every local client is
    127.0.0.1) that each sent a head and part of a body, then trickle: a newcomer used to get
    503 for as long as the body timeout; now the slowest of them is closed for it."""
    with serving(App(guard_store())) as (server, port):
        stalled = connect(port)
        stalled.sendall(post_head(20) + b"ASK {}")  # then nothing
        trickling = [connect(port) for _ in range(2)]
        for sock in trickling:
            sock.sendall(post_head(20) + b"ASK {}")
        wait_for(server, moving=3)
        stop = threading.Event()

        def trickle() -> None:  # a byte each 0.1 s, on both, until the body is whole
            for _ in range(14):
                if stop.wait(0.1):
                    return
                for sock in trickling:
                    sock.sendall(b" ")

        thread = threading.Thread(target=trickle, daemon=True)
        thread.start()
        try:
            time.sleep(0.6)  # the stalled body's recent pace is now the slowest
            assert [r.status for r in exchange(port, request(ASK, "Connection: close"))] == [200]
            assert closed(stalled)
            thread.join(5)
            for sock in trickling:  # the others were left alone
                assert [r.status for r in read_replies(sock)] == [200]
        finally:
            stop.set()
            for sock in (stalled, *trickling):
                sock.close()


@pytest.mark.usefixtures("three")
def test_answers_nobody_reads_make_way_for_a_newcomer() -> None:
    """Three connections that asked for an 8 MB answer and read none of it: a newcomer used to
    get 503 until each send stalled 30 s; now one of them is closed for it, its answer cut
    short."""
    with serving(App(guard_store())) as (server, port):
        held = [small_window() for _ in range(3)]
        try:
            for sock in held:
                sock.connect(("127.0.0.1", port))
                sock.sendall(big_request())
            wait_for(server, moving=3)
            time.sleep(0.3)
            assert [r.status for r in exchange(port, request(ASK, "Connection: close"))] == [200]
            assert sorted(whole(sock) for sock in held) == [False, True, True]
        finally:
            for sock in held:
                sock.close()


class Gate:
    """An engine whose queries wait until the test opens the gate, then run in-process."""

    def __init__(self) -> None:
        self.inner = InlineEngine(guard_store())
        self.open = threading.Event()

    def run(self, request: QueryRequest, timeout: float, client: str = "") -> Outcome:
        self.open.wait(10)
        return self.inner.run(request, timeout, client)

    def close(self) -> None:
        self.open.set()


@pytest.mark.parametrize("bound", ["MAX_CONNECTIONS", "MAX_CONNECTIONS_PER_CLIENT"])
def test_connections_the_server_works_for_are_never_closed(
    monkeypatch: pytest.MonkeyPatch, bound: str
) -> None:
    """When the server is computing the answer of every connection, a newcomer gets 503 and
    the others their answers."""
    monkeypatch.setattr(listener, bound, 3)
    gate = Gate()
    with serving(App(guard_store(), engine=gate)) as (server, port):
        held = [connect(port) for _ in range(3)]
        try:
            for sock in held:
                sock.sendall(request())
            wait_for(server, working=3)
            replies = exchange(port, request(ASK, "Connection: close"))
            assert [r.status for r in replies] == [503]
            assert replies[0].body == b"too many open connections; try again\n"
            gate.open.set()
            for sock in held:
                assert read_one(sock).status == 200
        finally:
            gate.open.set()
            for sock in held:
                sock.close()


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
