"""The parts of :class:`kg.server.scheduler.ProcessEngine` that hold no process of their own:
a worker and a query as the scheduler sees them, the texts it remembers as long or fast, and
the long lane's slots (who runs, who waits paused, who goes next).

Every method here runs under the engine's condition (passed in), so the engine and its lanes
change state together.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection

#: Query texts remembered as long (they skip the fast lane next time), and for how long; as
#: many texts that answered within the fast lane are remembered (they wait at the front).
KNOWN_LONG_QUERIES, KNOWN_LONG_SECONDS = 1024, 600.0


@dataclass(eq=False)
class Worker:
    """A worker process forked by the zygote, and the server's end of its socket pair."""

    pid: int
    conn: Connection
    idle_since: float = 0.0


@dataclass(eq=False)
class Job:
    """One query on its way through the lanes."""

    client: str
    arrived: float
    deadline: float
    known_fast: bool = False  # its text answered within the fast lane recently
    worker: Worker | None = None  # set when a fast-lane worker is handed over
    granted: bool = False  # set when a long slot is handed over

    def left(self) -> float:
        """Seconds to its deadline."""
        return self.deadline - time.monotonic()


@dataclass(frozen=True)
class Snapshot:
    """The state of the lanes: idle fast workers, queries waiting for one, the long queries
    running and paused as (client, worker pid), and the busy fast workers."""

    idle: int
    waiting: int
    long: tuple[tuple[str, int], ...]
    paused: tuple[tuple[str, int], ...]
    fast: int = 0  # fast-lane workers busy (running a query, or being forked for one)


class Dead:
    """A worker that died while running the query."""

    def __init__(self, status: int) -> None:
        self.status = status


def cpu_seconds(pid: int) -> float:
    """CPU time process ``pid`` has used (user + system); infinite when it cannot be read."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("inf")  # no /proc: count wall time, as before


def lowest_priority(worker: Worker) -> None:
    """Nice 19 for ``worker`` (a long query yields the cores to the fast lane)."""
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, worker.pid, 19)


class KnownTexts:
    """Query texts (their digests) seen recently, the least recently used forgotten first."""

    def __init__(
        self,
        lock: threading.Condition,
        size: int = KNOWN_LONG_QUERIES,
        seconds: float = KNOWN_LONG_SECONDS,
    ) -> None:
        self._lock = lock
        self._texts: OrderedDict[bytes, float] = OrderedDict()
        self.size, self.seconds = size, seconds

    def seen(self, key: bytes) -> bool:
        """Whether ``key`` was remembered within ``seconds``."""
        with self._lock:
            when = self._texts.get(key)
            if when is None or time.monotonic() - when > self.seconds:
                return False
            self._texts.move_to_end(key)
            return True

    def remember(self, key: bytes) -> None:
        with self._lock:
            self._texts[key] = time.monotonic()
            self._texts.move_to_end(key)
            while len(self._texts) > self.size:
                self._texts.popitem(last=False)

    def forget(self, key: bytes) -> None:
        with self._lock:
            self._texts.pop(key, None)


class LongLane:
    """``slots`` long queries run at once; up to ``max_paused`` more wait, paused (SIGSTOP),
    and a freed slot goes to the client with the fewest long queries, the earliest first."""

    def __init__(
        self,
        cond: threading.Condition,
        slots: int,
        max_paused: int,
        closed: Callable[[], bool],
    ) -> None:
        self._cond = cond
        self._closed = closed
        self.slots, self.max_paused = slots, max_paused
        self.running = 0
        self.jobs: list[Job] = []  # holding a slot
        self.waiting: list[Job] = []  # paused, waiting for one
        self._by_client: Counter[str] = Counter()

    def acquire(self, job: Job, worker: Worker | None) -> bool | None:
        """True once the job holds a long slot, False at its deadline, None if the queue of
        paused queries is full. ``worker`` (running the query) is paused while it waits."""
        with self._cond:
            if self.running < self.slots and not self.waiting:
                self._grant(job)
                if worker is not None:
                    lowest_priority(worker)
                return True
            if len(self.waiting) >= self.max_paused:
                return None
            if worker is not None:  # stop it first: a starved process takes long to stop
                with contextlib.suppress(ProcessLookupError):
                    os.kill(worker.pid, signal.SIGSTOP)
                lowest_priority(worker)
            self.waiting.append(job)
            while not job.granted:
                left = job.left()
                if left <= 0 or self._closed():
                    self.waiting.remove(job)
                    return False
                self._cond.wait(left)
        if worker is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.pid, signal.SIGCONT)
        return True

    def release(self, job: Job) -> None:
        """``job`` ended: its slot goes to the fairest paused query."""
        with self._cond:
            self.running -= 1
            self.jobs.remove(job)
            self._by_client[job.client] -= 1
            if not self._by_client[job.client]:
                del self._by_client[job.client]
            if self.waiting:
                nxt = min(self.waiting, key=lambda j: (self._by_client[j.client], j.arrived))
                self.waiting.remove(nxt)
                nxt.granted = True
                self._grant(nxt)
                self._cond.notify_all()

    def _grant(self, job: Job) -> None:
        self.running += 1
        self._by_client[job.client] += 1
        self.jobs.append(job)


__all__ = [
    "KNOWN_LONG_QUERIES",
    "KNOWN_LONG_SECONDS",
    "Dead",
    "Job",
    "KnownTexts",
    "LongLane",
    "Snapshot",
    "Worker",
    "cpu_seconds",
    "lowest_priority",
]
