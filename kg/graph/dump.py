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
import operator
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from kg.core import vocab as V
from kg.core.errors import KGError
from kg.graph.jsonld_stream import write_jsonld_lines

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
        # Keep each line that differs from the next one (and the last), all in C.
        keep = map(operator.ne, merged, itertools.islice(merged, 1, None))
        merged = [*itertools.compress(merged, keep), merged[-1]]
    out.union = merged
    return out


def _write_lines(lines: list[bytes], end: bytes, stream: IO[bytes]) -> None:
    for start in range(0, len(lines), _CHUNK):
        stream.write(end.join(lines[start : start + _CHUNK]))
        stream.write(end)


def write_ntriples(dump: SortedDump, stream: IO[bytes]) -> None:
    """The union of all graphs as sorted N-Triples."""
    _write_lines(dump.union, b" .\n", stream)


def write_nquads(dump: SortedDump, stream: IO[bytes]) -> None:
    """Every quad, graph by graph (default graph first, then by IRI), each graph sorted."""
    for graph, lines in dump.graphs:
        _write_lines(lines, f" {graph} .\n".encode() if graph else b" .\n", stream)


def parse_nt(path: Path) -> Iterator[ox.Triple]:
    """Stream the triples of an N-Triples file kg wrote (no IRI re-validation)."""
    return ox.parse(path=path, format=NT, lenient=True)


def restream(source: Path, fmt: ox.RdfFormat, stream: IO[bytes], target: ox.RdfFormat) -> None:
    """Re-serialize a sorted N-Triples/N-Quads file as Turtle/TriG with kg's prefixes."""
    items = ox.parse(path=source, format=fmt, lenient=True)
    ox.serialize(items, stream, format=target, prefixes=V.PREFIXES)


#: Below this many triples helper processes cost more than they save.
PARALLEL_MIN = 200_000
_FORMATS = {"nt": NT, "nq": NQ, "turtle": TURTLE, "trig": TRIG}
_HELPER = "import sys; from kg.graph.dump import run_jobs; run_jobs(sys.argv[1:])"


def run_jobs(args: list[str]) -> None:
    """Run writer jobs given as words (a helper process's command line):

    ``restream SOURCE FORMAT TARGET FORMAT`` re-serializes a sorted file.
    """
    words = iter(args)
    for job in words:
        if job != "restream":
            raise ValueError(f"unknown writer job {job!r}")
        source, fmt, target, target_fmt = (next(words) for _ in range(4))
        with Path(target).open("wb") as stream:
            restream(Path(source), _FORMATS[fmt], stream, _FORMATS[target_fmt])


def _helper(words: list[str]) -> subprocess.Popen[bytes]:
    """Start ``python -c`` running ``run_jobs`` (it imports only kg, never the caller)."""
    root = str(Path(__file__).resolve().parents[2])
    path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONPATH": path}
    return subprocess.Popen(
        [sys.executable, "-c", _HELPER, *words], env=env, stderr=subprocess.PIPE
    )


def _wait(helper: subprocess.Popen[bytes], what: str) -> None:
    if helper.returncode is not None:  # already waited for
        return
    _, err = helper.communicate()
    if helper.returncode != 0:
        lines = err.decode(errors="replace").strip().splitlines() or ["no output"]
        raise KGError(f"writing {what} failed: {lines[-1]}")


@dataclass(frozen=True)
class Written:
    """What ``write_graphs`` wrote: the triples of the union of all graphs, and the triples
    of each named graph by IRI (as ``kg.pipeline.graph_counts`` counts them, for free)."""

    triples: int
    graphs: dict[str, int]


def write_all(
    store: ox.Store, out_dir: Path, context: dict[str, Any], *, parallel_min: int = PARALLEL_MIN
) -> int:
    """``write_graphs``; the triples of the union of all graphs."""
    return write_graphs(store, out_dir, context, parallel_min=parallel_min).triples


def write_graphs(
    store: ox.Store, out_dir: Path, context: dict[str, Any], *, parallel_min: int = PARALLEL_MIN
) -> Written:
    """Write graph.nt, graph.nq, graph.ttl, graph.trig and graph.jsonld.

    Turtle and TriG are re-serialized by pyoxigraph from the sorted N-Triples/N-Quads files,
    JSON-LD is rendered from the sorted N-Triples file too. For large graphs the Turtle and the
    TriG each run in a helper process, started as soon as its source file is written, while
    this process writes N-Quads and JSON-LD.
    """
    dump = sorted_dump(store)
    nt, nq = out_dir / "graph.nt", out_dir / "graph.nq"
    jobs = [
        ["restream", str(nt), "nt", str(out_dir / "graph.ttl"), "turtle"],
        ["restream", str(nq), "nq", str(out_dir / "graph.trig"), "trig"],
    ]
    count = len(dump.union)
    graphs = {g[1:-1]: len(lines) for g, lines in dump.graphs if g.startswith("<")}
    parallel = count >= parallel_min
    helpers: list[tuple[subprocess.Popen[bytes], str]] = []
    try:
        with nt.open("wb") as stream:
            write_ntriples(dump, stream)
        if parallel:
            helpers.append((_helper(jobs[0]), "Turtle"))
        with nq.open("wb") as stream:
            write_nquads(dump, stream)
        del dump  # read back, lines are contiguous in memory and freed as they go: faster
        if parallel:
            helpers.append((_helper(jobs[1]), "TriG"))
        with (out_dir / "graph.jsonld").open("wb") as stream, nt.open("rb") as lines:
            write_jsonld_lines(lines, stream, context)
        if not parallel:
            run_jobs(jobs[0] + jobs[1])
    finally:
        for helper, what in helpers:
            _wait(helper, what)
    return Written(count, dict(sorted(graphs.items())))
