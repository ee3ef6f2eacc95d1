"""The worker processes of :class:`kg.server.scheduler.ProcessEngine`: the zygote, the live
workers it forked, and how a worker's answer (or its death) is read. A zygote that died is
replaced by the next spawn; the scheduler decides which worker runs what.
"""

from __future__ import annotations

import logging
import os
import signal
import threading

import pyoxigraph as ox

from kg.server.engine import Outcome, memory_outcome, text_outcome
from kg.server.lanes import Dead, Worker
from kg.server.workers import WorkerSettings, Zygote

log = logging.getLogger(__name__)


def read_answer(worker: Worker, seconds: float) -> Outcome | Dead | None:
    """The worker's answer within ``seconds``, None if it has none yet."""
    try:
        if worker.conn.poll(max(0.0, seconds)):
            outcome: Outcome = worker.conn.recv()
            return outcome
    except (EOFError, OSError):
        return Dead(0)
    return None


class Pool:
    """The zygote (a confined process holding the store) and the workers it forked."""

    def __init__(self, store: ox.Store, settings: WorkerSettings) -> None:
        """Start the zygote with a copy of ``store``; blocks until it is loaded."""
        self.settings = settings
        self._store = store
        self.zygote = Zygote(store, settings)
        self._lock = threading.Lock()
        self._live: dict[int, Worker] = {}

    def spawn(self) -> Worker:
        """A new worker; a new zygote first if the old one died (killed, out of memory).

        Raises:
            OSError, EOFError: the (new) zygote cannot fork a worker.
        """
        try:
            pid, conn = self.zygote.spawn()
        except (OSError, EOFError):
            with self._lock:
                if not self.zygote.alive:
                    log.warning("the SPARQL worker zygote died; starting a new one")
                    for old in list(self._live.values()):
                        old.conn.close()  # its workers died with it (PDEATHSIG)
                    self.zygote = Zygote(self._store, self.settings)
            pid, conn = self.zygote.spawn()
        worker = Worker(pid, conn)
        self._live[pid] = worker
        return worker

    def kill(self, worker: Worker) -> None:
        """Kill and reap ``worker`` (through the zygote, its parent)."""
        self._live.pop(worker.pid, None)
        self.zygote.kill(worker.pid)
        worker.conn.close()

    def died(self, worker: Worker) -> Outcome:
        """Reap ``worker``, which died running a query, and say why to the client."""
        self._live.pop(worker.pid, None)
        status = self.zygote.reap(worker.pid)
        worker.conn.close()
        sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
        log.warning("SPARQL worker %s died (status %s)", worker.pid, status)
        if sig in (signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS, signal.SIGKILL):
            return memory_outcome(self.settings.max_memory)
        return text_outcome(500, "the query worker died; the query was not answered")

    @property
    def pids(self) -> list[int]:
        """Process ids of the live workers."""
        return sorted(self._live)

    def close(self) -> None:
        """Stop the zygote and, with it, every worker."""
        self.zygote.close()
        for worker in list(self._live.values()):
            worker.conn.close()
        self._live.clear()


__all__ = ["Pool", "read_answer"]
