"""Helpers of the kg serve tests: a recording loopback endpoint (the ``canary`` fixture, imported
by the modules that use it), the store and the tricky-query corpus."""

from __future__ import annotations

import contextlib
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from kg.server.http import App, make_server

EX = "http://example.org/"
CORPUS = Path(__file__).parent / "data" / "guard_corpus.txt"


@dataclass
class Canary:
    """A loopback HTTP endpoint that records every request it gets (the guard's tests want
    it to get none)."""

    url: str
    port: int
    hits: list[str] = field(default_factory=list)


@pytest.fixture(scope="session", name="canary")
def canary_fixture() -> Iterator[Canary]:
    recorder = Canary("", 0)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            recorder.hits.append(f"{self.command} {self.path}")
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_POST = do_GET

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    recorder.port = int(server.server_address[1])
    recorder.url = f"http://127.0.0.1:{recorder.port}/sparql"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield recorder
    server.shutdown()
    server.server_close()


@contextlib.contextmanager
def serving(app: App) -> Iterator[tuple[Any, int]]:
    """``app`` on a server of its own (port 0), in a thread: the server and its port."""
    server = make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def guard_store() -> ox.Store:
    """The store the corpus is written for: two triples, in graph <{EX}g>."""
    store = ox.Store()
    s, p, g = ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.NamedNode(EX + "g")
    store.add(ox.Quad(s, p, ox.Literal("o"), g))
    store.add(ox.Quad(s, p, ox.NamedNode("http://h:8"), g))
    return store


@dataclass(frozen=True)
class Entry:
    """One query of the corpus."""

    verdict: str  # service, update, syntax or accept
    title: str
    template: str

    def text(self, canary: Canary) -> str:
        """The query with its placeholders filled in."""
        return (
            self.template.replace("{canary}", canary.url)
            .replace("{port}", str(canary.port))
            .replace("{CR}", "\r")
            .replace("{FF}", "\f")
        )


def corpus() -> list[Entry]:
    """The entries of ``data/guard_corpus.txt``, in order."""
    entries: list[Entry] = []
    lines = CORPUS.read_text(encoding="utf-8").split("\n")
    while lines and (lines[0].startswith("#") or not lines[0].strip()):
        lines.pop(0)
    for line in lines:
        if line.startswith("=== "):
            verdict, _, title = line[4:].partition(": ")
            entries.append(Entry(verdict, title, ""))
        elif entries:
            last = entries[-1]
            text = f"{last.template}\n{line}" if last.template else line
            entries[-1] = Entry(last.verdict, last.title, text)
    return [Entry(e.verdict, e.title, e.template.strip("\n")) for e in entries]
