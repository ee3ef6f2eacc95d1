"""What a flow map draws, decided before drawing: which flows (filters first, then the N
largest), and how (one arrow per flow, or, above ``AGGREGATE_ABOVE`` flows, one arrow per
origin–destination pair carrying the breakdown of its parallel flows). ``flowmap.js`` applies
the same rules in the interactive page.

Numbers are never added: a pair's arrow is as wide as its largest flow, and says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kg.viz.marks import GREY, Drawn, estimate_text

#: Above this many flows drawn, parallel flows between the same pair are drawn as one arrow.
AGGREGATE_ABOVE = 150
#: Colour of a pair whose flows count in several units.
MIXED = "#4b5563"


def rank_key(f: Drawn, sizes: Mapping[str, int | None]) -> tuple[int, str, str]:
    """The order of the N largest: by rank size (a component ranks with its aggregate), then
    grouped with its aggregate, then by IRI."""
    size = sizes.get(f.iri, f.number)
    part_of = str(f.attrs.get("part_of") or f.iri)
    return (-(size if size is not None else -1), part_of, f.iri)


def largest(flows: list[Drawn], sizes: Mapping[str, int | None], n: int | None) -> list[Drawn]:
    """The ``n`` largest of ``flows`` (all of them without ``n``), in IRI order."""
    if n is None or n >= len(flows):
        return sorted(flows, key=lambda f: f.iri)
    return sorted(sorted(flows, key=lambda f: rank_key(f, sizes))[: max(n, 0)], key=lambda f: f.iri)


@dataclass
class Mark:
    """One arrow group: a flow (to one or several destinations), or a pair of places with the
    parallel flows between them."""

    key: str
    origin: str
    dests: list[str]
    flows: list[Drawn] = field(default_factory=list)
    number: int | None = None
    colour: str = GREY

    @property
    def pair(self) -> bool:
        """True for a pair's arrow (several flows or one flow's part)."""
        return "→" in self.key

    def breakdown(self, nodes: Mapping[str, Mapping[str, Any]], limit: int = 12) -> list[str]:
        """One line per flow of the arrow: year, forms, number with unit, source."""
        lines = []
        ordered = sorted(
            self.flows, key=lambda f: (-(f.number or 0), str(f.attrs.get("year", "")), f.iri)
        )
        for f in ordered[:limit]:
            year = f.attrs.get("year", "no year")
            forms = str(f.attrs.get("forms", "")) or "form not stated"
            source = str(f.attrs.get("source_title", "")) or "no source"
            lines.append(f"{year} · {forms} · {estimate_text(f)} · {source}")
        if len(ordered) > limit:
            lines.append(f"… and {len(ordered) - limit} more flows")
        return lines


def marks(flows: list[Drawn], *, aggregate: bool) -> list[Mark]:
    """The arrows to draw: one per flow, or one per (origin, destination) pair."""
    if not aggregate:
        return [
            Mark(f.iri, f.origin, list(f.dests), [f], f.number, f.colour)
            for f in sorted(flows, key=lambda f: f.iri)
        ]
    pairs: dict[tuple[str, str], Mark] = {}
    for f in flows:
        for dest in f.dests:
            key = (f.origin, dest)
            mark = pairs.setdefault(key, Mark(f"{f.origin}→{dest}", f.origin, [dest]))
            mark.flows.append(f)
    for mark in pairs.values():
        numbers = [f.number for f in mark.flows if f.number is not None]
        mark.number = max(numbers) if numbers else None
        colours = {f.colour for f in mark.flows if f.number is not None} or {
            f.colour for f in mark.flows
        }
        mark.colour = colours.pop() if len(colours) == 1 else MIXED
    return [pairs[k] for k in sorted(pairs)]


__all__ = ["AGGREGATE_ABOVE", "MIXED", "Mark", "largest", "marks", "rank_key"]
