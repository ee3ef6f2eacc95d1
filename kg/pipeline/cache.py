"""The per-source build cache: an input whose bytes did not change is not parsed again.

Each entry is keyed by the SHA-256 of everything that determines it: the input file's bytes,
its path as shown in messages, the kg version and kg's own code, and (for imports) the import
kind and source id, the ontology files and the reference data the importer reconciles
countries against. A changed input therefore misses and is parsed again; an entry is a pure
function of its key, so a build from the cache is byte-identical to a clean one.

Keys, the cache's place and the user's secret are :mod:`kg.pipeline.cachekeys` (its names are
importable from here too). Entries are data that cannot run code (:mod:`kg.pipeline.cachecodec`):

* a YAML source is cached as its parsed :class:`~kg.source.loader.SourceDoc` in JSON;
* an imported dataset as its report and origins in JSON, then its quads in N-Quads;
* the on-disk store of the input N-Quads files and imported datasets as a directory, a seed
  the next build's store starts from (:mod:`kg.core.storeseed`, authenticated the same way).

Each entry starts with a versioned header and an HMAC-SHA256 of its kind, key and body, keyed
by a secret of the user (``$XDG_CACHE_HOME/kg/key``, made on first use, mode 0600): an entry
that was edited, copied from another user's cache or written by an older kg is a miss and is
rebuilt. The cache lives beside the build directory (``build`` → ``.build-cache``), outside the
directory that each build replaces atomically, unless other users can write there (``--out
/tmp/x``): then it lives in ``$XDG_CACHE_HOME/kg/builds/``. A cache directory that another user
owns or can write is refused. Entries unused by a successful build are pruned.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import hmac
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox

from kg.core import storeseed
from kg.core.errors import ConfigError, display_path
from kg.core.fileio import check_private_dir, private_dir
from kg.core.version import __version__
from kg.pipeline.cachecodec import CodecError, decode, decode_source, encode, encode_source
from kg.pipeline.cachekeys import (
    code_digest,
    default_cache_dir,
    digest,
    file_digest,
    files_digest,
    user_cache_home,
    user_key,
)
from kg.source.files import read_source_bytes, source_key
from kg.source.loader import SourceDoc, find_sources, read_yaml

log = logging.getLogger(__name__)

NQ = ox.RdfFormat.N_QUADS
#: First bytes of every entry; a new layout gets a new number (old entries are then misses).
MAGIC = b"kg-cache 2 "
SUFFIX = ".kgc"
_OPTION = "--out DIR"
T = TypeVar("T")


class BuildCache:
    """A directory of authenticated cache entries; ``None`` as the root disables caching.

    Raises:
        ConfigError: when the directory belongs to another user or others can write it.
    """

    def __init__(self, root: Path | None) -> None:
        self.used: set[str] = set()
        #: What the build's store told of its seed (``kg.pipeline.ondisk``): 0 nothing (no
        #: store, or not finished), 1 it kept its seed, 2 it grew from its seed.
        self.seeded = 0
        self.hits = 0
        self.misses = 0
        self.key = b""
        if root is not None:
            check_private_dir(root, "cache directory", _OPTION)
            try:
                self.key = user_key()
            except (OSError, RuntimeError, ConfigError) as exc:
                log.warning("build cache disabled: no private key (%s)", exc)
                root = None
        self.root = root

    def _path(self, kind: str, key: str) -> Path:
        assert self.root is not None
        return self.root / f"{kind}-{key}{SUFFIX}"

    def _mac(self, kind: str, key: str, body: bytes) -> bytes:
        mac = hmac.new(self.key, MAGIC + f"{kind}\0{key}\0".encode(), hashlib.sha256)
        mac.update(body)
        return mac.hexdigest().encode()

    def get(self, kind: str, key: str, decoder: Callable[[bytes], T]) -> T | None:
        """The decoded entry, or None on a miss (absent, not authentic, or unreadable)."""
        if self.root is None:
            return None
        path = self._path(kind, key)
        self.used.add(path.name)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            self.misses += 1
            return None
        except OSError as exc:
            self._miss(path, exc.strerror or str(exc))
            return None
        head, _, body = data.partition(b"\n")
        if not head.startswith(MAGIC):
            self._miss(path, "not an entry of this kg version")
            return None
        if not hmac.compare_digest(head[len(MAGIC) :], self._mac(kind, key, body)):
            self._miss(path, "its authentication code does not match")
            return None
        try:
            value = decoder(body)
        except (CodecError, ValueError, SyntaxError) as exc:
            self._miss(path, str(exc))
            return None
        self.hits += 1
        return value

    def _miss(self, path: Path, why: str) -> None:
        """Count a miss on an entry that exists but cannot be used (it is then rebuilt)."""
        log.warning("ignoring cache entry %s: %s", path, why)
        self.misses += 1

    def put(self, kind: str, key: str, body: bytes) -> None:
        """Store an entry atomically (a crash never leaves a half-written entry)."""
        if self.root is None:
            return
        private_dir(self.root)
        path = self._path(kind, key)
        self.used.add(path.name)
        fd, tmp = tempfile.mkstemp(prefix=".entry.", dir=self.root)
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(MAGIC + self._mac(kind, key, body) + b"\n")
                stream.write(body)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def prune(self) -> None:
        """Delete the entries this build did not use (and entries of older kg versions), the
        store's seeds it did not use when it wrote its store (``seeded``: a build without its
        store, or whose store was not finished, keeps them all), and seeds left half-written
        an hour ago or more."""
        if self.root is None or not self.root.is_dir():
            return
        for pattern in (f"*{SUFFIX}", "*.pickle"):
            for path in self.root.glob(pattern):
                if path.name not in self.used:
                    path.unlink(missing_ok=True)
        for path in self.root.glob(f"{storeseed.PREFIX}*{storeseed.SUFFIX}"):
            if self.seeded and path.name not in self.used:
                shutil.rmtree(path, ignore_errors=True)
        for path in self.root.glob(".seed-*"):
            with contextlib.suppress(OSError):
                if time.time() - path.stat().st_mtime > 3600:
                    shutil.rmtree(path, ignore_errors=True)


def load_sources_cached(data_dir: Path, cache: BuildCache) -> list[SourceDoc]:
    """``kg.sources.load_sources`` that reuses the parse of every unchanged file."""
    docs: list[SourceDoc] = []
    for path in find_sources(data_dir):
        raw = read_source_bytes(path)  # one line for a file that is not a readable source
        key = digest(raw, display_path(path), str(path), __version__, code_digest())
        doc = cache.get("yaml", key, decode_source)
        if doc is None:
            doc = read_yaml(path)
            cache.put("yaml", key, encode_source(doc))
        doc.key = source_key(data_dir, path)
        docs.append(doc)
    return docs


def cached_quads_result(
    cache: BuildCache, key: str, produce: Callable[[], T], cls: type[T], quads_field: str = "quads"
) -> T:
    """Cache a dataclass of type ``cls`` holding a list of quads: the other fields as JSON,
    then the quads as N-Quads."""

    def read(body: bytes) -> T:
        meta, _, data = body.partition(b"\n")
        value = decode(json.loads(meta), cls)
        quads = list(ox.parse(data, format=NQ, lenient=True))  # authenticated: kg wrote it
        rebuilt: T = dataclasses.replace(value, **{quads_field: quads})
        return rebuilt

    hit = cache.get("import", key, read)
    if hit is not None:
        return hit
    result = produce()
    fields = encode(dataclasses.replace(result, **{quads_field: []}))  # type: ignore[type-var]
    meta = json.dumps(fields, separators=(",", ":")).encode()
    data = ox.serialize(getattr(result, quads_field), format=NQ) or b""
    cache.put("import", key, meta + b"\n" + data)
    return result


def build_imports_cached(
    config: Path | None,
    records: Any,
    reference_files: Sequence[Path],
    ontology_files: Sequence[Path],
    cache: BuildCache,
    progress: Callable[[str], None],
    keys: list[str] | None = None,
) -> list[Any]:
    """``kg.importers.build_imports`` that reuses the result of every unchanged dataset.

    The key covers the dataset's bytes, its kind and source id, the ontology files and the
    reference files the country matcher is built from; each dataset's is added to ``keys``.
    """
    if config is None:
        return []
    from kg.importers import (
        ImportResult,
        dataset_inputs,
        read_import_list,
        run_import,
        yaml_source_ids,
    )
    from kg.source.countrymatch import CountryMatcher

    context = digest(
        __version__, code_digest(), files_digest(ontology_files), files_digest(reference_files)
    )
    matcher: list[CountryMatcher] = []
    results = []
    for spec in read_import_list(config, yaml_source_ids(records)):
        progress(f"import {spec.id}")
        files = dataset_inputs(spec.kind, spec.path)  # the dataset, and files read beside it
        key = digest(context, spec.kind, spec.id, display_path(spec.path), *map(file_digest, files))
        if keys is not None:
            keys.append(key)

        def produce(spec: Any = spec) -> Any:
            if not matcher:
                matcher.append(CountryMatcher(records.countries.values()))
            return run_import(spec.kind, spec.path, matcher[0], source_id=spec.id)

        results.append(cached_quads_result(cache, key, produce, ImportResult))
    return results


__all__ = [
    "MAGIC",
    "NQ",
    "SUFFIX",
    "BuildCache",
    "build_imports_cached",
    "cached_quads_result",
    "code_digest",
    "default_cache_dir",
    "digest",
    "file_digest",
    "files_digest",
    "load_sources_cached",
    "user_cache_home",
    "user_key",
]
