"""Query workers under load and abuse: lanes, fair shares, deadlines, memory, crashes.

Nothing here measures time: each test checks who is answered and what while other queries are
still running (``bench/serve_bench`` measures the latencies).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator

import pyoxigraph as ox
import pytest

from kg.server.engine import Outcome, QueryRequest
from kg.server.guard import QueryLimits
from kg.server.scheduler import ProcessEngine
from kg.server.workers import WorkerSettings, _die_with_parent

pytestmark = pytest.mark.server

EX = "http://example.org/"
#: Five-way cross product of 200 triples: never ends (the deadline stops it).
SLOW = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
LOOKUP = f"SELECT ?o {{ <{EX}s7> <{EX}p> ?o }}"


def endless(n: int) -> str:
    """A never-ending query, its text made distinct by a comment (so it is not yet known as
    long: the scheduler remembers long query texts)."""
    return f"{SLOW} # {n}"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    s = ox.Store()
    for i in range(200):
        s.add(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}p"), ox.Literal(str(i))))
    return s


@pytest.fixture
def engine(store: ox.Store) -> Iterator[ProcessEngine]:
    found = ProcessEngine(store, 2, long_queries=2, fast_limit=0.2)
    yield found
    found.close()


class Background:
    """Queries running in threads; their outcomes collected as they end."""

    def __init__(self) -> None:
        self.outcomes: list[Outcome] = []
        self.threads: list[threading.Thread] = []

    def start(self, run: Callable[[], Outcome]) -> None:
        thread = threading.Thread(target=lambda: self.outcomes.append(run()), daemon=True)
        thread.start()
        self.threads.append(thread)

    @property
    def running(self) -> int:
        return sum(t.is_alive() for t in self.threads)


def wait_for(condition: Callable[[], bool], what: str) -> None:
    for _ in range(300):
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


def state(pid: int) -> str:
    """The process state letter (R, S, T…) of ``pid``."""
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0]


def test_short_queries_keep_answering_while_long_ones_run(engine: ProcessEngine) -> None:
    slow = Background()
    for i in range(4):
        slow.start(lambda i=i: engine.run(QueryRequest(endless(i)), 60, f"slow{i}"))
    wait_for(lambda: len(engine.snapshot().long) == 2, "two long queries running")
    wait_for(lambda: len(engine.snapshot().paused) == 2, "two more paused")
    for _ in range(20):
        outcome = engine.run(QueryRequest(LOOKUP), 60, "lookup")
        assert outcome.status == 200, outcome.body
        assert b'"7"' in outcome.body
    assert slow.running == 4  # every slow query is still going: the lookups did not wait
    snap = engine.snapshot()
    for _, pid in snap.paused:
        wait_for(lambda pid=pid: state(pid) == "T", "paused means stopped")  # no core used
    for _, pid in snap.long:
        assert state(pid) in "RS"
        assert os.getpriority(os.PRIO_PROCESS, pid) == 19


def test_a_query_known_to_be_long_never_takes_a_fast_worker(store: ox.Store) -> None:
    engine = ProcessEngine(store, 1, long_queries=1, fast_limit=0.2)
    try:
        first = engine.run(QueryRequest(endless(0)), 1, "a")  # long, then out of time
        assert first.status == 503
        again = Background()
        again.start(lambda: engine.run(QueryRequest(endless(0)), 60, "a"))
        wait_for(lambda: len(engine.snapshot().long) == 1, "straight to the long lane")
        assert engine.snapshot().idle == 1  # the one fast worker stays free
        assert engine.run(QueryRequest(LOOKUP), 60, "b").status == 200
        assert again.running == 1
    finally:
        engine.close()


def test_without_lanes_slow_queries_lock_everyone_out(store: ox.Store) -> None:
    """The behaviour before: a plain pool, every worker held by a slow query until its
    deadline, so a lookup waits for the deadline too and gets 503."""
    fifo = ProcessEngine(store, 2, fast_limit=None)
    try:
        slow = Background()
        for i in range(2):
            slow.start(lambda i=i: fifo.run(QueryRequest(endless(i)), 3, f"slow{i}"))
        wait_for(lambda: fifo.snapshot().idle == 0, "both workers busy")
        outcome = fifo.run(QueryRequest(LOOKUP), 1, "lookup")
        assert outcome.status == 503
        assert b"no query worker was free" in outcome.body
    finally:
        fifo.close()


def test_a_long_slot_goes_to_the_client_with_fewer_long_queries(store: ox.Store) -> None:
    engine = ProcessEngine(store, 2, long_queries=2, fast_limit=0.2)
    try:
        queries = Background()
        queries.start(lambda: engine.run(QueryRequest(endless(1)), 4, "a"))  # ends first
        wait_for(lambda: len(engine.snapshot().long) == 1, "a's first long query")
        queries.start(lambda: engine.run(QueryRequest(endless(2)), 60, "a"))
        wait_for(lambda: len(engine.snapshot().long) == 2, "a's second long query")
        queries.start(lambda: engine.run(QueryRequest(endless(3)), 60, "a"))
        wait_for(lambda: len(engine.snapshot().paused) == 1, "a's third, paused")
        queries.start(lambda: engine.run(QueryRequest(endless(4)), 60, "b"))
        wait_for(lambda: len(engine.snapshot().paused) == 2, "b's, paused after a's")
        wait_for(lambda: len(queries.outcomes) == 1, "a's first query timed out")
        assert queries.outcomes[0].status == 503
        wait_for(lambda: len(engine.snapshot().long) == 2, "a slot handed on")
        snap = engine.snapshot()
        assert sorted(c for c, _ in snap.long) == ["a", "b"]  # b first: a already had one
        assert [c for c, _ in snap.paused] == ["a"]
        wait_for(lambda: state(snap.paused[0][1]) == "T", "a's paused query stopped")
    finally:
        engine.close()


def test_a_client_has_a_bounded_number_of_queries_in_flight(store: ox.Store) -> None:
    engine = ProcessEngine(store, 2, fast_limit=0.2, max_per_client=2)
    try:
        slow = Background()
        for i in range(2):
            slow.start(lambda i=i: engine.run(QueryRequest(endless(i)), 60, "greedy"))
        wait_for(lambda: len(engine.snapshot().long) == 2, "two in flight")
        refused = engine.run(QueryRequest(LOOKUP), 60, "greedy")
        assert refused.status == 429
        assert refused.body.count(b"\n") == 1
        assert engine.run(QueryRequest(LOOKUP), 60, "someone else").status == 200
    finally:
        engine.close()


def test_paused_queue_is_bounded(store: ox.Store) -> None:
    engine = ProcessEngine(store, 2, long_queries=1, max_paused=1, fast_limit=0.2)
    try:
        slow = Background()
        slow.start(lambda: engine.run(QueryRequest(endless(1)), 60, "a"))
        wait_for(lambda: len(engine.snapshot().long) == 1, "one long")
        slow.start(lambda: engine.run(QueryRequest(endless(2)), 60, "b"))
        wait_for(lambda: len(engine.snapshot().paused) == 1, "one paused")
        refused = engine.run(QueryRequest(endless(3)), 60, "c")
        assert refused.status == 503
        assert b"long queries are already waiting" in refused.body
    finally:
        engine.close()


# --- memory and crashes ----------------------------------------------------------------


def doubling(times: int) -> str:
    """A 500-byte query whose string doubles ``times`` times (2**times bytes)."""
    binds = " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(times))
    return f'SELECT (STRLEN(?x{times}) AS ?n) {{ BIND("a" AS ?x0) {binds} }}'


@pytest.fixture(scope="module")
def small(store: ox.Store) -> Iterator[ProcessEngine]:
    found = ProcessEngine(store, 1, settings=WorkerSettings(max_memory=256 << 20))
    yield found
    found.close()


def test_memory_bound_stops_a_query_and_the_worker_is_replaced(small: ProcessEngine) -> None:
    assert len(doubling(31)) < 1200
    before = small.pids
    outcome = small.run(QueryRequest(doubling(31)), 60, "hog")  # 2 GB of string
    assert outcome.status == 503, outcome.body
    assert outcome.body == (
        b"the query needed more memory than this server allows a query (256 MB, "
        b"--max-memory); simplify it or add LIMIT\n"
    )
    assert small.pids != before
    assert small.run(QueryRequest(LOOKUP), 60, "next").status == 200


def test_a_64_mb_result_is_refused_and_the_worker_lives(store: ox.Store) -> None:
    engine = ProcessEngine(store, 1, fast_limit=60)  # 1 GB --max-memory; no long lane
    try:
        before = engine.pids
        query = doubling(26).replace("(STRLEN(?x26) AS ?n)", "?x26")  # one 64 MB literal
        outcome = engine.run(QueryRequest(query), 60, "big")
        assert outcome.status == 400, outcome.body[:200]
        assert b"larger than 33554432 bytes" in outcome.body
        assert b"--max-result-size" in outcome.body
        assert engine.pids == before
        assert engine.run(QueryRequest(LOOKUP), 60, "next").status == 200
    finally:
        engine.close()


def test_a_killed_worker_is_answered_and_replaced(small: ProcessEngine) -> None:
    slow = Background()
    slow.start(lambda: small.run(QueryRequest(SLOW), 60, "victim"))
    wait_for(lambda: len(small.snapshot().long) == 1, "a long query")
    pid = small.snapshot().long[0][1]
    os.kill(pid, signal.SIGSEGV)  # a crash of pyoxigraph, as far as the server can tell
    wait_for(lambda: slow.outcomes != [], "the crashed query answered")
    assert slow.outcomes[0].status == 503
    assert small.run(QueryRequest(LOOKUP), 60, "next").status == 200


@pytest.mark.parametrize("kind", ["BIND", "MINUS", "UNION", "||"])
def test_queries_at_the_depth_bound_run_in_a_worker(small: ProcessEngine, kind: str) -> None:
    """2,000 chained operations crash pyoxigraph on an 8 MB stack at 3,000: workers run
    queries on a 256 MB stack, so what the guard lets through runs (or times out)."""
    from tests.server.test_guard import CHAINS

    query = CHAINS[kind](1990).replace("SELECT *", "SELECT (COUNT(*) AS ?n)", 1)
    limits = QueryLimits(max_bytes=1 << 20)
    outcome = small.run(QueryRequest(query, limits=limits), 60, "deep")
    assert outcome.status in (200, 503), outcome.body[:200]
    assert b"memory" not in outcome.body  # a timeout at worst, never a crashed worker
    refused = small.run(QueryRequest(CHAINS[kind](40_000), limits=QueryLimits(4 << 20)), 60, "x")
    assert refused.status in (400, 413)


def test_a_dead_zygote_is_replaced(store: ox.Store) -> None:
    """Killing the process that forks the workers (and so every worker) costs the queries
    running then; the next ones are answered by a new zygote's workers."""
    engine = ProcessEngine(store, 2)
    try:
        zygote = engine._pool.zygote._process.pid
        assert zygote is not None
        os.kill(zygote, signal.SIGKILL)
        wait_for(lambda: not engine._pool.zygote.alive, "the zygote is gone")
        outcomes = [engine.run(QueryRequest(LOOKUP), 60, "after").status for _ in range(4)]
        assert outcomes[-1] == 200, outcomes
        assert all(status in (200, 500, 503) for status in outcomes)
        assert engine._pool.zygote.alive
    finally:
        engine.close()


@pytest.mark.parametrize("parent_alive", [True, False])
def test_a_worker_whose_zygote_died_before_it_armed_pdeathsig_exits(parent_alive: bool) -> None:
    """PR_SET_PDEATHSIG only fires for a parent that dies after it is set: a worker whose
    zygote was killed between the fork and the prctl would outlive it (and the pool would
    never notice the zygote is gone). The worker compares its parent with the zygote's pid."""
    child = os.fork()
    if child == 0:  # pragma: no cover - the forked child
        zygote = os.getppid() if parent_alive else os.getppid() + 1_000_000
        _die_with_parent(zygote)
        os._exit(3)  # still running: the parent is the zygote
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == (3 if parent_alive else 0)


def test_an_evaluation_error_is_a_400_and_the_worker_lives(small: ProcessEngine) -> None:
    """pyoxigraph raises RuntimeError for what it cannot evaluate (a function IRI it does not
    know): one line, and the worker that ran it keeps serving."""
    before = small.pids
    outcome = small.run(QueryRequest("SELECT (<http://127.0.0.1:9/f>(1) AS ?x) {}"), 60, "c")
    assert outcome.status == 400, outcome.body
    assert outcome.body == (
        b"the query cannot be evaluated: The custom function <http://127.0.0.1:9/f> is not "
        b"supported\n"
    )
    assert small.pids == before


def test_an_internal_error_is_a_500_and_the_worker_lives(small: ProcessEngine) -> None:
    before = small.pids
    broken = QueryRequest("ASK {}", limits=QueryLimits(max_bytes="many"))  # type: ignore[arg-type]
    outcome = small.run(broken, 60, "bug")
    assert outcome.status == 500, outcome.body
    assert outcome.body.count(b"\n") == 1
    assert small.pids == before
    assert small.run(QueryRequest(LOOKUP), 60, "next").status == 200


def test_a_burst_of_slow_queries_from_the_same_address_does_not_queue_a_lookup(
    store: ox.Store,
) -> None:
    """The issue's case: many slow queries at once, from the address the lookups come from
    too (everything on 127.0.0.1). The fast lane forks a worker for each query up to
    ``max_fast``, so the lookup runs beside them at once instead of waiting for each."""
    engine = ProcessEngine(store, 2, long_queries=2, fast_limit=60, max_fast=8)
    try:
        slow = Background()
        for i in range(6):
            slow.start(lambda i=i: engine.run(QueryRequest(endless(i)), 60, "127.0.0.1"))
        wait_for(lambda: engine.snapshot().fast == 6, "six slow queries in the fast lane")
        for _ in range(5):
            outcome = engine.run(QueryRequest(LOOKUP), 60, "127.0.0.1")
            assert outcome.status == 200, outcome.body
        assert slow.running == 6
        assert engine.snapshot().waiting == 0
        assert engine.snapshot().fast == 6  # the lookups' workers are free again
    finally:
        engine.close()


def test_past_max_fast_a_known_fast_query_goes_first(store: ox.Store) -> None:
    engine = ProcessEngine(store, 1, long_queries=1, fast_limit=60, max_fast=2)
    try:
        assert engine.run(QueryRequest(LOOKUP), 60, "a").status == 200  # now known fast
        background = Background()
        background.start(lambda: engine.run(QueryRequest(endless(0)), 3, "a"))  # frees a slot
        background.start(lambda: engine.run(QueryRequest(endless(1)), 60, "a"))
        wait_for(lambda: engine.snapshot().fast == 2, "both fast slots taken")
        background.start(lambda: engine.run(QueryRequest(endless(2)), 60, "a"))
        wait_for(lambda: engine.snapshot().waiting == 1, "a slow query waits")
        # The slot the 3 s query frees goes to the lookup, not to the slow query that came
        # first (first come would hold the lookup until a 60 s deadline: 503 at 20 s).
        outcome = engine.run(QueryRequest(LOOKUP), 20, "a")
        assert outcome.status == 200, outcome.body
        assert [o.status for o in background.outcomes] == [503]  # only the 3 s one ended
        wait_for(lambda: engine.snapshot().waiting == 0, "the slow query gets the lookup's worker")
    finally:
        engine.close()


def test_a_query_starved_by_a_busy_machine_is_not_remembered_as_long(
    store: ox.Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only CPU time makes a query text known as long: a lookup that a loaded machine slowed
    past the fast lane once must not be sent to the long lane for ten minutes."""
    from kg.server import scheduler

    engine = ProcessEngine(store, 1, long_queries=1, fast_limit=0.2)
    try:
        monkeypatch.setattr(scheduler, "cpu_seconds", lambda pid: 0.0)  # as if starved
        assert engine.run(QueryRequest(endless(0)), 1, "a").status == 503
        again = Background()
        again.start(lambda: engine.run(QueryRequest(endless(0)), 1, "a"))
        wait_for(lambda: engine.snapshot().fast == 1, "back in the fast lane")
        again.threads[0].join()
        monkeypatch.setattr(scheduler, "cpu_seconds", lambda pid: 0.2)  # it did use a core
        assert engine.run(QueryRequest(endless(1)), 1, "a").status == 503
        known = Background()
        known.start(lambda: engine.run(QueryRequest(endless(1)), 1, "a"))
        wait_for(lambda: len(engine.snapshot().long) == 1, "straight to the long lane")
        assert engine.snapshot().fast == 0
    finally:
        engine.close()


def test_a_known_fast_query_slowed_by_the_machine_keeps_its_fast_worker(
    store: ox.Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lookup that answered in the fast lane before, and is now slowed past it by a busy
    machine, is not paused behind the long queries: it keeps running where it is."""
    from kg.server import scheduler

    engine = ProcessEngine(store, 1, long_queries=1, fast_limit=0.2)
    try:
        query = QueryRequest(endless(0))
        monkeypatch.setattr(engine._known_fast, "seen", lambda key: True)  # answered before
        monkeypatch.setattr(scheduler, "cpu_seconds", lambda pid: 0.05)  # and is starved now
        starved = Background()
        starved.start(lambda: engine.run(query, 60, "a"))
        wait_for(lambda: engine.snapshot().fast == 1, "in the fast lane")
        time.sleep(0.5)  # past fast_limit: a query that is not known fast would be long now
        assert engine.snapshot().long == ()
        assert engine.snapshot().fast == 1
        assert starved.running == 1
    finally:
        engine.close()
