"""Byte-stable dumps of a whole store that stay fast and small at millions of triples.

pyoxigraph writes what it is given in the order it is given, and its in-memory store iterates
in insertion order, so outputs must be sorted first. Instead of building a Python object and
string keys per triple, each graph is dumped by pyoxigraph as canonical N-Triples and the
*lines* are sorted as bytes (one C-level sort). A sorted N-Triples line order groups all triples
of a subject together (the lines sharing the prefix ``<subject> `` form one block), so the
Turtle, TriG and JSON-LD writers, which re-read the sorted N-Triples/N-Quads as a stream,
still get compact subject blocks. Blank nodes keep the labels the store holds (kg labels them
canonically when it parses the ontology), so the bytes only depend on the set of quads.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from kg import vocab as V

NT, NQ = ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS
_CHUNK = 65536


@dataclass
class SortedDump:
    """Each graph's sorted triples and the sorted, de-duplicated union of all graphs.

    A triple is held as its canonical N-Triples line without the final `` .`` (bytes), so
    writing N-Triples or N-Quads is one ``bytes.join`` per file.
    """

    graphs: list[tuple[str, list[bytes]]] = field(default_factory=list)
    union: list[bytes] = field(default_factory=list)


def graph_names(store: ox.Store) -> list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]:
    """The default graph, then every named graph by IRI."""
    named = sorted(store.named_graphs(), key=lambda g: str(g))
    return [ox.DefaultGraph(), *named]


def sorted_dump(store: ox.Store) -> SortedDump:
    """Dump every graph as N-Triples and sort the lines as bytes."""
    out = SortedDump()
    for g in graph_names(store):
        data = store.dump(format=NT, from_graph=g)
        if not data:
            continue
        # Raw newlines only end lines in N-Triples (they are escaped inside literals).
        lines = data[:-3].split(b" .\n")
        del data
        lines.sort()  # a graph is a set: no duplicates within it
        out.graphs.append(("" if isinstance(g, ox.DefaultGraph) else str(g), lines))
    merged = [line for _, lines in out.graphs for line in lines]
    merged.sort()  # Timsort merges the already sorted runs
    if len(out.graphs) > 1 and merged:  # the same triple may sit in several graphs
        merged = [a for a, b in itertools.pairwise(merged) if a != b] + merged[-1:]
    out.union = merged
    return out


def _join(lines: list[bytes], end: bytes) -> bytes:
    return end.join(lines) + end if lines else b""


def write_ntriples(dump: SortedDump, stream: IO[bytes]) -> None:
    """The union of all graphs as sorted N-Triples."""
    for start in range(0, len(dump.union), _CHUNK):
        stream.write(_join(dump.union[start : start + _CHUNK], b" .\n"))


def write_nquads(dump: SortedDump, stream: IO[bytes]) -> None:
    """Every quad, graph by graph (default graph first, then by IRI), each graph sorted."""
    for graph, lines in dump.graphs:
        end = f" {graph} .\n".encode() if graph else b" .\n"
        for start in range(0, len(lines), _CHUNK):
            stream.write(_join(lines[start : start + _CHUNK], end))


def restream(source: Path, fmt: ox.RdfFormat, stream: IO[bytes], target: ox.RdfFormat) -> None:
    """Re-serialize a sorted N-Triples/N-Quads file as Turtle/TriG with kg's prefixes."""
    items = ox.parse(path=source, format=fmt, lenient=True)
    ox.serialize(items, stream, format=target, prefixes=V.PREFIXES)


class Shortener:
    """``vocab.shorten`` with a fast path: one dict lookup on the IRI's namespace part."""

    def __init__(self) -> None:
        self.namespaces = {ns: prefix for prefix, ns in V.PREFIXES.items()}
        self.fast = all(ns[-1] in "/#" for ns in self.namespaces)
        self.memo: dict[str, str] = {}

    def __call__(self, iri: str) -> str:
        if self.fast:
            cut = max(iri.rfind("/"), iri.rfind("#")) + 1
            prefix = self.namespaces.get(iri[:cut])
            if prefix is not None:
                return f"{prefix}:{iri[cut:]}"
        return V.shorten(iri)

    def common(self, iri: str) -> str:
        """Shorten a frequently repeated IRI (predicates, classes, datatypes), memoized."""
        short = self.memo.get(iri)
        if short is None:
            short = self.memo[iri] = self(iri)
        return short


_ENC = json.JSONEncoder(ensure_ascii=False)
_I3, _I4, _I5 = "\n   ", "\n    ", "\n     "


def write_jsonld(triples: Iterable[ox.Triple], stream: IO[bytes], context: dict[str, Any]) -> None:
    """JSON-LD with an embedded @context, one node object per subject, written as a stream.

    ``triples`` must come grouped by subject (as from sorted N-Triples). The bytes are those
    of ``json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False)`` for the same nodes in
    the same order, rendered by hand because the indenting encoder is pure Python and slow.
    """
    ctx = json.dumps(context, ensure_ascii=False, indent=1, sort_keys=True)
    stream.write(('{\n "@context": ' + ctx.replace("\n", "\n ") + ',\n "@graph": [').encode())
    sep, batch = "\n  ", []
    for node in _nodes(triples):
        batch.append(sep + node)
        sep = ",\n  "
        if len(batch) >= 4096:
            stream.write("".join(batch).encode())
            batch.clear()
    stream.write("".join(batch).encode())
    stream.write(b"\n ]\n}\n" if sep != "\n  " else b"]\n}\n")


def _nodes(triples: Iterable[ox.Triple]) -> Iterator[str]:
    """Each subject's node object as indented JSON text."""
    short, enc = Shortener(), _ENC.encode
    rdf_type, xsd_string = V.RDF + "type", V.XSD + "string"
    current: object = None
    node_id = ""
    types: list[str] = []
    props: dict[str, list[str]] = {}
    for t in triples:
        s, p, o = t.subject, t.predicate, t.object
        if s != current:
            if current is not None:
                yield _render(node_id, types, props)
            current, node_id, types, props = s, enc(_node_id(s, short)), [], {}
        if p.value == rdf_type and isinstance(o, ox.NamedNode):
            name = enc(short.common(o.value))
            if name not in types:
                types.append(name)
            continue
        if isinstance(o, ox.Literal):
            if o.language:
                value = f'{{{_I5}"@language": {enc(o.language)},{_I5}"@value": {enc(o.value)}'
            elif o.datatype.value == xsd_string:
                value = f'{{{_I5}"@value": {enc(o.value)}'
            else:
                dt = enc(short.common(o.datatype.value))
                value = f'{{{_I5}"@type": {dt},{_I5}"@value": {enc(o.value)}'
        else:
            value = f'{{{_I5}"@id": {enc(_node_id(o, short))}'
        values = props.setdefault(short.common(p.value), [])
        if value not in values:
            values.append(value)
    if current is not None:
        yield _render(node_id, types, props)


def _render(node_id: str, types: list[str], props: dict[str, list[str]]) -> str:
    parts = [f'{{{_I3}"@id": {node_id}']
    if types:
        parts.append(f'{_I3}"@type": [{_I4}' + f",{_I4}".join(types) + f"{_I3}]")
    for key in sorted(props):
        values = f",{_I4}".join(v + f"{_I4}}}" for v in props[key])
        parts.append(f"{_I3}{_ENC.encode(key)}: [{_I4}{values}{_I3}]")
    return ",".join(parts) + "\n  }"


def _node_id(term: Any, short: Shortener) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode):
        return short(term.value)
    raise TypeError(f"cannot write {term!r} as a JSON-LD node id")


def write_all(store: ox.Store, out_dir: Path, context: dict[str, Any]) -> int:
    """Write graph.nt, graph.nq, graph.ttl, graph.trig and graph.jsonld; return the triples."""
    dump = sorted_dump(store)
    with (out_dir / "graph.nt").open("wb") as stream:
        write_ntriples(dump, stream)
    with (out_dir / "graph.nq").open("wb") as stream:
        write_nquads(dump, stream)
    count = len(dump.union)
    del dump
    with (out_dir / "graph.ttl").open("wb") as stream:
        restream(out_dir / "graph.nt", NT, stream, ox.RdfFormat.TURTLE)
    with (out_dir / "graph.trig").open("wb") as stream:
        restream(out_dir / "graph.nq", NQ, stream, ox.RdfFormat.TRIG)
    with (out_dir / "graph.jsonld").open("wb") as stream:
        write_jsonld(ox.parse(path=out_dir / "graph.nt", format=NT, lenient=True), stream, context)
    return count
