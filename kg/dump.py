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
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from kg import vocab as V
from kg.errors import KGError
from kg.jsonld_stream import write_jsonld_lines

NT, NQ = ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS
TURTLE, TRIG = ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG
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


def parse_nt(path: Path) -> Iterator[ox.Triple]:
    """Stream the triples of an N-Triples file kg wrote (no IRI re-validation)."""
    return ox.parse(path=path, format=NT, lenient=True)


def restream(source: Path, fmt: ox.RdfFormat, stream: IO[bytes], target: ox.RdfFormat) -> None:
    """Re-serialize a sorted N-Triples/N-Quads file as Turtle/TriG with kg's prefixes."""
    items = ox.parse(path=source, format=fmt, lenient=True)
    ox.serialize(items, stream, format=target, prefixes=V.PREFIXES)


#: Below this many triples a helper process costs more than it saves.
PARALLEL_MIN = 200_000
_FORMATS = {"nt": NT, "nq": NQ, "turtle": TURTLE, "trig": TRIG}
_HELPER = "import sys; from kg.dump import restream_files; restream_files(sys.argv[1:])"


def restream_files(args: list[str]) -> None:
    """Re-serialize sorted files, given as groups of (source, format, target, format)."""
    for i in range(0, len(args), 4):
        source, fmt, target, target_fmt = args[i : i + 4]
        with Path(target).open("wb") as stream:
            restream(Path(source), _FORMATS[fmt], stream, _FORMATS[target_fmt])


def write_all(
    store: ox.Store, out_dir: Path, context: dict[str, Any], *, parallel_min: int = PARALLEL_MIN
) -> int:
    """Write graph.nt, graph.nq, graph.ttl, graph.trig and graph.jsonld; return the triples.

    Turtle and TriG are re-serialized from the sorted N-Triples/N-Quads files. Both that and
    JSON-LD hold the GIL, so for large graphs a helper process (a plain ``python -c``, which
    re-imports nothing of the caller) writes Turtle and TriG while this one writes JSON-LD.
    """
    dump = sorted_dump(store)
    with (out_dir / "graph.nt").open("wb") as stream:
        write_ntriples(dump, stream)
    with (out_dir / "graph.nq").open("wb") as stream:
        write_nquads(dump, stream)
    count = len(dump.union)
    del dump
    jobs = [str(out_dir / n) for n in ("graph.nt", "nt", "graph.ttl", "turtle")]
    jobs += [str(out_dir / n) for n in ("graph.nq", "nq", "graph.trig", "trig")]
    jobs[1::4], jobs[3::4] = ["nt", "nq"], ["turtle", "trig"]
    if count < parallel_min:
        restream_files(jobs)
        _jsonld(out_dir, context)
        return count
    package_root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (package_root, os.environ.get("PYTHONPATH", "")) if p
    )}  # fmt: skip
    helper = subprocess.Popen(
        [sys.executable, "-c", _HELPER, *jobs], env=env, stderr=subprocess.PIPE
    )
    try:
        _jsonld(out_dir, context)
    finally:
        _, err = helper.communicate()
    if helper.returncode != 0:
        lines = err.decode(errors="replace").strip().splitlines() or ["no output"]
        raise KGError(f"writing Turtle and TriG failed: {lines[-1]}")
    return count


def _jsonld(out_dir: Path, context: dict[str, Any]) -> None:
    with (out_dir / "graph.jsonld").open("wb") as stream, (out_dir / "graph.nt").open("rb") as nt:
        write_jsonld_lines(nt, stream, context)
