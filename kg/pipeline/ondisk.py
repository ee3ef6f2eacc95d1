"""The on-disk store beside a build: ``build/store/``, a pyoxigraph (RocksDB) store of every quad
of the build, which read-only commands open read-only instead of parsing ``graph.nq``.

**Writing.** A build starts a helper process (``StoreWriter``) that bulk-loads the store in a
directory beside the build while the build goes on: the input N-Quads files straight away (they are
most of a big build) and the imported datasets, or their seed from the build cache when neither
changed since a build kept it (``kg.core.storeseed``), then the quads the build makes (ontology,
sources), then, once the rules ran, the inferred graph afresh. The helper starts with the system's
faster malloc preloaded when it has one (``kg.core.allocator``: a fifth of the bulk load's CPU), and
runs at the build's own priority: the build cannot end before it, and at a lower one it got next to
no CPU while the build validated and wrote, then made the build wait with a core idle (5M: 8–9 s;
the whole build 4–7 s longer than now, 1M the same). Each bulk load adds a sorted run to the store,
which RocksDB would merge in the background (compaction): that work only makes reads a little
faster, so its threads run at ``SCHED_IDLE`` (only on a core nobody else wants), and once the
inferred graph is in (the last quads) the build seals the store: the helper takes a checkpoint of it
(hard links to its files) and exits at once, which stops the compactions, so they take nothing from
validation and the writers (1M: the store's five bulk loads stay five sorted runs, which a dossier's
look-ups each seek: 1.5 s, against 3.7 s from ``graph.nq``). The build stamps the checkpoint when it
knows its own id. When the graph conforms the checkpoint is moved into the staging directory of the
build, which replaces ``build/`` atomically with the other outputs: a build never leaves a
half-written store, and a reader that has the old store open keeps reading it.
Reading it is :mod:`kg.pipeline.storeread`'s.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.core import allocator
from kg.core.digests import digest
from kg.core.errors import KGError
from kg.core.fileio import loads_json, private_dir
from kg.core.leftovers import claimed_dir, release
from kg.core.ondisk import NQ, NT, STAMP, STORE
from kg.core.version import __version__
from kg.pipeline.cachekeys import code_digest

if TYPE_CHECKING:
    from kg.pipeline.cache import BuildCache

log = logging.getLogger(__name__)

#: The stamp's record of the build's graph.nq: [size, modification time in ns].
GRAPH_KEY = "graph.nq"
_HELPER = "import sys; from kg.core.ondisk import serve_writer; serve_writer(sys.argv[1])"


class StoreWriter:
    """The helper process that writes a build's on-disk store (see the module docstring)."""

    def __init__(self, out_dir: Path) -> None:
        """Start the helper in a fresh directory beside ``out_dir``.

        Raises:
            KGError: ``KG_STORE_MALLOC`` names no library for this machine
                (``kg.core.allocator``).
        """
        library = allocator.preload(os.environ)  # a faster malloc, when there is one
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.work, self.held = claimed_dir(out_dir.parent, f".{out_dir.name}.store.")
        self.target = self.work / STORE
        self.parts = 0
        self.cache: BuildCache | None = None
        root = str(Path(__file__).resolve().parents[2])
        path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
        env = {**os.environ, "PYTHONPATH": path}
        if library is not None:
            env["LD_PRELOAD"] = library
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _HELPER, str(self.target)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )

    def _send(self, line: str) -> None:
        stdin: IO[bytes] | None = self.proc.stdin
        if stdin is None or self.proc.poll() is not None:
            self._failed()
        assert stdin is not None
        try:
            stdin.write((line + "\n").encode())
            stdin.flush()
        except (BrokenPipeError, OSError):
            self._failed()

    def _failed(self) -> None:
        raise _helper_failed(self.proc.communicate()[1])

    def _part(self) -> Path:
        self.parts += 1
        return self.work / f"part-{self.parts}"

    def load_inputs(self, paths: Sequence[Path], cache: BuildCache, seed: bool) -> None:
        """Start the store with the build's input N-Quads files (read by the helper itself);
        the imported datasets follow (``load_imports``). With ``seed`` (the build reads N-Quads
        files or datasets) and the cache on, both come from their seed in ``cache`` when it
        has a good one (``kg.core.storeseed``), else their seed is kept there for the next
        build."""
        job: dict[str, Any] = {"paths": [str(p.resolve()) for p in paths]}
        if seed and cache.root is not None and cache.key:
            private_dir(cache.root)
            job |= {"root": str(cache.root), "secret": cache.key.hex()}
            job["context"] = digest(__version__, code_digest())
            self.cache = cache
        self._send(f"inputs {json.dumps(job)}")

    def load_imports(self, keys: list[str], datasets: Sequence[Sequence[ox.Quad]]) -> None:
        """Load the imported datasets' quads, after ``load_inputs`` and before anything else;
        ``keys``: their cache keys, which the seed records (when ``load_inputs`` seeds)."""
        parts = []
        for quads in datasets:
            parts.append(str(self._part()))
            with Path(parts[-1]).open("wb") as stream:
                ox.serialize(quads, stream, format=NQ)
        seeded = keys if self.cache is not None else None
        self._send(f"imports {json.dumps({'keys': seeded, 'parts': parts})}")

    def load_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Load quads the build made."""
        part = self._part()
        with part.open("wb") as stream:
            ox.serialize(quads, stream, format=NQ)
        self._send(f"nquads {part}")

    def replace_graph(self, store: ox.Store, iri: str) -> None:
        """Drop graph ``iri`` from the on-disk store and load it afresh from ``store``."""
        part = self._part()
        with part.open("wb") as stream:
            store.dump(stream, format=NT, from_graph=ox.NamedNode(iri))
        self._send(f"clear {iri}")
        self._send(f"ntriples {iri} {part}")

    def seal(self) -> None:
        """Tell the helper the store has every quad: it checkpoints the store and exits
        (stopping RocksDB's compactions) while the build goes on; ``finish`` stamps it."""
        self._send("seal")

    def finish(self, build: str, graphs: list[str]) -> dict[str, Any]:
        """Wait for the sealed store and stamp it as belonging to ``build`` (an id of the
        build's content); return what the manifest records of it. ``graphs`` (the build's
        named graphs) must be the store's too.

        Raises:
            KGError: the helper failed or the store does not hold the build's graphs.
        """
        out, err = self.proc.communicate()
        if self.proc.returncode != 0:
            raise _helper_failed(err)
        lines = out.decode(errors="replace").strip().splitlines()
        try:
            answer = loads_json(lines[-1]) if lines else None
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or not isinstance(answer.get("files"), dict):
            raise KGError(
                "writing the on-disk store failed: its helper gave no answer (a bug in kg)",
                hint="run 'kg build' again, or 'kg build --no-store'",
            )
        if answer.get("graphs") != sorted(graphs):
            raise KGError(
                "the on-disk store does not hold the build's named graphs (a bug in kg)",
                hint="run 'kg build' again; report it if it happens again",
            )
        self._seeded(answer.get("seed") or {})
        malloc = str(answer.get("malloc", "system"))
        log.info("the store's helper ran with %s malloc", malloc)
        stamp = {"build": build, "kg": __version__, "pyoxigraph": ox.__version__}
        full = stamp | {"files": answer["files"], "malloc": malloc}
        (self.target / STAMP).write_text(json.dumps(full, indent=1, sort_keys=True) + "\n")
        return stamp  # deterministic: no file times

    def _seeded(self, seed: dict[str, Any]) -> None:
        """Tell the cache which seed the store used or kept, and whether it grew from it."""
        if self.cache is None or not seed.get("name"):
            return
        self.cache.used.add(seed["name"])
        self.cache.seeded = bool(seed.get("used")) + 1  # 2: the store grew from its seed
        if seed.get("problem"):
            log.warning("store seed not used or not kept: %s", seed["problem"])

    def note_graph(self, graph: Path) -> None:
        """Record in the store's stamp the size and time of the build's ``graph.nq`` (written
        beside it): a ``graph.nq`` changed later is a build the store no longer matches."""
        stamp_path = self.target / STAMP
        stamp = json.loads(stamp_path.read_text())
        stat = graph.stat()
        stamp[GRAPH_KEY] = [stat.st_size, stat.st_mtime_ns]
        stamp_path.write_text(json.dumps(stamp, indent=1, sort_keys=True) + "\n")

    def move_into(self, directory: Path) -> None:
        """Move the finished store into ``directory`` (the build's staging directory)."""
        os.replace(self.target, directory / STORE)
        self.abort()

    def abort(self) -> None:
        """Stop the helper and remove its work (a failed or non-conforming build)."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()
        shutil.rmtree(self.work, ignore_errors=True)
        if self.held >= 0:  # once: the descriptor's number may be another file's later
            release(self.held)
            self.held = -1


def _helper_failed(err: bytes) -> Exception:
    """What the helper's last line of ``err`` says went wrong: a full disk as the system's
    error (the build says where in one line), anything else as the helper said it."""
    last = (err.decode(errors="replace").strip().splitlines() or ["no output"])[-1]
    for code in (errno.ENOSPC, errno.EDQUOT):
        if os.strerror(code) in last:
            return OSError(code, os.strerror(code))
    return KGError(f"writing the on-disk store failed: {last}")


__all__ = ["GRAPH_KEY", "STAMP", "STORE", "StoreWriter"]
