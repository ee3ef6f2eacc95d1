"""Seeds of the on-disk store: the store of what a build reads but does not make (its input
N-Quads files and its imported datasets), kept in the build cache, so that a build where those
did not change (a rebuild after an edit of the YAML) starts its store from the seed instead of
bulk-loading them again (most of the cost of writing the store).

A seed is a directory ``store-<key>.kgs`` in the build's cache directory: a RocksDB checkpoint
of a store that holds exactly the input files' and the imported datasets' quads, and
``kg-seed.json``, which lists the SHA-256 of each of its files and the cache keys of the
datasets it holds, under an HMAC-SHA256 made with the user's cache key, as every entry of the
cache is (``kg.pipeline.cache``). The key covers the bytes of the N-Quads files, the kg and
pyoxigraph versions and kg's code; a seed that holds other datasets than the build's is not
used, and is replaced. Planting a seed hard-links its data files (RocksDB never changes a data
file once written) and copies the others (which RocksDB appends to); across file systems
everything is copied. A seed that is missing, incomplete, edited, holds a link, or was sealed
with another key is not used (and is removed): the build loads the files and datasets and
keeps a new seed, written aside and renamed into place.

The store's helper (``kg.core.ondisk.serve_writer``) plants and keeps seeds, so this module
imports nothing of kg but the base layer.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.core.digests import digest, file_digest
from kg.core.fileio import loads_json

SEAL = "kg-seed.json"
PREFIX, SUFFIX = "store-", ".kgs"
#: The names a seed's files may have (RocksDB's own: no directories, no links).
_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


def seed_key(context: str, paths: list[Path]) -> str:
    """The key of the seed of ``paths`` (in the order they are loaded); ``context`` names the
    kg version and code that load them."""
    return digest("store seed", context, ox.__version__, *(file_digest(p) for p in paths))


def seed_name(key: str) -> str:
    """The name of the seed directory of ``key`` in the cache directory."""
    return f"{PREFIX}{key}{SUFFIX}"


def _mac(secret: bytes, key: str, files: dict[str, str], imports: list[str]) -> str:
    body = json.dumps({"key": key, "files": files, "imports": imports}, sort_keys=True).encode()
    return hmac.new(secret, b"kg store seed\0" + body, hashlib.sha256).hexdigest()


def _seal(seed: Path, secret: bytes, key: str) -> tuple[dict[str, str], list[str]]:
    """The files and imported datasets ``seed``'s seal lists, once its code is checked.

    Raises:
        ValueError: the seal cannot be read or was not made with ``secret`` for ``key``.
    """
    try:
        sealed: Any = loads_json((seed / SEAL).read_bytes())
        files, imports, mac = sealed["files"], sealed["imports"], sealed["mac"]
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"unreadable {SEAL} ({exc})") from exc
    if not (isinstance(files, dict) and isinstance(imports, list) and isinstance(mac, str)):
        raise ValueError(f"unreadable {SEAL} (malformed)")
    if not hmac.compare_digest(mac, _mac(secret, key, files, imports)):
        raise ValueError("its authentication code does not match")
    return files, imports


def plant(root: Path, key: str, secret: bytes, target: Path) -> tuple[str | None, list[str]]:
    """Fill the empty or missing directory ``target`` from the seed of ``key``: (None, the
    cache keys of the imported datasets it holds) when it was planted, else (why not in one
    line, []), with ``target`` left empty. A seed found broken is removed: it can never be
    used, and the build keeps a new one."""
    seed = root / seed_name(key)
    if not (seed / SEAL).exists():
        return "absent", []
    try:
        files, imports = _seal(seed, secret, key)
        _plant(seed, files, target)
    except (OSError, ValueError) as exc:
        shutil.rmtree(seed, ignore_errors=True)
        return f"{seed}: {exc}", []
    return None, imports


def _plant(seed: Path, files: dict[str, str], target: Path) -> None:
    names = sorted(p.name for p in seed.iterdir() if p.name != SEAL)
    if names != sorted(files) or not all(_NAME.match(n) for n in names):
        raise ValueError("its files are not the ones it lists")
    target.mkdir(parents=True, exist_ok=True)
    try:
        for name in names:
            _link_or_copy(seed / name, target / name)
        for name in names:  # the files as planted: a seed changed meanwhile is caught here
            if file_digest(target / name) != files[name]:
                raise ValueError(f"{name} is not the file it lists")
    except (OSError, ValueError):
        _empty(target)
        raise


def _link_or_copy(source: Path, target: Path) -> None:
    if os.path.islink(source) or not source.is_file():
        raise ValueError(f"{source.name} is not a regular file")
    if source.suffix == ".sst":
        try:
            os.link(source, target)
            return
        except OSError:
            pass  # another file system: copy
    shutil.copyfile(source, target)


def _empty(directory: Path) -> None:
    for path in directory.iterdir():
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def keep(store: ox.Store, root: Path, key: str, secret: bytes, imports: list[str]) -> str | None:
    """Write the seed of ``key`` from ``store``, which holds exactly the input files' quads
    and those of the imported datasets ``imports`` (their cache keys): None when it was
    written (or another build wrote the same meanwhile), else why not. It replaces a seed
    of ``key`` that holds other datasets, or is broken."""
    seed = root / seed_name(key)
    work = Path(tempfile.mkdtemp(prefix=".seed-", dir=root))
    try:
        store.flush()
        store.backup(str(work / "store"))  # RocksDB's checkpoint: hard links where it can
        made = work / "store"
        files = {p.name: file_digest(p) for p in sorted(made.iterdir())}
        mac = _mac(secret, key, files, imports)
        (made / SEAL).write_text(json.dumps({"files": files, "imports": imports, "mac": mac}))
        try:
            os.rename(made, seed)
        except OSError:  # a seed is there: the same from another build (keep it), or not
            if _holds(seed, secret, key, imports):
                return None
            shutil.rmtree(seed)
            os.rename(made, seed)
    except (OSError, RuntimeError) as exc:
        return f"cannot keep the store's seed in {root}: {exc}"
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return None


def _holds(seed: Path, secret: bytes, key: str, imports: list[str]) -> bool:
    try:
        return _seal(seed, secret, key)[1] == imports
    except (OSError, ValueError):
        return False


__all__ = ["PREFIX", "SEAL", "SUFFIX", "keep", "plant", "seed_key", "seed_name"]
