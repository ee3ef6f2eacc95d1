"""Whether a build may replace its output directory (``check_out_dir``): ``kg build`` swaps a
new directory in for ``--out`` whole, so ``--out`` must not hold the build's own inputs, nor be
a directory of something else than a kg build."""

from __future__ import annotations

from pathlib import Path

from kg.core.errors import ConfigError, display_path
from kg.core.fileio import read_json_object
from kg.core.ondisk import STAMP, STORE
from kg.pipeline.settings import INPUT_STATS, MANIFEST, Settings, input_files

_HINT = "kg build replaces its --out directory whole: choose a new or empty one, e.g. --out build"


def _real(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError) as exc:  # a link loop (RuntimeError before Python 3.13)
        raise ConfigError(f"cannot resolve {display_path(path)}: {exc}") from None


def is_build(directory: Path) -> bool:
    """Whether ``directory`` holds a build kg wrote: a ``manifest.json`` kg's own, or, when
    that was lost or damaged, a ``graph.nq`` beside kg's record of its inputs or its store's
    stamp (a damaged build, which a build or a reader's rebuild may replace)."""
    manifest = read_json_object(directory / MANIFEST)
    if manifest is not None:
        return "kg_version" in manifest and "graphs" in manifest
    if not (directory / "graph.nq").is_file():
        return False
    stamp = read_json_object(directory / STORE / STAMP) or {}
    record = read_json_object(directory / INPUT_STATS) or {}
    recorded = all(isinstance(v, list) and len(v) == 4 for v in record.values())
    return {"build", "kg", "pyoxigraph"} <= stamp.keys() or (bool(record) and recorded)


def check_out_dir(settings: Settings) -> None:
    """Refuse an output directory the build must not replace: one that is or holds the data
    or ontology directory, an import list, or any other input (``--out .``, ``--out data``,
    ``--out /``), or one that exists, is not empty and is not a kg build (``--out ~/Documents``).
    A symbolic link is fine: the new build replaces the link and leaves its target alone.

    Raises:
        ConfigError: one line naming the directory and why, with how to choose another.
    """
    if settings.out_dir.is_symlink():  # the swap replaces the link, never what it leads to
        return
    out = _real(settings.out_dir)
    shown = display_path(settings.out_dir)
    held = [settings.data_dir, settings.ontology_dir, *input_files(settings)]
    if settings.imports is not None:
        held.append(settings.imports)
    for path in held:
        real = _real(path)
        if real == out or out in real.parents:
            raise ConfigError(
                f"refusing build directory {shown}: it holds {display_path(path)}, which the "
                "build reads",
                hint=_HINT,
            )
    if out.is_dir() and any(out.iterdir()) and not is_build(out):
        damaged = (out / "graph.nq").exists()  # a build's files, and nothing to tell it by
        raise ConfigError(
            f"refusing build directory {shown}: it is not empty and not a kg build (it has no "
            f"{MANIFEST} kg wrote)",
            hint=f"if it is a damaged build, remove it and build again; else {_HINT}"
            if damaged
            else _HINT,
        )


__all__ = ["check_out_dir", "is_build"]
