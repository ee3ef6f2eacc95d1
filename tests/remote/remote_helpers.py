"""Helpers and fixtures of the push tests: a real ``oxigraph serve`` with a persistent location
(stopped by process id, as a crash would), a failure-injecting proxy in front of it, loopback
servers with fixed answers, and graph comparisons. Test modules import the fixtures they use
(a conftest.py here would shadow the tests' own ``conftest`` module)."""

from __future__ import annotations

import http.client
import http.server
import json
import socket
import ssl
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from kg import pipeline
from kg.core import vocab as V

SOURCE = V.source_graph("essay-prk")
CURATION = V.curation_graph("essay-prk")
#: The graphs of the shipped build: ontology, reference, the essay, its curation, inferred.
GRAPHS = 5
AFTER_ONTOLOGY = (
    "not pushed: tkg:reference, tkg:source-essay-prk, tkg:curation-essay-prk, tkg:inferred"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Oxigraph:
    """An ``oxigraph serve`` process on a loopback port, with a persistent location."""

    location: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def store(self) -> str:
        return self.base + "/store"

    def start(self) -> None:
        command = ["oxigraph", "serve", "--location", str(self.location)]
        self.proc = subprocess.Popen([*command, "--bind", f"127.0.0.1:{self.port}"])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/", timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("oxigraph did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()  # by PID, as a crash would
            self.proc.wait(10)

    def graph(self, iri: str) -> list[ox.Triple] | None:
        url = self.store + "?" + urllib.parse.urlencode({"graph": iri})
        request = urllib.request.Request(url, headers={"Accept": "application/n-triples"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return list(ox.parse(response.read(), format=ox.RdfFormat.N_TRIPLES))
        except urllib.error.HTTPError as exc:
            if exc.code != 404:
                raise
            return None

    def select(self, query: str) -> list[dict[str, str]]:
        data = urllib.parse.urlencode({"query": query}).encode()
        request = urllib.request.Request(
            self.base + "/query", data=data, headers={"Accept": "application/sparql-results+json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            rows = json.loads(response.read())["results"]["bindings"]
        return [{k: v["value"] for k, v in row.items()} for row in rows]


def local_graph(store: ox.Store, iri: str) -> list[ox.Triple]:
    return [q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(iri))]


def same_graph(a: list[ox.Triple] | None, b: list[ox.Triple]) -> bool:
    def graph(triples: list[ox.Triple]) -> rdflib.Graph:
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        return rdflib.Graph().parse(data=data, format="nt")

    return a is not None and isomorphic(graph(a), graph(b))


def copy_with(store: ox.Store, extra: dict[str, str]) -> ox.Store:
    """A copy of ``store`` with one extra triple in each graph named in ``extra``."""
    copy = ox.Store()
    copy.extend(store)
    for iri, label in extra.items():
        copy.add(
            ox.Quad(
                ox.NamedNode(iri),
                ox.NamedNode(V.RDFS + "label"),
                ox.Literal(label),
                ox.NamedNode(iri),
            )
        )
    return copy


def methods(result_requests: list[tuple[str, str]]) -> list[str]:
    """The Graph Store requests sent (not the SPARQL queries that list and count graphs)."""
    return [m for m, url in result_requests if "?graph=" in url]


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]


class Proxy:
    """A loopback front of Oxigraph. ``policy(n, method)`` picks what happens to request n:

    * ``forward``: pass it on; ``503``: answer 503;
    * ``truncate``: send half of its body upstream and drop both connections (the store sees a
      truncated upload, the client a dropped connection);
    * ``halve``: pass on only the first half of the lines of its body but answer 204 (a store
      that accepts a request and does not apply all of it);
    * ``forward-then-drop``: pass it on (the store commits it), then drop the client's
      connection without an answer; ``forward-then-kill``: the same, and call ``on_kill``.

    ``demand``: answer 401 with a Basic challenge unless this Authorization is sent.
    ``moved``: (old, new) path prefixes: a request for ``old…`` is redirected (308) to ``new…``.
    ``rewrite``: (path, upstream path): the front's ``path`` is Oxigraph's ``upstream path``.
    """

    def __init__(
        self,
        upstream: int,
        policy: Callable[[int, str], str],
        demand: str | None = None,
        *,
        moved: tuple[str, str] | None = None,
        rewrite: tuple[str, str] | None = None,
        on_kill: Callable[[], None] | None = None,
    ) -> None:
        self.seen: list[Seen] = []
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def answer(self, status: int, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy.seen.append(Seen(self.command, self.path, dict(self.headers)))
                if demand is not None and self.headers.get("Authorization") != demand:
                    return self.answer(401, {"WWW-Authenticate": 'Basic realm="store"'})
                if moved is not None and self.path.startswith(moved[0]):
                    return self.answer(308, {"Location": moved[1] + self.path[len(moved[0]) :]})
                path = self.path
                if rewrite is not None and path.startswith(rewrite[0]):
                    path = rewrite[1] + path[len(rewrite[0]) :]
                action = policy(len(proxy.seen), self.command)
                if action == "503":
                    return self.answer(503)
                if action == "truncate":
                    with socket.create_connection(("127.0.0.1", upstream)) as raw:
                        head = f"{self.command} {path} HTTP/1.1\r\nHost: x\r\n"
                        head += f"Content-Type: {self.headers['Content-Type']}\r\n"
                        raw.sendall(
                            f"{head}Content-Length: {len(body)}\r\n\r\n".encode()
                            + body[: len(body) // 2]
                        )
                        time.sleep(0.2)
                    self.close_connection = True  # no answer: the client sees a dropped connection
                    return None
                if action == "halve":
                    lines = body.splitlines(keepends=True)
                    body = b"".join(lines[: len(lines) // 2])
                status, data, kind = self.upstream(path, body)
                if action == "halve":
                    return self.answer(204)
                if action.startswith("forward-then-"):
                    if action == "forward-then-kill" and on_kill is not None:
                        on_kill()
                    self.close_connection = True  # committed upstream, no answer here
                    return None
                self.send_response(status)
                if kind:
                    self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return None

            def upstream(self, path: str, body: bytes) -> tuple[int, bytes, str]:
                conn = http.client.HTTPConnection("127.0.0.1", upstream, timeout=30)
                headers = {
                    k: v for k, v in self.headers.items() if k.lower() in ("accept", "content-type")
                }
                try:
                    conn.request(self.command, path, body or None, headers)
                    answer = conn.getresponse()
                    return answer.status, answer.read(), answer.getheader("Content-Type") or ""
                finally:
                    conn.close()

            do_PUT = do_POST = do_DELETE = do_GET

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.url = self.base + "/store"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(name="oxigraph")
def oxigraph_fixture(tmp_path: Path) -> Iterator[Oxigraph]:
    server = Oxigraph(tmp_path / "oxigraph")
    server.start()
    yield server
    server.stop()


@pytest.fixture(name="store", scope="module")
def store_fixture(shipped_build: pipeline.BuildResult) -> ox.Store:
    return shipped_build.store


@pytest.fixture(name="answering")
def answering_fixture() -> Iterator[Callable[..., str]]:
    """Start loopback servers that answer every request with a fixed status and headers."""
    servers: list[http.server.ThreadingHTTPServer] = []
    seen: list[dict[str, str]] = []

    def start(
        status: int,
        headers: dict[str, str] | None = None,
        body: bytes = b"",
        tls: ssl.SSLContext | None = None,
    ) -> str:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                seen.append(dict(self.headers))
                self.send_response(status)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_PUT = do_POST = do_GET

            def log_message(self, *args: object) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            server.socket = tls.wrap_socket(server.socket, server_side=True)
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        scheme = "https" if tls else "http"
        return f"{scheme}://127.0.0.1:{server.server_address[1]}/store"

    start.seen = seen  # type: ignore[attr-defined]
    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
