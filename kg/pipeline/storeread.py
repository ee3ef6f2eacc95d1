"""The on-disk store beside a build, read: ``open_store`` opens ``build/store`` read-only (any
number of readers at once) after checking it belongs to the build: its ``kg-store.json`` names
the same store as ``build/manifest.json``, the same kg and pyoxigraph versions as the running
ones, and the same files (names, sizes, times) as when it was written; nobody holds it open for
writing. Otherwise it returns the problem in one line, and the caller answers from ``graph.nq``
instead. Writing the store is :mod:`kg.pipeline.ondisk`'s.
"""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.core.errors import display_path
from kg.core.fileio import read_json_object
from kg.core.ondisk import STAMP, STORE, fingerprint
from kg.core.version import __version__
from kg.pipeline.ondisk import GRAPH_KEY


def _locked(lock: Path) -> bool:
    """True when another process holds the store open for writing (RocksDB's LOCK file)."""
    try:
        with lock.open("rb+") as stream:
            try:
                fcntl.lockf(stream, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return True
            fcntl.lockf(stream, fcntl.LOCK_UN)
    except OSError:
        return False  # no lock file, or not ours to open: read-only opening needs none
    return False


def _version(value: object) -> str:
    """A version read from a stamp, as a message may show it: one short printable word."""
    if isinstance(value, str) and 0 < len(value) <= 40 and value.isprintable() and " " not in value:
        return value
    return "another version"


def problem(out_dir: Path, manifest: dict[str, Any]) -> str | None:
    """Why ``out_dir/store`` cannot answer for the build described by ``manifest`` (None: it
    can). One line, naming the store."""
    where = str(Path(display_path(out_dir)) / STORE)  # the link, if it is one, not its target
    path = out_dir / STORE
    if not path.is_dir():
        if path.is_symlink():
            return f"{where} is a symbolic link that leads to no directory"
        return f"{where} is not a directory" if path.exists() else f"{where} is missing"
    expected = manifest.get("store")
    stamp = read_json_object(path / STAMP)
    if stamp is None:
        return f"{where} has no readable {STAMP}"
    if not isinstance(expected, dict) or stamp.get("build") != expected.get("build"):
        return f"{where} does not belong to this build (not the store its manifest.json names)"
    if stamp.get("pyoxigraph") != ox.__version__:
        written = _version(stamp.get("pyoxigraph"))
        return f"{where} was written by pyoxigraph {written} (this is {ox.__version__})"
    if stamp.get("kg") != __version__:
        return f"{where} was written by kg {_version(stamp.get('kg'))} (this is {__version__})"
    graph = out_dir / "graph.nq"
    try:
        stat = graph.stat()
    except OSError:
        return f"{display_path(graph)} is missing"
    if stamp.get(GRAPH_KEY) != [stat.st_size, stat.st_mtime_ns]:
        return f"{display_path(graph)} was changed after the build wrote it and its store"
    if fingerprint(path) != stamp.get("files"):
        return (
            f"{where} is not as the build wrote it (its files were changed, or copied "
            "without their times)"
        )
    if _locked(path / "LOCK"):
        return f"{where} is open for writing by another process"
    return None


def open_store(out_dir: Path, manifest: dict[str, Any]) -> tuple[ox.Store | None, str | None]:
    """The build's on-disk store opened read-only, or (None, the problem in one line)."""
    issue = problem(out_dir, manifest)
    if issue is not None:
        return None, issue
    try:
        return ox.Store.read_only(str(out_dir / STORE)), None
    except (OSError, RuntimeError) as exc:  # RocksDB reports damage as RuntimeError
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return None, f"{Path(display_path(out_dir)) / STORE} cannot be opened: {first}"


__all__ = ["open_store", "problem"]
