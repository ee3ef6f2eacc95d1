"""graph.jsonld written straight from sorted N-Triples lines, as bytes, without RDF objects.

The layout is that of ``json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False)`` for
``{"@context": ..., "@graph": [node, ...]}`` with one node object per subject (in the order
of the sorted N-Triples, which groups each subject's lines), compact IRIs for kg's prefixes,
``@type`` for ``rdf:type`` and value objects for literals. It is rendered by hand: the indenting
JSON encoder is pure Python, and building rdflib or pyoxigraph terms per triple costs more than
splitting the canonical N-Triples line, whose escapes (``\\"`` ``\\\\`` ``\\n`` ...) are JSON's.
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
    text = _ESCAPE.sub(_unescape, lexical.decode())
    return json.dumps(text, ensure_ascii=False).encode()


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


def _render(node_id: bytes, types: list[bytes], props: dict[bytes, list[bytes]]) -> bytes:
    parts = [b"{" + I3 + b'"@id": ' + node_id]
    if types:
        parts.append(I3 + b'"@type": [' + I4 + (b"," + I4).join(types) + I3 + b"]")
    named = sorted((_SHORT.common(p[1:-1]), v) for p, v in props.items())
    for key, values in named:
        body = (b"," + I4).join(v + I4 + b"}" for v in values)
        parts.append(I3 + b'"' + key + b'": [' + I4 + body + I3 + b"]")
    return b",".join(parts) + b"\n  }"


_SHORT = _Shortener()


def _nodes(lines: Iterable[bytes]) -> Iterator[bytes]:
    """Each subject's node object, from N-Triples lines sorted (grouped) by subject."""
    short = _Shortener()
    ids: dict[bytes, bytes] = {}  # rendered {"@id": ...} objects of repeated IRIs
    current, node_id = b"", b""
    types: list[bytes] = []
    props: dict[bytes, list[bytes]] = {}
    id_head = b"{" + I5 + b'"@id": "'
    for raw in lines:
        line = raw[:-3] if raw.endswith(b" .\n") else raw.rstrip(b"\n").removesuffix(b" .")
        if not line:
            continue
        subject, predicate, obj = line.split(b" ", 2)
        if subject != current:
            if current:
                yield _render(node_id, types, props)
            current, node_id, types, props = subject, _node_id(subject, short), [], {}
        if obj[:1] == b"<":
            value = ids.get(obj)
            if value is None:
                if len(ids) > 65536:
                    ids.clear()
                value = ids[obj] = id_head + short(obj[1:-1]) + b'"'
            if predicate == RDF_TYPE:
                name = value[len(id_head) - 1 :]
                if name not in types:
                    types.append(name)
                continue
        else:
            value = _value(obj, short)
        values = props.get(predicate)
        if values is None:
            values = props[predicate] = []
        if value not in values:
            values.append(value)
    if current:
        yield _render(node_id, types, props)


def header(context: dict[str, Any]) -> bytes:
    """Everything before the first node object."""
    ctx = json.dumps(context, ensure_ascii=False, indent=1, sort_keys=True)
    return ('{\n "@context": ' + ctx.replace("\n", "\n ") + ',\n "@graph": [').encode()


def footer(any_nodes: bool) -> bytes:
    """Everything after the last node object."""
    return b"\n ]\n}\n" if any_nodes else b"]\n}\n"


def write_nodes(lines: Iterable[bytes], stream: IO[bytes]) -> bool:
    """Write the node objects of ``lines`` (``\\n  node``, comma-separated); True if any.

    Two runs over consecutive subject blocks join with a comma in between.
    """
    sep, batch, first = b"\n  ", [], True
    for node in _nodes(lines):
        batch.append(sep + node)
        sep, first = b",\n  ", False
        if len(batch) >= 4096:
            stream.write(b"".join(batch))
            batch.clear()
    stream.write(b"".join(batch))
    return not first


def write_jsonld_lines(lines: Iterable[bytes], stream: IO[bytes], context: dict[str, Any]) -> None:
    """Write graph.jsonld from sorted N-Triples lines (each ``s p o .``, newline optional)."""
    stream.write(header(context))
    stream.write(footer(write_nodes(lines, stream)))
