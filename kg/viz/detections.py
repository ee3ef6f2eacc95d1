"""Detected victims per year for one country, as two stacked-bar panels: the victims detected in
the country by their citizenship, and the country's citizens by the country that detected them
(UNODC GLOTIP's detections by citizenship, imported as flows of identified victims).

The numbers come from :mod:`kg.viz.detectread` (one source at a time; counts of different
sources never added). Censored cells (GLOTIP's "<5", stored as 1–4) are drawn as a dashed band
from the sum of their lower bounds to the sum of their upper bounds, above the exact counts; the
country's own reported total is marked on the first panel for comparison.
"""

from __future__ import annotations

import math

from kg.viz.chartkit import FAINT, INK, MUTED, RULE, clip, svg_open, text
from kg.viz.detectread import Cell, Detections, Panel, detections
from kg.viz.legend import esc

PALETTE = ("#2563eb", "#16a34a", "#d97706", "#9333ea", "#0891b2", "#db2777")
OWN, OTHER = "#374151", "#9ca3af"


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
