"""Mistakes a new user makes with ``kg push`` and ``kg query --endpoint``: each is one line on
stderr, exit 1, no traceback, and never shows a secret."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from click.testing import CliRunner
from remote_helpers import answering_fixture  # noqa: F401 (a fixture: used as a parameter)

from kg.cli import cli
from kg.core.errors import RemoteError
from kg.query.exchange import post_query
from kg.remote.http import AUTH_HINT, Client, credentials_from_env


@pytest.mark.parametrize(
    "url",
    ["http://dba:s3cretX@127.0.0.1:9/sparql", "http://s3cretX@127.0.0.1:9/sparql"],
)
def test_query_endpoint_with_credentials_in_the_url(url: str) -> None:
    result = CliRunner().invoke(cli, ["query", "tiers", "--endpoint", url])
    assert result.exit_code == 1, result.output
    assert "s3cretX" not in result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert lines == [
        "Error: do not put credentials in the endpoint URL "
        "(kg query sends none: give the URL without user:password@)"
    ]


@pytest.mark.parametrize(
    "url",
    ["127.0.0.1:8890/sparql", "ftp://127.0.0.1/sparql", "http:///sparql", "file:///etc/passwd"],
)
def test_query_endpoint_that_is_no_http_url(url: str) -> None:
    """Without a scheme it was "unknown url type: '127.0.0.1' (is the endpoint running?)";
    a file:// URL was handed to urllib, which reads local files."""
    result = CliRunner().invoke(cli, ["query", "tiers", "--endpoint", url])
    assert result.exit_code == 1, result.output
    assert result.output == (
        f"Error: the endpoint must be an http:// or https:// URL, not '{url}' "
        "(give its whole URL, e.g. http://127.0.0.1:7878/sparql)\n"
    )


@contextmanager
def plain_tcp(answer: bytes) -> Iterator[int]:
    """A loopback port that reads what comes and answers ``answer`` (b"": nothing), as a
    plain-HTTP server does to a TLS ClientHello; yields the port."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            held.append(conn)
            conn.recv(4096)
            if answer:
                conn.sendall(answer)

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        for conn in held:
            conn.close()


@pytest.mark.parametrize("answer", [b"", b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"])
def test_https_url_for_a_plain_http_port(answer: bytes) -> None:
    """It was retried 4 times, each up to --timeout (4 minutes by default), then said "no
    complete answer"; now it is one try and names the likely cause."""
    with plain_tcp(answer) as port:
        client = Client(timeout=1.0, sleep=lambda _: None)
        url = f"https://127.0.0.1:{port}/store?graph=x"
        with pytest.raises(RemoteError) as caught:
            client.request("GET", url)
    assert len(client.sent) == 1
    assert str(caught.value).startswith(f"GET {url}: no TLS handshake with the server (")
    assert "(is this port plain HTTP? then give the URL with http://)" in str(caught.value)


@pytest.mark.parametrize(
    ("path", "token", "hint"),
    [
        (
            "/sparql-graph-crud",
            None,
            "(Virtuoso's /sparql-graph-crud takes no writes: give "
            "/sparql-graph-crud-auth, with KG_REMOTE_USER and KG_REMOTE_PASSWORD)",
        ),
        (
            "/sparql-graph-crud",
            "t0k",
            "(Virtuoso's /sparql-graph-crud takes no writes: give "
            "/sparql-graph-crud-auth, with KG_REMOTE_USER and KG_REMOTE_PASSWORD)",
        ),
        ("/store", None, f"({AUTH_HINT})"),
        ("/store", "t0k", "(the credentials lack write access)"),
    ],
)
def test_a_403_names_what_to_change(
    answering: Callable[..., str], path: str, token: str | None, hint: str
) -> None:
    """A 403 without credentials said "the credentials lack write access": there were none;
    Virtuoso's unauthenticated Graph Store endpoint answers a write so."""
    url = answering(403).removesuffix("/store") + path + "?graph=x"
    client = Client(credentials_from_env({"KG_REMOTE_TOKEN": token} if token else {}))
    with pytest.raises(RemoteError) as caught:
        client.request("PUT", url, b"")
    assert str(caught.value) == (
        f"PUT {url}: the store refused the request (HTTP 403 Forbidden) {hint}"
    )


@pytest.mark.parametrize("answer", [b"", b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"])
def test_query_https_url_for_a_plain_http_port(answer: bytes) -> None:
    """kg query --endpoint said "(is the endpoint running?)" of a server that was running."""
    with plain_tcp(answer) as port:
        url = f"https://127.0.0.1:{port}/query"
        with pytest.raises(RemoteError) as caught:
            post_query(url, "ASK {}", timeout=1.0)
    assert str(caught.value).startswith(f"cannot reach {url}: ")
    assert str(caught.value).endswith(
        "(no TLS handshake: is this port plain HTTP? then give the URL with http://)"
    )


def test_query_endpoint_timeout() -> None:
    """kg query had no --timeout: an endpoint that never answers cost the fixed 60 s."""
    import time

    with plain_tcp(b"") as port:
        started = time.monotonic()
        result = CliRunner().invoke(
            cli,
            ["query", "tiers", "--endpoint", f"http://127.0.0.1:{port}/sparql", "--timeout", "0.5"],
        )
        took = time.monotonic() - started
    assert result.exit_code == 1, result.output
    assert took < 10  # 0.5 s asked; the fixed limit was 60 s
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output
