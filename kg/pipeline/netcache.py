"""The flow network of a build, kept beside it, so a GraphML, GEXF or CSV export of the flows
writes from it instead of reading every flow from the on-disk store (seconds at a million
triples: issue 16 §3).

**Kept by the build: the answers.** ``kg build`` evaluates the flow network's queries
(``kg.network.answers``) on its in-memory store in a thread (pyoxigraph runs them without
Python's lock), started as soon as the closure rules have run: beside ``kg.graph.derive``,
whose conclusions none of them reads, and then the writers. Started after the rules, the
thread was still running when the writers were done (0.4-0.6 s of a 1M build spent waiting
for it); it now ends before them. The build keeps the answers in the build directory
(``build/.network-answers``), atomically with the other outputs. Turning them into the
network is Python work the build leaves to the first export, which reads the answers instead
of the store.

**Kept by the first export: the rows.** The first export keeps the network it made
(``build/.network-flows.json``: nodes and edges, as the writers take them), so the next export
of the build reads only them; the answers are then dropped. A build without kept answers
(``network=False``, or removed) gets its rows from its first export too, read from the store.

Both name the build they were made from (the checksum of its ``manifest.json``, which holds
the input checksums and graph counts, and kg's version): those of another build, or of
another kg, are never used. A rebuild replaces the whole build directory, so it drops them
too. Keeping them is best effort: a build directory that cannot be written is read as it
is, every time.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import threading
from pathlib import Path

import pyoxigraph as ox

from kg.core.errors import KGError
from kg.core.fileio import atomic_file, read_regular
from kg.core.kept import KeptAnswers, read_answers, write_answers
from kg.core.version import __version__
from kg.network.answers import network_answers
from kg.network.common import Network
from kg.network.flows import flow_rows
from kg.network.rows import network_bytes, network_from_bytes, read_key

log = logging.getLogger(__name__)

#: The kept flow network (its rows), in the build directory.
KEPT = ".network-flows.json"
#: The kept answers of the flow network's queries, in the build directory.
ANSWERS = ".network-answers"


def manifest_key(manifest: bytes) -> dict[str, str]:
    """What rows kept beside the build whose ``manifest.json`` holds ``manifest`` are keyed by."""
    return {"kg_version": __version__, "manifest_sha256": hashlib.sha256(manifest).hexdigest()}


def build_key(build: Path) -> dict[str, str] | None:
    """What rows kept in ``build`` must have been made from (None when it has no manifest)."""
    try:
        return manifest_key(read_regular(build / "manifest.json"))
    except OSError:
        return None


def _kept(build: Path, name: str) -> tuple[dict[str, str], bytes] | None:
    """(the key of ``build``, the bytes of its file ``name``), when it has both."""
    key = build_key(build)
    if key is None:
        return None
    try:
        return key, read_regular(build / name)
    except OSError:
        return None


def kept_network(build: Path) -> Network | None:
    """The flow network kept in ``build``, if it was made from this build by this kg."""
    kept = _kept(build, KEPT)
    if kept is None or read_key(kept[1]) != kept[0]:
        return None
    try:
        return network_from_bytes(kept[1])
    except (ValueError, TypeError):
        return None


def kept_answers(build: Path) -> dict[str, bytes] | None:
    """The network's query answers kept in ``build`` by its build, if they are this build's."""
    kept = _kept(build, ANSWERS)
    return read_answers(kept[1], kept[0]) if kept is not None else None


def build_flow_network(build: Path, store: ox.Store) -> Network:
    """The flow network (``kg.network.flows.flow_rows``) of the build in ``build``, whose
    store is ``store``: the kept rows when they are this build's; else made from the kept
    answers (the queries they do not hold go to ``store``), or read from ``store``, and kept
    for next time."""
    key = build_key(build)
    if key is not None:
        kept = kept_network(build)
        if kept is not None:
            return kept
    answers = kept_answers(build) if key is not None else None
    network = _from_answers(answers, store) if answers is not None else flow_rows(store)
    if key is not None:
        try:
            with atomic_file(build / KEPT) as stream:
                stream.write(network_bytes(network, key))
            (build / ANSWERS).unlink(missing_ok=True)  # the rows answer every export now
        except (KGError, OSError) as exc:
            log.debug("could not keep the flow network in %s: %s", build, exc)
    return network


def _lower_priority() -> None:
    """Run the calling thread at a lower priority than the build's own threads (Linux gives
    each thread its own niceness): it takes the cores the build leaves idle."""
    with contextlib.suppress(OSError, AttributeError):
        me = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, me, min(os.getpriority(os.PRIO_PROCESS, me) + 10, 19))


def _from_answers(answers: dict[str, bytes], store: ox.Store) -> Network:
    """The network made from kept ``answers``; from ``store`` when they cannot be read (a
    damaged file of the right length, say): kept answers are a cache, never the truth."""
    try:
        return flow_rows(KeptAnswers(answers, store))
    except Exception as exc:  # any failure of a damaged cache: read the store instead
        log.debug("the kept answers of the flow network cannot be read: %s", exc)
        return flow_rows(store)


class NetworkJob:
    """The answers of the flow network's queries over a build's in-memory store, evaluated in
    a thread beside the rest of the build (pyoxigraph evaluates a query without Python's
    lock, so the thread takes the core the build leaves, not its time). The store may still
    change meanwhile, but only by conclusions the queries do not read (``kg.graph.derive``):
    each query reads a snapshot of it. A failure costs only the kept answers: the first
    export then reads the store.
    """

    def __init__(self, store: ox.Store) -> None:
        """Start evaluating the queries on ``store`` (nothing is written until ``keep``)."""
        self.answers: dict[str, bytes] | None = None
        self.thread = threading.Thread(target=self._compute, args=(store,), name="network")
        self.thread.start()

    def _compute(self, store: ox.Store) -> None:
        _lower_priority()
        try:
            self.answers = network_answers(store)
        except Exception as exc:  # best effort: the first export reads the store instead
            log.debug("could not evaluate the flow network's queries: %s", exc)

    def keep(self, directory: Path, manifest: bytes) -> bool:
        """Wait for the answers and write them into ``directory`` (a build's staging
        directory whose ``manifest.json`` holds ``manifest``); whether they were kept."""
        self.thread.join()
        if self.answers is None:
            return False
        with (directory / ANSWERS).open("wb") as out:
            write_answers(out, self.answers, manifest_key(manifest))
        self.answers = None
        return True

    def abort(self) -> None:
        """Wait for the thread and drop its answers (a failed build, or after ``keep``)."""
        self.thread.join()
        self.answers = None


__all__ = [
    "ANSWERS",
    "KEPT",
    "NetworkJob",
    "build_flow_network",
    "build_key",
    "kept_answers",
    "kept_network",
    "manifest_key",
]
