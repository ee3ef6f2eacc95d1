"""What a query's failure that is not the query's fault tells the client, and the server's log.

Reading the store can fail: an OSError (too many open files, no space, an I/O error) or, from
an on-disk store whose files were damaged or cut short while the server ran, pyoxigraph's
RuntimeError carrying RocksDB's status (``Corruption: truncated block read from /path…``). The
client gets one line that names no server path: 503 with ``Retry-After`` when trying again may
well work (a resource ran short), 500 otherwise; the details, paths included, are for the
server's log, on one line.
"""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass

from kg.server.wire import shown

#: Seconds a client is asked to wait before trying again after a transient failure.
RETRY_AFTER = 5
#: errno values after which the same query may well answer a little later.
_TRANSIENT = frozenset(
    (errno.EMFILE, errno.ENFILE, errno.ENOMEM, errno.ENOSPC, errno.EAGAIN, errno.EINTR,
     errno.EBUSY, errno.ENOBUFS, errno.ETIMEDOUT)
)  # fmt: skip
#: RocksDB's status names, which start the message of a storage failure pyoxigraph raises as a
#: RuntimeError (its evaluation errors, the query's fault, never do).
_STATUS = re.compile(
    r"(Corruption|IO error|Busy|Timed out|Try again|Shutdown in progress|Aborted|Incomplete|"
    r"Space limit reached|Result incomplete|Operation expired): "
)


@dataclass(frozen=True)
class Failure:
    """The answer to a query the server could not answer, and the line for its log."""

    status: int
    message: str
    retry_after: int | None
    log: str


def is_storage_error(exc: RuntimeError) -> bool:
    """Whether pyoxigraph's RuntimeError ``exc`` is the store failing, not the query."""
    return bool(_STATUS.match(str(exc)))


def storage_failure(exc: OSError | RuntimeError) -> Failure:
    """The answer to a query whose store could not be read because of ``exc``."""
    text = str(exc)
    code = exc.errno if isinstance(exc, OSError) else None
    if code is None:  # RocksDB says it in words
        code = next((c for c in _TRANSIENT if os.strerror(c) in text), None)
    log = f"the store could not be read: {type(exc).__name__}: {shown(text, 500)}"
    if code in _TRANSIENT:
        reason = os.strerror(code)
        message = f"the server is short of a resource ({reason}); try again in a moment"
        return Failure(503, message, RETRY_AFTER, log)
    if text.startswith("Corruption: "):
        reason = "its files are damaged"
    else:
        reason = os.strerror(code) if code is not None else "an I/O error"
    message = f"the query could not be answered: the store could not be read ({reason})"
    return Failure(500, message + "; the server's log has the details", None, log)


__all__ = ["RETRY_AFTER", "Failure", "is_storage_error", "storage_failure"]
