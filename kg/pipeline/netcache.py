"""The flow network of a build, kept beside it (``build/.network-flows.json``), so a GraphML,
GEXF or CSV export of the flows writes from it instead of reading every flow from the store
(seconds at a million triples from the on-disk store: issue 16 §3).

**Made by the build.** ``kg build`` computes the network from its in-memory store while it
writes its other outputs (``NetworkJob``: in a forked child process where it can, so the
work runs beside the writers on another core, else in a thread) and puts it into the build
directory with them, atomically: the first export of a build is as fast as the next.

**Made by a reader.** A build without kept rows (made with ``store=False`` networks off, or
whose rows were removed) gets them from its first export (``build_flow_network``).

The kept rows name the build they were made from (the checksum of its ``manifest.json``, which
holds the input checksums and graph counts, and kg's version): rows of another build, or of
another kg, are never used but made again. A rebuild replaces the whole build directory, so
it drops them too. Keeping them is best effort: a build directory that cannot be written is
read as it is, every time.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import pyoxigraph as ox

from kg.core.errors import KGError
from kg.core.fileio import atomic_file
from kg.core.version import __version__
from kg.network.common import Network
from kg.network.flows import flow_rows
from kg.network.rows import network_body, network_bytes, network_from_bytes, network_head, read_key

log = logging.getLogger(__name__)

#: The kept flow network, in the build directory.
KEPT = ".network-flows.json"


def manifest_key(manifest: bytes) -> dict[str, str]:
    """What rows kept beside the build whose ``manifest.json`` holds ``manifest`` are keyed by."""
    return {"kg_version": __version__, "manifest_sha256": hashlib.sha256(manifest).hexdigest()}


def build_key(build: Path) -> dict[str, str] | None:
    """What rows kept in ``build`` must have been made from (None when it has no manifest)."""
    try:
        return manifest_key((build / "manifest.json").read_bytes())
    except OSError:
        return None


def kept_network(build: Path) -> Network | None:
    """The flow network kept in ``build``, if it was made from this build by this kg."""
    key = build_key(build)
    if key is None:
        return None
    try:
        data = (build / KEPT).read_bytes()
    except OSError:
        return None
    if read_key(data) != key:
        return None
    try:
        return network_from_bytes(data)
    except (ValueError, TypeError):
        return None


def build_flow_network(build: Path, store: ox.Store) -> Network:
    """The flow network (``kg.network.flows.flow_rows``) of the build in ``build``, whose
    store is ``store``: the kept rows when they are this build's, else read from ``store``
    and kept for next time."""
    key = build_key(build)
    if key is not None:
        kept = kept_network(build)
        if kept is not None:
            return kept
    network = flow_rows(store)
    if key is not None:
        try:
            with atomic_file(build / KEPT) as stream:
                stream.write(network_bytes(network, key))
        except (KGError, OSError) as exc:
            log.debug("could not keep the flow network in %s: %s", build, exc)
    return network


def _threads() -> int:
    """How many threads this process runs (the operating system's count where it has one)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def _alone(wait: float = 0.1) -> bool:
    """Whether this process runs one thread, waiting up to ``wait`` seconds for threads that
    were joined but have not quite left yet (a joined worker thread ends a moment after its
    join returns)."""
    deadline = time.monotonic() + wait
    while _threads() > 1:
        if threading.active_count() > 1 or time.monotonic() > deadline:
            return False
        time.sleep(0.002)
    return True


class NetworkJob:
    """The flow network of a build's in-memory store, computed beside the build's writers.

    Where the process can fork and runs one thread, a child process computes it (it sees the
    store as it is at the fork, copy-on-write, and neither waits for the GIL nor holds it);
    elsewhere a thread does. Its rows go to a file in a work directory beside the build, and
    ``keep`` puts them, headed by the build's key, into the staging directory. A failure
    costs only the kept rows: the first export then makes them.
    """

    def __init__(self, store: ox.Store, near: Path) -> None:
        """Start computing the network of ``store``; work files go beside ``near``."""
        near.parent.mkdir(parents=True, exist_ok=True)
        self.work = Path(tempfile.mkdtemp(prefix=f".{near.name}.network.", dir=near.parent))
        self.body = self.work / "rows.json"
        self.pid = 0
        self.thread: threading.Thread | None = None
        if hasattr(os, "fork") and _alone():
            self.pid = os.fork()
            if self.pid == 0:  # the child: compute, write, leave without running any cleanup
                code = 1
                try:
                    self._compute(store)
                    code = 0
                finally:
                    os._exit(code)
        else:
            self.thread = threading.Thread(target=self._compute_quietly, args=(store,))
            self.thread.start()

    def _compute(self, store: ox.Store) -> None:
        part = self.body.with_suffix(".part")
        with part.open("wb") as stream:
            stream.write(network_body(flow_rows(store)))
        os.replace(part, self.body)

    def _compute_quietly(self, store: ox.Store) -> None:
        try:
            self._compute(store)
        except Exception as exc:  # best effort: the first export makes the rows instead
            log.debug("could not compute the flow network: %s", exc)

    def _wait(self) -> bool:
        """Wait for the network; whether it was made."""
        if self.pid:
            _, status = os.waitpid(self.pid, 0)
            self.pid = 0
            if os.waitstatus_to_exitcode(status) != 0:
                log.debug("computing the flow network failed (exit status %s)", status)
                return False
        elif self.thread is not None:
            self.thread.join()
            self.thread = None
        return self.body.is_file()

    def keep(self, directory: Path, manifest: bytes) -> bool:
        """Wait for the network and write it into ``directory`` (a build's staging directory
        whose ``manifest.json`` holds ``manifest``); whether it was kept."""
        if not self._wait():
            return False
        with (directory / KEPT).open("wb") as out, self.body.open("rb") as body:
            out.write(network_head(manifest_key(manifest)))
            shutil.copyfileobj(body, out, 1 << 20)
        return True

    def abort(self) -> None:
        """Stop the computation and remove its work (a failed build, or after ``keep``)."""
        if self.pid:
            try:
                os.kill(self.pid, 9)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
            self.pid = 0
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        shutil.rmtree(self.work, ignore_errors=True)


__all__ = [
    "KEPT",
    "NetworkJob",
    "build_flow_network",
    "build_key",
    "kept_network",
    "manifest_key",
]
