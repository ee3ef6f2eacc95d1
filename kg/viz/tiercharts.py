"""Tier charts from a :class:`kg.viz.series.TierTable`: the heat-map of countries × report
years, one country's timeline, and the sparkline of the explorer's country index.

Every placement is a J/TIP judgement: official ones are solid, restatements by another source
are hatched (never passed off as official), a report year without a placement stays blank, and a
year whose sources disagree gets a black dot. Each mark has a ``<title>`` saying who placed the
country there and in which document.
"""

from __future__ import annotations

from html import escape
from itertools import groupby, pairwise

from kg.viz.chartkit import (
    FAINT,
    INK,
    MUTED,
    RULE,
    SHORT,
    TIERS,
    Linker,
    clip,
    defs,
    link,
    svg_open,
    text,
    tier_colour,
    tier_legend,
)
from kg.viz.legend import esc, q
from kg.viz.series import CountryTiers, Placement, TierTable

CELL_W, CELL_H, LABEL_W, GROUP_H = 26, 16, 220, 22


def _cell(
    x: float, y: float, w: float, h: float, country: CountryTiers, year: int, notes: dict[str, int]
) -> str:
    placed = country.years.get(year)
    if not placed:
        return ""
    p = placed[0]
    kind = "official" if p.official else "restated"
    tip = f"{country.label} · {year}: {p.label} — {p.note} [{notes[p.source]}]"
    if len(placed) > 1 and country.disagree(year):
        others = "; ".join(
            f"{o.label} ({o.note} [{notes[o.source]}])" for o in country.years[year][1:]
        )
        tip += f" · disagrees with: {others}"
    body = (
        f'<rect class="cell {kind} {p.tier}" data-year="{year}" x="{x:.0f}" y="{y:.0f}"'
        f' width="{w:.0f}" height="{h:.0f}" fill="{tier_colour(p.tier)}">'
        f"<title>{escape(tip)}</title></rect>"
    )
    if not p.official:
        body += (
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}"'
            ' fill="url(#restated)" pointer-events="none"/>'
        )
    if len(placed) > 1 and country.disagree(year):
        body += (
            f'<circle class="disagree" cx="{x + w - 4:.1f}" cy="{y + 4:.1f}" r="2.6" fill="{INK}"'
            ' pointer-events="none"/>'
        )
    return body


def heatmap_svg(table: TierTable, *, linker: Linker = None, title: str | None = None) -> str:
    """The heat-map: one row per country (grouped by M49 sub-region), one column per report
    year from the first to the last, cells coloured by tier."""
    years = list(table.years)
    groups = [
        (region, list(rows))
        for region, rows in groupby(
            sorted(table.countries, key=lambda c: (c.region_label or "~", c.label.casefold())),
            key=lambda c: c.region_label or "No region",
        )
    ]
    notes = {title: i for i, title in enumerate(table.sources, start=1)}
    top = 132
    width = max(LABEL_W + max(len(years), 1) * CELL_W + 24, 720)
    rows_end = top + len(table.countries) * CELL_H + len(groups) * GROUP_H
    height = rows_end + 18 + 16 * len(notes) + 10
    where = f" in {table.region}" if table.region else ""
    title = title or f"TIP tier placements by report year{where}"
    span = f"{years[0]}–{years[-1]}" if years else "no report years"
    official = sum(p.official for c in table.countries for ps in c.years.values() for p in ps)
    restated = sum(not p.official for c in table.countries for ps in c.years.values() for p in ps)
    sub = (
        f"{len(table.countries)} countries, {span} · {official:,} official J/TIP placements, "
        f"{restated:,} restated by other sources"
    )
    tiers, _ = tier_legend(20, 80, restated=False, gap=False)
    marks, _ = tier_legend(20, 100, tiers=False)
    out = [
        svg_open(width, height, title, "heatmap"),
        defs(),
        text(20, 28, title, size=18, extra=' font-weight="bold"'),
        text(20, 48, sub, size=12, fill=MUTED),
        text(20, 64, "Tiers are a US-government (J/TIP) judgement.", size=12, fill=MUTED),
        tiers,
        marks,
        f'<circle cx="{width - 250:.1f}" cy="{96:.1f}" r="2.6" fill="{INK}"/>',
        text(width - 242, 100, "sources disagree (hover for both)", size=11, fill=MUTED),
    ]
    axis = top - 4
    for i, year in enumerate(years):
        x = LABEL_W + i * CELL_W + CELL_W / 2
        out.append(
            text(x, axis, str(year), size=9.5, anchor="middle", fill=MUTED, extra=' class="year"')
        )
    y = top
    for region, rows in groups:
        out.append(text(20, y + 15, region, size=11.5, extra=' font-weight="bold" class="region"'))
        out.append(
            f'<line x1="20" y1="{y + GROUP_H - 2}" x2="{width - 24}" y2="{y + GROUP_H - 2}"'
            f' stroke="{RULE}"/>'
        )
        y += GROUP_H
        for row, c in enumerate(rows):
            if row % 2:
                out.append(
                    f'<rect x="20" y="{y}" width="{width - 44}" height="{CELL_H}" fill="#f9fafb"/>'
                )
            name = text(28, y + 12, f"{clip(c.label, 26)} ({c.iso3})", size=11)
            out.append(f'<g class="row" data-iso="{c.iso3}">' + link(linker, c.iso3, name))
            for i, year in enumerate(years):
                x = LABEL_W + i * CELL_W
                out.append(_cell(x + 1, y + 1, CELL_W - 2, CELL_H - 2, c, year, notes))
            out.append("</g>")
            y += CELL_H
    for i, (title_, n) in enumerate(notes.items()):
        out.append(text(20, rows_end + 22 + 16 * i, f"[{n}] {title_}", size=10.5, fill=MUTED))
    out.append("</svg>")
    return "\n".join(x for x in out if x) + "\n"


LANES = [t for t, _ in TIERS]


def timeline_svg(country: CountryTiers, years: range | None = None, *, width: int = 760) -> str:
    """One country's tier over the report years: a step line through the placements (broken
    where a year has none), official placements filled, restatements hollow."""
    placed = sorted(country.years)
    if years is None or not len(years):
        years = range(placed[0], placed[-1] + 1) if placed else range(0)
    left, right, top, lane = 150, 20, 58, 26
    height = top + lane * len(LANES) + 40
    span = max(len(years) - 1, 1)
    step = (width - left - right) / span

    def x_of(year: int) -> float:
        return left + (year - years[0]) * step if len(years) > 1 else left + (width - left) / 2

    def y_of(p: Placement) -> float:
        return top + LANES.index(p.tier) * lane + lane / 2 if p.tier in LANES else top

    title = f"Tier history of {country.label} ({country.iso3})"
    n_off = sum(p.official for ps in country.years.values() for p in ps)
    n_re = sum(not p.official for ps in country.years.values() for p in ps)
    sub = f"{n_off} official J/TIP placements, {n_re} restated by other sources"
    if years:
        gaps = [
            y for y in years if y not in country.years and placed and placed[0] < y < placed[-1]
        ]
        if gaps:
            sub += f" · no placement in {_spans(gaps)}"
    out = [
        svg_open(width, height, title, "timeline"),
        text(10, 22, title, size=15, extra=' font-weight="bold"'),
        text(10, 40, sub, size=11.5, fill=MUTED),
    ]
    for i, (tier, name) in enumerate(TIERS):
        y = top + i * lane + lane / 2
        out.append(text(left - 12, y + 4, name, size=11, anchor="end", fill=MUTED))
        dash = ' stroke-dasharray="3 3"' if tier == "tier-special-case" else ""
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}"'
            f' stroke="{RULE}"{dash}/>'
        )
    every = 1 if len(years) <= 16 else 2 if len(years) <= 30 else 5
    for year in years:
        if (year - years[0]) % every == 0 or year == years[-1]:
            out.append(
                text(x_of(year), height - 14, str(year), size=10, anchor="middle", fill=MUTED)
            )
    points = [country.shown(y) for y in years]
    for prev, cur in pairwise(points):
        if prev is not None and cur is not None and cur.year == prev.year + 1:
            out.append(
                f'<line class="step" x1="{x_of(prev.year):.1f}" y1="{y_of(prev):.1f}"'
                f' x2="{x_of(cur.year):.1f}" y2="{y_of(cur):.1f}" stroke="{FAINT}"'
                ' stroke-width="2"/>'
            )
    for p in (p for p in points if p is not None):
        colour = tier_colour(p.tier)
        fill = colour if p.official else "#ffffff"
        kind = "official" if p.official else "restated"
        tip = f"{p.year}: {p.label} — {p.note} ({p.source})"
        out.append(
            f'<circle class="point {kind} {p.tier}" data-year="{p.year}" cx="{x_of(p.year):.1f}"'
            f' cy="{y_of(p):.1f}" r="6" fill="{fill}" stroke="{colour}" stroke-width="2.5">'
            f"<title>{esc(tip)}</title></circle>"
        )
        if country.disagree(p.year):
            out.append(
                f'<circle class="disagree" cx="{x_of(p.year) + 7:.1f}" cy="{y_of(p) - 7:.1f}"'
                f' r="2.6" fill="{INK}"/>'
            )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _spans(years: list[int]) -> str:
    parts: list[str] = []
    start = prev = years[0]
    for y in [*years[1:], None]:
        if y is not None and y == prev + 1:
            prev = y
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if y is not None:
            start = prev = y
    return ", ".join(parts)


def sparkline_svg(country: CountryTiers, years: range, *, cell: float = 4, height: int = 14) -> str:
    """A strip of one small square per report year, coloured by tier (restatements lighter,
    gaps blank), inline in the country index."""
    width = max(len(years), 1) * cell
    latest = country.latest
    summary = (
        f"{country.label}: {latest.label} in {latest.year}" if latest else f"{country.label}: none"
    )
    summary += f" · {len(country.years)} report years with a placement, {years[0]}–{years[-1]}"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="spark" width="{width:.0f}"'
        f' height="{height}" viewBox="0 0 {width:.0f} {height}" role="img"'
        f" aria-label={q(summary)}><title>{esc(summary)}</title>",
        f'<rect width="{width:.0f}" height="{height}" fill="#f3f4f6"/>',
    ]
    for i, year in enumerate(years):
        p = country.shown(year)
        if p is None:
            continue
        opacity = "" if p.official else ' fill-opacity="0.45"'
        out.append(
            f'<rect x="{i * cell:.1f}" y="1" width="{cell - 0.6:.1f}" height="{height - 2}"'
            f' fill="{tier_colour(p.tier)}"{opacity}/>'
        )
    out.append("</svg>")
    return "".join(out)


__all__ = ["LANES", "SHORT", "heatmap_svg", "sparkline_svg", "timeline_svg"]
