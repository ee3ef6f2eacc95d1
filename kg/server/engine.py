"""Run one SPARQL query with a time limit and a result cap, in process or in worker processes.

pyoxigraph has no query timeout and a running query cannot be interrupted, so a thread can only
be abandoned, still burning a core. :class:`ProcessEngine` runs queries in a small pool of
worker processes, each with its own read-only copy of the store; a query that overruns is
stopped by killing its worker (by its own process handle), and a fresh worker takes its place.
Workers also serialise the results, so answering uses both cores without contending for the
server's GIL. :class:`InlineEngine` runs in a thread of the calling process (for ``--get`` and
tests): the time limit is enforced on the answer, but an abandoned query runs to its end.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import queue
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Protocol

import pyoxigraph as ox

from kg.core import vocab as V
from kg.server.dataset import dataset_options
from kg.server.formats import (
    Kind,
    format_names,
    negotiate,
    write_boolean,
    write_solutions,
    write_triples,
)
from kg.server.guard import ForbiddenQueryError, check_query

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class QueryRequest:
    """One query with everything needed to answer it (picklable, sent to workers)."""

    query: str
    accept: str | None = None
    format: tuple[str, ...] = ()
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    max_rows: int = 10_000


@dataclass(frozen=True)
class Outcome:
    """An HTTP-ready answer: status, content type and body."""

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = field(default=())


def text_outcome(status: int, message: str) -> Outcome:
    """A plain-text answer (errors)."""
    return Outcome(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode())


def _kind(result: object) -> Kind:
    if isinstance(result, ox.QueryBoolean):
        return "boolean"
    if isinstance(result, ox.QueryTriples):
        return "graph"
    return "solutions"


def _options(request: QueryRequest) -> dict[str, object]:
    options: dict[str, object] = {
        "prefixes": V.PREFIXES,  # kg's prefixes are predeclared; PREFIX lines override them
    }
    options.update(dataset_options(request.query, request.default_graphs, request.named_graphs))
    return options


def execute(store: ox.Store, request: QueryRequest) -> Outcome:
    """Check, run and serialise one query against ``store``; never raises for user errors."""
    try:
        check_query(request.query)
    except ForbiddenQueryError as exc:
        return text_outcome(403, str(exc))
    try:
        result = store.query(request.query, **_options(request))  # type: ignore[arg-type]
        kind = _kind(result)
        fmt = negotiate(kind, request.accept, request.format)
        if fmt is None:
            wanted = ", ".join(request.format) or request.accept
            usable = ", ".join(format_names(kind))
            return text_outcome(406, f"cannot answer in {wanted}; this result can be: {usable}")
        if isinstance(result, ox.QueryBoolean):
            return Outcome(200, fmt.content_type, write_boolean(result, fmt))
        items = []
        for item in result:
            items.append(item)
            if len(items) > request.max_rows:
                noun = "triples" if kind == "graph" else "rows"
                return text_outcome(
                    400,
                    f"the result has more than {request.max_rows} {noun}, this server's limit; "
                    "add LIMIT and OFFSET to page through it (or restart with a larger "
                    "--max-rows)",
                )
        if isinstance(result, ox.QuerySolutions):
            names = [v.value for v in result.variables]
            return Outcome(200, fmt.content_type, write_solutions(names, items, fmt))
        return Outcome(200, fmt.content_type, write_triples(items, fmt))
    except SyntaxError as exc:
        return text_outcome(400, f"query syntax error: {exc}")
    except ValueError as exc:  # e.g. an invalid default-graph-uri IRI
        return text_outcome(400, f"bad request: {exc}")
    except OSError as exc:
        return text_outcome(500, f"query failed: {exc}")


def timeout_outcome(seconds: float) -> Outcome:
    """The answer to a query that ran out of time."""
    return text_outcome(
        503, f"query timed out after {seconds:g} s (this server's limit); simplify it or add LIMIT"
    )


class Engine(Protocol):
    """Something that answers a :class:`QueryRequest` within ``timeout`` seconds."""

    def run(self, request: QueryRequest, timeout: float) -> Outcome:
        """Answer ``request``, or a 503 when it takes longer than ``timeout``."""
        ...

    def close(self) -> None:
        """Release workers."""
        ...


class InlineEngine:
    """Run queries in a daemon thread of this process; an overrun is answered, not stopped."""

    def __init__(self, store: ox.Store) -> None:
        """Wrap ``store``."""
        self.store = store

    def run(self, request: QueryRequest, timeout: float) -> Outcome:
        """Answer ``request`` or give up waiting after ``timeout`` seconds."""
        box: list[Outcome | BaseException] = []

        def work() -> None:
            try:
                box.append(execute(self.store, request))
            except BaseException as exc:  # a bug: re-raised in the caller's thread
                box.append(exc)

        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        worker.join(timeout)
        if not box:
            return timeout_outcome(timeout)
        if isinstance(box[0], BaseException):
            raise box[0]
        return box[0]

    def close(self) -> None:
        """Nothing to release."""


def _die_with_parent(parent: int) -> None:  # pragma: no cover - subprocess
    """Exit when the server process is gone, even mid-query (queries release the GIL)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _worker_main(conn: Connection, nquads: bytes, parent: int) -> None:  # pragma: no cover
    _die_with_parent(parent)
    store = ox.Store()
    store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    conn.send("ready")
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        conn.send(execute(store, request))


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection


class ProcessEngine:
    """A pool of worker processes that each hold a copy of the store; overruns are killed."""

    def __init__(self, store: ox.Store, workers: int = 2) -> None:
        """Start ``workers`` processes loaded with a copy of ``store``; blocks until ready."""
        self._nquads = store.dump(format=ox.RdfFormat.N_QUADS)
        self._ctx = mp.get_context("spawn")  # never fork a threaded server
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._live: dict[int, _Worker] = {}
        self._closed = False
        for worker in [self._start() for _ in range(max(1, workers))]:
            self._ready(worker)

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(
            target=_worker_main,
            args=(child, self._nquads, os.getpid()),
            name="kg-sparql-worker",
            daemon=True,
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self._live[id(worker)] = worker
        return worker

    def _ready(self, worker: _Worker) -> None:
        if worker.conn.recv() != "ready":  # pragma: no cover - protocol error
            raise RuntimeError("SPARQL worker failed to start")
        self._release(worker)

    def _release(self, worker: _Worker) -> None:
        if self._closed:
            self._stop(worker)
        else:
            self._idle.put(worker)

    def _replace(self) -> None:
        if not self._closed:
            threading.Thread(target=lambda: self._ready(self._start()), daemon=True).start()

    def _stop(self, worker: _Worker) -> None:
        self._live.pop(id(worker), None)
        worker.process.kill()
        worker.process.join(5)
        worker.conn.close()

    def run(self, request: QueryRequest, timeout: float) -> Outcome:
        """Answer ``request`` in a free worker; kill the worker when ``timeout`` runs out."""
        deadline = time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            return text_outcome(503, "all query workers are busy; try again shortly")
        try:
            worker.conn.send(request)
            if worker.conn.poll(max(0.0, deadline - time.monotonic())):
                outcome: Outcome = worker.conn.recv()
                self._release(worker)
                return outcome
        except (EOFError, OSError) as exc:
            log.warning("SPARQL worker %s died: %s", worker.process.pid, exc)
            self._stop(worker)
            self._replace()
            return text_outcome(500, "the query worker died; the query was not answered")
        log.info("killing SPARQL worker %s after %.3g s", worker.process.pid, timeout)
        self._stop(worker)
        self._replace()
        return timeout_outcome(timeout)

    @property
    def pids(self) -> list[int]:
        """Process ids of the live workers."""
        return sorted(w.process.pid for w in list(self._live.values()) if w.process.pid)

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        for worker in list(self._live.values()):
            self._stop(worker)


__all__ = [
    "Engine",
    "InlineEngine",
    "Outcome",
    "ProcessEngine",
    "QueryRequest",
    "execute",
    "text_outcome",
    "timeout_outcome",
]
