"""Stage 1: find and read the YAML sources strictly, keeping where every value came from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kg.core.errors import Location, SourceError, display_path
from kg.source.files import MAX_BYTES as MAX_BYTES
from kg.source.files import find_sources as find_sources
from kg.source.files import read_source_bytes, source_key
from kg.source.files import shipped_reference as shipped_reference
from kg.source.yamlerrors import char_name, yaml_error

try:  # libyaml is ~10x faster; both are safe loaders
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

#: A path into a YAML document: mapping keys and sequence indexes.
KeyPath = tuple[str | int, ...]

#: Most nodes (scalars, mappings, lists) in one YAML file: a file of a few bytes per node
#: (``[a,a,a,…]``) would otherwise take gigabytes of memory to compose within MAX_BYTES.
MAX_NODES = 250_000
#: Deepest nesting of mappings and lists accepted (kg's own formats use fewer than ten).
MAX_DEPTH = 64


@dataclass
class SourceDoc:
    """One parsed YAML file with a side table of value and key positions."""

    path: Path
    name: str
    data: Any
    positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    #: The file's name for the graph (``kg.source.files.source_key``); ``name`` when unset.
    key: str = ""

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


def load_sources(data_dir: Path) -> list[SourceDoc]:
    """Read every YAML file below ``data_dir``."""
    docs = [read_yaml(p) for p in find_sources(data_dir)]
    for doc in docs:
        doc.key = source_key(data_dir, doc.path)
    return docs


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def read_yaml(path: Path, text: str | None = None) -> SourceDoc:
    """Parse one YAML file with a safe loader; reject duplicate keys, anchors and aliases.

    Raises:
        SourceError: with ``path:line:col`` for any syntax or structure problem.
    """
    name = display_path(path)
    if text is None:
        raw = read_source_bytes(path)
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
        _check_events(text, name)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        if "nesting depth" in str(getattr(exc, "problem", "")):
            # libyaml's own limit, met while it reads ahead: find the first node too deep
            # with the pure-Python parser, which has none, so the line is the same everywhere.
            _check_events(text, name, loader=yaml.SafeLoader)
        raise yaml_error(exc, text, name) from exc
    doc = SourceDoc(path=path, name=name, data=None)
    if node is None:
        raise SourceError("file is empty", where=Location(name, 1, 1), hint="see data/README.md")
    constructor = _Loader("")
    doc.data = _convert(node, (), doc, constructor)
    return doc


_NODE_EVENTS = (yaml.ScalarEvent, yaml.AliasEvent, yaml.CollectionStartEvent)


def _at(name: str, event: yaml.Event) -> Location:
    """Where ``event`` starts in the file ``name``."""
    mark = event.start_mark
    return Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)


def _check_events(text: str, name: str, loader: type[yaml.SafeLoader] = _Loader) -> None:
    """Refuse anchors, aliases and tags: anchors make alias bombs possible and hide where
    values live; a tag (``!!python/tuple``, ``!!binary``, ``!mine``, even ``!!str``) asks for a
    type that kg data never has. Nesting deeper than MAX_DEPTH is refused here too, at the
    first node too deep, before libyaml's own limit (1000 levels, in some builds only) is met."""
    open_nodes: list[list[int]] = []  # per open collection: [is mapping, children so far]
    nodes = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, _NODE_EVENTS):
            nodes += 1
            if nodes > MAX_NODES:
                raise SourceError(
                    f"the file holds more than {MAX_NODES:,} values",
                    where=_at(name, event),
                    hint="split it into several files; bulk data belongs in an importer",
                )
            parent = open_nodes[-1] if open_nodes else None
            is_key = parent is not None and parent[0] == 1 and parent[1] % 2 == 0
            if parent is not None:
                parent[1] += 1
            if len(open_nodes) > MAX_DEPTH and not is_key:
                raise SourceError(
                    f"the data is nested more than {MAX_DEPTH} levels deep",
                    where=_at(name, event),
                    hint="kg data files are a few levels deep; see data/README.md",
                )
            if isinstance(event, yaml.CollectionStartEvent):
                open_nodes.append([int(isinstance(event, yaml.MappingStartEvent)), 0])
        elif isinstance(event, yaml.CollectionEndEvent):
            open_nodes.pop()
        anchor = getattr(event, "anchor", None)
        tag = getattr(event, "tag", None)
        if anchor is None and tag is None:
            continue
        where = _at(name, event)
        if anchor is not None:
            kind = "alias" if isinstance(event, yaml.AliasEvent) else "anchor"
            raise SourceError(
                f"YAML {kind} '{anchor}' is not allowed",
                where=where,
                hint="write the value out in full; anchors and aliases are rejected",
            )
        raise SourceError(
            f"YAML tag '{_short_tag(str(tag))}' is not allowed",
            where=where,
            hint="write a plain value, quoting text; tags are rejected",
        )


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml") else tag


def _convert(node: yaml.Node, path: KeyPath, doc: SourceDoc, loader: yaml.SafeLoader) -> Any:
    if len(path) > MAX_DEPTH:
        raise SourceError(
            f"the data is nested more than {MAX_DEPTH} levels deep",
            where=Location(doc.name, *_mark(node)),
            hint="kg data files are a few levels deep; see data/README.md",
        )
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
            check_text(key, Location(doc.name, *_mark(key_node)))
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
    return _scalar(node, Location(doc.name, *_mark(node)), loader)


_INT = "tag:yaml.org,2002:int"
#: Characters a YAML number may have (a count of people has at most 10 digits).
MAX_NUMBER = 40
_FLOAT = "tag:yaml.org,2002:float"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_PLAIN_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
#: C0 and C1 controls except tab and line breaks, DEL, and the invisible bidi controls that can
#: make text display as something else (marks, embeddings, overrides, isolates).
_BAD_CHAR = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def check_text(text: str, where: Location) -> None:
    """Refuse control characters and invisible bidirectional controls in any text or id.

    Raises:
        SourceError: naming the character by its code point and Unicode name.
    """
    bad = _BAD_CHAR.search(text)
    if bad is None:
        return
    char = bad.group()
    name = char_name(char)
    if 0x200E <= ord(char) <= 0x2069 or ord(char) == 0x61C:
        raise SourceError(
            f"text contains the invisible bidirectional control U+{ord(char):04X} ({name}), "
            "which can make it display as something else",
            where=where,
            hint="remove it",
        )
    raise SourceError(
        f"text contains the control character U+{ord(char):04X} ({name})",
        where=where,
        hint="remove it; only tabs and line breaks may appear in text",
    )


def _scalar(node: yaml.Node, where: Location, loader: yaml.SafeLoader) -> Any:
    """Construct a scalar; refuse the YAML 1.1 number forms that read as another number
    (``010`` is 8, ``1:30`` is 90, ``1_000``, ``0x1F``, ``.nan``) and impossible dates."""
    raw = str(node.value)
    if node.tag in (_INT, _FLOAT) and len(raw) > MAX_NUMBER:
        raise SourceError(
            f"a number of {len(raw):,} characters is far too long",
            where=where,
            hint="numbers in kg data are counts and years; quote it if it is text",
        )
    try:
        value = loader.construct_object(node, deep=True)
    except (yaml.constructor.ConstructorError, ValueError, OverflowError) as exc:
        if node.tag == _TIMESTAMP:
            why = "its time zone is more than 24 hours off" if "offset" in str(exc) else exc
            raise SourceError(
                f"'{raw}' is not a valid date ({why})",
                where=where,
                hint="write dates as YYYY-MM-DD",
            ) from exc
        problem = getattr(exc, "problem", None) or str(exc)
        raise SourceError(
            f"unsupported YAML value: {problem}",
            where=where,
            hint="only plain strings, numbers, booleans, dates and null are allowed",
        ) from exc
    if (node.tag == _INT and not _PLAIN_INT.fullmatch(raw)) or (
        node.tag == _FLOAT and not _PLAIN_FLOAT.fullmatch(raw)
    ):
        raise SourceError(
            f"'{raw}' is not a plain decimal number (YAML would read it as {value!r})",
            where=where,
            hint="write digits only, without a leading zero, '_' or ':'; quote it if it is text",
        )
    if isinstance(value, str):
        check_text(value, where)
    return value
