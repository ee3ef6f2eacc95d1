"""The per-source build cache: an input whose bytes did not change is not parsed again.

Each entry is keyed by the SHA-256 of everything that determines it: the input file's bytes,
its path as shown in messages, the kg version, and (for imports) the import kind and source id,
the ontology files and the reference data the importer reconciles countries against. A changed
input therefore misses and is parsed again; an entry is a pure function of its key, so a build
from the cache is byte-identical to a clean one.

* a YAML source is cached as its parsed :class:`~kg.sources.SourceDoc` (values and positions);
* an imported dataset is cached as its quads in N-Quads plus its report and origins.

The cache lives beside the build directory (``build`` → ``.build-cache``), outside the
directory that each build replaces atomically. Entries unused by a successful build are pruned.
Entries are pickles written by kg itself; never point the cache at a directory others can write.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import os
import pickle
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.core.errors import display_path
from kg.core.version import __version__
from kg.source.loader import SourceDoc, find_sources, read_yaml

log = logging.getLogger(__name__)

NQ = ox.RdfFormat.N_QUADS


def default_cache_dir(out_dir: Path) -> Path:
    """``build`` → ``.build-cache`` next to it."""
    return out_dir.parent / f".{out_dir.name}-cache"


def digest(*parts: bytes | str) -> str:
    """SHA-256 over length-prefixed parts (no two part lists collide)."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def files_digest(paths: Sequence[Path]) -> str:
    """One digest over the names and bytes of several files."""
    return digest(*(x for p in paths for x in (display_path(p), p.read_bytes())))


@functools.cache
def code_digest() -> str:
    """A digest of kg's own source: an entry made by other parsing or import code is a miss."""
    package = Path(__file__).resolve().parents[1]
    files = sorted(package.rglob("*.py"))
    return digest(*(x for p in files for x in (p.relative_to(package).as_posix(), p.read_bytes())))


class BuildCache:
    """A directory of cache entries; ``None`` as the root disables caching."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.used: set[str] = set()
        self.hits = 0
        self.misses = 0

    def _path(self, kind: str, key: str) -> Path:
        assert self.root is not None
        return self.root / f"{kind}-{key}.pickle"

    def get(self, kind: str, key: str) -> Any | None:
        """The cached value, or None on a miss (or an unreadable entry)."""
        if self.root is None:
            return None
        path = self._path(kind, key)
        self.used.add(path.name)
        try:
            with path.open("rb") as stream:
                value = pickle.load(stream)
        except FileNotFoundError:
            self.misses += 1
            return None
        except Exception as exc:  # a truncated or foreign entry is just a miss
            log.warning("ignoring unreadable cache entry %s: %s", path, exc)
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, kind: str, key: str, value: Any) -> None:
        """Store a value atomically (a crash never leaves a half-written entry)."""
        if self.root is None:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        path = self._path(kind, key)
        self.used.add(path.name)
        fd, tmp = tempfile.mkstemp(prefix=".entry.", dir=self.root)
        try:
            with os.fdopen(fd, "wb") as stream:
                pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def prune(self) -> None:
        """Delete the entries this build did not use."""
        if self.root is None or not self.root.is_dir():
            return
        for path in self.root.glob("*.pickle"):
            if path.name not in self.used:
                path.unlink(missing_ok=True)


def load_sources_cached(data_dir: Path, cache: BuildCache) -> list[SourceDoc]:
    """``kg.sources.load_sources`` that reuses the parse of every unchanged file."""
    docs: list[SourceDoc] = []
    for path in find_sources(data_dir):
        try:
            raw = path.read_bytes()
        except OSError:
            docs.append(read_yaml(path))  # reports the error with the file's location
            continue
        key = digest(raw, display_path(path), str(path), __version__, code_digest())
        doc = cache.get("yaml", key)
        if not isinstance(doc, SourceDoc):
            doc = read_yaml(path)
            cache.put("yaml", key, doc)
        docs.append(doc)
    return docs


def cached_quads_result(
    cache: BuildCache, key: str, produce: Callable[[], Any], quads_field: str = "quads"
) -> Any:
    """Cache a dataclass holding a list of quads: the quads as N-Quads, the rest pickled."""
    hit = cache.get("import", key)
    if isinstance(hit, tuple) and len(hit) == 2:
        value, data = hit
        return dataclasses.replace(
            value, **{quads_field: list(ox.parse(data, format=NQ, lenient=True))}
        )
    result = produce()
    quads = getattr(result, quads_field)
    data = ox.serialize(quads, format=NQ)
    cache.put("import", key, (dataclasses.replace(result, **{quads_field: []}), data))
    return result


def build_imports_cached(
    config: Path | None,
    records: Any,
    reference_files: Sequence[Path],
    ontology_files: Sequence[Path],
    cache: BuildCache,
    progress: Callable[[str], None],
) -> list[Any]:
    """``kg.importers.build_imports`` that reuses the result of every unchanged dataset.

    The key covers the dataset's bytes, its kind and source id, the ontology files and the
    reference files the country matcher is built from.
    """
    if config is None:
        return []
    from kg.importers import dataset_inputs, read_import_list, run_import
    from kg.source.countrymatch import CountryMatcher

    context = digest(
        __version__, code_digest(), files_digest(ontology_files), files_digest(reference_files)
    )
    matcher: list[CountryMatcher] = []
    results = []
    for spec in read_import_list(config):
        progress(f"import {spec.id}")
        files = dataset_inputs(spec.kind, spec.path)  # the dataset, and files read beside it
        key = digest(context, spec.kind, spec.id, display_path(spec.path), *map(file_digest, files))

        def produce(spec: Any = spec) -> Any:
            if not matcher:
                matcher.append(CountryMatcher(records.countries.values()))
            return run_import(spec.kind, spec.path, matcher[0], source_id=spec.id)

        results.append(cached_quads_result(cache, key, produce))
    return results


def file_digest(path: Path) -> str:
    """SHA-256 of a file, read in blocks."""
    h = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
