"""Which YAML files a data directory holds (``find_sources``): light enough for the read-only
commands, which check a build's inputs without loading the YAML reader."""

from __future__ import annotations

from pathlib import Path

from kg.core.errors import SourceError, display_path


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
    files = [p for p in directory.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file()]
    return sorted(files, key=lambda p: p.relative_to(directory).as_posix())


__all__ = ["find_sources", "shipped_reference"]
