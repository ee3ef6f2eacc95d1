"""What kg push guarantees, each against a real ``oxigraph serve`` (and small hostile servers):
a wrong URL is an error, what was pushed is counted on the store, requests and the push have
deadlines, answers are capped, stale kg graphs are named and pruned (never others), and a push
that stops names exactly what it committed. Then the next failure modes: redirects to other
hosts, TLS that never completes, slow DNS, credentials to another origin, HTTP Digest."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from remote_helpers import (  # noqa: F401 (fixtures: used as test parameters)
    AFTER_ONTOLOGY,
    CURATION,
    GRAPHS,
    SOURCE,
    Oxigraph,
    Proxy,
    answering_fixture,
    local_graph,
    oxigraph_fixture,
    same_graph,
    store_fixture,
)

from kg.cli import cli
from kg.core import vocab as V
from kg.core.errors import RemoteError
from kg.remote import net
from kg.remote.http import Client, credentials_from_env
from kg.remote.push import PushError, push_graphs, report_lines

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(shutil.which("oxigraph") is None, reason="needs the oxigraph server"),
]
ROOT = Path(__file__).resolve().parents[2]
OLD = V.source_graph("old-import")
MINE = "http://example.org/not-kg"


def put(oxigraph: Oxigraph, iri: str, text: str) -> None:
    url = oxigraph.store + "?" + urllib.parse.urlencode({"graph": iri})
    request = urllib.request.Request(
        url, text.encode(), {"Content-Type": "application/n-triples"}, method="PUT"
    )
    urllib.request.urlopen(request, timeout=30).close()


def one_line(result: object) -> str:
    lines = result.stderr.splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1, result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in result.output  # type: ignore[attr-defined]
    return str(lines[0])


# --- item 7: a wrong URL is an error; what was pushed is counted ------------------------------


def test_wrong_url_is_an_error_not_success(
    runner: CliRunner, shipped_build_dir: Path, oxigraph: Oxigraph
) -> None:
    wrong = oxigraph.base + "/wrong"
    result = runner.invoke(cli, ["push", wrong, "--build", str(shipped_build_dir)])
    assert result.exit_code == 1
    assert result.stdout == ""
    line = one_line(result)
    assert line.startswith(f"Error: PUT {wrong}?graph=")
    assert "HTTP 404" in line
    assert "nothing was pushed" in line
    assert "Graph Store URL" in line
    assert oxigraph.select("SELECT ?g { GRAPH ?g { ?s ?p ?o } } LIMIT 1") == []


def test_pushed_graphs_are_counted_on_the_store(oxigraph: Oxigraph, store: ox.Store) -> None:
    proxy = Proxy(oxigraph.port, lambda n, method: "halve" if method == "PUT" else "forward")
    try:
        with pytest.raises(PushError) as err:
            push_graphs(store, proxy.url, graphs=[SOURCE], sparql=oxigraph.base + "/query")
    finally:
        proxy.close()
    n = len(local_graph(store, SOURCE))
    message = str(err.value)
    assert "the store does not hold what was pushed" in message
    assert f"tkg:source-essay-prk has {n // 2} triples there, {n} here" in message
    assert err.value.result.pushed == [SOURCE]


def test_a_good_push_says_it_counted(oxigraph: Oxigraph, store: ox.Store) -> None:
    result = push_graphs(store, oxigraph.store)
    assert result.verified == {g: len(local_graph(store, g)) for g in result.pushed}
    assert report_lines(result)[-1] == (
        f"pushed {GRAPHS} of {GRAPHS} graphs (0 unchanged; triple counts checked on the store)"
    )


# --- item 8: deadlines and caps -----------------------------------------------------------------


class Raw:
    """A loopback TCP server whose handler gets each accepted socket (in a thread)."""

    def __init__(self, handle: Callable[[socket.socket], None]) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.closed = False

        def serve() -> None:
            while not self.closed:
                try:
                    conn, _ = self.sock.accept()
                except OSError:
                    return
                threading.Thread(target=self._run, args=(handle, conn), daemon=True).start()

        threading.Thread(target=serve, daemon=True).start()

    @staticmethod
    def _run(handle: Callable[[socket.socket], None], conn: socket.socket) -> None:
        try:
            handle(conn)
        except OSError:
            pass
        finally:
            conn.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/store"

    def close(self) -> None:
        self.closed = True
        self.sock.close()


@pytest.fixture
def raw() -> Iterator[Callable[[Callable[[socket.socket], None]], Raw]]:
    servers: list[Raw] = []

    def start(handle: Callable[[socket.socket], None]) -> Raw:
        servers.append(Raw(handle))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def trickle(conn: socket.socket) -> None:
    """Answer with a 1,000-byte body, one byte every 0.4 s (the whole answer: 400 s)."""
    conn.recv(65536)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/n-triples\r\n")
    conn.sendall(b"Content-Length: 1000\r\n\r\n")
    for _ in range(1000):
        conn.sendall(b" ")
        time.sleep(0.4)


def test_a_server_that_trickles_is_cut_off(store: ox.Store, raw: Callable[..., Raw]) -> None:
    server = raw(trickle)
    client = Client(timeout=1.5, tries=1)
    started = time.monotonic()
    with pytest.raises(RemoteError, match=r"no complete answer within 1\.5 s") as err:
        push_graphs(store, server.url, graphs=[SOURCE], client=client, sparql=server.url)
    assert time.monotonic() - started < 6  # one request, cut at 1.5 s (the answer takes 400 s)
    assert "nothing was pushed" in str(err.value)


def test_the_whole_push_has_a_deadline(
    runner: CliRunner, shipped_build_dir: Path, raw: Callable[..., Raw]
) -> None:
    server = raw(trickle)
    started = time.monotonic()
    args = ["push", server.url, "--build", str(shipped_build_dir), "--deadline", "2"]
    result = runner.invoke(cli, [*args, "--timeout", "30"])
    assert time.monotonic() - started < 8
    assert result.exit_code == 1
    assert "deadline" in one_line(result)


def endless(declare: bool) -> Callable[[socket.socket], None]:
    """Answer 200 with a body that never ends (3 GB announced, or no length at all)."""

    def handle(conn: socket.socket) -> None:
        conn.recv(65536)
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/n-triples\r\n"
        head += b"Content-Length: 3221225472\r\n" if declare else b"Connection: close\r\n"
        conn.sendall(head + b"\r\n")
        block = b"<http://e/s> <http://e/p> <http://e/o> .\n" * 1600
        for _ in range(80_000):  # up to 5 GB
            conn.sendall(block)

    return handle


@pytest.mark.parametrize("declare", [True, False])
def test_a_huge_answer_is_one_line(
    shipped_build_dir: Path, raw: Callable[..., Raw], declare: bool
) -> None:
    """Run as its own process, so its peak memory is measured: no MemoryError at 3 GB.

    The peak is VmHWM of the process's own memory map: ru_maxrss would carry over the
    parent's (pytest's) size from the fork, over 600 MB late in the suite."""
    server = raw(endless(declare))
    code = (
        "import re, sys; from kg.cli import cli; sys.argv = sys.argv[1:]\n"
        "try:\n    cli(prog_name='kg')\nfinally:\n"
        "    status = open('/proc/self/status').read()\n"
        "    print(re.search(r'VmHWM:\\s+(\\d+)', status).group(1), file=sys.stderr)\n"
    )
    args = [server.url, "--build", str(shipped_build_dir), "--timeout", "30"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", code, "kg", "push", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert time.monotonic() - started < 60
    assert done.returncode == 1
    *lines, peak_kb = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "more than" in lines[0]
    assert "Traceback" not in done.stderr
    assert int(peak_kb) < 400 * 1024  # well under the 3 GB announced


# --- item 9: stale graphs -------------------------------------------------------------------


def test_stale_graphs_are_named_pruned_and_listed(
    runner: CliRunner, shipped_build_dir: Path, oxigraph: Oxigraph, store: ox.Store
) -> None:
    base = ["push", oxigraph.store, "--build", str(shipped_build_dir)]
    assert runner.invoke(cli, base).exit_code == 0
    put(oxigraph, OLD, '<http://e/s> <http://e/p> "an old import" .')
    put(oxigraph, MINE, '<http://e/s> <http://e/p> "not kg\'s" .')
    again = runner.invoke(cli, base)
    assert again.exit_code == 0, again.output
    assert again.stderr.splitlines() == [
        "warning: the store has 1 graph(s) of kg's that this build lacks: tkg:source-old-import "
        "(kg push --prune deletes them)"
    ]
    dry = runner.invoke(cli, [*base, "--prune", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"<{OLD}>: not in the build: would delete" in dry.stdout
    assert dry.stdout.endswith(f"dry run: 0 of {GRAPHS} graphs would be sent, 1 would be deleted\n")
    assert oxigraph.graph(OLD) is not None
    pruned = runner.invoke(cli, [*base, "--prune"])
    assert pruned.exit_code == 0, pruned.output
    assert f"<{OLD}>: not in the build: deleted" in pruned.stdout
    assert "1 deleted" in pruned.stdout.splitlines()[-1]
    assert oxigraph.graph(OLD) is None
    assert oxigraph.graph(MINE) is not None  # outside kg's namespace: never deleted
    assert runner.invoke(cli, base).stderr == ""


def test_an_interrupted_push_names_the_graph_it_committed(
    oxigraph: Oxigraph, store: ox.Store
) -> None:
    """The second PUT reaches the store (committed) but its answer is lost, and the store then
    refuses more writes: that graph is reported pushed, not "not pushed"."""
    puts = [0]

    def policy(n: int, method: str) -> str:
        puts[0] += method == "PUT"
        if method == "PUT" and puts[0] == 2:
            return "forward-then-drop"
        return "503" if method == "PUT" and puts[0] > 2 else "forward"

    proxy = Proxy(oxigraph.port, policy)
    try:
        with pytest.raises(PushError) as err:
            push_graphs(store, proxy.url, client=Client(backoff=0.01))
    finally:
        proxy.close()
    assert err.value.result.pushed == [V.GRAPH_ONTOLOGY, V.GRAPH_REFERENCE]
    message = str(err.value)
    assert "pushed: tkg:ontology, tkg:reference;" in message
    assert "not pushed: tkg:source-essay-prk, tkg:curation-essay-prk, tkg:inferred" in message
    assert same_graph(oxigraph.graph(V.GRAPH_REFERENCE), local_graph(store, V.GRAPH_REFERENCE))


def test_a_store_that_dies_after_receiving_is_unknown_not_unpushed(
    oxigraph: Oxigraph, store: ox.Store
) -> None:
    puts = [0]

    def policy(n: int, method: str) -> str:
        puts[0] += method == "PUT"
        return "forward-then-kill" if method == "PUT" and puts[0] == 2 else "forward"

    proxy = Proxy(oxigraph.port, policy, on_kill=oxigraph.stop)
    try:
        with pytest.raises(PushError) as err:
            push_graphs(store, proxy.url, client=Client(backoff=0.01))
    finally:
        proxy.close()
    message = str(err.value)
    assert "pushed: tkg:ontology;" in message
    assert "unknown (the store stopped answering after receiving it): tkg:reference" in message
    assert "not pushed: tkg:source-essay-prk, tkg:curation-essay-prk, tkg:inferred" in message
    oxigraph.start()  # it had in fact committed it before dying
    assert same_graph(oxigraph.graph(V.GRAPH_REFERENCE), local_graph(store, V.GRAPH_REFERENCE))


def test_ctrl_c_names_what_was_committed(oxigraph: Oxigraph, store: ox.Store) -> None:
    def interrupt(diff: object, sent: bool) -> None:
        raise KeyboardInterrupt

    with pytest.raises(PushError) as err:
        push_graphs(store, oxigraph.store, on_graph=interrupt)
    assert str(err.value).startswith("push stopped: interrupted; pushed: tkg:ontology;")
    assert AFTER_ONTOLOGY in str(err.value)


# --- more failure modes ---------------------------------------------------------------------


def test_redirects_within_the_host_are_followed_with_credentials(
    oxigraph: Oxigraph, store: ox.Store
) -> None:
    proxy = Proxy(oxigraph.port, lambda n, method: "forward", moved=("/old", "/store"))
    env = {"KG_REMOTE_TOKEN": "t0k3n"}
    try:
        result = push_graphs(store, proxy.base + "/old", graphs=[SOURCE], environ=env)
    finally:
        proxy.close()
    assert result.pushed == [SOURCE]
    assert {s.path.split("?")[0] for s in proxy.seen} == {"/old", "/store"}
    assert all(s.headers.get("Authorization") == "Bearer t0k3n" for s in proxy.seen)


def test_a_redirect_to_another_host_is_not_followed(
    store: ox.Store, answering: Callable[..., str]
) -> None:
    elsewhere = answering(200)
    url = answering(307, {"Location": elsewhere})
    with pytest.raises(RemoteError, match=r"redirected to http://127\.0\.0\.1") as err:
        push_graphs(store, url, environ={"KG_REMOTE_TOKEN": "t0p"}, sparql=url)
    assert "credentials never go elsewhere" in str(err.value)
    seen = answering.seen  # type: ignore[attr-defined]
    assert len(seen) == 1
    assert seen[0]["Authorization"] == "Bearer t0p"


def test_tls_that_never_completes_is_cut_off(store: ox.Store, raw: Callable[..., Raw]) -> None:
    server = raw(lambda conn: time.sleep(30))  # accepts, never says a word
    url = server.url.replace("http://", "https://")
    started = time.monotonic()
    with pytest.raises(RemoteError, match=r"no TLS handshake with the server \(none within 1 s\)"):
        push_graphs(store, url, client=Client(timeout=1.0, tries=1), sparql=url)
    assert time.monotonic() - started < 20  # cut at 1 s; the server waits 30 s (slack: load)


def test_slow_name_resolution_is_cut_off(store: ox.Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """getaddrinfo has no timeout of its own: a DNS server that never answers would hang."""

    def slow(*args: object, **kwargs: object) -> object:
        time.sleep(20)
        raise OSError("too late")

    monkeypatch.setattr(net.socket, "getaddrinfo", slow)
    started = time.monotonic()
    with pytest.raises(RemoteError, match=r"resolving slow\.example"):
        push_graphs(store, "http://slow.example:7878/store", client=Client(timeout=1.0, tries=1))
    assert time.monotonic() - started < 15  # cut at 1 s; the resolver takes 20 s (slack: load)


def test_credentials_stay_with_the_endpoint(oxigraph: Oxigraph, store: ox.Store) -> None:
    """A --sparql URL on another origin gets no credentials."""
    front = Proxy(oxigraph.port, lambda n, method: "forward")
    other = Proxy(oxigraph.port, lambda n, method: "forward")
    env = {"KG_REMOTE_TOKEN": "t0k3n"}
    try:
        result = push_graphs(
            store, front.url, graphs=[SOURCE], environ=env, sparql=other.base + "/query"
        )
    finally:
        front.close()
        other.close()
    assert result.verified
    assert all(s.headers.get("Authorization") == "Bearer t0k3n" for s in front.seen)
    assert other.seen
    assert all("Authorization" not in s.headers for s in other.seen)


class DigestServer:
    """A store front that demands HTTP Digest (SHA-256, qop=auth) and hands out a new nonce
    (stale=true) after every few requests it let through, in front of Oxigraph."""

    def __init__(self, upstream: int, user: str, password: str) -> None:
        self.seen: list[str] = []
        self.nonces = 0
        server = self
        realm = "kg-test"

        def nonce() -> str:
            return f"n{server.nonces // 3}"

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def deny(self, stale: bool) -> None:
                self.send_response(401)
                challenge = (
                    f'Digest realm="{realm}", nonce="{nonce()}", qop="auth", '
                    f'algorithm=SHA-256, opaque="op"' + (", stale=true" if stale else "")
                )
                self.send_header("WWW-Authenticate", challenge)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def handle_one(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                auth = self.headers.get("Authorization", "")
                server.seen.append(auth)
                if not auth.startswith("Digest "):
                    return self.deny(False)
                fields = dict(
                    (k.strip(), v.strip().strip('"'))
                    for k, v in (part.split("=", 1) for part in auth[7:].split(", "))
                )

                def h(text: str) -> str:
                    return hashlib.sha256(text.encode()).hexdigest()

                ha1 = h(f"{user}:{realm}:{password}")
                ha2 = h(f"{self.command}:{self.path}")
                want = h(f"{ha1}:{fields['nonce']}:{fields['nc']}:{fields['cnonce']}:auth:{ha2}")
                if fields.get("response") != want or fields.get("uri") != self.path:
                    return self.deny(False)
                if fields["nonce"] != nonce():
                    return self.deny(True)
                server.nonces += 1  # a new nonce after every third request let through
                conn = http.client.HTTPConnection("127.0.0.1", upstream, timeout=30)
                headers = {
                    k: v for k, v in self.headers.items() if k.lower() in ("accept", "content-type")
                }
                conn.request(self.command, self.path, body or None, headers)
                answer = conn.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                self.send_header("Content-Length", str(len(data)))
                if answer.getheader("Content-Type"):
                    self.send_header("Content-Type", answer.getheader("Content-Type") or "")
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_DELETE = handle_one

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/store"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_digest_sha256_with_stale_nonces(oxigraph: Oxigraph, store: ox.Store) -> None:
    server = DigestServer(oxigraph.port, "pusher", "s3cr3t-pw")
    env = {"KG_REMOTE_USER": "pusher", "KG_REMOTE_PASSWORD": "s3cr3t-pw"}
    try:
        result = push_graphs(store, server.url, environ=env)
        again = push_graphs(store, server.url, environ=env)
    finally:
        server.close()
    assert len(result.pushed) == GRAPHS
    assert again.pushed == []
    assert len(again.unchanged) == GRAPHS
    assert not any("s3cr3t-pw" in s for s in server.seen)  # the password never crosses
    assert same_graph(oxigraph.graph(SOURCE), local_graph(store, SOURCE))


def test_digest_refused_is_one_line(
    runner: CliRunner, shipped_build_dir: Path, oxigraph: Oxigraph
) -> None:
    server = DigestServer(oxigraph.port, "pusher", "right")
    env = {"KG_REMOTE_USER": "pusher", "KG_REMOTE_PASSWORD": "wrong-pw"}
    try:
        result = runner.invoke(
            cli, ["push", server.url, "--build", str(shipped_build_dir)], env=env
        )
    finally:
        server.close()
    assert result.exit_code == 1
    line = one_line(result)
    assert "HTTP 401" in line
    assert "KG_REMOTE_USER/KG_REMOTE_PASSWORD" in line
    assert "wrong-pw" not in result.output
    assert len(server.seen) <= 4  # no retry storm: a refusal is final


def test_auth_setting_is_checked() -> None:
    from kg.core.errors import ConfigError

    with pytest.raises(ConfigError, match="KG_REMOTE_AUTH must be basic or digest"):
        credentials_from_env(
            {"KG_REMOTE_USER": "u", "KG_REMOTE_PASSWORD": "p", "KG_REMOTE_AUTH": "ntlm"}
        )


def test_without_a_query_endpoint_the_counts_are_read_back(
    oxigraph: Oxigraph, store: ox.Store
) -> None:
    """A Graph Store URL kg cannot guess a SPARQL endpoint for: it says it cannot look for stale
    graphs, and counts what it pushed by reading the graphs back."""
    proxy = Proxy(oxigraph.port, lambda n, method: "forward", rewrite=("/gsp", "/store"))
    try:
        result = push_graphs(store, proxy.base + "/gsp", graphs=[SOURCE])
    finally:
        proxy.close()
    assert [m for m, _ in result.requests] == ["GET", "PUT", "GET"]
    assert result.verified == {SOURCE: len(local_graph(store, SOURCE))}
    assert result.warnings == [
        "no SPARQL query endpoint is known for this store, so kg cannot list the graphs the "
        "build lacks: give --sparql URL"
    ]


def gzip_bomb(conn: socket.socket) -> None:
    """Answer every request with 200 and a gzip body that inflates 1,000-fold."""
    seen = conn.recv(65536)
    assert b"Accept-Encoding: identity" in seen  # kg asks for the bytes as they are
    body = gzip.compress(b"<http://e/s> <http://e/p> <http://e/o> .\n" * 100_000)
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
        b"Content-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(body) + body
    )


def many_headers(conn: socket.socket) -> None:
    conn.recv(65536)
    lines = b"".join(b"X-%d: a\r\n" % i for i in range(200))
    conn.sendall(b"HTTP/1.1 200 OK\r\n" + lines + b"Content-Length: 0\r\n\r\n")


def not_http(conn: socket.socket) -> None:
    conn.recv(65536)
    conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")


@pytest.mark.parametrize(
    ("handle", "expected"),
    [
        (gzip_bomb, "did not answer SPARQL JSON results: Parser error at line 1 column 1"),
        (many_headers, "HTTPException: got more than 100 headers"),
        (not_http, "BadStatusLine"),
    ],
)
def test_hostile_answers_are_one_line_and_never_inflated(
    store: ox.Store, raw: Callable[..., Raw], handle: Callable[[socket.socket], None], expected: str
) -> None:
    server = raw(handle)
    with pytest.raises(RemoteError) as err:
        push_graphs(store, server.url, client=Client(tries=2, backoff=0.01), sparql=server.url)
    assert expected in str(err.value)
    assert str(err.value).endswith("nothing was pushed")
