"""DNS rebinding: only Host names of this server are answered (raw sockets and the policy)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from kg.server.hosts import HostPolicy
from kg.server.http import App, ServerConfig, make_server
from tests.server.support import guard_store


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    app = App(guard_store(), ServerConfig(allow_hosts=("kg.example.org",)))
    server = make_server(app, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


def ask(port: int, host: str) -> tuple[int, bytes]:
    raw = f"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(raw.encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "127.0.0.1:{port}", "localhost", "LOCALHOST:{port}", "[::1]:{port}",
     "127.0.0.2:{port}", "kg.example.org", "KG.example.org:{port}", "localhost.",
     "localhost.:{port}", "kg.example.org.:{port}", "[0:0:0:0:0:0:0:1]"],
)  # fmt: skip
def test_own_names_are_answered(port: int, host: str) -> None:
    assert ask(port, host.format(port=port))[0] == 200


@pytest.mark.parametrize(
    "host",
    ["evil.example", "evil.example:{port}", "evil.example.", "localhost..", ".", "localhost:1",
     "127.0.0.1:{other}", "10.0.0.1:{port}", "user@localhost", "localhost.evil.example",
     "kg.example.org.evil", "[::2]:{port}", "", "a b", "::1", "127.1", "2130706433",
     "0x7f.0.0.1", "[::ffff:127.0.0.1]", "127.0.0.1:0{port}", "localhost:99999",
     "localhost, evil.example", "[fe80::1%25lo]", "evil.example\\@localhost"],
)  # fmt: skip
def test_other_names_are_403_with_one_line(port: int, host: str) -> None:
    status, body = ask(port, host.format(port=port, other=port + 1))
    assert status == 403, body
    assert body.count(b"\n") == 1
    if host == "evil.example":
        assert body.endswith(b"restart kg serve with --allow-host evil.example\n")
        assert b"127.0.0.1, localhost, [::1]" in body


def test_the_policy() -> None:
    policy = HostPolicy.for_server("127.0.0.1", 7878, ["Kg.Example.org"])
    assert policy.refusal("kg.example.org:7878") is None
    assert policy.refusal(None) is None  # HTTP/1.0 without Host (1.1 needs one: 400)
    assert policy.refusal("192.168.1.5:7878") is not None
    everywhere = HostPolicy.for_server("0.0.0.0", 7878)
    assert everywhere.refusal("192.168.1.5:7878") is None  # an IP cannot be a rebound name
    assert everywhere.refusal("[fe80::1]:7878") is None
    assert everywhere.refusal("my-laptop.lan:7878") is not None
    lan = HostPolicy.for_server("192.168.1.5", 80)
    assert lan.refusal("192.168.1.5") is None
    assert lan.refusal("192.168.1.6") is not None
    six = HostPolicy.for_server("::1", 7878)
    assert six.refusal("[::1]:7878") is None
