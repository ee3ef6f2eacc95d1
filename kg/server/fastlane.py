"""The fast lane of :class:`kg.server.scheduler.ProcessEngine`: its worker processes (idle,
running a fast-lane query, or being forked for one), the queries waiting for one, and who gets a
freed worker (a query whose text recently answered within the fast lane, then the client with
the fewest queries running, the earliest first; first come, first served when the lanes are
off). The lane grows by forking up to ``max_fast`` workers; those beyond ``workers`` end after
``SURPLUS_IDLE_SECONDS`` without a query, and a worker that leaves the lane is replaced.

Every method runs under the engine's condition (passed in), as in :mod:`kg.server.lanes`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable

from kg.server.lanes import Job, Worker
from kg.server.pool import Pool

log = logging.getLogger("kg.server.scheduler")  # the logger these messages always had

#: Fast-lane workers beyond ``workers`` end after this many seconds without a query.
SURPLUS_IDLE_SECONDS = 10.0


class FastLane:
    """``workers`` worker processes kept ready, up to ``max_fast`` running at once."""

    def __init__(
        self,
        cond: threading.Condition,
        pool: Pool,
        workers: int,
        max_fast: int,
        *,
        fair: bool,
        running: Counter[str],
        closed: Callable[[], bool],
    ) -> None:
        self._cond = cond
        self._pool = pool
        self._closed = closed
        self.workers, self.max_fast, self.fair = workers, max_fast, fair
        #: Queries running per client, in both lanes (the engine counts the long lane's).
        self.running = running
        self.count = 0  # fast-lane workers: idle, running a fast-lane query, or being forked
        self.idle: list[Worker] = []
        self.waiting: list[Job] = []

    def start(self) -> None:
        """Fork the ``workers`` idle workers."""
        for _ in range(self.workers):
            self.idle.append(self._pool.spawn())
        self.count = self.workers

    def refill(self) -> None:
        """A worker left the fast lane (long, killed, dead): fork another when a query waits
        for one or the lane is below ``workers``."""
        with self._cond:
            self.count -= 1
            if self._closed() or not (self.waiting or self.count < self.workers):
                return
            self.count += 1
        try:
            worker = self._pool.spawn()
        except (OSError, EOFError) as exc:  # the zygote is gone: the pool shrinks
            log.error("cannot start a SPARQL worker: %s", exc)
            with self._cond:
                self.count -= 1
            return
        self.release(worker)

    def release(self, worker: Worker) -> None:
        """Hand a free fast-lane ``worker`` to the fairest waiting query or keep it idle; end
        the idle workers beyond ``workers`` that had no query for SURPLUS_IDLE_SECONDS."""
        with self._cond:
            self._give(worker)
            now = time.monotonic()
            surplus = [
                w for w in self.idle[: -self.workers] if now - w.idle_since > SURPLUS_IDLE_SECONDS
            ]
            for old in surplus:
                self.idle.remove(old)
                self.count -= 1
        for old in surplus:
            self._pool.kill(old)

    def _give(self, worker: Worker) -> None:
        """Hand ``worker`` to the fairest waiting query or make it idle (lock held)."""
        if self._closed():
            return
        if self.waiting:
            if not self.fair:
                job = self.waiting[0]
            else:
                job = min(
                    self.waiting,
                    key=lambda j: (not j.known_fast, self.running[j.client], j.arrived),
                )
            self.waiting.remove(job)
            job.worker = worker
            self.running[job.client] += 1
            self._cond.notify_all()
            return
        worker.idle_since = time.monotonic()
        self.idle.append(worker)  # the last idled is the first taken: the oldest age out

    def acquire(self, job: Job) -> Worker | None:
        """A worker for ``job``: an idle one, one forked for it (below ``max_fast``), or the
        next one freed; None at the job's deadline or when the engine closes."""
        with self._cond:
            if self.idle and not self.waiting:
                self.running[job.client] += 1
                return self.idle.pop()
            fork = not self.waiting and self.count < self.max_fast
            if fork:
                self.count += 1
                self.running[job.client] += 1
        if fork:
            try:
                return self._pool.spawn()
            except (OSError, EOFError) as exc:
                log.error("cannot start a SPARQL worker: %s", exc)
                with self._cond:
                    self.count -= 1
                    self.running[job.client] -= 1
        with self._cond:
            self.waiting.append(job)
            while job.worker is None:
                left = job.left()
                if left <= 0 or self._closed():
                    self.waiting.remove(job)
                    return None
                self._cond.wait(left)
            return job.worker


__all__ = ["SURPLUS_IDLE_SECONDS", "FastLane"]
