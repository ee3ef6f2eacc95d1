"""The files importers read are regular files: never a named pipe (FIFO), a device or a socket.

Reading a FIFO blocks until something writes to it (``kg import glotip fifo.csv`` hung), and
``/dev/zero`` or ``/dev/urandom`` never end. Every importer input (the dataset's CSV files, the
files read from beside it, an import list's dataset paths) is looked at with ``stat`` before it
is opened, and opened by ``kg.core.regular`` (``O_NONBLOCK``, then checked again with
``fstat``), so that a file swapped for a FIFO in between is refused too, never waited on. This
module words the importers' messages.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from kg.core import regular
from kg.core.errors import ImportError_, Location, display_path
from kg.core.regular import kind_of, not_regular

#: Why an input is refused: only regular files hold a dataset.
HINT = "kg reads datasets from regular files only, never from pipes, devices or sockets"
_ABSENT = (FileNotFoundError, NotADirectoryError)


def refusal(path: Path | str, kind: str, hint: str = HINT) -> ImportError_:
    """The one-line error for an input that is not a regular file."""
    where = Location(path if isinstance(path, str) else display_path(path))
    return ImportError_(f"not a regular file: it is {kind}", where=where, hint=hint)


def unreadable(path: Path | str, exc: OSError) -> ImportError_:
    """The one-line error for an input that cannot be looked at or opened."""
    where = Location(path if isinstance(path, str) else display_path(path))
    return ImportError_(f"cannot read file: {exc.strerror or exc}", where=where)


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
    try:
        return regular.open_regular(path)
    except regular.Refused as refused:
        if refused.kind is not None:
            raise refusal(name, refused.kind) from None
        raise unreadable(name, refused.error or OSError(0, "too big")) from None


__all__ = ["HINT", "beside", "kind_of", "not_regular", "open_regular", "refusal", "unreadable"]
