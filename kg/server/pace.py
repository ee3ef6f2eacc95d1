"""How long a client may take: the deadlines of an exchange's parts, and how the progress of a
request body or an answer is measured.

A request head must arrive within ``head`` seconds of its first byte, and the next request
within ``idle`` seconds of the last answer. A body or an answer is a :class:`Transfer`: it must
keep to a minimum pace, ``min_rate`` bytes a second after ``grace`` seconds (by any moment, the
bytes moved earn one second each ``min_rate`` of them: Apache's ``mod_reqtimeout`` rule), it
may not stall (no byte moved) for ``stall`` seconds, and it ends in any case after ``body``
seconds (a body is at most 1 MB, or 16 MB drained before a 413) or ``send`` seconds (an answer).
So a client reading an answer a few bytes at a time, which each step's timeout alone let hold
its connection for hours, is cut off once it falls behind.

A transfer's *recent* pace (bytes moved, each worth less as time passes: halved every
``HALF_LIFE`` seconds) says which connection makes the least progress when the connection
table must close one for a newcomer (:mod:`kg.server.connections`). An answer's deadline is its
own (:func:`send_all`): what is left of a read deadline never cuts an answer short.
"""

from __future__ import annotations

import contextlib
import math
import socket
import struct
import time
from dataclasses import dataclass

#: Seconds after which a byte moved counts half in a transfer's recent pace.
HALF_LIFE = 1.0


@dataclass(frozen=True)
class ClientTimes:
    """How long a client may take over each part of an exchange (seconds; bytes a second)."""

    idle: float = 30.0  # for the next request on a kept-alive connection
    head: float = 10.0  # for a request head, from its first byte
    body: float = 30.0  # for a request body, at most
    send: float = 600.0  # for an answer, at most
    stall: float = 30.0  # for the next byte of a body or an answer
    min_rate: float = 8192.0  # the pace a body or an answer keeps up after ``grace``
    grace: float = 10.0


class Transfer:
    """The bytes one request body or answer has moved, its deadline and its recent pace.

    The handler's thread calls :meth:`add`; the connection table reads :meth:`recent` from
    another thread (a stale float there only changes whom a newcomer displaces)."""

    def __init__(self, limit: float, times: ClientTimes) -> None:
        """A transfer starting now, ending at the latest after ``limit`` seconds."""
        self.start = self.last = time.monotonic()
        self.limit, self.times = limit, times
        self.moved = 0
        self._recent = 0.0

    def add(self, size: int) -> None:
        """``size`` more bytes moved, now."""
        now = time.monotonic()
        self._recent = self.recent(now) + size
        self.last = now
        self.moved += size

    def recent(self, now: float) -> float:
        """The bytes moved, each halved every ``HALF_LIFE`` seconds since it moved."""
        return self._recent * math.exp2(-(now - self.last) / HALF_LIFE)

    def deadline(self) -> float:
        """When the next byte must have moved: the earliest of the total limit, the pace the
        bytes so far have earned, and the stall bound."""
        times = self.times
        earned = self.start + times.grace + self.moved / times.min_rate
        return min(self.start + self.limit, earned, self.last + times.stall)


def drop_unsent(sock: socket.socket) -> None:
    """Have the close of ``sock`` reset the connection: what the client has not taken yet is
    dropped at once, not kept in the kernel (megabytes) for a client that was cut off."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def send_all(sock: socket.socket, data: bytes, transfer: Transfer) -> None:
    """Send ``data`` while the client keeps to ``transfer``'s pace; TimeoutError when it falls
    behind (or stalls), whatever the answer's size: then the connection's close resets it
    (:func:`drop_unsent`).

    The socket's timeout is whatever a read left there (a few milliseconds when a request
    arrived just before its deadline), and ``sendall`` applies it to the whole answer, so each
    ``send`` step here gets what is left of the transfer's own deadline."""
    view = memoryview(data)
    while view:
        left = transfer.deadline() - time.monotonic()
        if left <= 0:
            drop_unsent(sock)
            raise TimeoutError("the client did not take the answer in time")
        sock.settimeout(left)
        try:
            sent = sock.send(view)
        except TimeoutError:
            drop_unsent(sock)
            raise
        transfer.add(sent)
        view = view[sent:]


__all__ = ["HALF_LIFE", "ClientTimes", "Transfer", "drop_unsent", "send_all"]
