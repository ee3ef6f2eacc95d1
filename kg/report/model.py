"""What a country dossier holds: records read from the graph, grouped for display."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kg.core import rq
from kg.network import flows as F

Record = dict[str, Any]


def group(rows: list[rq.Row], key: str, many: tuple[str, ...] = ()) -> list[Record]:
    """Merge rows that share ``key``: single fields from the first row, ``many`` fields as
    de-duplicated sorted lists (the same page whatever order an engine or an endpoint returns
    the rows of a group in). Groups keep the order of first appearance."""
    out: dict[str, Record] = {}
    for row in rows:
        k = rq.text(row, key)
        if k not in out:
            out[k] = {n: v for n, v in row.items() if n not in many}
            for n in many:
                out[k][n] = []
        for n in many:
            v = row.get(n)
            if v is not None and v not in out[k][n]:
                out[k][n].append(v)
    for record in out.values():
        for n in many:
            record[n] = sorted(record[n], key=lambda v: (type(v).__name__, v))
    return list(out.values())


@dataclass
class Dossier:
    """What the dossier of one country shows (each list already in display order)."""

    iri: str
    code: str
    country: Record
    tiers: list[Record] = field(default_factory=list)
    assessments: list[Record] = field(default_factory=list)
    flows: list[F.Flow] = field(default_factory=list)
    roles: list[Record] = field(default_factory=list)
    places: dict[str, dict[str, Any]] = field(default_factory=dict)
    policies: list[Record] = field(default_factory=list)
    recommendations: list[Record] = field(default_factory=list)
    claims: list[Record] = field(default_factory=list)
    contradictions: list[Record] = field(default_factory=list)
    statistics: list[Record] = field(default_factory=list)
    sources: list[Record] = field(default_factory=list)
    flow_svg: str = ""
    review: dict[str, str] = field(default_factory=dict)  # fact IRI → unreviewed / reviewed
    review_tools: list[str] = field(default_factory=list)  # the programs that drafted facts
    charts: list[tuple[str, str]] = field(default_factory=list)  # (title, SVG)


__all__ = ["Dossier", "Record", "group"]
