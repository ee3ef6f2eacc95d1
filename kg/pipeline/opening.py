"""Opening a build for reading: is it up to date with its inputs (``is_stale``: the manifest's
checksums decide), its on-disk store opened read-only or its ``graph.nq`` loaded
(``open_build``), and building first when needed (``ensure_build``)."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from stat import S_ISREG

import pyoxigraph as ox

from kg.core.errors import KGError, Location, SourceError, display_path
from kg.core.fileio import check_private_dir, read_json_object
from kg.core.ondisk import load_into
from kg.pipeline.settings import INPUT_STATS, MANIFEST, Progress, Settings, input_files
from kg.pipeline.storeread import open_store

log = logging.getLogger(__name__)


def _noop(_: str) -> None:
    return None


def is_stale(settings: Settings) -> bool:
    """True when the build is missing or any input differs from the one it was made from.

    The manifest's checksums decide. ``.inputs.json`` keeps each input's size, modification
    and change times beside its checksum: an input whose size and times are as recorded is
    taken as unchanged, any other is hashed and compared (a file touched but not changed is
    not stale; one changed and given back its old date is: its change time, which nobody can
    set back, moved). That record is used only when it holds the manifest's checksums (or the
    manifest has none to read): when it is missing, or another build's (a build copied
    without its dot files over an older one), every input is hashed and compared with the
    manifest. A build with neither, or whose record is not as kg writes it, is stale.
    """
    manifest_path = settings.out_dir / MANIFEST
    if not manifest_path.exists() or not (settings.out_dir / "graph.nq").exists():
        return True
    try:
        return _inputs_changed(settings, manifest_path)
    except (OSError, RuntimeError):  # an input that cannot be read (or a link loop, which
        return True  # resolve raises as RuntimeError): the build says what is wrong


def _built_digests(manifest_path: Path) -> list[str] | None:
    """The checksums of the inputs the manifest's build was made from (None: it has none)."""
    inputs = (read_json_object(manifest_path) or {}).get("inputs")
    if not isinstance(inputs, dict) or not all(isinstance(v, str) for v in inputs.values()):
        return None
    return sorted(inputs.values())


def _inputs_changed(settings: Settings, manifest_path: Path) -> bool:
    from kg.core.digests import file_digest

    built = _built_digests(manifest_path)
    current = input_files(settings)
    if not all(S_ISREG(p.stat().st_mode) for p in current):
        return True  # a FIFO would block the digest: the build refuses it
    recorded = read_json_object(settings.out_dir / INPUT_STATS)
    if recorded is not None:
        entries = list(recorded.values())
        if not all(isinstance(e, list) and len(e) == 4 and isinstance(e[3], str) for e in entries):
            return True  # not as kg wrote it: rebuild rather than trust it
        if built is not None and sorted(e[3] for e in entries) != built:
            recorded = None  # another build's record: the manifest's checksums decide
    if recorded is None:
        once = {display_path(p): p for p in current}.values()  # as the manifest keys them
        return built is None or sorted(file_digest(p) for p in once) != built
    paths = {str(p.resolve()): p for p in current}
    if set(paths) != set(recorded):
        return True
    for key, path in paths.items():
        *seen, digest = recorded[key]
        stat = path.stat()
        if [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns] != seen and (
            file_digest(path) != digest
        ):
            return True
    return False


def recorded_imports(out_dir: Path) -> Path | None:
    """The import list a build in ``out_dir`` was made with, from its manifest."""
    value = (read_json_object(out_dir / MANIFEST) or {}).get("imports")
    return Path(value) if isinstance(value, str) and Path(value).exists() else None


def recorded_nquads(out_dir: Path) -> tuple[Path, ...]:
    """The N-Quads files a build in ``out_dir`` was made with (``Settings.nquads``), from its
    manifest: those that still exist."""
    value = (read_json_object(out_dir / MANIFEST) or {}).get("nquads")
    if not isinstance(value, list):
        return ()
    return tuple(Path(v) for v in value if isinstance(v, str) and Path(v).is_file())


def _without_store(manifest: object) -> bool:
    """Whether ``manifest`` says its build was made without an on-disk store (``kg build
    --no-store`` records ``"store": null``)."""
    return isinstance(manifest, dict) and "store" in manifest and manifest["store"] is None


def recorded_without_store(out_dir: Path) -> bool:
    """Whether the build in ``out_dir`` was made without its on-disk store (its manifest)."""
    return _without_store(read_json_object(out_dir / MANIFEST))


def load_build(out_dir: Path) -> ox.Store:
    """Load a build directory's quads into a new in-memory store (one the caller may change),
    blank-node labels kept (as the on-disk store and the build's other files have them).

    Raises:
        ConfigError: when another user owns the directory or can write it.
        SourceError: when its graph.nq cannot be read or parsed.
    """
    check_private_dir(out_dir, "build directory", "--build DIR")
    store = ox.Store()
    path = out_dir / "graph.nq"
    hint = f"the build is damaged or incomplete: run 'kg build --out {display_path(out_dir)}'"
    try:
        if not S_ISREG(path.stat().st_mode):  # a FIFO would wait for a writer forever
            raise SourceError("not a regular file", where=Location(display_path(path)), hint=hint)
        load_into(store, path, lenient=False)  # blank-node labels kept, as the store has them
    except SyntaxError as exc:
        where = Location(display_path(path), exc.lineno or 0, exc.offset or 0)
        raise SourceError(
            f"cannot parse: {str(exc).splitlines()[0]}", where=where, hint=hint
        ) from exc
    except OSError as exc:
        raise SourceError(
            f"cannot read: {exc.strerror or exc}", where=Location(display_path(path)), hint=hint
        ) from exc
    return store


def open_build(out_dir: Path) -> ox.Store:
    """The store of a build for reading: its on-disk store opened read-only, or, when that is
    missing or cannot answer for the build (see ``kg.pipeline.storeread.problem``), its
    ``graph.nq`` loaded into memory, with a warning naming the problem (none when
    ``graph.nq`` cannot be read either: its one-line error says to rebuild). When a build
    replaced ``out_dir`` meanwhile (what was read may mix the files of two builds: the old
    manifest and the new store, or the store's first files and its last), it is read again.

    Raises:
        ConfigError: when another user owns the directory or can write it.
        SourceError: when the store cannot answer and graph.nq cannot be read or parsed.
    """
    check_private_dir(out_dir, "build directory", "--build DIR")
    for attempt in range(1, _ATTEMPTS + 1):
        before = _identity(out_dir)
        try:
            store, issue = _open_once(out_dir)
        except KGError:
            if attempt == _ATTEMPTS or _identity(out_dir) == before:
                raise
            continue
        if attempt == _ATTEMPTS or _identity(out_dir) == before:
            break
    if issue is not None:
        shown = display_path(out_dir / "graph.nq")
        log.warning("%s: reading %s instead (run 'kg build' to rewrite the store)", issue, shown)
    return store


#: Readings of a build that another build keeps replacing, before the last one is taken.
_ATTEMPTS = 4


def _identity(directory: Path) -> tuple[int, int] | None:
    """What tells ``directory`` from the one a build swaps in for it (None: it is not there)."""
    try:
        stat = directory.stat()
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def _open_once(out_dir: Path) -> tuple[ox.Store, str | None]:
    """The build's store, and why it is ``graph.nq`` loaded instead of the on-disk store
    (None: the on-disk store, or a build made without one)."""
    manifest = read_json_object(out_dir / MANIFEST) or {}
    if _without_store(manifest):  # kg build --no-store: no store, on purpose
        log.info("%s was built without its store: reading graph.nq", display_path(out_dir))
        return load_build(out_dir), None
    store, issue = open_store(out_dir, manifest)
    if store is not None:
        return store, None
    return load_build(out_dir), issue


def ensure_build(settings: Settings, *, progress: Progress = _noop) -> ox.Store:
    """Return the store of an up-to-date build, building first when needed; an existing
    build is opened with ``open_build`` (its on-disk store, read-only).

    A rebuild keeps the import list and the N-Quads files the build was made with (recorded
    in its manifest), so a read-only command never drops imported datasets from a build, and
    a build made without its store (``kg build --no-store``) is made again without it.
    """
    if recorded_without_store(settings.out_dir):
        settings = replace(settings, store=False, network=False)
    if settings.imports is None:
        settings = replace(settings, imports=recorded_imports(settings.out_dir))
    if not settings.nquads:
        settings = replace(settings, nquads=recorded_nquads(settings.out_dir))
    if is_stale(settings):
        log.info("build in %s is missing or stale; building", settings.out_dir)
        from kg.pipeline.run import run  # the build's stages load only when it runs

        result = run(settings, progress=progress)
        if not result.report.conforms:
            raise KGError(
                f"the data does not conform ({len(result.report.violations)} violations)",
                hint="run 'kg validate' to see them",
            )
        return result.store
    return open_build(settings.out_dir)


__all__ = [
    "ensure_build",
    "is_stale",
    "load_build",
    "open_build",
    "recorded_imports",
    "recorded_nquads",
    "recorded_without_store",
]
