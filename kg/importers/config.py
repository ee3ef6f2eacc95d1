"""The build's import list: a YAML file of ``{kind, path, id}`` entries that ``kg build`` repeats.

Example (paths are relative to the file itself)::

    imports:
      - kind: glotip
        path: ../shared/data/unodc_glotip_2023/data_glotip.csv
        id: unodc-glotip-2023      # optional; each kind has a default
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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


def _own(_kind: str, source_id: str) -> Mapping[str, str]:
    return {source_id: ""}


def read_imports(
    config: Path,
    kinds: dict[str, str],
    folders: frozenset[str] = frozenset(),
    *,
    minted: Callable[[str, str], Mapping[str, str]] = _own,
    taken: Mapping[str, Location] | None = None,
) -> list[ImportSpec]:
    """Read and check an import list; ``kinds`` maps each kind to its default source id, and
    the kinds in ``folders`` may name a folder instead of a file. ``minted(kind, id)`` gives
    every source id an import mints (→ what it names, '' for its own), none of which may be
    minted by another import or be the id of a YAML source in ``taken`` (id → where).

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
    seen: dict[str, _Owner] = {}
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
        where = item.loc("id") if item.has("id") else item.loc()
        ids = minted(kind, source_id)
        _check_ids(source_id, ids, where, seen, taken or {})
        seen.update({sid: _Owner(item.loc(), kind, source_id, what) for sid, what in ids.items()})
        specs.append(ImportSpec(kind, path, source_id, item.loc()))
    return specs


@dataclass(frozen=True)
class _Owner:
    """The import that minted an id: where its entry is, its kind and id, what the id names."""

    where: Location
    kind: str
    id: str
    what: str  # '' for the import's own id

    def __str__(self) -> str:
        own = f"the {self.kind} import '{self.id}' ({self.where})"
        return f"the {self.what} of {own}" if self.what else own


def _check_ids(
    source_id: str,
    ids: Mapping[str, str],
    where: Location,
    seen: Mapping[str, _Owner],
    taken: Mapping[str, Location],
) -> None:
    """Fail when an id an import mints is another import's or a YAML source's."""
    for sid, what in ids.items():
        owner = seen.get(sid)
        if owner is not None and sid == source_id == owner.id:
            raise ConfigError(
                f"duplicate import id '{source_id}'",
                where=where,
                hint=f"first used at {owner.where}",
            )
        holder = (
            str(owner)
            if owner
            else f"the YAML source '{sid}' ({taken[sid]})"
            if sid in taken
            else None
        )
        if holder is None:
            continue
        mine = "is" if not what else f"gives its {what} the id '{sid}',"
        raise ConfigError(
            f"import id '{source_id}' {mine} already the id of {holder}",
            where=where,
            hint="choose another id: an import's SourceDocument tkd:source-ID and graph "
            "tkg:source-ID are its own",
        )


def _kind(path: Path) -> str | None:
    """What is at ``path`` when it is there but is no regular file; None when nothing is."""
    try:
        return not_regular(path)
    except OSError:
        return None
