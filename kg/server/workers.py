"""Query worker processes: one confined "zygote" holds the store and forks the workers.

The zygote is started once (multiprocessing ``spawn``: a fresh interpreter, never a fork of
the threaded server). It cuts itself off the network (:mod:`kg.server.sandbox`) before it
loads the store, then only forks: a worker is a copy-on-write fork that shares the loaded
store, is confined like its parent, and costs milliseconds to start. So a worker can be killed
whenever a query overruns, and replaced at once, without reloading the store.

Each worker bounds its own address space (``RLIMIT_AS`` = its size after start-up plus
``max_memory``) and runs queries on a thread with a large stack. The server talks to a worker
over a socket pair it made itself (the zygote receives one end by ``SCM_RIGHTS``), and asks the
zygote, the workers' parent, to kill and reap them: a worker's pid is never reused while the
server still holds it.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing as mp
import os
import resource
import signal
import sys
import threading
from dataclasses import dataclass
from multiprocessing import reduction
from multiprocessing.connection import Connection

import pyoxigraph as ox

from kg.server.engine import QUERY_STACK, execute, text_outcome
from kg.server.sandbox import Confinement, confine

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class WorkerSettings:
    """How workers are confined and bounded (picklable: sent to the zygote)."""

    max_memory: int = 1 << 30  # bytes a worker may grow by after start-up
    seccomp: bool = True
    netns: bool = True
    guard: bool = True  # tests switch it off to show the sandbox holds without it


def _die_with_parent(parent: int) -> None:  # pragma: no cover - runs in a worker
    """Be killed when the zygote dies; exit now if it died between the fork and this call
    (the signal is only armed for a death after ``prctl``: the worker would outlive it)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(0)


def _address_space() -> int:  # pragma: no cover - runs in a worker
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _worker(  # pragma: no cover - runs in a worker
    fd: int, store: ox.Store, settings: WorkerSettings, parent: int
) -> None:
    """A forked worker: answer requests from the server until it hangs up."""
    _die_with_parent(parent)
    conn = Connection(fd)
    start = threading.Event()

    def serve() -> None:
        start.wait()
        while True:
            try:
                request = conn.recv()
            except (EOFError, OSError):
                return
            if request is None:
                return
            try:
                outcome = execute(store, request, guard=settings.guard)
            except Exception:  # a bug in kg: answer, keep the worker, log the trace
                log.exception("a bug in kg answering a query in worker %d", os.getpid())
                outcome = text_outcome(500, "internal error running the query (see the log)")
            conn.send(outcome)

    threading.stack_size(QUERY_STACK)
    thread = threading.Thread(target=serve, name="kg-sparql-query")
    thread.start()
    if sys.platform.startswith("linux"):
        limit = _address_space() + settings.max_memory
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    start.set()
    thread.join()


def zygote_main(  # pragma: no cover - runs in the zygote
    conn: Connection, nquads: bytes, settings: WorkerSettings
) -> None:
    """The zygote: confine, load, then fork a worker for each ``spawn`` request."""
    confinement = confine(settings.seccomp, settings.netns)
    try:
        store = ox.Store()
        store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    except (OSError, SyntaxError, ValueError) as exc:
        conn.send(("error", str(exc)))
        return
    del nquads
    conn.send(("ready", confinement))
    children: set[int] = set()
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            break
        if message is None:
            break
        kind, pid = message
        if kind == "spawn":
            fd = reduction.recv_handle(conn)
            parent = os.getpid()
            child = os.fork()
            if child == 0:
                try:
                    conn.close()
                    _worker(fd, store, settings, parent)
                finally:
                    os._exit(0)
            os.close(fd)
            children.add(child)
            conn.send(child)
        elif kind in ("kill", "reap"):
            if kind == "kill":
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            status = _wait(pid) if pid in children else 0
            children.discard(pid)
            conn.send(status)
    for child in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)
        _wait(child)


def _wait(pid: int) -> int:  # pragma: no cover - runs in the zygote
    try:
        return os.waitpid(pid, 0)[1]
    except ChildProcessError:
        return 0


class Zygote:
    """The server's handle on the zygote: spawn, kill and reap workers (thread-safe)."""

    def __init__(self, store: ox.Store, settings: WorkerSettings) -> None:
        """Start the zygote with a copy of ``store``; blocks until it is loaded.

        Raises:
            RuntimeError: the zygote could not load the store.
        """
        ctx = mp.get_context("spawn")
        self._conn, theirs = ctx.Pipe()
        nquads = store.dump(format=ox.RdfFormat.N_QUADS)
        self._process = ctx.Process(
            target=zygote_main,
            args=(theirs, nquads, settings),
            name="kg-sparql-zygote",
            daemon=True,
        )
        self._process.start()
        theirs.close()
        self._lock = threading.Lock()
        try:
            kind, detail = self._conn.recv()
        except (EOFError, OSError):
            kind, detail = "error", f"it exited with status {self._process.exitcode}"
        if kind != "ready":
            self._process.join(5)
            raise RuntimeError(f"the SPARQL worker process could not load the store: {detail}")
        self.confinement: Confinement = detail

    @property
    def alive(self) -> bool:
        """Whether the zygote process still runs."""
        return self._process.is_alive()

    def spawn(self) -> tuple[int, Connection]:
        """Fork a worker; return its pid and the server's end of its socket pair."""
        ours, theirs = mp.Pipe()
        try:
            with self._lock:
                self._conn.send(("spawn", 0))
                reduction.send_handle(self._conn, theirs.fileno(), self._process.pid or 0)
                pid: int = self._conn.recv()
        finally:
            theirs.close()
        return pid, ours

    def kill(self, pid: int) -> int:
        """SIGKILL worker ``pid`` and reap it; returns its wait status."""
        return self._call("kill", pid)

    def reap(self, pid: int) -> int:
        """Reap worker ``pid``, which has exited or died; returns its wait status."""
        return self._call("reap", pid)

    def _call(self, kind: str, pid: int) -> int:
        with self._lock:
            try:
                self._conn.send((kind, pid))
                status: int = self._conn.recv()
            except (EOFError, OSError):
                return 0
        return status

    def close(self) -> None:
        """Stop the zygote and, with it, every worker."""
        with self._lock, contextlib.suppress(OSError):
            self._conn.send(None)
        self._process.join(5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(5)
        self._conn.close()


__all__ = ["WorkerSettings", "Zygote", "zygote_main"]
