"""graph.jsonld written straight from sorted N-Triples lines, as bytes, without RDF objects.

The layout is that of ``json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False)`` for
``{"@context": ..., "@graph": [node, ...]}`` with one node object per subject (in the order
of the sorted N-Triples, which groups each subject's lines), compact IRIs for kg's prefixes,
``@type`` for ``rdf:type`` and value objects for literals. It is rendered by hand: the indenting
JSON encoder is pure Python, and building rdflib or pyoxigraph terms per triple costs more than
splitting the canonical N-Triples line, whose escapes (``\\"`` ``\\\\`` ``\\n`` ...) are JSON's.

Most of a big graph's lines repeat the same predicate and object under another subject
(``a tk:Estimate``, ``tk:statedIn <source>``, ``tk:year "2020"``), so each distinct line tail
is rendered once into its property key and JSON value object and looked up after that: per
line, the writer only splits off the subject and does one dictionary look-up.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import IO, Any

from kg.core import vocab as V

RDF_TYPE = f"<{V.RDF}type>".encode()
XSD_STRING = V.XSD.encode() + b"string"
I3, I4, I5 = b"\n   ", b"\n    ", b"\n     "
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_SIMPLE = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_encode_string = json.encoder.encode_basestring  # json.dumps(str, ensure_ascii=False), in C

#: The pieces around a node object's members (``json.dumps(indent=1)`` nested two deep).
_NODE_HEAD, _NODE_END = b"{" + I3 + b'"@id": ', b"\n  }"
_TYPES_HEAD, _TYPES_SEP, _TYPES_END = b"," + I3 + b'"@type": [' + I4, b"," + I4, I3 + b"]"
_VALUES_SEP, _VALUES_END = I4 + b"}," + I4, I4 + b"}" + I3 + b"]"
#: Beyond every predicate: lines of a subject came unsorted, so look each predicate up.
_UNSORTED: Key = (b"", b"", b"\xff")
#: How many distinct line tails are kept rendered (about 25 MB at most).
CACHE_LIMIT = 1 << 17

#: A property: its compact key, the bytes that open its array (``,\n   "key": [\n    ``) and
#: its predicate (``<iri>``).
Key = tuple[bytes, bytes, bytes]
#: A line tail rendered: ``(None, "type name")`` for ``rdf:type`` IRIs, else (key, value).
Entry = tuple[Key | None, bytes]


class _Shortener:
    """IRI bytes → compact IRI bytes (``tkd:country-prk``), like ``vocab.shorten``."""

    def __init__(self) -> None:
        self.namespaces = {ns.encode(): f"{p}:".encode() for p, ns in V.PREFIXES.items()}
        self.fast = all(ns[-1:] in (b"/", b"#") for ns in self.namespaces)
        self.memo: dict[bytes, bytes] = {}

    def __call__(self, iri: bytes) -> bytes:
        if self.fast:
            cut = max(iri.rfind(b"/"), iri.rfind(b"#")) + 1
            prefix = self.namespaces.get(iri[:cut])
            if prefix is not None:
                return prefix + iri[cut:]
        return V.shorten(iri.decode()).encode()

    def common(self, iri: bytes) -> bytes:
        """Memoized, for IRIs that repeat (predicates, classes, datatypes)."""
        short = self.memo.get(iri)
        if short is None:
            short = self.memo[iri] = self(iri)
        return short


def _unescape(match: re.Match[str]) -> str:
    code = match[1] or match[2]
    return chr(int(code, 16)) if code else _SIMPLE[match[3]]


def _json_string(lexical: bytes) -> bytes:
    """The JSON string of an N-Triples string body."""
    if b"\\" not in lexical:  # no escapes: N-Triples and JSON text are the same bytes
        return b'"' + lexical + b'"'
    return _encode_string(_ESCAPE.sub(_unescape, lexical.decode())).encode()


def _node_id(token: bytes, short: _Shortener) -> bytes:
    if token[:1] == b"<":
        return b'"' + short(token[1:-1]) + b'"'
    return b'"' + token + b'"'  # a blank node: _:label


def _value(obj: bytes, short: _Shortener) -> bytes:
    if obj[:1] != b'"':
        return b"{" + I5 + b'"@id": ' + _node_id(obj, short)
    end = obj.rindex(b'"')
    text, suffix = _json_string(obj[1:end]), obj[end + 1 :]
    if suffix[:1] == b"@":
        return b"{" + I5 + b'"@language": "' + suffix[1:] + b'",' + I5 + b'"@value": ' + text
    if not suffix or suffix == b"^^<" + XSD_STRING + b">":
        return b"{" + I5 + b'"@value": ' + text
    datatype = short.common(suffix[3:-1])
    return b"{" + I5 + b'"@type": "' + datatype + b'",' + I5 + b'"@value": ' + text


class _Tails:
    """Line tails (``<p> object``, with or without `` .\\n``) → rendered entries, memoized."""

    def __init__(self) -> None:
        self.short = _Shortener()
        self.keys: dict[bytes, Key] = {}
        self.memo: dict[bytes, Entry] = {}

    def render(self, tail: bytes) -> Entry | None:
        """Render a tail not in ``memo`` and remember it; None for a blank line."""
        line = tail[:-3] if tail.endswith(b" .\n") else tail.rstrip(b"\n").removesuffix(b" .")
        if not line:
            return None
        predicate, obj = line.split(b" ", 1)
        if predicate == RDF_TYPE and obj[:1] == b"<":
            entry: Entry = (None, _node_id(obj, self.short))
        else:
            key = self.keys.get(predicate)
            if key is None:
                name = self.short.common(predicate[1:-1])
                head = b"," + I3 + b'"' + name + b'": [' + I4
                key = self.keys[predicate] = (name, head, predicate)
            entry = (key, _value(obj, self.short))
        if len(self.memo) >= CACHE_LIMIT:
            self.memo.clear()
        self.memo[tail] = entry
        return entry


def _unique(items: list[bytes]) -> list[bytes]:
    """``items`` without repeats, first occurrences kept in order."""
    if len(items) < 2 or len(set(items)) == len(items):
        return items
    return list(dict.fromkeys(items))


def _render(
    out: list[bytes], node_id: bytes, types: list[bytes], groups: list[Any], many: bool
) -> None:
    """Append the pieces of one node object; ``groups`` holds ``[name, values, head, key]``.

    ``many``: some property has several values (which may repeat once rendered).
    """
    out += (_NODE_HEAD, node_id)
    if types:
        out += (_TYPES_HEAD, _TYPES_SEP.join(_unique(types) if len(types) > 1 else types))
        out.append(_TYPES_END)
    if many:
        for group in groups:
            group[1] = _unique(group[1])
    if len(groups) > 1:
        groups.sort()  # by compact key (members sorted as sort_keys=True does)
    for _, values, head, _ in groups:
        out += (head, _VALUES_SEP.join(values), _VALUES_END)
    out.append(_NODE_END)


def _pieces(lines: Iterable[bytes], batch: int = 1 << 14) -> Iterator[list[bytes]]:
    """Batches of output pieces: node objects, each preceded by ``\\n  `` or ``,\\n  ``."""
    tails = _Tails()
    out: list[bytes] = []
    current, node_id = b"", b""
    types: list[bytes] = []
    groups: list[Any] = []
    values: list[bytes] = []
    last: Key | None = None
    sep = b"\n  "
    memo, render, short, many = tails.memo, tails.render, tails.short, False
    for raw in lines:
        subject, _, tail = raw.partition(b" ")
        entry = memo.get(tail)
        if entry is None:
            entry = render(tail)
            if entry is None:
                continue
        if subject != current:
            if current:
                out.append(sep)
                _render(out, node_id, types, groups, many)
                sep = b",\n  "
                if len(out) >= batch:
                    yield out
                    out = []
            current, types, groups, last, many = subject, [], [], None, False
            node_id = _node_id(subject, short)
        key, value = entry
        if key is None:
            types.append(value)
        elif key is last:
            values.append(value)
            many = True
        elif last is None or key[2] > last[2]:  # the next predicate (lines sorted)
            last, values = key, [value]
            groups.append([key[0], values, key[1], key])
        else:  # unsorted lines: the predicate may have come before (slow path to the end)
            last, many = _UNSORTED, True
            values = next((group[1] for group in groups if group[3] is key), [])
            if not values:
                groups.append([key[0], values, key[1], key])
            values.append(value)
    if current:
        out.append(sep)
        _render(out, node_id, types, groups, many)
    yield out


def header(context: dict[str, Any]) -> bytes:
    """Everything before the first node object."""
    ctx = json.dumps(context, ensure_ascii=False, indent=1, sort_keys=True)
    return ('{\n "@context": ' + ctx.replace("\n", "\n ") + ',\n "@graph": [').encode()


def footer(any_nodes: bool) -> bytes:
    """Everything after the last node object."""
    return b"\n ]\n}\n" if any_nodes else b"]\n}\n"


def write_nodes(lines: Iterable[bytes], stream: IO[bytes]) -> bool:
    """Write the node objects of ``lines`` (``\\n  node``, comma-separated); True if any.

    ``lines`` are sorted N-Triples lines, each ``s p o`` with or without `` .\\n``.
    """
    any_nodes = False
    for pieces in _pieces(lines):
        any_nodes = any_nodes or bool(pieces)
        stream.write(b"".join(pieces))
    return any_nodes


def write_jsonld_lines(lines: Iterable[bytes], stream: IO[bytes], context: dict[str, Any]) -> None:
    """Write graph.jsonld from sorted N-Triples lines (each ``s p o .``, newline optional)."""
    stream.write(header(context))
    stream.write(footer(write_nodes(lines, stream)))
