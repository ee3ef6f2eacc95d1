"""SPARQL answers kept from an earlier evaluation of the same queries over the same graph
(``KeptAnswers``), so that they are answered again without evaluating them, and the bytes
they are kept as.

A build keeps the answers of the flow network's queries beside it (``kg.pipeline.netcache``):
evaluating them on the build's in-memory store costs a fraction of a second per million
triples and runs without Python's lock beside the writers, while reading the same flows from
the on-disk store costs seconds (each IRI is decoded from RocksDB). Only answers over the
union of all graphs are kept; any other query, or one whose answer is not kept, goes to the
store the answers came from.

The bytes are one JSON header line (format version, whatever key the caller gives, and for
each answer the SHA-256 of its query's text and its length), then the answers as SPARQL TSV,
one after the other.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterable, Mapping
from typing import IO, Any, Protocol

import pyoxigraph as ox

from kg.core.fileio import loads_json

TSV = ox.QueryResultsFormat.TSV
#: Changes whenever the bytes' layout changes (kept answers of another layout are not used).
ANSWERS_FORMAT = 1
Results = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


class Queryable(Protocol):
    """What kg's readers of a graph need of a store: SPARQL (``pyoxigraph.Store`` has it)."""

    def query(self, query: str, *, use_default_graph_as_union: bool = False) -> Results: ...


def query_key(text: str) -> str:
    """What an answer is kept under: the SHA-256 of its query's text."""
    return hashlib.sha256(text.encode()).hexdigest()


class KeptAnswers:
    """A store whose answers to some queries over the union of all graphs are kept (TSV by
    ``query_key``); every other query goes to ``store``."""

    def __init__(self, answers: Mapping[str, bytes], store: Queryable | None = None) -> None:
        self.answers = dict(answers)
        self.store = store
        #: How many queries went to ``store`` (for tests and the bench).
        self.sent = 0

    def tsv(self, query: str) -> bytes | None:
        """The kept TSV answer of ``query`` over the union of all graphs, if there is one."""
        return self.answers.get(query_key(query))

    def query(self, query: str, *, use_default_graph_as_union: bool = False) -> Results:
        kept = self.tsv(query) if use_default_graph_as_union else None
        if kept is not None:
            return ox.parse_query_results(kept, format=TSV)
        if self.store is None:
            raise LookupError("no kept answer for this query, and no store to ask")
        self.sent += 1
        return self.store.query(query, use_default_graph_as_union=use_default_graph_as_union)


def union_tsv(store: Queryable, query: str) -> bytes | None:
    """The answer of SELECT ``query`` over the union of all graphs as SPARQL TSV: kept, or
    evaluated by ``store`` (None when ``query`` is not a SELECT query)."""
    if isinstance(store, KeptAnswers):
        kept = store.tsv(query)
        if kept is not None:
            return kept
    result = store.query(query, use_default_graph_as_union=True)
    if not isinstance(result, ox.QuerySolutions):
        return None
    return result.serialize(format=TSV) or b""


def record(
    store: Queryable, queries: Iterable[str], twins: Mapping[str, str] | None = None
) -> dict[str, bytes]:
    """The TSV answers of SELECT ``queries`` over the union of all graphs, by ``query_key``;
    a query in ``twins`` is answered by evaluating its twin there (the same question planned
    for ``store``: it must select the same columns and give the same rows).

    The rows of a query without ORDER BY have no order: the store gives them in whatever order
    it holds them, which differs between two builds of the same graph. They are kept sorted
    (as bytes), so the kept answers depend only on the graph."""
    answers = {}
    for text in queries:
        twin = (twins or {}).get(text, text)
        if bool(_ORDERED.search(twin)) != bool(_ORDERED.search(text)):
            raise ValueError("a query and its twin must both be ordered, or neither")
        data = union_tsv(store, twin)
        if data is None:
            raise ValueError("only the answers of SELECT queries are kept")
        answers[query_key(text)] = data if _ORDERED.search(text) else _sorted_rows(data)
    return answers


_ORDERED = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)


def _sorted_rows(data: bytes) -> bytes:
    """A TSV answer with its rows sorted (raw newlines only end rows: they are escaped inside
    literals)."""
    head, _, body = data.partition(b"\n")
    rows = body.split(b"\n")
    if rows and not rows[-1]:
        rows.pop()
    rows.sort()
    return head + b"\n" + b"".join(row + b"\n" for row in rows)


def write_answers(stream: IO[bytes], answers: Mapping[str, bytes], key: Mapping[str, Any]) -> None:
    """Write ``answers`` to ``stream``, headed by ``key`` (what they were made from) and the
    index of their lengths; each answer is written as it is, not copied into one buffer."""
    index = [[name, len(data)] for name, data in answers.items()]
    head = {"kg-answers": ANSWERS_FORMAT, **key, "answers": index}
    stream.write((json.dumps(head, sort_keys=True) + "\n").encode())
    for data in answers.values():
        stream.write(data)


def answers_bytes(answers: Mapping[str, bytes], key: Mapping[str, Any]) -> bytes:
    """The bytes ``write_answers`` writes."""
    buffer = io.BytesIO()
    write_answers(buffer, answers, key)
    return buffer.getvalue()


def read_answers(data: bytes, key: Mapping[str, Any]) -> dict[str, bytes] | None:
    """The answers in ``data`` (made by ``answers_bytes``) if they were made under ``key``;
    None for answers of another key or layout, or bytes that are not such answers."""
    end = data.find(b"\n")
    try:
        head = loads_json(data[:end]) if end > 0 else None
    except ValueError:
        return None
    if not isinstance(head, dict) or head.pop("kg-answers", None) != ANSWERS_FORMAT:
        return None
    index = head.pop("answers", None)
    if head != dict(key) or not isinstance(index, list):
        return None
    answers, at = {}, end + 1
    for item in index:
        if not (isinstance(item, list) and len(item) == 2):
            return None
        name, size = item
        if not (isinstance(name, str) and isinstance(size, int) and size >= 0):
            return None
        answers[name] = data[at : at + size]
        at += size
    return answers if at == len(data) else None


__all__ = [
    "ANSWERS_FORMAT",
    "KeptAnswers",
    "Queryable",
    "answers_bytes",
    "query_key",
    "read_answers",
    "record",
    "union_tsv",
    "write_answers",
]
