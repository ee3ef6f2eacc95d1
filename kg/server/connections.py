"""The listener's table of open connections, and who makes way for a newcomer.

Connections are bounded in all and per client address (:mod:`kg.server.listener` passes the
bounds). A connection is *waiting* from when it is accepted, or has sent an answer, until the
head of its next request has arrived; then *moving* while it reads the request's body or sends
the answer (a :class:`kg.server.pace.Transfer`, which the client's pace drives), and *working*
while the server computes the answer.

When the table is full, or the newcomer's address has its share, one connection (from that
address, when its share is what is full) is closed for the newcomer: the one that has waited
longest for a request, or, when none waits, the transfer whose recent pace is the slowest (a
body trickling in, an answer the client does not read). A server may close a connection at any
time (RFC 9112 §9.6): a waiting one is closed cleanly (FIN, no reset) and its client retries on
a new connection; a transfer cut short is reset (what the kernel still held for it is
dropped). Only when every candidate is working is the newcomer refused (503). So clients
that open connections and send nothing, trickle a request head or body, send a request now and
then to stay under the idle timeout, or ask for answers and never read them cannot lock others
out; a connection the server is working for is never cut.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from dataclasses import dataclass

from kg.server.pace import Transfer, drop_unsent

log = logging.getLogger(__name__)


@dataclass(eq=False)
class _Open:
    client: str
    waiting_since: float | None  # monotonic; None unless waiting
    transfer: Transfer | None = None  # while moving a body or an answer


class ConnectionTable:
    """The open connections by socket; every method is safe from any thread."""

    def __init__(self) -> None:
        """An empty table."""
        self._open: dict[socket.socket, _Open] = {}
        self._lock = threading.Lock()

    def admit(self, sock: socket.socket, client: str, limit: int, per_client: int) -> bool:
        """Take ``sock`` (from address ``client``) in, closing the connection that makes the
        least progress when ``limit`` in all or ``per_client`` from ``client`` are open; False
        (refuse it) when all of those are working."""
        with self._lock:
            mine = [s for s, c in self._open.items() if c.client == client]
            if len(mine) >= per_client and not self._evict(mine):
                return False
            if len(self._open) >= limit and not self._evict(list(self._open)):
                return False
            self._open[sock] = _Open(client, time.monotonic())
            return True

    def _evict(self, candidates: list[socket.socket]) -> bool:
        """Close the candidate that has waited longest, or else the slowest transfer; False
        when all are working (the lock is held)."""
        now = time.monotonic()
        ranked: list[tuple[int, float, float, int, socket.socket]] = []
        for sock in candidates:
            found = self._open[sock]
            if found.waiting_since is not None:
                ranked.append((0, found.waiting_since, 0.0, id(sock), sock))
            elif found.transfer is not None:
                moving = found.transfer
                ranked.append((1, moving.recent(now), moving.start, id(sock), sock))
        if not ranked:
            return False
        sock = min(ranked)[4]
        gone = self._open.pop(sock)  # its handler sees the end of the stream and stops
        if gone.transfer is not None:  # cut short: reset, nothing more is sent
            moved, seconds = gone.transfer.moved, now - gone.transfer.start
            log.info("%s: closed for a newcomer, %d bytes in %.1f s", gone.client, moved, seconds)
            drop_unsent(sock)
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        return True

    def mark_waiting(self, sock: socket.socket) -> None:
        """``sock`` now waits for the client to send the next request."""
        with self._lock:
            found = self._open.get(sock)
            if found is not None and found.waiting_since is None:
                found.waiting_since = time.monotonic()
                found.transfer = None

    def mark_busy(self, sock: socket.socket) -> bool:
        """A request's head has arrived on ``sock``: the server works for it. False when it was
        closed for a newcomer meanwhile (then answer nothing)."""
        with self._lock:
            found = self._open.get(sock)
            if found is not None:
                found.waiting_since = None
                found.transfer = None
            return found is not None

    def mark_moving(self, sock: socket.socket, transfer: Transfer) -> None:
        """``sock`` moves a body or an answer at the client's pace: it may be closed for a
        newcomer when it is the slowest."""
        with self._lock:
            found = self._open.get(sock)
            if found is not None:
                found.waiting_since = None
                found.transfer = transfer

    def release(self, sock: socket.socket) -> None:
        """``sock`` is about to be closed by its handler (call before closing it)."""
        with self._lock:
            self._open.pop(sock, None)

    def phases(self) -> dict[str, int]:
        """How many connections wait for a request, move a body or an answer, or are worked
        for."""
        found = {"waiting": 0, "moving": 0, "working": 0}
        with self._lock:
            for c in self._open.values():
                phase = "waiting" if c.waiting_since is not None else "working"
                found["moving" if c.transfer is not None else phase] += 1
        return found

    def counts(self) -> tuple[int, int]:
        """How many connections are open, and how many of them are busy (not waiting)."""
        with self._lock:
            busy = sum(c.waiting_since is None for c in self._open.values())
            return len(self._open), busy


__all__ = ["ConnectionTable"]
