"""Flows read as SPARQL TSV cells: one row of plain strings per flow (the columns of
``sparql/flows.rq``), not a dozen pyoxigraph terms, and the scans and joins around it.
``kg.network.read`` turns the rows into ``Flow`` objects."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Generic, TypeVar

import pyoxigraph as ox

from kg.core import rq
from kg.core import vocab as V
from kg.core.errors import QueryError
from kg.core.kept import Queryable, union_tsv
from kg.network.resolve import QUERIES


def estimate_key(cell: str) -> tuple[int, str]:
    """SPARQL order of an estimate: none, then blank nodes, then IRIs by their text."""
    if not cell:
        return (0, "")
    return (1, cell) if cell.startswith("_:") else (2, cell[1:-1])


def flow_query(flows: list[str] | None, name: str) -> str:
    """Query ``name`` restricted to ``flows`` (IRIs) when given: a VALUES block first."""
    text = QUERIES.load(name)
    if flows is None:
        return text
    values = "VALUES ?flow { " + " ".join(str(ox.NamedNode(f)) for f in flows) + " }"
    head, brace, body = text.partition("WHERE {")
    return f"{head}{brace}\n  {values}{body}"


def flows_of(store: Queryable, country: str) -> list[str]:
    """The IRIs of the flows from or to ``country`` (an IRI), sorted."""
    rows = QUERIES.select(store, "flows_of", country=country)
    return sorted(rq.text(r, "flow") for r in rows)


def cell_iri(cell: str) -> str:
    """The IRI (or ``_:label``) of a TSV cell that holds one."""
    return cell[1:-1] if cell[:1] == "<" else rq.cell_text(cell)


def tsv_cells(store: Queryable, query: str) -> list[str]:
    """The cells of a SELECT query's TSV answer over the union of all graphs, row after row,
    header first (tabs and newlines inside a literal are escaped: raw ones only separate)."""
    answer = union_tsv(store, query)
    if answer is None:
        raise QueryError("a query of the flow network is not a SELECT query")
    return answer.decode("utf-8").replace("\n", "\t").split("\t")[:-1]


def scan_query(predicate: str) -> str:
    """The query of ``scan``: every (subject, object) of ``predicate``."""
    iri = predicate if ":" in predicate else V.TK + predicate
    return f"SELECT ?s ?o WHERE {{ ?s <{iri}> ?o }}"


def scan(store: Queryable, predicate: str) -> list[tuple[str, str]]:
    """(subject, object) TSV cells of every triple with ``predicate`` (a ``tk:`` name or a full
    IRI), over the union of all graphs: one index range, no join."""
    cells = tsv_cells(store, scan_query(predicate))[2:]
    return list(zip(cells[::2], cells[1::2], strict=True))


#: The columns of ``flows.rq`` and ``flow_table.rq``.
COLUMNS = "flow origin aggregate partOf year locator estimate point low high unit method censored"
WIDTH = len(COLUMNS.split())


def keep_least(row: list[str], other: Sequence[str]) -> None:
    """Make ``row`` the least of two rows of one flow: the least cell of each of the flow's
    columns, the least estimate and, within it, the least cell of each estimate column."""
    for i in range(1, 6):
        cell = other[i]
        if cell and (not row[i] or cell < row[i]):
            row[i] = cell
    mine, theirs = estimate_key(row[6]), estimate_key(other[6])
    if theirs < mine:
        row[6:] = other[6:]
    elif theirs == mine:
        for i in range(7, WIDTH):
            cell = other[i]
            if cell and (not row[i] or cell < row[i]):
                row[i] = cell


#: Flows with several rows (several values of a property) read again, with their estimates,
#: by ``query_rows`` (a seek per flow and property); beyond this many, by ``flow_table.rq``
#: with its estimate column.
REREAD = 500


def table_rows(store: Queryable) -> dict[str, Sequence[str]]:
    """The rows ``flows.rq`` would give, one per flow (as ``read_flows`` keeps them), read by
    ``flow_table.rq``: one answer of one row per flow (and value), so each flow IRI is decoded
    once, with every property joined by a hash join of one scan (issue 16 §3).

    A flow of one row has at most one estimate, so the estimates' IRIs (long, and decoded one
    by one on the on-disk store) are left out of the answer: the few flows of several rows
    (several values of a property, a cross product) are read again with them. Of those the
    row kept is the least by (estimate key, cells), that is the least estimate and, within
    it, the least cell of every column (``keep_least``)."""
    text = QUERIES.load("flow_table")
    rows = _table(store, short_table_query(), COLUMNS.replace(" estimate", ""))
    kept = dict(zip((row[0] for row in rows), rows, strict=True))
    if len(kept) == len(rows):
        return {flow: (*row[:6], "", *row[6:]) for flow, row in kept.items()}
    several = [flow for flow, n in Counter(row[0] for row in rows).items() if n > 1]
    if len(several) > REREAD or any(flow[:1] != "<" for flow in several):
        return _least(_table(store, text, COLUMNS))
    out: dict[str, Sequence[str]] = {flow: (*row[:6], "", *row[6:]) for flow, row in kept.items()}
    out.update(query_rows(store, [cell_iri(flow) for flow in sorted(several)]))
    return out


def short_table_query(name: str = "flow_table") -> str:
    """``flow_table.rq`` (or ``name``: the same question planned otherwise) without its
    estimate column (``table_rows``)."""
    text = QUERIES.load(name)
    short = text.replace("?locator ?estimate ?point", "?locator ?point", 1)
    if short == text:
        raise QueryError(f"kg/network/sparql/{name}.rq selects other columns than flows.rq")
    return short


def _table(store: Queryable, query: str, columns: str) -> list[tuple[str, ...]]:
    """The rows of ``query`` (a variant of ``flow_table.rq`` selecting ``columns``)."""
    names = columns.split()
    cells = tsv_cells(store, query)
    if cells[: len(names)] != [f"?{c}" for c in names]:
        raise QueryError(f"kg/network/sparql/flow_table.rq does not select {columns}")
    return list(zip(*[iter(cells[len(names) :])] * len(names), strict=True))


def _least(rows: list[tuple[str, ...]]) -> dict[str, Sequence[str]]:
    """The least row of each flow (``keep_least``)."""
    seen: dict[str, list[str]] = {}
    for row in rows:
        least = seen.get(row[0])
        if least is None:
            seen[row[0]] = list(row)
        else:
            keep_least(least, row)
    return dict(seen)


def query_rows(store: Queryable, chosen: list[str] | None) -> dict[str, Sequence[str]]:
    """The rows of ``flows.rq`` for the ``chosen`` flows only (a few: one query whose
    OPTIONALs seek each flow's properties), every flow when None."""
    best: dict[str, Sequence[str]] = {}
    for row in QUERIES.table(store, "flows", flow_query(chosen, "flows"), COLUMNS):
        current = best.get(row[0])
        if current is None or (estimate_key(row[6]), row) < (
            estimate_key(current[6]),
            list(current),
        ):
            best[row[0]] = row
    return best


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cycle collector while many objects that form no cycles are made (rows,
    flows, edges): each of its passes would walk them all again, for nothing (a quarter of
    the time of reading a million-triple build's flows). Restored on the way out; nested
    uses leave it to the outermost."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


T = TypeVar("T")


class Cells(dict[str, T], Generic[T]):
    """TSV cell → its value, each distinct cell converted once (by ``convert``)."""

    def __init__(self, convert: Callable[[str], T]) -> None:
        super().__init__()
        self.convert = convert

    def __missing__(self, cell: str) -> T:
        value = self[cell] = self.convert(cell)
        return value


__all__ = [
    "COLUMNS",
    "Cells",
    "cell_iri",
    "estimate_key",
    "flow_query",
    "flows_of",
    "keep_least",
    "paused_gc",
    "query_rows",
    "scan",
    "scan_query",
    "short_table_query",
    "table_rows",
    "tsv_cells",
]
