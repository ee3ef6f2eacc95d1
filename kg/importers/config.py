"""The build's import list: a YAML file of ``{kind, path, id}`` entries that ``kg build`` repeats.

Example (paths are relative to the file itself)::

    imports:
      - kind: glotip
        path: ../shared/data/unodc_glotip_2023/data_glotip.csv
        id: unodc-glotip-2023      # optional; each kind has a default
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.core.errors import ConfigError, Location, choices_hint, display_path
from kg.importers.regular import HINT, not_regular
from kg.source.loader import read_yaml
from kg.source.reader import Obj


@dataclass(frozen=True)
class ImportSpec:
    """One dataset to import: its kind, file, source id and where the entry was written."""

    kind: str
    path: Path
    id: str
    where: Location


def read_imports(
    config: Path, kinds: dict[str, str], folders: frozenset[str] = frozenset()
) -> list[ImportSpec]:
    """Read and check an import list; ``kinds`` maps each kind to its default source id, and
    the kinds in ``folders`` may name a folder instead of a file.

    Raises:
        SourceError, RecordError, ConfigError: with ``path:line:col`` of the bad entry.
    """
    if config.is_dir():
        raise ConfigError(
            f"import list {display_path(config)} is a directory, not a YAML file",
            hint="pass the import list itself, e.g. --imports imports.example.yaml",
        )
    if not config.is_file():
        kind = _kind(config)
        raise ConfigError(
            f"import list {display_path(config)} "
            + (f"is not a regular file: it is {kind}" if kind else "does not exist"),
            hint="pass --imports FILE, e.g. imports.example.yaml",
        )
    doc = read_yaml(config)
    top = Obj(doc, (), "an import list", ("imports",))
    specs: list[ImportSpec] = []
    seen: dict[str, Location] = {}
    for item in top.objs("imports", "an import", ("kind", "path", "id")):
        kind = item.req_string("kind")
        if kind not in kinds:
            raise ConfigError(
                f"unknown import kind '{kind}'",
                where=item.loc("kind"),
                hint=choices_hint(kind, kinds),
            )
        path = config.parent / item.req_string("path")
        if path.is_dir() and kind not in folders:
            raise ConfigError(
                f"dataset file {display_path(path)} is a directory, not a CSV file",
                where=item.loc("path"),
                hint="name the dataset's CSV file inside it",
            )
        if not (path.is_file() or (kind in folders and path.is_dir())):
            other = _kind(path)  # a FIFO or /dev/null is there, but holds no dataset
            raise ConfigError(
                f"dataset file {display_path(path)} "
                + (f"is not a regular file: it is {other}" if other else "does not exist"),
                where=item.loc("path"),
                hint=HINT
                if other
                else "paths are relative to the import list; remove the entry or fetch the data",
            )
        source_id = item.slug("id", required=False) or kinds[kind]
        if source_id in seen:
            raise ConfigError(
                f"duplicate import id '{source_id}'",
                where=item.loc("id") if item.has("id") else item.loc(),
                hint=f"first used at {seen[source_id]}",
            )
        seen[source_id] = item.loc()
        specs.append(ImportSpec(kind, path, source_id, item.loc()))
    return specs


def _kind(path: Path) -> str | None:
    """What is at ``path`` when it is there but is no regular file; None when nothing is."""
    try:
        return not_regular(path)
    except OSError:
        return None
