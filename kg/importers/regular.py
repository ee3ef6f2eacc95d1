"""The files importers read are regular files: never a named pipe (FIFO), a device or a socket.

Reading a FIFO blocks until something writes to it (``kg import glotip fifo.csv`` hung), and
``/dev/zero`` or ``/dev/urandom`` never end. Every importer input (the dataset's CSV files, the
files read from beside it, an import list's dataset paths) is looked at with ``stat`` before it
is opened, and opened with ``O_NONBLOCK`` then checked again with ``fstat``, so that a file
swapped for a FIFO in between is refused too, never waited on.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from kg.core.errors import ImportError_, Location, display_path

#: Why an input is refused: only regular files hold a dataset.
HINT = "kg reads datasets from regular files only, never from pipes, devices or sockets"
_ABSENT = (FileNotFoundError, NotADirectoryError)


def kind_of(mode: int) -> str:
    """What a file of ``st_mode`` is, in words ('a named pipe (FIFO)', 'a directory', …)."""
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


def refusal(path: Path | str, kind: str, hint: str = HINT) -> ImportError_:
    """The one-line error for an input that is not a regular file."""
    where = Location(path if isinstance(path, str) else display_path(path))
    return ImportError_(f"not a regular file: it is {kind}", where=where, hint=hint)


def unreadable(path: Path | str, exc: OSError) -> ImportError_:
    """The one-line error for an input that cannot be looked at or opened."""
    where = Location(path if isinstance(path, str) else display_path(path))
    return ImportError_(f"cannot read file: {exc.strerror}", where=where)


def beside(path: Path, hint: str = f"{HINT}; remove it or put the file itself there") -> bool:
    """Whether an optional file read from beside a dataset is there: True for a regular file,
    False when there is nothing at ``path``.

    Raises:
        ImportError_: when something is there that is not a regular file, or cannot be read.
    """
    try:
        kind = not_regular(path)
    except _ABSENT:
        return False
    except OSError as exc:
        raise unreadable(path, exc) from exc
    if kind is not None:
        raise refusal(path, kind, hint)
    return True


def open_regular(path: Path, name: str) -> BinaryIO:
    """Open a regular file for reading without ever blocking: a FIFO opened with
    ``O_NONBLOCK`` returns at once, and ``fstat`` refuses it before anything is read.

    Raises:
        ImportError_: when ``path`` cannot be opened or is not a regular file.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise unreadable(name, exc) from exc
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise refusal(name, kind_of(mode))
        if flags & getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


__all__ = ["HINT", "beside", "kind_of", "not_regular", "open_regular", "refusal", "unreadable"]
