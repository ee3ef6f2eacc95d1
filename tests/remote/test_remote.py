"""kg push against a real Oxigraph server (started here on a free loopback port, stopped by PID),
with small loopback servers and a failure-injecting proxy for auth, retries, redirects, TLS and
a store that dies or loses a request mid-push."""

from __future__ import annotations

import http.client
import http.server
import json
import shutil
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
from kg.cli import cli
from kg.core import vocab as V
from kg.core.errors import ConfigError, RemoteError
from kg.remote.http import Client, credentials_from_env
from kg.remote.push import PushError, diff_graph, push_graphs, report_lines

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(shutil.which("oxigraph") is None, reason="needs the oxigraph server"),
]
PFX = "\n".join(f"PREFIX {k}: <{v}>" for k, v in V.PREFIXES.items())
SOURCE = V.source_graph("essay-prk")


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


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[Oxigraph]:
    server = Oxigraph(tmp_path / "oxigraph")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def store(shipped_build: pipeline.BuildResult) -> ox.Store:
    return shipped_build.store


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
    return [m for m, _ in result_requests]


# --- against Oxigraph ------------------------------------------------------------------------


def test_push_then_query_the_store(oxigraph: Oxigraph, store: ox.Store) -> None:
    result = push_graphs(store, oxigraph.store)
    counts = pipeline.graph_counts(store)
    assert result.pushed == [V.GRAPH_ONTOLOGY, V.GRAPH_REFERENCE, SOURCE, V.GRAPH_INFERRED]
    assert sorted(result.pushed) == sorted(counts)
    rows = oxigraph.select("SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert {r["g"]: int(r["n"]) for r in rows} == counts
    facts = f"""{PFX}
    ASK {{
      GRAPH tkg:source-essay-prk {{
        ?a tk:assessedCountry tkd:country-prk ; tk:hasTierPlacement/tk:tier tkv:tier-3 ;
           tk:assessor tkd:agent-essay-author .
      }}
      GRAPH tkg:reference {{ tkd:country-prk rdfs:label "North Korea"@en ; tk:iso3166Alpha3 "PRK" }}
      GRAPH tkg:inferred {{ tkd:country-prk a tk:SourceCountry }}
    }}"""
    data = urllib.parse.urlencode({"query": facts}).encode()
    request = urllib.request.Request(
        oxigraph.base + "/query", data=data, headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request) as response:
        assert json.loads(response.read())["boolean"] is True
    for iri in counts:  # blank nodes (OWL restrictions in the ontology) survive as a graph
        assert same_graph(oxigraph.graph(iri), local_graph(store, iri))


def test_second_push_sends_nothing(oxigraph: Oxigraph, store: ox.Store) -> None:
    first = push_graphs(store, oxigraph.store)
    assert methods(first.requests).count("PUT") == 4
    again = push_graphs(store, oxigraph.store)
    assert methods(again.requests) == ["GET"] * 4
    assert again.pushed == []
    assert again.unchanged == first.pushed
    assert report_lines(again)[-1] == "pushed 0 of 4 graphs (4 unchanged)"


def test_dry_run_diffs_and_sends_nothing(oxigraph: Oxigraph, store: ox.Store) -> None:
    push_graphs(store, oxigraph.store, graphs=["tkg:reference"])
    changed = copy_with(store, {V.GRAPH_REFERENCE: "added here"})
    changed.remove(
        next(
            iter(
                changed.quads_for_pattern(
                    ox.NamedNode(V.TKD + "country-prk"), ox.NamedNode(V.TK + "iso3166Alpha3"), None
                )
            )
        )
    )
    dry = push_graphs(changed, oxigraph.store, dry_run=True)
    assert methods(dry.requests) == ["GET"] * 4
    by_iri = {d.iri: d for d in dry.diffs}
    ref = by_iri[V.GRAPH_REFERENCE]
    assert ref.added == (f'<{V.GRAPH_REFERENCE}> <{V.RDFS}label> "added here"',)
    assert ref.removed == (f'<{V.TKD}country-prk> <{V.TK}iso3166Alpha3> "PRK"',)
    assert by_iri[SOURCE].remote is None
    text = "\n".join(report_lines(dry))
    assert (
        f"<{V.GRAPH_REFERENCE}>: {ref.local} triples here, {ref.remote} in the store: +1 -1" in text
    )
    assert f'  - <{V.TKD}country-prk> <{V.TK}iso3166Alpha3> "PRK" .' in text
    assert text.endswith("dry run: 4 of 4 graphs would be sent")
    assert same_graph(oxigraph.graph(V.GRAPH_REFERENCE), local_graph(store, V.GRAPH_REFERENCE))
    assert oxigraph.graph(SOURCE) is None


def test_append_adds_only_what_is_missing(oxigraph: Oxigraph, store: ox.Store) -> None:
    push_graphs(store, oxigraph.store, graphs=[SOURCE])
    extra = copy_with(store, {SOURCE: "only in the store"})
    push_graphs(extra, oxigraph.store, graphs=[SOURCE])  # the store now has one more triple
    bigger = copy_with(store, {SOURCE: "new here"})
    appended = push_graphs(bigger, oxigraph.store, graphs=[SOURCE], mode="append")
    assert methods(appended.requests) == ["GET", "POST"]
    remote = {str(t) for t in oxigraph.graph(SOURCE) or []}
    assert f'<{SOURCE}> <{V.RDFS}label> "only in the store"' in remote
    assert f'<{SOURCE}> <{V.RDFS}label> "new here"' in remote
    assert len(remote) == len(local_graph(store, SOURCE)) + 2
    again = push_graphs(bigger, oxigraph.store, graphs=[SOURCE], mode="append")
    assert methods(again.requests) == ["GET"]


def test_store_dies_mid_push(oxigraph: Oxigraph, store: ox.Store) -> None:
    def crash_after_first(diff: object, sent: bool) -> None:
        oxigraph.stop()

    with pytest.raises(PushError) as err:
        push_graphs(store, oxigraph.store, client=Client(backoff=0.01), on_graph=crash_after_first)
    message = str(err.value)
    assert "pushed: tkg:ontology;" in message
    assert "not pushed: tkg:reference, tkg:source-essay-prk, tkg:inferred" in message
    assert err.value.result.pushed == [V.GRAPH_ONTOLOGY]
    oxigraph.start()  # same location: what survived the crash
    assert same_graph(oxigraph.graph(V.GRAPH_ONTOLOGY), local_graph(store, V.GRAPH_ONTOLOGY))
    assert [oxigraph.graph(g) for g in (V.GRAPH_REFERENCE, SOURCE, V.GRAPH_INFERRED)] == [None] * 3
    finish = push_graphs(store, oxigraph.store)
    assert finish.pushed == [V.GRAPH_REFERENCE, SOURCE, V.GRAPH_INFERRED]


# --- failure injection ---------------------------------------------------------------------


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]


class Proxy:
    """A loopback proxy to Oxigraph; ``policy(n, method)`` may answer 503, or cut the request
    off half-way through its body (the store sees a truncated upload and a closed socket)."""

    def __init__(self, upstream: int, policy: Callable[[int, str], str]) -> None:
        self.seen: list[Seen] = []
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy.seen.append(Seen(self.command, self.path, dict(self.headers)))
                action = policy(len(proxy.seen), self.command)
                if action == "503":
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if action == "truncate":
                    with socket.create_connection(("127.0.0.1", upstream)) as raw:
                        head = f"{self.command} {self.path} HTTP/1.1\r\nHost: x\r\n"
                        head += f"Content-Type: {self.headers['Content-Type']}\r\n"
                        raw.sendall(
                            f"{head}Content-Length: {len(body)}\r\n\r\n".encode()
                            + body[: len(body) // 2]
                        )
                        time.sleep(0.2)
                    self.close_connection = True  # no answer: the client sees a dropped connection
                    return
                conn = http.client.HTTPConnection("127.0.0.1", upstream, timeout=30)
                headers = {
                    k: v for k, v in self.headers.items() if k.lower() in ("accept", "content-type")
                }
                conn.request(self.command, self.path, body or None, headers)
                answer = conn.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                for key in ("Content-Type",):
                    if answer.getheader(key):
                        self.send_header(key, answer.getheader(key))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

            do_PUT = do_POST = do_GET

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/store"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_cut_off_upload_leaves_the_old_graph(oxigraph: Oxigraph, store: ox.Store) -> None:
    push_graphs(store, oxigraph.store)
    newer = copy_with(store, {V.GRAPH_REFERENCE: "v2", SOURCE: "v2"})
    puts = [0]

    def policy(n: int, method: str) -> str:
        puts[0] += method == "PUT"
        return "truncate" if method == "PUT" and puts[0] >= 2 else "forward"

    proxy = Proxy(oxigraph.port, policy)
    try:
        with pytest.raises(PushError) as err:
            push_graphs(newer, proxy.url, client=Client(backoff=0.01))
    finally:
        proxy.close()
    assert err.value.result.pushed == [V.GRAPH_REFERENCE]
    assert "not pushed: tkg:source-essay-prk, tkg:inferred" in str(err.value)
    assert methods(err.value.result.requests).count("PUT") == 1 + 4  # 4 tries of the cut one
    assert same_graph(oxigraph.graph(V.GRAPH_REFERENCE), local_graph(newer, V.GRAPH_REFERENCE))
    assert same_graph(oxigraph.graph(SOURCE), local_graph(store, SOURCE))  # fully old


def test_retries_5xx_with_backoff(oxigraph: Oxigraph, store: ox.Store) -> None:
    proxy = Proxy(oxigraph.port, lambda n, method: "503" if n <= 2 else "forward")
    waits: list[float] = []
    try:
        result = push_graphs(store, proxy.url, graphs=[SOURCE], client=Client(sleep=waits.append))
    finally:
        proxy.close()
    assert methods(result.requests) == ["GET", "GET", "GET", "PUT"]
    assert waits == [0.5, 1.0]
    assert same_graph(oxigraph.graph(SOURCE), local_graph(store, SOURCE))


def test_basic_credentials_are_sent_and_never_shown(oxigraph: Oxigraph, store: ox.Store) -> None:
    proxy = Proxy(oxigraph.port, lambda n, method: "forward")
    env = {"KG_REMOTE_USER": "pusher", "KG_REMOTE_PASSWORD": "pa55-word"}
    try:
        result = push_graphs(store, proxy.url, graphs=[SOURCE], environ=env)
    finally:
        proxy.close()
    assert {s.headers.get("Authorization") for s in proxy.seen} == {
        "Basic cHVzaGVyOnBhNTUtd29yZA=="
    }
    text = "\n".join(report_lines(result)) + repr(result)
    assert "pa55-word" not in text
    assert "cHVzaGVy" not in text


# --- small loopback servers ----------------------------------------------------------------


@pytest.fixture
def answering() -> Iterator[Callable[..., str]]:
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


def test_401_is_one_clear_line(
    runner: object, shipped_build_dir: Path, answering: Callable[..., str]
) -> None:
    url = answering(401, {"WWW-Authenticate": 'Bearer realm="store"'}, b"no entry")
    result = runner.invoke(
        cli, ["push", url, "--build", str(shipped_build_dir)], env={"KG_REMOTE_TOKEN": "t0ps3cret"}
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"Error: GET {url}?graph=")
    assert "HTTP 401 Unauthorized" in lines[0]
    assert "nothing was pushed" in lines[0]
    assert "KG_REMOTE_TOKEN" in lines[0]
    assert "t0ps3cret" not in result.output
    assert answering.seen[0]["Authorization"] == "Bearer t0ps3cret"  # type: ignore[attr-defined]


def test_error_bodies_are_redacted(store: ox.Store, answering: Callable[..., str]) -> None:
    url = answering(400, body=b"bad header Authorization: Bearer t0ps3cret\n")
    with pytest.raises(RemoteError) as err:
        push_graphs(store, url, environ={"KG_REMOTE_TOKEN": "t0ps3cret"})
    assert err.value.status == 400
    assert "Authorization: ***;" in str(err.value)
    assert "t0ps3cret" not in str(err.value)


def test_redirects_are_not_followed(store: ox.Store, answering: Callable[..., str]) -> None:
    elsewhere = answering(200)
    url = answering(307, {"Location": elsewhere})
    with pytest.raises(RemoteError, match=r"redirected to .* redirects are not followed") as err:
        push_graphs(store, url, environ={"KG_REMOTE_TOKEN": "t0ps3cret"})
    assert err.value.status == 307
    assert len(answering.seen) == 1  # type: ignore[attr-defined]


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a certificate")
def test_https_is_verified(store: ox.Store, answering: Callable[..., str], tmp_path: Path) -> None:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    url = answering(404, tls=tls)
    client = Client(sleep=lambda _: None)
    with pytest.raises(RemoteError, match="TLS certificate is not trusted"):
        push_graphs(store, url, client=client)
    assert len(client.sent) == 1  # not retried


def test_credential_settings() -> None:
    assert credentials_from_env({}) is None
    assert credentials_from_env({"KG_REMOTE_TOKEN": "x"}).header == "Bearer x"  # type: ignore[union-attr]
    with pytest.raises(ConfigError, match="both"):
        credentials_from_env({"KG_REMOTE_TOKEN": "x", "KG_REMOTE_USER": "u"})
    with pytest.raises(ConfigError, match="together"):
        credentials_from_env({"KG_REMOTE_USER": "u"})
    assert "secret" not in repr(credentials_from_env({"KG_REMOTE_TOKEN": "secret"}))


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://host/store", "http://user:pw@host/store"]
)
def test_bad_endpoints(store: ox.Store, url: str) -> None:
    with pytest.raises(ConfigError) as err:
        push_graphs(store, url)
    assert "pw" not in str(err.value).replace("put", "")


def test_unknown_graph(store: ox.Store) -> None:
    with pytest.raises(ConfigError, match="the build has no graph tkg:nothing"):
        push_graphs(store, "http://127.0.0.1:9/store", graphs=["tkg:nothing"])


def test_blank_node_triples_compare_up_to_renaming() -> None:
    p, o = ox.NamedNode("http://e/p"), ox.NamedNode("http://e/o")
    ours = [
        ox.Triple(ox.BlankNode("a"), p, o),
        ox.Triple(ox.NamedNode("http://e/s"), p, ox.BlankNode("a")),
    ]
    theirs = [
        ox.Triple(ox.BlankNode("z9"), p, o),
        ox.Triple(ox.NamedNode("http://e/s"), p, ox.BlankNode("z9")),
    ]
    assert not diff_graph("http://g", ours, theirs).needs("replace")
    split = [
        ox.Triple(ox.BlankNode("x"), p, o),
        ox.Triple(ox.NamedNode("http://e/s"), p, ox.BlankNode("y")),
    ]
    assert diff_graph("http://g", ours, split).needs("replace")


def test_cli_dry_run(
    runner: object, shipped_build_dir: Path, oxigraph: Oxigraph, store: ox.Store
) -> None:
    result = runner.invoke(
        cli, ["push", oxigraph.store, "--build", str(shipped_build_dir), "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    counts = pipeline.graph_counts(store)
    for iri, n in counts.items():
        assert f"<{iri}>: {n} triples here, absent in the store: +" in result.stdout
    assert result.stdout.endswith("dry run: 4 of 4 graphs would be sent\n")
    assert oxigraph.graph(V.GRAPH_REFERENCE) is None


def test_cli_named_graph_and_its_deprecated_spelling(
    runner: object, shipped_build_dir: Path, oxigraph: Oxigraph
) -> None:
    base = ["push", oxigraph.store, "--build", str(shipped_build_dir), "--dry-run"]
    new = runner.invoke(cli, [*base, "--named-graph", "tkg:reference"])
    assert new.exit_code == 0, new.output
    assert new.stdout.endswith("dry run: 1 of 1 graphs would be sent\n")
    assert "warning" not in new.stderr
    old = runner.invoke(cli, [*base, "--graph", "tkg:reference"])
    assert old.exit_code == 0, old.output
    assert old.stdout == new.stdout
    assert old.stderr.splitlines()[0] == (
        "warning: kg push --graph IRI is deprecated and will be removed in the next release; "
        "write --named-graph IRI"
    )
