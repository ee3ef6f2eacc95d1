"""The files of kg's on-disk store (``build/store/``, a pyoxigraph RocksDB store) and the helper
process that writes one (``serve_writer``, started by ``kg.pipeline.ondisk.StoreWriter``). The
helper imports nothing of kg but this module (and the few it names), so it starts in a fraction
of a second; it may run with another malloc than the build's (``kg.core.allocator``)."""

from __future__ import annotations

import json
import os
import shutil
import sys
import zlib
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.core import storeseed
from kg.core.allocator import in_use

STORE = "store"
STAMP = "kg-store.json"
#: The store the helper writes to, beside the checkpoint it hands over as the build's store.
LIVE = "live"
NQ, NT = ox.RdfFormat.N_QUADS, ox.RdfFormat.N_TRIPLES
#: RocksDB files that change without a change to the data (logs, the lock).
_VOLATILE = ("LOG", "LOCK")


def fingerprint(directory: Path) -> dict[str, list[int]]:
    """Name → [size, modification time in ns, CRC-32 of the small files] of the files of a
    store (not its logs, lock or stamp): opening a store read-only changes none of them;
    writing to it does. The metadata files (a few kB) are checksummed whole; the data files
    (most of the store) by size and time, so that opening stays cheap."""
    out = {}
    for p in sorted(directory.iterdir()):
        if p.is_file() and p.name != STAMP and not p.name.startswith(_VOLATILE):
            stat = p.stat()
            crc = 0 if p.suffix in (".sst", ".log") else zlib.crc32(p.read_bytes())
            out[p.name] = [stat.st_size, stat.st_mtime_ns, crc]
    return out


def has_blank_nodes(path: Path) -> bool:
    """True when ``_:`` occurs in the file (read in chunks; a false alarm costs only speed)."""
    with path.open("rb") as stream:
        tail = b""
        while chunk := stream.read(1 << 24):
            if b"_:" in tail + chunk[:1] or b"_:" in chunk:
                return True
            tail = chunk[-1:]
    return False


def load_into(
    store: ox.Store, path: Path, graph: str | None = None, *, lenient: bool = True
) -> None:
    """Add an N-Quads file (or, with ``graph``, an N-Triples file into that graph) to ``store``
    as a build adds it: the bulk loader unless it would rename blank nodes. ``lenient``: skip
    the parser's IRI and language-tag checks (for files kg wrote and checked itself)."""
    fmt = NQ if graph is None else NT
    target = ox.NamedNode(graph) if graph is not None else None
    if has_blank_nodes(path):  # parse keeps blank-node labels, as the build's store has them
        quads = ox.parse(path=path, format=fmt, lenient=lenient)
        if target is not None:
            store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, target) for t in quads)
        else:
            store.bulk_extend(quads)
    else:
        store.bulk_load(path=str(path), format=fmt, lenient=lenient, to_graph=target)


def idle_compactions() -> None:
    """Run RocksDB's compaction threads (``rocksdb:low``) of this process only on a core
    nobody else wants (``SCHED_IDLE``). Compactions merge the levels that each bulk load
    adds; a store gives the same answers without them, a little slower, so they must not
    take CPU from the build.
    Where the system has no such policy (not Linux) nothing changes."""
    policy = getattr(os, "SCHED_IDLE", None)
    tasks = Path("/proc/self/task")
    if policy is None or not tasks.is_dir():
        return
    for task in tasks.iterdir():
        try:
            if (task / "comm").read_text().strip() == "rocksdb:low":
                os.sched_setscheduler(int(task.name), policy, os.sched_param(0))
        except (OSError, ValueError):
            continue  # the thread ended, or the policy is not ours to set


def _open(path: Path) -> ox.Store:
    store = ox.Store(str(path))
    idle_compactions()  # RocksDB starts its threads when it opens the first store
    return store


def serve_writer(target: str) -> None:  # pragma: no cover - runs in the helper process
    """The helper: read commands from stdin, one per line, and apply them to a new store at
    ``target``: ``inputs JSON`` then ``imports JSON`` (what the build reads but does not make,
    first: see ``Start``), ``nquads PATH``, ``ntriples IRI PATH`` (into graph IRI), ``clear
    IRI``, and ``seal`` (flush, checkpoint the store into ``target``, print its files'
    ``fingerprint``, its named graphs and what became of the seed as JSON, exit: the build
    stamps it when it knows its own id). The store itself is written beside ``target``
    (``LIVE``) and never closed: closing would wait for its compactions (see
    ``idle_compactions``), and exiting as soon as the last quads are in stops them, so they
    take nothing from the rest of the build."""
    # At the build's own priority: niced, it got next to no CPU while the build validated and
    # wrote, and a 5M build then waited 8-9 s for it at the end with a core idle.
    start: Start | None = None
    store: ox.Store | None = None
    live = Path(target).with_name(LIVE)
    for line in sys.stdin:
        word, _, rest = line.rstrip("\n").partition(" ")
        if word == "inputs" and start is None:
            start = Start(live, json.loads(rest))
            continue
        if store is None:  # the inputs are in; the datasets (none unless told) go next
            job = json.loads(rest) if word == "imports" else {"keys": [], "parts": []}
            start = start or Start(live, {"paths": []})
            store = start.imports(job)
            if word == "imports":
                continue
        if word == "nquads":
            load_into(store, Path(rest))
        elif word == "ntriples":
            iri, _, path = rest.partition(" ")
            load_into(store, Path(path), iri)
        elif word == "clear":
            store.remove_graph(ox.NamedNode(rest))
        elif word == "seal":
            graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
            store.flush()
            store.backup(target)  # a checkpoint: hard links to the store's current files
            files = fingerprint(Path(target))
            assert start is not None
            answer = {"files": files, "graphs": graphs, "seed": start.report, "malloc": in_use()}
            sys.stdout.write(json.dumps(answer) + "\n")
            sys.stdout.flush()
            # Not closed: closing waits for RocksDB's compactions, which the checkpoint does
            # not need (they only merge its levels); the live store is removed with the work.
            os._exit(0)
        else:
            raise ValueError(f"unknown store command {word!r}")


class Start:
    """The start of a store: the input N-Quads files (``inputs``: ``paths``), then the
    imported datasets (``imports``: their cache ``keys`` and N-Quads ``parts``), from their
    seed in the cache directory ``root`` when it has a good one that holds the same datasets,
    else loaded, and their seed kept there for the next build (``kg.core.storeseed``; no
    ``root`` or no ``keys``: no seed). ``report`` says what became of the seed: its name,
    whether it was used, and what was amiss (None: nothing)."""

    def __init__(self, target: Path, job: dict[str, Any]) -> None:
        self.target = target
        self.paths = [Path(p) for p in job["paths"]]
        self.root = Path(job["root"]) if job.get("root") else None
        self.secret = bytes.fromhex(job.get("secret", ""))
        self.key = storeseed.seed_key(job.get("context", ""), self.paths) if self.root else ""
        self.report: dict[str, object] = {}
        self.held: list[str] | None = None  # the datasets of the planted seed (None: none)
        if self.root is not None:
            problem, held = storeseed.plant(self.root, self.key, self.secret, target)
            self.held = held if problem is None else None
            amiss = None if problem in (None, "absent") else problem
            self.report = {"name": storeseed.seed_name(self.key), "used": False, "problem": amiss}
        self.store = _open(target)
        if self.held is None:
            self._load_inputs()

    def _load_inputs(self) -> None:
        for path in self.paths:
            load_into(self.store, path)

    def imports(self, job: dict[str, Any]) -> ox.Store:
        """Add the imported datasets; the store, ready for what the build makes."""
        keys: list[str] | None = job["keys"]
        if self.held is not None and self.held == keys:
            self.report["used"] = True
            return self._handed()
        if self.held is not None:  # the seed holds other datasets: start from the files
            del self.store  # closes it
            shutil.rmtree(self.target)
            self.store = _open(self.target)
            self._load_inputs()
        for part in job["parts"]:
            load_into(self.store, Path(part))
        if self.root is not None and keys is not None:
            kept = storeseed.keep(self.store, self.root, self.key, self.secret, keys)
            self.report["problem"] = kept or self.report["problem"]
        return self._handed()

    def _handed(self) -> ox.Store:
        """The store, no longer held here: closing it is the caller's (before its stamp)."""
        store = self.store
        del self.store
        return store


__all__ = [
    "NQ",
    "NT",
    "STAMP",
    "STORE",
    "Start",
    "fingerprint",
    "has_blank_nodes",
    "load_into",
    "serve_writer",
]
