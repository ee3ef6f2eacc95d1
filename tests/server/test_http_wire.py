"""kg serve on the wire, with raw sockets: framing that could smuggle a request is refused with
400 and the connection closed; sizes and time are bounded (431, 414, 413, slow clients cut
off); connections are capped; every answer carries the protective headers; odd content types
and Accept headers get one clear line; logs never carry a client's control characters."""

from __future__ import annotations

import logging
import re
import select
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import pytest

from kg.server import listener, wire
from kg.server.http import App, ServerConfig, make_server
from kg.server.pace import ClientTimes, Transfer
from tests.server.support import guard_store, serving

ASK = "/sparql?query=" + quote("ASK { ?s ?p ?o }")


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    server = make_server(App(guard_store()), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    return sock


def read_replies(sock: socket.socket) -> list[Reply]:
    """Every answer on the connection until the server closes it (or goes quiet)."""
    data = b""
    sock.settimeout(3)
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except TimeoutError:
        pass
    return read_replies_from(data)


def read_replies_from(data: bytes) -> list[Reply]:
    """The answers in ``data``."""
    replies = []
    while data:
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:])}
        size = int(headers.get("content-length", "0"))
        replies.append(Reply(status, headers, rest[:size]))
        data = rest[size:]
    return replies


def read_one(sock: socket.socket) -> Reply:
    """One answer, leaving the connection open."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    size = int(re.search(rb"\r\nContent-Length: (\d+)", data).group(1))  # type: ignore[union-attr]
    while len(data.partition(b"\r\n\r\n")[2]) < size:
        data += sock.recv(65536)
    return read_replies_from(data)[0]


def exchange(port: int, raw: bytes) -> list[Reply]:
    with connect(port) as sock:
        sock.sendall(raw)
        return read_replies(sock)


def request(target: str = ASK, *lines: str, method: str = "GET", body: bytes = b"") -> bytes:
    head = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", *lines]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


SMUGGLED = b"GET /smuggled HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
BAD_FRAMING = {
    "TE and CL": request(
        "/sparql",
        "Content-Length: 4",
        "Transfer-Encoding: chunked",
        method="POST",
        body=b"0\r\n\r\n" + SMUGGLED,
    ),
    "two CL, same value": request("/", "Content-Length: 0", "Content-Length: 0"),
    "two CL, different": request("/", "Content-Length: 0", "Content-Length: 5") + b"hello",
    "CL with a sign": request("/", "Content-Length: +0"),
    "CL negative": request("/", "Content-Length: -1"),
    "CL hex": request("/", "Content-Length: 0x0"),
    "CL list": request("/", "Content-Length: 0, 0"),
    "CL empty": request("/", "Content-Length: "),
    "obs-fold": request("/", "X-A: 1", " folded: yes"),
    "space before colon": request("/", "Content-Length : 0"),
    "no colon": request("/", "just text"),
    "NUL in a value": request("/", "X-A: a\x00b"),
    "bare LF lines": b"GET / HTTP/1.1\nHost: 127.0.0.1\n\n",
    "bare LF after headers": b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\n",
    "bare CR in a value": request("/", "X-A: a\rb"),
    "absolute-form target": request("http://evil.example/sparql"),
    "space in the target": b"GET /a b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    "HTTP/1.1 without Host": b"GET / HTTP/1.1\r\n\r\n",
    "two Host headers": request("/", "Host: 127.0.0.1"),
    "HTTP/0.9 request line": b"GET /\r\n\r\n",
    "lower-case version": b"GET / http/1.1\r\nHost: 127.0.0.1\r\n\r\n",
}


@pytest.mark.parametrize("name", BAD_FRAMING)
def test_ambiguous_framing_is_400_and_closes(port: int, name: str) -> None:
    replies = exchange(port, BAD_FRAMING[name] + SMUGGLED)
    assert [r.status for r in replies] == [400], replies  # the smuggled request: unanswered
    assert replies[0].headers["connection"] == "close"
    assert replies[0].body.count(b"\n") == 1


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (request("/", "Transfer-Encoding: chunked", method="POST"), 411),
        (request("/", "Transfer-Encoding: gzip, chunked", method="POST"), 501),
        (request("/", "Transfer-Encoding: chunked", "Transfer-Encoding: chunked"), 501),
        (b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 501),
        (b"GET / HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n", 505),
        (request("/", "Expect: magic"), 417),
    ],
)
def test_unsupported_framing(port: int, raw: bytes, status: int) -> None:
    replies = exchange(port, raw + SMUGGLED)
    assert [r.status for r in replies] == [status]


def test_size_bounds(port: int) -> None:
    assert exchange(port, request("/", "X-Long: " + "a" * 9000))[0].status == 431
    many = [f"X-{i}: {i}" for i in range(101)]
    assert exchange(port, request("/", *many))[0].status == 431
    assert exchange(port, request("/sparql?q=" + "a" * 70_000))[0].status == 414
    big = request("/sparql", "Content-Type: application/sparql-query",
                  f"Content-Length: {2 << 20}", method="POST")  # fmt: skip
    with connect(port) as sock:
        sock.sendall(big)
        sock.sendall(b" " * (2 << 20))  # the server drains a refused body, then answers
        replies = read_replies(sock)
    assert [r.status for r in replies] == [413]


def test_keep_alive_and_pipelining(port: int) -> None:
    replies = exchange(port, request() + request() + request("/", "Connection: close"))
    assert [r.status for r in replies] == [200, 200, 200]
    assert replies[-1].headers["connection"] == "close"
    old = exchange(port, b"GET " + ASK.encode() + b" HTTP/1.0\r\n\r\n" + request())
    assert [r.status for r in old] == [200]  # HTTP/1.0 closes unless asked to keep alive


def test_expect_100_continue(port: int) -> None:
    body = urlencode({"query": "ASK {}"}).encode()
    with connect(port) as sock:
        sock.sendall(request("/sparql", "Content-Type: application/x-www-form-urlencoded",
                             f"Content-Length: {len(body)}", "Expect: 100-continue",
                             "Connection: close", method="POST"))  # fmt: skip
        assert sock.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(body)
        assert [r.status for r in read_replies(sock)] == [200]


def test_expect_100_continue_with_a_body_too_large_is_refused_at_once(port: int) -> None:
    """A client that waits for 100 Continue sends no body: the 413 comes at once, without
    100 Continue, and the connection closes (it waited 30 s for a body never asked for)."""
    with connect(port) as sock:
        sock.sendall(request("/sparql", "Content-Type: application/sparql-query",
                             f"Content-Length: {2 << 20}", "Expect: 100-continue",
                             method="POST"))  # fmt: skip
        sock.settimeout(5)  # generous: the answer needs no wait at all
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    assert data.startswith(b"HTTP/1.1 413 "), data
    assert b"Connection: close\r\n" in data
    assert b"100 Continue" not in data


def test_slow_clients_are_cut_off() -> None:
    times = ClientTimes(head=0.5, idle=0.5)
    with serving(App(guard_store(), ServerConfig(client_times=times))) as (_, port):
        slow_heads_and_idle_connections_are_closed(port)


def slow_heads_and_idle_connections_are_closed(port: int) -> None:
    with connect(port) as sock:  # slowloris: a byte at a time, never finishing the head
        sock.settimeout(10)
        closed = False
        for byte in request().decode("latin-1")[:30]:
            try:
                sock.sendall(byte.encode("latin-1"))
                time.sleep(0.1)
            except OSError:
                closed = True
                break
        if not closed:
            assert sock.recv(100) == b""  # closed by the server, no answer
    with connect(port) as idle:  # an idle connection is closed too
        idle.settimeout(10)
        assert idle.recv(100) == b""


def test_an_answer_is_not_cut_short_by_what_is_left_of_the_read_deadline() -> None:
    """A head that arrives near its deadline left that deadline's remainder as the socket's
    timeout, and ``sendall`` took it as its limit for the whole answer: a 7 MB answer to a
    client that read slowly was cut after 2.8 MB. Here the remainder is under 1 s and the
    client reads nothing for 3 s: the 8 MB answer must still arrive whole."""
    config = ServerConfig(client_times=ClientTimes(head=2.0))
    with serving(App(guard_store(), config)) as (_, port):
        a_slow_reader_gets_its_answer_whole(port)


def a_slow_reader_gets_its_answer_whole(port: int) -> None:
    binds = " ".join(f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(20))
    query = f'SELECT ?v20 {{ BIND("abcdefgh" AS ?v0) {binds} }}'
    head = request("/sparql?query=" + quote(query), "Connection: close")
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
        sock.settimeout(10)
        sock.connect(("127.0.0.1", port))
        sock.sendall(head[:-10])
        time.sleep(1.2)  # each read of the head now waits what is left of its 2 s
        sock.sendall(head[-10:-2])
        time.sleep(0.2)
        sock.sendall(head[-2:])  # the head ends about 0.6 s before its deadline
        time.sleep(3)  # a slow reader
        replies = read_replies(sock)
    assert [r.status for r in replies] == [200]
    size = int(replies[0].headers["content-length"])
    assert size > 8 << 20
    assert len(replies[0].body) == size


@pytest.fixture
def own_server() -> Iterator[tuple[Any, int]]:
    """A server of its own, so no other test's connection counts against the bounds."""
    server = make_server(App(guard_store()), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, int(server.server_address[1])
    server.shutdown()
    server.server_close()


OPTIONS_ASTERISK = b"OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def test_idle_connections_make_way_for_new_clients(own_server: tuple[Any, int]) -> None:
    """64 connections from one address (every local client is 127.0.0.1) that send nothing,
    or send OPTIONS * now and then to stay under the idle timeout, locked every other client
    out with 503. Now the connection that has waited longest for a request (or for the rest of
    its head) is closed, cleanly, for the newcomer."""
    _server, port = own_server
    assert listener.MAX_CONNECTIONS_PER_CLIENT == 64
    silent = [connect(port) for _ in range(32)]
    silent[0].sendall(b"GET /sparql?query=")  # a head trickling in waits for a request too
    chatty = [connect(port) for _ in range(32)]
    for sock in chatty:  # answered, so waiting since after the silent ones
        sock.sendall(OPTIONS_ASTERISK)
        assert sock.recv(4096).startswith(b"HTTP/1.1 204 ")
    held = silent + chatty
    try:
        for oldest in silent[:2]:
            newcomer = connect(port)  # kept open: the table stays full
            held.append(newcomer)
            newcomer.sendall(request())
            assert read_one(newcomer).status == 200
            assert oldest.recv(100) == b""  # closed with FIN: no reset, no answer
            held.remove(oldest)
            readable, _, _ = select.select(held, [], [], 0.2)
            assert readable == []  # the others are still open
        chatty[0].sendall(request())
        assert read_one(chatty[0]).status == 200
    finally:
        for sock in held:
            sock.close()


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (request(ASK, "Connection: close", method="get"), 501),
        (request("/", "Connection: close", method="Get"), 501),
        (request("/", "Connection: close", method="M" * 51_000), 501),
        (request("/static/" + "a" * 60_000 + ".css", "Connection: close", method="DELETE"), 405),
        (request("/" + "b" * 60_000, "Connection: close", method="DELETE"), 404),
    ],
    ids=["get", "Get", "51 KB method", "405 on a 60 KB path", "404 on a 60 KB path"],
)
def test_methods_are_case_sensitive_and_never_echoed_at_length(
    port: int, raw: bytes, status: int
) -> None:
    """RFC 9110 §9.1: ``get`` is not ``GET`` (it was answered as GET): a method this server
    does not know is 501. Refusals quote the method and path cut short (the explorer's 405
    echoed a 51 KB method in a 51 KB body)."""
    replies = exchange(port, raw)
    assert [r.status for r in replies] == [status]
    assert len(replies[0].body) < 300, replies[0].body[:100]
    assert replies[0].body.count(b"\n") == 1
    if status == 501:
        assert b"case-sensitive" in replies[0].body
    assert [r.status for r in exchange(port, request(ASK, "Connection: close"))] == [200]


# --- what every answer carries -----------------------------------------------------------


@pytest.mark.parametrize("target", [ASK, "/", "/nowhere<script>alert(1)</script>", "/sparql"])
def test_protective_headers_on_every_answer(port: int, target: str) -> None:
    reply = exchange(port, request(target, "Connection: close"))[0]
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["x-frame-options"] == "DENY"
    assert reply.headers["referrer-policy"] == "no-referrer"
    assert reply.headers["cross-origin-resource-policy"] == "same-origin"
    assert "access-control-allow-origin" not in reply.headers  # no CORS: pages elsewhere
    csp = reply.headers["content-security-policy"]  # cannot read the graph
    assert "default-src 'none'" in csp or "script-src" in csp or "default-src 'self'" in csp
    if reply.status >= 400:
        assert reply.headers["content-type"] == "text/plain; charset=utf-8"


def test_an_error_never_echoes_markup_as_html(port: int) -> None:
    reply = exchange(port, request("/x%3Cscript%3E<b>", "Connection: close"))[0]
    assert reply.status == 404
    assert reply.headers["content-type"].startswith("text/plain")
    assert reply.headers["content-security-policy"].startswith("default-src 'none'")


def test_logs_escape_what_clients_send(port: int, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="kg.server")
    exchange(port, request("/\x1b[31mred\x1b[0m", "Connection: close"))
    exchange(port, request("/a\u202eb".encode().decode("latin-1"), "Connection: close"))
    exchange(port, b"GET /%0d%0aFAKE HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    lines = [r.getMessage() for r in caplog.records]
    assert lines
    assert not any(re.search(r"[\x00-\x1f\x7f\u202e]", line) for line in lines), lines


# --- the SPARQL protocol's odd corners ---------------------------------------------------


def post(port: int, content_type: str, body: bytes, target: str = "/sparql") -> Reply:
    raw = request(target, f"Content-Type: {content_type}", f"Content-Length: {len(body)}",
                  "Connection: close", method="POST")  # fmt: skip
    return exchange(port, raw + body)[0]


@pytest.mark.parametrize(
    ("content_type", "body", "target", "status"),
    [
        ("application/sparql-query", b"ASK {}", "/sparql", 200),
        ("application/sparql-query; charset=UTF-8", b"ASK {}", "/sparql", 200),
        ("APPLICATION/SPARQL-QUERY", b"ASK {}", "/sparql", 200),
        ("application/sparql-query; charset=latin1", b"ASK {}", "/sparql", 415),
        ("application/sparql-query", b"ASK { \xff }", "/sparql", 400),
        ("application/sparql-query", b"ASK {}", "/sparql?query=ASK%7B%7D", 400),
        ("application/x-www-form-urlencoded", b"query=ASK%7B%7D", "/sparql?query=ASK%7B%7D", 400),
        ("application/x-www-form-urlencoded", b"query=ASK%7B%7D&query=ASK%7B%7D", "/sparql", 400),
        ("multipart/form-data; boundary=x", b"--x--", "/sparql", 415),
        ("text/plain", b"ASK {}", "/sparql", 415),
        ("application/sparql-update", b"CLEAR ALL", "/sparql", 403),
    ],
)
def test_post_content_types(
    port: int, content_type: str, body: bytes, target: str, status: int
) -> None:
    reply = post(port, content_type, body, target)
    assert reply.status == status, reply.body
    if status >= 400:
        assert reply.body.count(b"\n") == 1


@pytest.mark.parametrize(
    ("accept", "status", "media"),
    [
        ("*/*;q=0", 406, None),
        (
            "application/sparql-results+xml;q=NaN, application/json;q=0.5",
            200,
            "application/sparql-results+json",
        ),
        ("application/sparql-results+xml;q=inf, text/csv;q=0.1", 200, "text/csv"),
        ("application/sparql-results+xml;q=1e9, text/csv;q=0.1", 200, "text/csv"),
        ("text/html, application/xhtml+xml", 406, None),
        (",".join(["x/y"] * 500) + ",text/tab-separated-values", 200, "text/tab-separated-values"),
    ],
)
def test_accept_header_games(port: int, accept: str, status: int, media: str | None) -> None:
    reply = exchange(port, request(ASK, f"Accept: {accept}", "Connection: close"))[0]
    assert reply.status == status, reply.body
    if media:
        assert reply.headers["content-type"].startswith(media)


@pytest.mark.parametrize(
    "target",
    ["/report/../../etc/passwd.html", "/report/..%2f..%2fx.html", "/report/PRK.html/..",
     "/static/../app.py", "/static/..%2fapp.py", "/static/%2e%2e/app.py", "//etc/passwd",
     "/country/..%2f..", "/report/PR%4B.html", "//evil.example/sparql?query=ASK%7B%7D",
     "//evil.example/static/app.js"],
)  # fmt: skip
def test_no_path_leaves_the_served_files(port: int, target: str) -> None:
    reply = exchange(port, request(target, "Connection: close"))[0]
    assert reply.status == 404, reply.body
    assert b"import" not in reply.body
    assert b"root:" not in reply.body


def test_a_double_slash_path_is_a_path_not_a_host(port: int) -> None:
    """``urlsplit`` reads ``//host/path`` as a host and a path; a request target is a path."""
    assert wire.split_target("//evil.example/sparql?query=x#frag") == (
        "//evil.example/sparql",
        "query=x",
    )
    assert wire.split_target("/sparql") == ("/sparql", "")


def test_options_asterisk_describes_the_server(port: int) -> None:
    reply = exchange(port, b"OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert [(r.status, r.headers.get("allow")) for r in reply] == [
        (204, "GET, HEAD, POST, OPTIONS")
    ]
    assert [r.status for r in exchange(port, request("*", "Connection: close"))] == [400]


def test_a_refused_body_is_drained_without_holding_it() -> None:
    """The 413 answer waits for the client to finish sending (up to 16 MB): those bytes are
    dropped as they come, so 64 connections sending 16 MB do not cost the server 1 GB."""
    import tracemalloc

    ours, theirs = socket.socketpair()
    size = 16 << 20
    sender = threading.Thread(target=lambda: theirs.sendall(b"x" * size + b"NEXT"), daemon=True)
    sender.start()
    reader = wire.Reader(ours)
    tracemalloc.start()
    try:
        assert reader.discard(size, Transfer(60, ClientTimes())) == size
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20, peak
    assert reader.read(4, Transfer(60, ClientTimes())) == b"NEXT"
    sender.join()
    ours.close()
    theirs.close()
