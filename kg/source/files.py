"""Which YAML files a data directory holds (``find_sources``) and their bytes
(``read_source_bytes``): light enough for the read-only commands, which check a build's
inputs without loading the YAML reader."""

from __future__ import annotations

from pathlib import Path

from kg.core.errors import Location, SourceError, display_path
from kg.core.regular import Refused, read_regular

#: Largest YAML file accepted; larger inputs belong in an importer.
MAX_BYTES = 8 * 1024 * 1024


def find_sources(data_dir: Path) -> list[Path]:
    """Return every ``*.yaml``/``*.yml`` file below ``data_dir`` in a stable order, then kg's
    shipped reference data (countries, regions, agents, treaties) unless ``data_dir`` has its
    own ``reference/`` folder, which then replaces it."""
    if not data_dir.is_dir():
        raise SourceError(
            f"data directory {display_path(data_dir)} does not exist",
            hint="pass --data DIR, or start a project with 'kg init DIR'",
        )
    own = _yaml_files(data_dir)
    if (data_dir / "reference").is_dir():
        return own
    return [*own, *shipped_reference()]


def shipped_reference() -> list[Path]:
    """kg's own reference files (countries, regions, agents, treaties)."""
    from kg.core.resources import shipped

    return _yaml_files(shipped("reference"))


def _yaml_files(directory: Path) -> list[Path]:
    """Every entry named ``*.yaml``/``*.yml`` below ``directory`` but folders: a link that
    leads nowhere, or a FIFO, is a source that cannot be read, and is said so by
    ``read_source_bytes``, not skipped."""
    files = [p for p in directory.rglob("*") if p.suffix in {".yaml", ".yml"} and not p.is_dir()]
    return sorted(files, key=lambda p: p.relative_to(directory).as_posix())


def source_key(data_dir: Path, path: Path) -> str:
    """The name of a source file that the graph may carry: its path below the data directory,
    after the directory's own name (``data/assessments/prk-essay.yaml``), the same whatever the
    working directory or however ``--data`` was spelled; for a file elsewhere (kg's shipped
    reference), its path as shown."""
    try:
        below = path.relative_to(data_dir).as_posix()
    except ValueError:
        return display_path(path)
    return f"{data_dir.resolve().name}/{below}"


def read_source_bytes(path: Path) -> bytes:
    """The bytes of the YAML source ``path``: a regular file of at most ``MAX_BYTES``.

    The size is checked before anything is read, and no more than the limit is read if the
    file grows meanwhile; a FIFO is opened without waiting for a writer, then refused.

    Raises:
        SourceError: it cannot be read, is not a regular file, or is too big.
    """
    where = Location(str(Path(display_path(path.parent)) / path.name))  # the link, not its target
    try:
        return read_regular(path, MAX_BYTES)
    except Refused as refused:
        if refused.kind is not None:
            raise SourceError(
                "not a regular file", where=where, hint="a YAML source is a file: remove it"
            ) from None
        if refused.size is not None:
            size = f"{refused.size} bytes, " if refused.size > MAX_BYTES + 1 else ""
            raise SourceError(
                f"file is {size}over the {MAX_BYTES} byte limit for YAML sources",
                where=where,
                hint="bulk data belongs in an importer (kg import)",
            ) from None
        raise SourceError(f"cannot read file: {refused.reason}", where=where) from None


__all__ = ["MAX_BYTES", "find_sources", "read_source_bytes", "shipped_reference", "source_key"]
