"""Share the query workers: a fast lane, a long lane, one deadline per query, fair shares.

pyoxigraph cannot interrupt a query, so a worker running a slow query is lost to everyone else
until the query ends or is killed. With a plain pool, a few slow queries hold every worker and
every other client waits until they time out. :class:`ProcessEngine` keeps short queries
answering while long ones run:

* Every query starts in the **fast lane**, at once: on one of ``workers`` idle worker
  processes, or on a worker forked for it while fewer than ``max_fast`` run there (the fast
  lane is processor sharing, not a queue: a lookup that arrives behind a burst of slow queries
  shares the cores with them for at most ``fast_limit`` seconds instead of waiting for each in
  turn; the surplus workers end with their query). Beyond ``max_fast``, queries wait; a freed
  worker goes first to a query whose text recently answered within the fast lane, then to the
  client (address) with the fewest queries running, the earliest first. Such a known-fast
  query, slowed past ``fast_limit`` by a busy machine (less CPU time than that), keeps its
  fast-lane worker rather than wait paused behind long queries.
* A query still running after ``fast_limit`` seconds becomes **long**, and its text (when it
  used at least half that in CPU time: not one a loaded machine starved) is remembered for
  ten minutes: sent again, it goes straight to the long lane (on a worker of its
  own) and never holds a fast worker again. A long query's worker leaves the
  fast lane (a worker forked from the zygote takes its place at once, so the fast lane keeps
  ``workers`` processes), drops to the lowest CPU priority (nice 19) and takes one of
  ``long_queries`` long slots. When every slot is taken, the worker is paused (SIGSTOP) in a
  queue and resumed (SIGCONT) when a slot frees, again the client with the fewest long
  queries first. Long workers are killed when their query ends (they cannot be re-prioritised).
* A query has one deadline, ``timeout`` after it arrived: waiting, running or paused, it is
  answered 503 and its worker killed when the deadline passes.
* A client may have ``max_per_client`` queries in flight (429 beyond), and at most
  ``max_paused`` long queries wait paused (503 beyond).
* A worker that dies (over its memory bound, a crash) is reaped and replaced, and the client
  gets one line.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import Counter

import pyoxigraph as ox

from kg.server.engine import (
    Outcome,
    QueryRequest,
    text_outcome,
    timeout_outcome,
)
from kg.server.lanes import (
    Dead,
    Job,
    KnownTexts,
    LongLane,
    Snapshot,
    Worker,
    cpu_seconds,
    lowest_priority,
)
from kg.server.pool import Pool, read_answer
from kg.server.workers import WorkerSettings

log = logging.getLogger(__name__)

#: Queries in flight per client address.
MAX_PER_CLIENT = 32
#: Fast-lane workers at most, per ``workers`` (each may grow by ``--max-memory``); the ones
#: beyond ``workers`` end after this many seconds without a query.
FAST_LANE_FACTOR, SURPLUS_IDLE_SECONDS = 4, 10.0


class ProcessEngine:
    """Killable, confined worker processes with the lanes described above."""

    def __init__(
        self,
        store: ox.Store,
        workers: int = 2,
        *,
        long_queries: int = 2,
        fast_limit: float | None = 0.5,
        max_paused: int | None = None,
        max_per_client: int = MAX_PER_CLIENT,
        max_fast: int | None = None,
        settings: WorkerSettings | None = None,
    ) -> None:
        """Start the zygote and ``workers`` fast-lane workers (at most ``max_fast``, by default
        ``FAST_LANE_FACTOR * workers``, run fast-lane queries at once).

        ``fast_limit=None`` turns the lanes off: a plain first-come pool of ``workers`` where
        every query runs to its end or its timeout (the "before" of ``bench/serve_bench``).
        """
        self._pool = Pool(store, settings or WorkerSettings())
        self.settings = self._pool.settings
        self.confinement = self._pool.zygote.confinement
        self.fast_limit = fast_limit
        self.long_slots = max(1, long_queries)
        self.max_paused = 2 * self.long_slots if max_paused is None else max_paused
        self.max_per_client = max_per_client
        self.workers = max(1, workers)
        if fast_limit is None:
            self.max_fast = self.workers
        else:
            self.max_fast = max(self.workers, max_fast or FAST_LANE_FACTOR * self.workers)
        self._fast = 0  # fast-lane workers: idle, running a fast-lane query, or being forked
        self._cond = threading.Condition()
        self._idle: list[Worker] = []
        self._fast_waiting: list[Job] = []
        self._running: Counter[str] = Counter()
        self._in_flight: Counter[str] = Counter()
        self._long = LongLane(self._cond, self.long_slots, self.max_paused, lambda: self._closed)
        self._known_long = KnownTexts(self._cond)
        self._known_fast = KnownTexts(self._cond)
        self._closed = False
        for _ in range(self.workers):
            self._idle.append(self._pool.spawn())
        self._fast = self.workers

    # --- workers ---------------------------------------------------------------------

    def _refill(self) -> None:
        """A worker left the fast lane (long, killed, dead): fork another when a query waits
        for one or the lane is below ``workers``."""
        with self._cond:
            self._fast -= 1
            if self._closed or not (self._fast_waiting or self._fast < self.workers):
                return
            self._fast += 1
        try:
            worker = self._pool.spawn()
        except (OSError, EOFError) as exc:  # the zygote is gone: the pool shrinks
            log.error("cannot start a SPARQL worker: %s", exc)
            with self._cond:
                self._fast -= 1
            return
        self._release(worker)

    def _release(self, worker: Worker) -> None:
        """Hand a free fast-lane ``worker`` to the fairest waiting query or keep it idle; end
        the idle workers beyond ``workers`` that had no query for SURPLUS_IDLE_SECONDS."""
        with self._cond:
            self._give(worker)
            now = time.monotonic()
            surplus = [
                w for w in self._idle[: -self.workers] if now - w.idle_since > SURPLUS_IDLE_SECONDS
            ]
            for old in surplus:
                self._idle.remove(old)
                self._fast -= 1
        for old in surplus:
            self._pool.kill(old)

    def _give(self, worker: Worker) -> None:
        """Hand ``worker`` to the fairest waiting query or make it idle (lock held)."""
        if self._closed:
            return
        if self._fast_waiting:
            if self.fast_limit is None:
                job = self._fast_waiting[0]
            else:
                job = min(
                    self._fast_waiting,
                    key=lambda j: (not j.known_fast, self._running[j.client], j.arrived),
                )
            self._fast_waiting.remove(job)
            job.worker = worker
            self._running[job.client] += 1
            self._cond.notify_all()
            return
        worker.idle_since = time.monotonic()
        self._idle.append(worker)  # the last idled is the first taken: the oldest age out

    def _acquire(self, job: Job) -> Worker | None:
        with self._cond:
            if self._idle and not self._fast_waiting:
                self._running[job.client] += 1
                return self._idle.pop()
            fork = not self._fast_waiting and self._fast < self.max_fast
            if fork:
                self._fast += 1
                self._running[job.client] += 1
        if fork:
            try:
                return self._pool.spawn()
            except (OSError, EOFError) as exc:
                log.error("cannot start a SPARQL worker: %s", exc)
                with self._cond:
                    self._fast -= 1
                    self._running[job.client] -= 1
        with self._cond:
            self._fast_waiting.append(job)
            while job.worker is None:
                left = job.left()
                if left <= 0 or self._closed:
                    self._fast_waiting.remove(job)
                    return None
                self._cond.wait(left)
            return job.worker

    # --- running a query -----------------------------------------------------------------

    def run(self, request: QueryRequest, timeout: float, client: str = "") -> Outcome:
        """Answer ``request`` for ``client`` within ``timeout`` seconds of now."""
        now = time.monotonic()
        job = Job(client, now, now + timeout)
        with self._cond:
            if self._closed:
                return text_outcome(503, "the server is shutting down")
            if self._in_flight[client] >= self.max_per_client:
                return text_outcome(
                    429,
                    f"{self.max_per_client} queries from {client or 'you'} are already "
                    "running or waiting; wait for their answers",
                )
            self._in_flight[client] += 1
        try:
            return self._run(job, request, timeout)
        finally:
            with self._cond:
                self._in_flight[client] -= 1
                if not self._in_flight[client]:
                    del self._in_flight[client]

    def _run(self, job: Job, request: QueryRequest, timeout: float) -> Outcome:
        key = hashlib.blake2b(request.query.encode("utf-8", "surrogatepass"), digest_size=16)
        if self.fast_limit is not None and self._known_long.seen(key.digest()):
            return self._run_known_long(job, request, timeout)
        job.known_fast = self._known_fast.seen(key.digest())
        worker = job.worker = self._acquire(job)
        if worker is None:
            return text_outcome(
                503,
                f"no query worker was free within {timeout:g} s (this server's --timeout); "
                "try again shortly",
            )
        try:
            worker.conn.send(request)
        except OSError:
            answer: Outcome | Dead | None = Dead(0)
        else:
            first = job.left() if self.fast_limit is None else min(self.fast_limit, job.left())
            answer = read_answer(worker, first)
            starved = job.known_fast and self.fast_limit is not None and answer is None
            if starved and cpu_seconds(worker.pid) < (self.fast_limit or 0):  # not long: stay
                answer = read_answer(worker, job.left())
        if isinstance(answer, Outcome):
            self._finish(job)
            self._release(worker)
            if self.fast_limit is not None:
                self._known_fast.remember(key.digest())
            return answer
        if isinstance(answer, Dead) or self.fast_limit is None or job.left() <= 0:
            self._finish(job)
            outcome = self._pool.died(worker) if isinstance(answer, Dead) else None
            if outcome is None:
                log.info("killing SPARQL worker %s after %.3g s", worker.pid, timeout)
                self._pool.kill(worker)
            self._refill()
            return outcome or timeout_outcome(timeout)
        if cpu_seconds(worker.pid) >= self.fast_limit / 2:  # long, not starved by others
            self._known_long.remember(key.digest())
            self._known_fast.forget(key.digest())
        return self._run_long(job, worker, timeout)

    def _run_known_long(self, job: Job, request: QueryRequest, timeout: float) -> Outcome:
        """A query that ran long recently goes straight to the long lane, on a worker of its
        own: it never holds a fast-lane worker for ``fast_limit`` seconds again."""
        with self._cond:
            self._running[job.client] += 1
        slot = self._long.acquire(job, None)
        try:
            if slot is None:
                return text_outcome(
                    503, f"{self.max_paused} long queries are already waiting; try again later"
                )
            if not slot:
                return timeout_outcome(timeout)
            worker = job.worker = self._pool.spawn()
            lowest_priority(worker)
            try:
                worker.conn.send(request)
                answer: Outcome | Dead | None = read_answer(worker, job.left())
            except OSError:
                answer = Dead(0)
            if isinstance(answer, Dead):
                return self._pool.died(worker)
            self._pool.kill(worker)
            return answer or timeout_outcome(timeout)
        finally:
            self._finish(job)
            if slot:
                self._long.release(job)

    def _finish(self, job: Job) -> None:
        with self._cond:
            self._running[job.client] -= 1
            if not self._running[job.client]:
                del self._running[job.client]

    def _run_long(self, job: Job, worker: Worker, timeout: float) -> Outcome:
        """The query outlived the fast lane: give it a long slot (or pause it for one)."""
        self._refill()  # the fast lane gets a new worker; this one stays with the query
        slot = self._long.acquire(job, worker)
        try:
            if slot is None:
                answer: Outcome | Dead | None = text_outcome(
                    503, f"{self.max_paused} long queries are already waiting; try again later"
                )
            elif not slot:
                answer = None
            else:
                answer = read_answer(worker, job.left())
            if isinstance(answer, Dead):
                return self._pool.died(worker)
            self._pool.kill(worker)
            return answer or timeout_outcome(timeout)
        finally:
            self._finish(job)
            if slot:
                self._long.release(job)

    # --- state -------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """Who holds what, now."""

        def pairs(jobs: list[Job]) -> tuple[tuple[str, int], ...]:
            return tuple((j.client, j.worker.pid) for j in jobs if j.worker is not None)

        with self._cond:
            return Snapshot(
                len(self._idle),
                len(self._fast_waiting),
                pairs(self._long.jobs),
                pairs(self._long.waiting),
                self._fast - len(self._idle),
            )

    @property
    def pids(self) -> list[int]:
        """Process ids of the live workers (fast and long)."""
        return self._pool.pids

    def close(self) -> None:
        """Stop every worker and the zygote."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._pool.close()


__all__ = ["MAX_PER_CLIENT", "ProcessEngine", "Snapshot"]
