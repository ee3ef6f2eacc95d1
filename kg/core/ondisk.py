"""The files of kg's on-disk store (``build/store/``, a pyoxigraph RocksDB store) and the helper
process that writes one (``serve_writer``, started by ``kg.pipeline.ondisk.StoreWriter``). The
helper imports nothing of kg but this module, so it starts in a fraction of a second."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import zlib
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.core import storeseed
from kg.core.version import __version__

STORE = "store"
STAMP = "kg-store.json"
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


def _has_blank_nodes(path: Path) -> bool:
    """True when ``_:`` occurs in the file (read in chunks; a false alarm costs only speed)."""
    with path.open("rb") as stream:
        tail = b""
        while chunk := stream.read(1 << 24):
            if b"_:" in tail + chunk[:1] or b"_:" in chunk:
                return True
            tail = chunk[-1:]
    return False


def load_into(store: ox.Store, path: Path, graph: str | None = None) -> None:
    """Add an N-Quads file (or, with ``graph``, an N-Triples file into that graph) to ``store``
    as a build adds it: the bulk loader unless it would rename blank nodes."""
    fmt = NQ if graph is None else NT
    target = ox.NamedNode(graph) if graph is not None else None
    if _has_blank_nodes(path):  # parse keeps blank-node labels, as the build's store has them
        quads = ox.parse(path=path, format=fmt, lenient=True)
        if target is not None:
            store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, target) for t in quads)
        else:
            store.bulk_extend(quads)
    else:
        store.bulk_load(path=str(path), format=fmt, lenient=True, to_graph=target)


def serve_writer(target: str) -> None:  # pragma: no cover - runs in the helper process
    """The helper: read commands from stdin, one per line, and apply them to a new store at
    ``target``: ``inputs JSON`` (the input N-Quads files, first: see ``_inputs``), ``nquads
    PATH``, ``ntriples IRI PATH`` (into graph IRI), ``clear IRI``, and ``done BUILD`` (flush,
    write the stamp naming build BUILD, print it and what became of the seed as JSON, exit)."""
    with contextlib.suppress(OSError, AttributeError):
        os.nice(10)  # the build comes first; the store takes the idle cores
    store: ox.Store | None = None
    seeded: dict[str, object] = {}
    for line in sys.stdin:
        word, _, rest = line.rstrip("\n").partition(" ")
        if word == "inputs" and store is None:
            store, seeded = _inputs(Path(target), json.loads(rest))
            continue
        store = store if store is not None else ox.Store(target)
        if word == "nquads":
            load_into(store, Path(rest))
        elif word == "ntriples":
            iri, _, path = rest.partition(" ")
            load_into(store, Path(path), iri)
        elif word == "clear":
            store.remove_graph(ox.NamedNode(rest))
        elif word == "done":
            graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
            store.flush()
            del store
            stamp = {
                "build": rest,
                "kg": __version__,
                "pyoxigraph": ox.__version__,
                "files": fingerprint(Path(target)),
            }
            (Path(target) / STAMP).write_text(json.dumps(stamp, indent=1, sort_keys=True) + "\n")
            answer = {"stamp": stamp, "graphs": graphs, "seed": seeded}
            sys.stdout.write(json.dumps(answer) + "\n")
            sys.stdout.flush()
            return
        else:
            raise ValueError(f"unknown store command {word!r}")


def _inputs(target: Path, job: dict[str, Any]) -> tuple[ox.Store, dict[str, object]]:
    """Start the store with the input N-Quads files ``job["paths"]``: from their seed in the
    cache directory ``job["root"]`` when it has a good one, else by loading them and keeping
    their seed there (``kg.core.storeseed``; no root: no seed). Returns the store and what
    became of the seed: its name, whether it was used, and why not (None: nothing amiss)."""
    paths = [Path(p) for p in job["paths"]]
    if not job.get("root"):
        store = ox.Store(str(target))
        for path in paths:
            load_into(store, path)
        return store, {}
    root, secret = Path(job["root"]), bytes.fromhex(job["secret"])
    key = storeseed.seed_key(job["context"], paths)
    problem = storeseed.plant(root, key, secret, target)
    seeded: dict[str, object] = {"name": storeseed.seed_name(key), "used": problem is None}
    store = ox.Store(str(target))
    if problem is not None:
        for path in paths:
            load_into(store, path)
        kept = storeseed.keep(store, root, key, secret)
        problem = kept or (None if problem == "absent" else problem)
    seeded["problem"] = problem
    return store, seeded


__all__ = ["NQ", "NT", "STAMP", "STORE", "fingerprint", "load_into", "serve_writer"]
