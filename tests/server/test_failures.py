"""A query the server fails for reasons of its own (its store's files damaged while it runs, a
resource short) is one honest line with no server path: 500, or 503 with Retry-After when
trying again may work; the details go to the server's log once, and the server keeps serving."""

from __future__ import annotations

import errno
import logging
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
import pytest

from kg.server.engine import InlineEngine
from kg.server.http import App
from tests.server.support import EX, serving
from tests.server.test_http_wire import OPTIONS_ASTERISK, connect, read_one, request

EVERY = "/sparql?query=" + quote("SELECT * { ?s ?p ?o }")


def damaged_store(folder: Path) -> ox.Store:
    """An on-disk store opened read-only, whose table files are then cut short (as a copy,
    a full disk or a careless rebuild does to a store that is being served)."""
    store = ox.Store(str(folder))
    for i in range(5000):
        subject = ox.NamedNode(f"{EX}s{i}")
        store.add(ox.Quad(subject, ox.NamedNode(EX + "p"), ox.Literal(f"value {i:05d}" * 4)))
    store.flush()
    del store
    opened = ox.Store.read_only(str(folder))
    tables = list(folder.glob("*.sst"))
    assert tables
    for table in tables:
        with table.open("r+b") as file:
            file.truncate(0)
    return opened


def one_line(body: bytes) -> str:
    text = body.decode()
    assert text.endswith("\n"), text
    assert text.count("\n") == 1, text
    assert "Traceback" not in text, text
    assert "/" not in text, text
    return text


def test_a_damaged_store_is_a_500_line_logged_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The store's files cut short while serving: pyoxigraph raises RuntimeError('Corruption:
    truncated block read from /…/000012.sst …'), which was answered 400 'the query cannot be
    evaluated: Corruption: … /tmp/…/000012.sst' (the client blamed, the path shown)."""
    folder = tmp_path / "store"
    app = App(damaged_store(folder))
    with serving(app) as (_, port), connect(port) as sock:
        caplog.set_level(logging.INFO)
        sock.sendall(request(EVERY))
        reply = read_one(sock)
        assert reply.status == 500
        text = one_line(reply.body)
        assert "the store could not be read (its files are damaged)" in text
        assert str(tmp_path) not in text
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1
        line = errors[0].getMessage()
        assert "Corruption" in line
        assert "\n" not in line
        sock.sendall(OPTIONS_ASTERISK)  # the same connection, still served
        assert read_one(sock).status == 204


class ShortOfFiles:
    """A store whose every query meets the process's open-file limit (the OS boundary)."""

    def query(self, *args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.EMFILE, "Too many open files", "/srv/kg/build/store/000012.sst")


def test_a_resource_running_short_is_a_503_with_retry_after(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """EMFILE while answering was 'query failed: [Errno 24] Too many open files:
    '/srv/kg/build/store/000012.sst'' (500, the path shown); now a 503 to try again."""
    app = App(ox.Store(), engine=InlineEngine(ShortOfFiles()))  # type: ignore[arg-type]
    with serving(app) as (_, port), connect(port) as sock:
        caplog.set_level(logging.INFO)
        for _ in range(2):
            sock.sendall(request(EVERY))
            reply = read_one(sock)
            assert reply.status == 503
            assert reply.headers["retry-after"] == "5"
            text = one_line(reply.body)
            assert "short of a resource (Too many open files); try again" in text
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 2  # once per query
        assert "/srv/kg/build/store/000012.sst" in errors[0].getMessage()
