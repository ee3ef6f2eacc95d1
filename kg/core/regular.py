"""Open and read input files that must be regular files, without ever blocking on them.

Reading a named pipe (FIFO) waits for a writer, and ``/dev/zero`` or ``/dev/urandom`` never
end: every stage that reads a user's file (the YAML sources, the importers' datasets, the
narratives of ``kg extract``) opens it here. A file is opened with ``O_NONBLOCK`` (a FIFO then
opens at once) and checked with ``fstat`` on what was opened, so a path swapped for a FIFO
after any earlier look is refused too. Sizes are checked before reading and counted while
reading (``stat`` says 0 for files under ``/proc``, and a file may grow meanwhile).

Each stage words its own messages: the errors here carry what went wrong, not how to say it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_FLAGS = os.O_RDONLY | _NONBLOCK | getattr(os, "O_CLOEXEC", 0)


class Refused(Exception):
    """An input that cannot be read as a regular file. Exactly one of the reasons is set."""

    def __init__(
        self, *, error: OSError | None = None, kind: str | None = None, size: int | None = None
    ) -> None:
        super().__init__(error or kind or size)
        #: The file could not be opened or read (missing, no permission, a link loop, EIO).
        self.error = error
        #: What the file is when it is not a regular file: "a named pipe (FIFO)", …
        self.kind = kind
        #: Its size in bytes, or as many as were read, when over the limit.
        self.size = size

    @property
    def reason(self) -> str:
        """The OS's words for ``error`` ("No such file or directory")."""
        return (self.error.strerror or str(self.error)) if self.error else ""


def kind_of(mode: int) -> str:
    """What a file of ``st_mode`` is, in words ('a named pipe (FIFO)', 'a directory', …)."""
    if stat.S_ISREG(mode):
        return "a regular file"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def not_regular(path: Path) -> str | None:
    """What ``path`` is when it is not a regular file (symbolic links followed), None when it
    is one. The file is never opened.

    Raises:
        OSError: when ``path`` cannot be looked at (missing, no permission, a link loop).
    """
    mode = os.stat(path).st_mode
    return None if stat.S_ISREG(mode) else kind_of(mode)


def open_regular(path: Path, limit: int | None = None) -> BinaryIO:
    """``path`` opened for reading in blocking mode, once it is known to be a regular file of
    at most ``limit`` bytes (by its size now).

    Raises:
        Refused: it cannot be opened, is not a regular file, or is over ``limit``.
    """
    try:
        fd = os.open(path, _FLAGS)
    except OSError as exc:
        raise Refused(error=exc) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused(kind=kind_of(info.st_mode))
        if limit is not None and info.st_size > limit:
            raise Refused(size=info.st_size)
        if _NONBLOCK:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except OSError as exc:
        os.close(fd)
        raise Refused(error=exc) from None
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: Path, limit: int | None = None) -> bytes:
    """The bytes of the regular file ``path``: at most ``limit`` of them, never more read than
    ``limit + 1``.

    Raises:
        Refused: it cannot be read, is not a regular file, or holds more than ``limit`` bytes.
    """
    with open_regular(path, limit) as stream:
        try:
            data = stream.read() if limit is None else stream.read(limit + 1)
        except OSError as exc:
            raise Refused(error=exc) from None
    if limit is not None and len(data) > limit:
        raise Refused(size=len(data))
    return data


__all__ = ["Refused", "kind_of", "not_regular", "open_regular", "read_regular"]
