"""Start real SPARQL servers on loopback ports for tests: ``oxigraph serve`` (the oxigraph PyPI
package's binary) and kg serve (in a thread)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

OXIGRAPH = shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait(url: str, process: subprocess.Popen[bytes] | None = None) -> None:
    for _ in range(400):
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read()!r}")  # type: ignore[union-attr]
        try:
            with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=1):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer")


@contextmanager
def oxigraph_server(nquads: Path, location: Path, *, union: bool = True) -> Iterator[str]:
    """``oxigraph serve`` of ``nquads`` on a free port; yields its query URL."""
    assert OXIGRAPH is not None
    subprocess.run([OXIGRAPH, "load", "--location", str(location), "--file", str(nquads)],
                   check=True, capture_output=True)  # fmt: skip
    port = free_port()
    command = [OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    if union:
        command.append("--union-default-graph")
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/query"
    try:
        _wait(url, server)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@contextmanager
def kg_server(store: ox.Store, **config: object) -> Iterator[str]:
    """kg serve of ``store`` in a thread on a free port; yields its base URL (ends with /)."""
    from kg.server.http import App, ServerConfig, make_server

    app = App(store, ServerConfig(**config))  # type: ignore[arg-type]
    server = make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        _wait(base + "sparql")
        yield base
    finally:
        server.shutdown()
        server.server_close()
        app.close()


__all__ = ["OXIGRAPH", "free_port", "kg_server", "oxigraph_server"]
