"""Stage 1: find and read the YAML sources strictly, keeping where every value came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kg.core.errors import Location, SourceError, display_path

try:  # libyaml is ~10x faster; both are safe loaders
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

#: A path into a YAML document: mapping keys and sequence indexes.
KeyPath = tuple[str | int, ...]

#: Largest YAML file accepted; larger inputs belong in an importer.
MAX_BYTES = 8 * 1024 * 1024


@dataclass
class SourceDoc:
    """One parsed YAML file with a side table of value and key positions."""

    path: Path
    name: str
    data: Any
    positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)

    def loc(self, path: KeyPath = (), *, key: bool = False) -> Location:
        """Return the location of the value (or, with ``key``, the key) at ``path``."""
        table = self.key_positions if key else self.positions
        probe = path
        while True:
            if probe in table:
                line, col = table[probe]
                return Location(self.name, line, col)
            if probe in self.positions:
                line, col = self.positions[probe]
                return Location(self.name, line, col)
            if not probe:
                return Location(self.name, 1, 1)
            probe = probe[:-1]


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


def load_sources(data_dir: Path) -> list[SourceDoc]:
    """Read every YAML file below ``data_dir``."""
    return [read_yaml(p) for p in find_sources(data_dir)]


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def read_yaml(path: Path, text: str | None = None) -> SourceDoc:
    """Parse one YAML file with a safe loader; reject duplicate keys, anchors and aliases.

    Raises:
        SourceError: with ``path:line:col`` for any syntax or structure problem.
    """
    name = display_path(path)
    if text is None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise SourceError(f"cannot read file: {exc.strerror}", where=Location(name)) from exc
        if len(raw) > MAX_BYTES:
            raise SourceError(
                f"file is {len(raw)} bytes, over the {MAX_BYTES} byte limit for YAML sources",
                where=Location(name),
                hint="bulk data belongs in an importer (kg import)",
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            before = raw[: exc.start]
            line = before.count(b"\n") + 1
            col = exc.start - (before.rfind(b"\n") + 1) + 1
            raise SourceError(
                f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                where=Location(name, line, col),
                hint="save the file as UTF-8",
            ) from exc
    try:
        _reject_anchors(text, name)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(exc, name) from exc
    except yaml.YAMLError as exc:  # pragma: no cover - every parser error is marked
        raise SourceError(str(exc), where=Location(name)) from exc
    doc = SourceDoc(path=path, name=name, data=None)
    if node is None:
        raise SourceError("file is empty", where=Location(name, 1, 1), hint="see data/README.md")
    constructor = _Loader("")
    doc.data = _convert(node, (), doc, constructor)
    return doc


def _reject_anchors(text: str, name: str) -> None:
    """Refuse anchors and aliases: they make alias bombs possible and hide where values live."""
    for event in yaml.parse(text, Loader=_Loader):
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            mark = event.start_mark
            line, col = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
            kind = "alias" if isinstance(event, yaml.AliasEvent) else "anchor"
            raise SourceError(
                f"YAML {kind} '{anchor}' is not allowed",
                where=Location(name, line, col),
                hint="write the value out in full; anchors and aliases are rejected",
            )


def _yaml_error(exc: yaml.MarkedYAMLError, name: str) -> SourceError:
    mark = exc.problem_mark or exc.context_mark
    line, col = (0, 0)
    if mark is not None:
        line, col = mark.line + 1, mark.column + 1
    problem = exc.problem or exc.context or "invalid YAML"
    if exc.context and exc.problem:
        problem = f"{exc.problem} {exc.context}".strip()
    return SourceError(
        f"invalid YAML: {problem}", where=Location(name, line, col), hint="check the indentation"
    )


def _convert(node: yaml.Node, path: KeyPath, doc: SourceDoc, loader: yaml.SafeLoader) -> Any:
    doc.positions[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise SourceError(
                    "mapping keys must be plain strings",
                    where=Location(doc.name, *_mark(key_node)),
                )
            key = str(key_node.value)
            if key == "<<":
                raise SourceError(
                    "merge keys ('<<') are not allowed",
                    where=Location(doc.name, *_mark(key_node)),
                    hint="write the keys out in full",
                )
            if key in out:
                first = doc.key_positions[(*path, key)]
                raise SourceError(
                    f"duplicate key '{key}'",
                    where=Location(doc.name, *_mark(key_node)),
                    hint=f"first defined at line {first[0]}",
                )
            doc.key_positions[(*path, key)] = _mark(key_node)
            out[key] = _convert(value_node, (*path, key), doc, loader)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*path, i), doc, loader) for i, item in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as exc:
        raise SourceError(
            f"unsupported YAML value: {exc.problem}",
            where=Location(doc.name, *_mark(node)),
            hint="only plain strings, numbers, booleans, dates and null are allowed",
        ) from exc
