"""The second barrier: a query worker cannot reach the network even when the guard is off.

A worker runs a SERVICE query aimed at a listener on 127.0.0.1 with the query check disabled;
the listener must see no connection, with each mechanism alone (seccomp filter, network
namespace) and with both. Without either, the same query does reach the listener (so the test
can fail). Where a mechanism is unavailable here the test says so and skips that case.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from kg.server.engine import QueryRequest
from kg.server.sandbox import Confinement, seccomp_program
from kg.server.scheduler import ProcessEngine
from kg.server.workers import WorkerSettings
from tests.server.support import guard_store

pytestmark = pytest.mark.server


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it accepts."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = int(self.sock.getsockname()[1])
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.sock.close()


def service_query(port: int) -> QueryRequest:
    return QueryRequest(
        f"SELECT * {{ ?s ?p ?o SERVICE <http://127.0.0.1:{port}/x> {{ ?a ?b ?c }} }}"
    )


def run_unguarded(listener: Listener, *, seccomp: bool, netns: bool) -> tuple[Confinement, int]:
    settings = WorkerSettings(guard=False, seccomp=seccomp, netns=netns)
    engine = ProcessEngine(guard_store(), 1, settings=settings)
    try:
        outcome = engine.run(service_query(listener.port), 20)
        time.sleep(0.2)  # let the listener thread count a connection that did happen
        return engine.confinement, outcome.status
    finally:
        engine.close()


@pytest.mark.parametrize(
    ("seccomp", "netns"),
    [(True, True), (True, False), (False, True)],
    ids=["both", "seccomp", "netns"],
)
def test_an_unguarded_worker_cannot_reach_a_loopback_listener(
    listener: Listener, seccomp: bool, netns: bool
) -> None:
    confinement, status = run_unguarded(listener, seccomp=seccomp, netns=netns)
    wanted = (seccomp, netns)
    if (confinement.seccomp, confinement.netns) != wanted:
        pytest.skip(f"not available here: {confinement.describe()}")
    assert status == 500  # the query fails in the worker: no socket, or no route
    assert listener.connections == 0


def test_without_a_sandbox_the_same_query_does_connect(listener: Listener) -> None:
    confinement, _ = run_unguarded(listener, seccomp=False, netns=False)
    assert not confinement.confined
    assert listener.connections >= 1  # the barrier tests above can fail


def test_the_guarded_default_refuses_before_any_worker_runs(listener: Listener) -> None:
    engine = ProcessEngine(guard_store(), 1)
    try:
        outcome = engine.run(service_query(listener.port), 20)
    finally:
        engine.close()
    assert outcome.status == 403
    assert listener.connections == 0


def test_seccomp_program_shape() -> None:
    """Eight-byte BPF instructions ending in ALLOW, ERRNO(EACCES) and KILL_PROCESS; socket (41)
    and connect (42) jump to the ERRNO return on x86-64."""
    program = seccomp_program("x86_64")
    code = [struct.unpack("=HBBI", program[i : i + 8]) for i in range(0, len(program), 8)]
    assert code[0] == (0x20, 0, 0, 4)  # load the architecture
    assert code[-3:] == [(6, 0, 0, 0x7FFF0000), (6, 0, 0, 0x00050000 | 13), (6, 0, 0, 0x80000000)]
    deny = len(code) - 2
    for number in (41, 42, 53, 49, 425):
        index = next(i for i, c in enumerate(code) if c[0] == 0x15 and c[3] == number)
        assert index + 1 + code[index][1] == deny, number
    arch_check = code[1]
    assert 1 + 1 + arch_check[2] == len(code) - 1  # a foreign ABI is killed
    assert len(seccomp_program("aarch64")) % 8 == 0


def test_confinement_describes_itself() -> None:
    assert Confinement(True, True).describe() == "seccomp filter + network namespace"
    text = Confinement(False, False, ("network namespace: EPERM",)).describe()
    assert text == "NONE (unavailable: network namespace: EPERM)"
    assert not Confinement(False, False).confined


def test_workers_are_confined_here() -> None:
    """CI runs on Linux as root: both mechanisms must apply there (and as a plain user at
    least the seccomp filter); a machine without either would only warn."""
    engine = ProcessEngine(ox.Store(), 1)
    try:
        assert engine.confinement.seccomp, engine.confinement.describe()
    finally:
        engine.close()
