"""Reading the detected victims of one country from the graph: per year, the victims detected
in the country by their citizenship and the country's citizens by the country that detected them
(UNODC GLOTIP's detections by citizenship, imported as flows of identified victims), folded to
the largest partners. Drawn by :mod:`kg.viz.detections`.

One source at a time (the official statistic with most rows, unless another is asked for):
counts of different sources are never added, and a count that names no source is not kept.
Censored cells (GLOTIP's "<5", stored as 1–4) are never turned into numbers: they are kept as
the sum of their lower bounds and the sum of their upper bounds. The country's own reported
total is kept beside the first panel for comparison.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg.core import rq
from kg.core.errors import QueryError, choices_hint
from kg.network.read import read_places, resolve_country
from kg.viz.series import select_country

TOP = 6


@dataclass
class Cell:
    """What one partner contributes to one year's bar: exact counts and censored ranges."""

    exact: int = 0
    low: int = 0
    high: int = 0
    censored: int = 0  # how many censored cells


@dataclass
class Panel:
    """One panel: bars per year, segments per partner country (codes; ``*`` is the rest)."""

    title: str
    partners: list[str] = field(default_factory=list)
    bars: dict[int, dict[str, Cell]] = field(default_factory=dict)
    totals: dict[int, int] = field(default_factory=dict)

    def height(self, year: int) -> tuple[int, int, int]:
        """(exact counts, plus the lower and the upper bound of the censored cells)."""
        cells = self.bars.get(year, {}).values()
        exact = sum(c.exact for c in cells)
        return exact, exact + sum(c.low for c in cells), exact + sum(c.high for c in cells)


@dataclass
class Detections:
    """Both panels of one country, from one source."""

    iso3: str
    label: str
    names: dict[str, str]
    source: str
    source_title: str
    method: str
    sources: list[tuple[str, str]]
    panels: tuple[Panel, Panel]
    years: list[int]


def _pick(rows: list[rq.Row], source: str | None) -> str:
    counts: dict[str, tuple[int, int]] = {}
    for r in rows:
        key = rq.text(r, "source")
        official = rq.text(r, "methodLabel") == "official statistic"
        n, o = counts.get(key, (0, 0))
        counts[key] = (n + 1, o + official)
    if source:
        wanted = [k for k in counts if k == source or k.endswith(f"source-{source}")]
        if not wanted:
            ids = sorted(k.rsplit("source-", 1)[-1] for k in counts)
            raise QueryError(
                f"no detections from source {source!r}", hint=choices_hint(source, ids)
            )
        return wanted[0]
    return max(counts, key=lambda k: (counts[k][1] > 0, counts[k][0], k))


def detections(
    store: ox.Store,
    code: str,
    *,
    source: str | None = None,
    places: dict[str, dict[str, Any]] | None = None,
    prefetched: Mapping[str, Mapping[str, list[rq.Row]]] | None = None,
) -> Detections:
    """The detections of country ``code`` (ISO3); QueryError for an unknown country or
    source. Panels are empty when the graph has no detections of the country. ``places`` is
    ``kg.network.read_places(store)`` when the caller has it already; ``prefetched`` (query name →
    country IRI → rows, as ``kg.server.siteindex`` reads them for every country at once) holds
    the answers of ``detections`` and ``detected_totals`` when the caller has them."""
    places = places if places is not None else read_places(store)
    iri = resolve_country(store, code, places)
    here = str(places[iri]["code"])
    names = {str(p["code"]): str(p["label"]) for p in places.values()}
    code_of = {k: str(p["code"]) for k, p in places.items()}

    def select(name: str) -> list[rq.Row]:
        if prefetched is not None and name in prefetched:
            return list(prefetched[name].get(iri, ()))
        return select_country(store, name, iri)

    rows = [r for r in select("detections") if r.get("source")]
    sources = sorted({(rq.text(r, "source"), rq.text(r, "sourceTitle")) for r in rows})
    chosen = _pick(rows, source) if rows else ""
    rows = [r for r in rows if rq.text(r, "source") == chosen]
    label = names.get(here, here)
    inward = Panel(f"Detected in {label}, by citizenship")
    outward = Panel(f"Citizens of {label}, by country of detection")
    method = next((rq.text(r, "methodLabel") for r in rows if r.get("methodLabel")), "")
    title = next((rq.text(r, "sourceTitle") for r in rows if r.get("sourceTitle")), chosen)
    seen: set[tuple[str, str]] = set()
    for r in rows:
        key = (rq.text(r, "flow"), rq.text(r, "destination"))
        year = rq.integer(r, "year")
        if key in seen or year is None:
            continue
        seen.add(key)
        origin = code_of.get(rq.text(r, "origin"), rq.text(r, "origin"))
        dest = code_of.get(rq.text(r, "destination"), rq.text(r, "destination"))
        point, low, high = (rq.integer(r, k) for k in ("point", "low", "high"))
        for panel, partner in ((inward, origin), (outward, dest)):
            if (panel is inward and dest != here) or (panel is outward and origin != here):
                continue
            cell = panel.bars.setdefault(year, {}).setdefault(partner, Cell())
            if point is not None and r.get("censored") is not True:
                cell.exact += point
            else:
                cell.low += low if low is not None else (point or 0)
                cell.high += high if high is not None else (point or low or 0)
                cell.censored += 1
    for r in select("detected_totals"):
        year, point = rq.integer(r, "year"), rq.integer(r, "point")
        if (
            year is not None
            and point is not None
            and (not chosen or rq.text(r, "source") == chosen)
        ):
            inward.totals[year] = point
    for panel in (inward, outward):
        _fold(panel, here)
    years = sorted(set(inward.bars) | set(outward.bars))
    return Detections(here, label, names, chosen, title, method, sources, (inward, outward), years)


def _fold(panel: Panel, here: str) -> None:
    """Keep the largest partners (the country itself always), fold the rest into ``*``."""
    size: dict[str, int] = defaultdict(int)
    for cells in panel.bars.values():
        for partner, c in cells.items():
            size[partner] += c.exact + c.low
    ranked = sorted(size, key=lambda p: (p != here, -size[p], p))
    keep = ranked[:TOP]
    for year, cells in panel.bars.items():
        folded: dict[str, Cell] = {}
        for partner, c in cells.items():
            into = folded.setdefault(partner if partner in keep else "*", Cell())
            into.exact += c.exact
            into.low += c.low
            into.high += c.high
            into.censored += c.censored
        panel.bars[year] = folded
    panel.partners = keep + (["*"] if len(ranked) > len(keep) else [])


__all__ = ["TOP", "Cell", "Detections", "Panel", "detections"]
