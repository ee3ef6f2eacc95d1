"""What a build killed before it could clean up (``kill -9``, the out-of-memory killer, a power
cut) leaves beside its directory: its staging directory, the store's work directory (a whole
store, or two), an old build it was moving aside. A build claims each of them (an ``flock`` on
the directory, which the system lets go when the process ends, however it ends) for as long as
it works in them; the next build into the same directory removes those nobody holds
(``sweep``). A directory is claimed the moment after it is made: one made less than a minute
ago is left alone, so that a build starting meanwhile never takes it for a leftover.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)

#: Seconds a directory nobody holds is left alone after it was made (or last changed).
GRACE = 60.0
_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)


def claimed_dir(parent: Path, prefix: str) -> tuple[Path, int]:
    """A new directory in ``parent`` named ``prefix`` and eight random characters (as
    ``tempfile.mkdtemp`` names it), and the descriptor that holds it until ``release``."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    fd = os.open(path, _FLAGS)
    # New, so nobody else holds it. A file system without locks (some network or FUSE ones)
    # fails here: the build goes on unclaimed, and ``sweep`` (which cannot lock either)
    # removes nothing there.
    with contextlib.suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return path, fd


def release(fd: int) -> None:
    """Let go of a directory ``claimed_dir`` made (it may be gone already)."""
    with contextlib.suppress(OSError):
        os.close(fd)


def sweep(out_dir: Path) -> list[Path]:
    """Remove what killed builds into ``out_dir`` left beside it: ``.NAME.XXXXXXXX``,
    ``.NAME.store.XXXXXXXX`` and ``.NAME.old.XXXXXXXX`` directories that nobody holds and
    that are older than ``GRACE``; return them. Nothing else is touched."""
    name = re.compile(rf"\.{re.escape(out_dir.name)}\.(?:store\.|old\.)?[a-z0-9_]{{8}}")
    removed = []
    try:
        entries = list(out_dir.parent.iterdir())
    except OSError:
        return []
    for path in entries:
        if name.fullmatch(path.name) and _abandoned(path):
            removed.append(path)
    return removed


def _abandoned(path: Path) -> bool:
    """Remove ``path`` when it is a directory that nobody holds and older than ``GRACE``."""
    try:
        if time.time() - path.lstat().st_mtime < GRACE:
            return False
        fd = os.open(path, _FLAGS | getattr(os, "O_NOFOLLOW", 0))  # a link: not ours
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return False  # a build at work holds it
    try:
        shutil.rmtree(path, ignore_errors=True)
        log.info("removed %s, left by a build that was stopped", path)
    finally:
        os.close(fd)
    return True


__all__ = ["GRACE", "claimed_dir", "release", "sweep"]
