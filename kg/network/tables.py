"""The flow network as two CSV tables, as spreadsheets, R, pandas and Gephi's table import
read them: ``nodes.csv`` (one row per country or region: code, name, kind, ISO codes, latitude and
longitude, latest tier with its assessor, role, total flow) and ``edges.csv`` (one row per flow
and destination: ``source``, ``target``, then the edge attributes). ``excel`` starts each table
with a UTF-8 byte order mark, without which a spreadsheet that guesses cp1252 turns ``¶1`` into
``Â¶1``. Both tables, or a zip holding both, are byte-stable.
"""

from __future__ import annotations

import csv
import io
import zipfile
from typing import TYPE_CHECKING, Any

from kg.core.cells import spreadsheet_safe
from kg.core.errors import QueryError, choices_hint
from kg.network.common import Network, attr_types, cell, sorted_edges, sorted_nodes
from kg.network.look import looks

if TYPE_CHECKING:  # networkx loads only where a networkx graph is made
    import networkx as nx

TABLES = ("both", "nodes", "edges")
BOM = "\ufeff"

#: Preferred column order of the edges table; other attributes follow alphabetically.
CSV_FIRST = (
    "flow",
    "predicate",
    "label",
    "forms",
    "flow_class",
    "flow_type",
    "estimate_point",
    "estimate_low",
    "estimate_high",
    "unit",
    "method",
    "censored",
    "estimate_shared_with",
    "year",
    "source_title",
    "graph",
)
#: Preferred column order of the nodes table; other attributes follow alphabetically.
NODES_FIRST = (
    "label",
    "kind",
    "iso3",
    "iso2",
    "m49",
    "latitude",
    "longitude",
    "tier",
    "tier_year",
    "tier_assessor",
    "tier_official",
    "role",
    "flow_total",
    "flow_total_unit",
)
#: A zip of both tables holds files of this date (fixed, so that the zip is byte-stable).
ZIP_DATE = (2000, 1, 1, 0, 0, 0)


def _table(header: list[str], rows: list[list[str]], excel: bool) -> bytes:
    buf = io.StringIO()
    if excel:
        buf.write(BOM)
    writer = csv.writer(buf, lineterminator="\r\n" if excel else "\n")
    writer.writerow([spreadsheet_safe(c) for c in header])
    writer.writerows([spreadsheet_safe(c) for c in row] for row in rows)
    return buf.getvalue().encode("utf-8")


def _columns(names: list[str], first: tuple[str, ...]) -> list[str]:
    head = [c for c in first if c in names]
    return head + [n for n in names if n not in head]


def edges_csv(graph: nx.MultiDiGraph | Network, *, excel: bool = False) -> bytes:
    """The edges table: ``source``, ``target``, then every edge attribute."""
    edges = sorted_edges(graph)
    columns = ["source", "target", *_columns(list(attr_types([d for *_, d in edges])), CSV_FIRST)]
    rows = [[u, v] + [cell(d.get(c)) for c in columns[2:]] for u, v, _, d in edges]
    return _table(columns, rows, excel)


def nodes_csv(graph: nx.MultiDiGraph | Network, *, excel: bool = False) -> bytes:
    """The nodes table: ``id`` (ISO3 or M49 code), then every node attribute and the total flow
    behind the node's size in the maps and in Gephi (in one unit, named beside it)."""
    look = looks(graph)
    nodes: list[tuple[str, dict[str, Any]]] = [
        (n, {**d, "flow_total": look[n].total, "flow_total_unit": look[n].unit})
        for n, d in sorted_nodes(graph)
    ]
    names = [n for n in attr_types([d for _, d in nodes]) if n not in ("name", "iri")]
    columns = ["id", *_columns(names, NODES_FIRST)]
    if any("iri" in d for _, d in nodes):
        columns.append("iri")
    rows = [[n] + [cell(d.get(c)) for c in columns[1:]] for n, d in nodes]
    return _table(columns, rows, excel)


def csv_zip(graph: nx.MultiDiGraph | Network, *, excel: bool = False) -> bytes:
    """A zip of ``nodes.csv`` and ``edges.csv``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in (
            ("nodes.csv", nodes_csv(graph, excel=excel)),
            ("edges.csv", edges_csv(graph, excel=excel)),
        ):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buf.getvalue()


def csv_bytes(
    graph: nx.MultiDiGraph | Network, table: str = "both", *, excel: bool = False
) -> bytes:
    """The ``nodes`` table, the ``edges`` table, or ``both`` as a zip."""
    if table == "nodes":
        return nodes_csv(graph, excel=excel)
    if table == "edges":
        return edges_csv(graph, excel=excel)
    if table == "both":
        return csv_zip(graph, excel=excel)
    raise QueryError(f"unknown CSV table {table!r}", hint=choices_hint(table, TABLES))


__all__ = [
    "BOM",
    "CSV_FIRST",
    "NODES_FIRST",
    "TABLES",
    "csv_bytes",
    "csv_zip",
    "edges_csv",
    "nodes_csv",
]
