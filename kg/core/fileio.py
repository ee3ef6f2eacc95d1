"""Atomic writes: a file or a directory replaces its old version only once it is complete;
reading back the JSON files kg wrote, whatever became of them since."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from kg.core import regular
from kg.core.errors import ConfigError, Location, display_path
from kg.core.leftovers import claimed_dir, release


@contextmanager
def atomic_file(path: Path, *, output: bool = False) -> Iterator[IO[bytes]]:
    """Open a temporary file beside ``path`` that replaces it only if the block succeeds.

    The new file is readable by all, writable by its owner (0644). For an ``output`` the user
    named (``-o FILE``), a symbolic link is followed (the file it leads to is replaced, and the
    link stays), and what is not a regular file (``/dev/null``, ``/dev/stdout``, a named pipe)
    is written to as it is: there is nothing to replace, and replacing it would put a file
    where the device was. kg's own files are always replaced, whatever is in their place: a
    FIFO is never waited on, a link never followed.

    Raises:
        ConfigError: ``path`` is a directory, or its folder cannot be made or written (one
            line; nothing is written).
    """
    try:
        mode: int | None = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        mode = None  # a dangling link, too: the file it names is made
    except OSError as exc:
        raise _unwritable(path, exc) from exc
    if mode is not None and stat.S_ISDIR(mode):
        raise ConfigError(
            "is a directory, not a file to write",
            where=Location(display_path(path)),
            hint="give a file name",
        )
    if output and mode is not None and not stat.S_ISREG(mode):
        try:
            through = open(path, "wb")  # noqa: SIM115 -- closed below, whatever happens
        except OSError as exc:
            raise _unwritable(path, exc) from exc
        with through:
            yield through
        return
    # A link the user gave leads to the file to write; one put among kg's own files does not.
    target = Path(os.path.realpath(path)) if output and path.is_symlink() else path
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise _unwritable(path, exc) from exc
    try:
        os.fchmod(fd, 0o644)  # what kg writes, others may read; only its owner may change
        with os.fdopen(fd, "wb") as stream:
            yield stream
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise _unwritable(path, exc) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _unwritable(path: Path, exc: OSError) -> ConfigError:
    """The one-line error for an output that cannot be written, with the OS's reason."""
    blocker = next((p for p in path.parents if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        reason = f"{display_path(blocker)} is a file, not a folder"
    else:
        reason = exc.strerror or type(exc).__name__
    return ConfigError(
        f"cannot write the file: {reason}",
        where=Location(display_path(path)),
        hint="choose a file in a folder you can write",
    )


def atomic_dir(target: Path, fill: Callable[[Path], None]) -> None:
    """Fill a fresh directory and swap it in for ``target``; on failure ``target`` is untouched.
    The fresh directory is held while it is filled (``kg.core.leftovers``): one left by a
    process killed meanwhile is removed by the next build."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging, held = claimed_dir(target.parent, f".{target.name}.")
    try:
        _fill_and_swap(staging, target, fill)
    finally:
        release(held)


def _fill_and_swap(staging: Path, target: Path, fill: Callable[[Path], None]) -> None:
    staging.chmod(0o755)
    try:
        fill(staging)
        for path in staging.rglob("*"):  # whatever the umask, only the owner may write
            mode = path.lstat().st_mode
            if mode & 0o022 and not stat.S_ISLNK(mode):
                path.chmod(stat.S_IMODE(mode) & ~0o022)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if target.is_dir() and not target.is_symlink() and _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # the old directory, now
        return
    for _ in range(_ATTEMPTS):  # no exchange here: the old directory is moved aside first
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
        try:
            with contextlib.suppress(FileNotFoundError):  # another build moved it meanwhile
                os.replace(target, old / target.name)
            os.replace(staging, target)
            return
        except OSError as exc:  # another build swapped its own in meanwhile: once more
            if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                shutil.rmtree(staging, ignore_errors=True)
                raise
        finally:
            shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)
    raise ConfigError(
        f"cannot replace {display_path(target)}: other processes keep replacing it",
        hint="run one kg build at a time for an output directory",
    )


#: Tries at moving the old directory aside and the new one in, when builds race for it.
_ATTEMPTS = 8
#: ``renameat2`` flag that swaps two paths in one step, and the "current directory" fd.
_RENAME_EXCHANGE, _AT_FDCWD = 2, -100


def _exchange(new: Path, target: Path) -> bool:
    """Swap the directories ``new`` and ``target`` in one step (Linux's ``renameat2`` with
    ``RENAME_EXCHANGE``), so that ``target`` is never missing, not even for a moment: a reader
    that looks then would take the build for missing (and build it itself), and another build
    swapping its own directory in meanwhile would fail. False where the system or its file
    system cannot (the caller moves the old directory aside, then the new one in)."""
    rename = getattr(_libc(), "renameat2", None)
    if rename is None:
        return False
    done = rename(_AT_FDCWD, os.fsencode(new), _AT_FDCWD, os.fsencode(target), _RENAME_EXCHANGE)
    return bool(done == 0)


@functools.cache
def _libc() -> object:
    """The C library (None where ctypes cannot load it, as on Windows)."""
    try:
        return ctypes.CDLL(None, use_errno=True)
    except (OSError, TypeError):
        return None


def others_can_write(st: os.stat_result) -> str | None:
    """Why users other than this process's user can write a file or directory, or None."""
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return f"it belongs to another user (uid {st.st_uid})"
    if st.st_mode & stat.S_IWOTH:
        return "every user can write it"
    if st.st_mode & stat.S_IWGRP:
        return "its group can write it"
    return None


def check_private_dir(path: Path, what: str, option: str) -> None:
    """Refuse a directory (or a symlink to one) that another user can write or owns.

    Nothing is checked when ``path`` does not exist yet (kg then creates it itself).

    Raises:
        ConfigError: one line naming the directory, the reason and the fix (``chmod go-w``
        for one's own directory, else removing it or choosing another with ``option``).
    """
    try:
        st = path.stat()
        link = path.lstat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {display_path(path)}: {exc.strerror}") from exc
    why = others_can_write(st)
    if why is None and hasattr(os, "getuid") and link.st_uid != os.getuid():
        why = f"it is a symbolic link made by another user (uid {link.st_uid})"
    if why is None and not stat.S_ISDIR(st.st_mode):
        why = "it is not a directory"
    if why is not None:
        shown = display_path(path)
        hint = f"remove it, or pass {option} to use another directory"
        if why.startswith(("every", "its group")):
            hint = f"run: chmod go-w {shown}"
        raise ConfigError(f"refusing {what} {shown}: {why}", hint=hint)


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) readable and writable by this user only."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def loads_json(data: bytes | str) -> object:
    """``json.loads`` whose every failure is a ValueError: text that is not JSON, and JSON
    nested past the parser's stack (which ``json`` raises as a RecursionError).

    Raises:
        ValueError: ``data`` is not JSON kg can read.
    """
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None


def read_regular(path: Path, limit: int | None = None) -> bytes:
    """The bytes of the regular file ``path``, read without ever waiting: a FIFO put where
    kg keeps a file of its own would wait for a writer forever, and a device may never end,
    so both are refused before anything is read; so is a file of more than ``limit`` bytes
    (:mod:`kg.core.regular`, its errors as ``OSError`` for readers of kg's own files).

    Raises:
        OSError: ``path`` cannot be opened, is not a regular file, or is too big.
    """
    try:
        return regular.read_regular(path, limit)
    except regular.Refused as refused:
        if refused.error is not None:
            raise refused.error from None
        if refused.kind is not None:
            raise OSError(errno.EINVAL, f"not a regular file: {refused.kind}", str(path)) from None
        raise OSError(errno.EFBIG, f"more than {limit} bytes", str(path)) from None


#: The largest JSON file kg reads back from a build: its manifest, its inputs' record, its
#: store's stamp are kilobytes (megabytes for a hundred thousand inputs); a bigger one is not
#: kg's, and reading it whole would take several times its size in memory.
JSON_LIMIT = 64 << 20


def read_json_object(path: Path) -> dict[str, Any] | None:
    """The JSON object in the file ``path``: None when the file cannot be read, is not a
    regular file (``read_regular``), is over ``JSON_LIMIT``, is not JSON, or holds another
    kind of JSON value (a list, a string, a number) than an object."""
    try:
        value = loads_json(read_regular(path, JSON_LIMIT))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None
