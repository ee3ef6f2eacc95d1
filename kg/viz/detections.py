"""Detected victims per year for one country, as two stacked-bar panels: the victims detected in
the country by their citizenship, and the country's citizens by the country that detected them
(UNODC GLOTIP's detections by citizenship, imported as flows of identified victims).

One source at a time (the official statistic with most rows, unless another is asked for):
counts of different sources are never added, and a count that names no source is not drawn.
Censored cells (GLOTIP's "<5", stored as 1–4) are never turned into numbers: they are drawn as a
dashed band from the sum of their lower bounds to the sum of their upper bounds, above the exact
counts. The country's own reported total is
marked on the first panel for comparison.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg.core import rq
from kg.core.errors import QueryError, choices_hint
from kg.network.read import read_places, resolve_country
from kg.viz.chartkit import FAINT, INK, MUTED, RULE, clip, svg_open, text
from kg.viz.legend import esc
from kg.viz.series import select_country

PALETTE = ("#2563eb", "#16a34a", "#d97706", "#9333ea", "#0891b2", "#db2777")
OWN, OTHER = "#374151", "#9ca3af"
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


def _legend_names(d: Detections, panel: Panel) -> list[str]:
    names = []
    for partner in panel.partners:
        name = "other countries" if partner == "*" else d.names.get(partner, partner)
        if partner == d.iso3:
            name += " (own nationals)" if panel is d.panels[0] else " (detected at home)"
        names.append(clip(name, 30))
    return names


def _legend_rows(d: Detections, panel: Panel, w: float) -> int:
    rows, lx = 1, 0.0
    for name in _legend_names(d, panel):
        if lx + 24 + len(name) * 6.2 > w:
            rows, lx = rows + 1, 0.0
        lx += 24 + len(name) * 6.2
    return rows


def _nice(value: int) -> int:
    if value <= 5:
        return 5
    step = 10 ** int(math.log10(value))
    for m in (1, 2, 2.5, 5, 10):
        if value <= m * step:
            return int(m * step)
    return value


def _panel_svg(d: Detections, panel: Panel, x0: float, w: float, top: float, h: float) -> list[str]:
    colours: dict[str, str] = {}
    i = 0
    for p in panel.partners:
        if p == d.iso3:
            colours[p] = OWN
        elif p == "*":
            colours[p] = OTHER
        else:
            colours[p] = PALETTE[i % len(PALETTE)]
            i += 1
    peak = max([panel.height(y)[2] for y in d.years] + list(panel.totals.values()) + [1])
    scale = _nice(peak)
    out = [text(x0, top - 34, panel.title, size=13, extra=' font-weight="bold"')]
    for frac in (0, 0.25, 0.5, 0.75, 1):
        y = top + h - h * frac
        out.append(
            f'<line x1="{x0 + 44}" y1="{y:.1f}" x2="{x0 + w}" y2="{y:.1f}" stroke="{RULE}"/>'
        )
        out.append(
            text(x0 + 38, y + 4, f"{round(scale * frac):,}", size=9.5, anchor="end", fill=MUTED)
        )
    slot = (w - 50) / max(len(d.years), 1)
    bar = min(26.0, slot * 0.72)
    for k, year in enumerate(d.years):
        cx = x0 + 50 + slot * k + slot / 2
        base = top + h
        for partner in panel.partners:
            c = panel.bars.get(year, {}).get(partner)
            if c is None or c.exact <= 0:
                continue
            bh = h * c.exact / scale
            name = "other countries" if partner == "*" else d.names.get(partner, partner)
            tip = f"{year} · {name}: {c.exact:,} identified victims"
            out.append(
                f'<rect class="seg" data-year="{year}" data-partner="{esc(partner)}"'
                f' x="{cx - bar / 2:.1f}" y="{base - bh:.1f}" width="{bar:.1f}" height="{bh:.1f}"'
                f' fill="{colours[partner]}"><title>{esc(tip)}</title></rect>'
            )
            base -= bh
        exact, low, high = panel.height(year)
        if high > exact:
            n = sum(c.censored for c in panel.bars.get(year, {}).values())
            y_low, y_high = top + h - h * low / scale, top + h - h * high / scale
            tip = (
                f"{year} · {n} censored cells (fewer than 5 or 10 victims each, not published "
                f"exactly): {low - exact:,}–{high - exact:,} more victims"
            )
            out.append(
                f'<rect class="censored" data-year="{year}" x="{cx - bar / 2:.1f}"'
                f' y="{y_high:.1f}" width="{bar:.1f}" height="{max(y_low - y_high, 1.5):.1f}"'
                f' fill="{FAINT}" fill-opacity="0.35" stroke="{MUTED}" stroke-dasharray="2 1.5">'
                f"<title>{esc(tip)}</title></rect>"
            )
        total = panel.totals.get(year)
        if total is not None:
            y = top + h - h * total / scale
            tip = f"{year} · national total of detected victims reported: {total:,}"
            out.append(
                f'<line class="total" x1="{cx - bar / 2 - 4:.1f}" y1="{y:.1f}"'
                f' x2="{cx + bar / 2 + 4:.1f}" y2="{y:.1f}" stroke="{INK}" stroke-width="2.5">'
                f"<title>{esc(tip)}</title></line>"
            )
        if len(d.years) <= 12 or k % 2 == 0 or year == d.years[-1]:
            out.append(text(cx, top + h + 14, str(year), size=9.5, anchor="middle", fill=MUTED))
    ly = top + h + 34
    lx = x0
    for partner, name in zip(panel.partners, _legend_names(d, panel), strict=True):
        if lx + 24 + len(name) * 6.2 > x0 + w:
            lx, ly = x0, ly + 16
        box = f'x="{lx:.1f}" y="{ly - 9:.1f}" width="10" height="10"'
        out.append(f'<rect {box} fill="{colours[partner]}"/>')
        out.append(text(lx + 14, ly, name, size=10.5, fill=MUTED))
        lx += 24 + len(name) * 6.2
    return out


def detections_svg(d: Detections, *, width: int = 1000) -> str:
    """Both panels side by side, with the unit, method and source named."""
    title = f"Identified victims detected per year: {d.label} ({d.iso3})"
    if not d.years:
        height = 80
        out = [
            svg_open(width, height, title, "detections"),
            text(20, 28, title, size=16, extra=' font-weight="bold"'),
            text(20, 52, "No detections of this country are in the graph.", size=12, fill=MUTED),
            "</svg>",
        ]
        return "\n".join(out) + "\n"
    top, h = 112, 220
    legend_rows = max(_legend_rows(d, p, (width - 60) / 2) for p in d.panels)
    height = top + h + 34 + 16 * legend_rows
    sub = (
        f"Unit: identified victims · method: {d.method or 'not stated'} · source: {d.source_title}"
    )
    note = (
        "Counts of different sources are never added. "
        "Dashed grey: censored cells (<5 each), drawn as their range."
    )
    if d.panels[0].totals:
        note += " Black tick: the national total reported."
    out = [
        svg_open(width, height, title, "detections"),
        text(20, 28, title, size=16, extra=' font-weight="bold"'),
        text(20, 48, clip(sub, 150), size=11.5, fill=MUTED),
        text(20, 64, note, size=11.5, fill=MUTED),
    ]
    half = (width - 60) / 2
    out += _panel_svg(d, d.panels[0], 20, half, top, h)
    out += _panel_svg(d, d.panels[1], 40 + half, half, top, h)
    out.append("</svg>")
    return "\n".join(out) + "\n"


__all__ = ["Cell", "Detections", "Panel", "detections", "detections_svg"]
