"""What keys the build cache and where it lives: SHA-256 digests of length-prefixed parts, of
files and of kg's own code (an entry made by other code is a miss); the cache directory beside
a build, or in this user's cache home when others can write there; and this user's secret that
authenticates every entry (made on first use, mode 0600). See :mod:`kg.pipeline.cache`."""

from __future__ import annotations

import functools
import hashlib
import os
import secrets
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path

from kg.core.digests import digest, file_digest
from kg.core.errors import display_path
from kg.core.fileio import check_private_dir, private_dir


def user_cache_home() -> Path:
    """``$XDG_CACHE_HOME/kg`` (default ``~/.cache/kg``): this user's own kg files."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kg"


def default_cache_dir(out_dir: Path) -> Path | None:
    """``build`` → ``.build-cache`` next to it; in a directory that other users can write
    (such as /tmp) a directory of this user's cache home instead, named after the build."""
    parent = out_dir.absolute().parent
    try:
        shared = bool(parent.stat().st_mode & (stat.S_IWGRP | stat.S_IWOTH))
    except OSError:
        shared = False
    if not shared:
        return parent / f".{out_dir.name}-cache"
    name = hashlib.sha256(str(out_dir.resolve()).encode()).hexdigest()[:16]
    try:
        return user_cache_home() / "builds" / f"{out_dir.name}-{name}"
    except RuntimeError:  # no home directory: no private place, so no cache
        return None


def files_digest(paths: Sequence[Path]) -> str:
    """One digest over the names and bytes of several files."""
    return digest(*(x for p in paths for x in (display_path(p), p.read_bytes())))


@functools.cache
def code_digest() -> str:
    """A digest of kg's own source: an entry made by other parsing or import code is a miss."""
    package = Path(__file__).resolve().parents[1]
    files = sorted(package.rglob("*.py"))
    return digest(*(x for p in files for x in (p.relative_to(package).as_posix(), p.read_bytes())))


def user_key() -> bytes:
    """This user's secret for authenticating cache entries, made on first use.

    Raises:
        OSError: when the key cannot be made or read, or others could read or replace it.
    """
    home = user_cache_home()
    if home.exists():
        check_private_dir(home, "kg cache home", "XDG_CACHE_HOME=DIR")
    else:
        private_dir(home)
    path = home / "key"
    if not path.exists():
        fd, tmp = tempfile.mkstemp(prefix=".key.", dir=home)  # mode 0600
        try:
            os.write(fd, secrets.token_bytes(32))
            os.close(fd)
            os.link(tmp, path)  # never replaces a key another build just made
        except FileExistsError:
            pass
        finally:
            Path(tmp).unlink(missing_ok=True)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        st = os.fstat(fd)
        if (hasattr(os, "getuid") and st.st_uid != os.getuid()) or st.st_mode & 0o077:
            raise PermissionError(f"{path} must belong to you with mode 0600")
        key = os.read(fd, 64)
    finally:
        os.close(fd)
    if len(key) < 32:
        raise PermissionError(f"{path} is too short to be a key")
    return key


__all__ = [
    "code_digest",
    "default_cache_dir",
    "digest",
    "file_digest",
    "files_digest",
    "user_cache_home",
    "user_key",
]
