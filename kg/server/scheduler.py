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

The fast lane's workers are kept by :class:`kg.server.fastlane.FastLane`, the long lane's slots
by :class:`kg.server.lanes.LongLane`; this module runs each query through them.
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
    failure_outcome,
    logged,
    text_outcome,
    timeout_outcome,
)
from kg.server.failures import RETRY_AFTER, Failure
from kg.server.fastlane import FastLane
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
from kg.server.wire import shown
from kg.server.workers import WorkerSettings

log = logging.getLogger(__name__)

#: Queries in flight per client address.
MAX_PER_CLIENT = 32
_NO_WORKER = "the server is short of a resource (it cannot start a query worker); try again"
#: Fast-lane workers at most, per ``workers`` (each may grow by ``--max-memory``); the ones
#: beyond ``workers`` end after ``kg.server.fastlane.SURPLUS_IDLE_SECONDS`` without a query.
FAST_LANE_FACTOR = 4


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
        self._cond = threading.Condition()
        self._running: Counter[str] = Counter()
        self._fast_lane = FastLane(
            self._cond,
            self._pool,
            self.workers,
            self.max_fast,
            fair=fast_limit is not None,
            running=self._running,
            closed=lambda: self._closed,
        )
        self._in_flight: Counter[str] = Counter()
        self._long = LongLane(self._cond, self.long_slots, self.max_paused, lambda: self._closed)
        self._known_long = KnownTexts(self._cond)
        self._known_fast = KnownTexts(self._cond)
        self._closed = False
        self._fast_lane.start()

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
            return logged(self._run(job, request, timeout), request)
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
        worker = job.worker = self._fast_lane.acquire(job)
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
            self._fast_lane.release(worker)
            if self.fast_limit is not None:
                self._known_fast.remember(key.digest())
            return answer
        if isinstance(answer, Dead) or self.fast_limit is None or job.left() <= 0:
            self._finish(job)
            outcome = self._pool.died(worker) if isinstance(answer, Dead) else None
            if outcome is None:
                log.info("killing SPARQL worker %s after %.3g s", worker.pid, timeout)
                self._pool.kill(worker)
            self._fast_lane.refill()
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
            try:
                worker = job.worker = self._pool.spawn()
            except (OSError, EOFError) as exc:  # e.g. EMFILE: no socket pair for a worker
                log.error("cannot start a SPARQL worker: %s", shown(str(exc)))
                return failure_outcome(Failure(503, _NO_WORKER, RETRY_AFTER, ""))
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
        self._fast_lane.refill()  # the fast lane gets a new worker; this one stays with the query
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
                len(self._fast_lane.idle),
                len(self._fast_lane.waiting),
                pairs(self._long.jobs),
                pairs(self._long.waiting),
                self._fast_lane.count - len(self._fast_lane.idle),
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
