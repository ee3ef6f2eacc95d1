"""The listener's table of open connections, and who makes way for a newcomer.

Connections are bounded in all and per client address (:mod:`kg.server.listener` passes the
bounds). A connection is *waiting* from when it is accepted, or has sent an answer, until the
head of its next request has arrived, and *busy* from then until its answer is sent (reading
its body, computing the answer, sending it: a body and an answer move at the client's pace,
:class:`kg.server.pace.Transfer`). When the table is full, or the newcomer's address has its
share, the connection that has been waiting longest (from that address, when its share is what
is full) is closed for the newcomer: a server may close an idle connection at any time (RFC
9112 §9.6), the close is clean (FIN, no reset) and a client retries on a new connection. Only
when every candidate is busy is the newcomer refused (503). So clients that open connections
and send nothing, trickle a request head, or send a request now and then to stay under the
idle timeout cannot lock others out.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass

from kg.server.pace import Transfer


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
        """Take ``sock`` (from address ``client``) in, closing the connection that has waited
        longest when ``limit`` in all or ``per_client`` from ``client`` are open; False (refuse
        it) when all of those are busy."""
        with self._lock:
            mine = [s for s, c in self._open.items() if c.client == client]
            if len(mine) >= per_client and not self._evict(mine):
                return False
            if len(self._open) >= limit and not self._evict(list(self._open)):
                return False
            self._open[sock] = _Open(client, time.monotonic())
            return True

    def _evict(self, candidates: list[socket.socket]) -> bool:
        """Close the candidate that has waited longest; False when none waits (the lock is
        held)."""
        waiting = [(c.waiting_since, id(s), s) for s in candidates
                   if (c := self._open[s]).waiting_since is not None]  # fmt: skip
        if not waiting:
            return False
        sock = min(waiting)[2]
        del self._open[sock]  # its handler sees the end of the stream and stops
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
        """``sock`` moves a body or an answer at the client's pace (it is busy)."""
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
