"""The arrows of the flow map: their line style (width by √number, opacity by how many are
drawn), one ``<g class="flow-group">`` per mark with its data attributes and arrowheads, the
number written beside an arrow where it crosses nothing, and the faded context lines of the
flows not drawn. Assembled into a map by :mod:`kg.viz.maps`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import networkx as nx

from kg.viz.geo import View, curve_geometry
from kg.viz.legend import esc, q, stroke_width
from kg.viz.mapmodel import AGGREGATE_ABOVE, Mark
from kg.viz.marks import flow_data, halo_text
from kg.viz.placement import Occupancy, bezier, place

MAX_CONTEXT = 4000
#: When parallel flows are joined (many flows), only the largest arrows are drawn strong; the
#: others are faded, without arrowheads, so the picture keeps a hierarchy.
EMPHASIS, WEAK = 40, 0.22


@dataclass(frozen=True)
class Style:
    """Line scaling of one map: widths grow with √(number / vmax) up to ``span`` pixels."""

    vmax: int
    span: float
    opacity: float


def line_style(count: int, vmax: int) -> Style:
    """The line scaling of a map of ``count`` arrows whose largest number is ``vmax``."""
    return Style(
        vmax=vmax,
        span=9 if count <= 12 else max(2.2, 9 * math.sqrt(12 / count)),
        opacity=0.82 if count <= 40 else 0.55 if count <= AGGREGATE_ABOVE else 0.5,
    )


def context_svg(
    context: nx.MultiDiGraph, xy: dict[str, tuple[float, float]], view: View
) -> tuple[str, int]:
    """The faded lines of the flows not drawn (one path), and how many flows they stand for."""
    cnodes = {str(n): d for n, d in context.nodes(data=True)}
    pos = dict(xy)
    for n, d in cnodes.items():
        if n not in pos and "latitude" in d:
            x, y = view.xy(d["longitude"], d["latitude"])
            if 0 <= x <= view.w and 0 <= y <= view.h:
                pos[n] = (x, y)
    segments: dict[tuple[str, str], int] = {}
    flows: set[str] = set()
    for u, v, d in context.edges(data=True):
        if str(u) in pos and str(v) in pos and u != v:
            segments[str(u), str(v)] = segments.get((str(u), str(v)), 0) + 1
            flows.add(str(d.get("flow")))
    if not segments:
        return "", 0
    path = "".join(
        f"M{pos[u][0]:.0f},{pos[u][1]:.0f}L{pos[v][0]:.0f},{pos[v][1]:.0f}"
        for u, v in sorted(segments)[:MAX_CONTEXT]
    )
    return (
        f'<path class="context" d="{path}" fill="none" stroke="#64748b" stroke-opacity="0.1"'
        ' stroke-width="0.8" pointer-events="none"/>',
        len(flows),
    )


def arrow_svg(
    i: int,
    m: Mark,
    nodes: dict[str, dict[str, Any]],
    xy: dict[str, tuple[float, float]],
    style: Style,
    interactive: bool,
    occ: Occupancy,
    strong: bool = True,
) -> str:
    """One arrow group with its data, one path (a sub-path per destination), arrowheads; a
    weak one (not among the largest of many) faded."""
    w = stroke_width(m.number, style.vmax, style.span)
    ds, heads = [], []
    for dest in m.dests:
        r_end = 10 if nodes[dest].get("kind") == "region" else 6
        a, c1, c2, end, pts, tip = curve_geometry(xy[m.origin], xy[dest], r_end, w)
        ds.append(
            f"M{a[0]:.1f},{a[1]:.1f}C{c1[0]:.1f},{c1[1]:.1f} {c2[0]:.1f},{c2[1]:.1f} "
            f"{end[0]:.1f},{end[1]:.1f}"
        )
        head = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
        heads.append(f'<polygon class="arrow" points="{head}" fill="{m.colour}"/>')
        occ.add_points(bezier(a, c1, c2, tip), m.key, w / 2 + 1)
    dash = "" if m.number is not None else ' stroke-dasharray="7 5"'
    if m.pair:
        route = f"{nodes[m.origin].get('label', m.origin)} → {nodes[m.dests[0]].get('label')}"
        lines = m.breakdown(nodes)
        size = f"largest: {m.number:,}" if m.number is not None else "no number of its own"
        info = {
            "flows": " ".join(f.iri for f in m.flows),
            "count": str(len(m.flows)),
            "route": route,
            "estimate": size,
            "breakdown": "\n".join(lines),
            "summary": f"{route} · {len(m.flows)} flows ({size})\n" + "\n".join(lines),
        }
    else:
        info = flow_data(m.flows[0], nodes)
    data = "".join(f" data-{k}={q(v)}" for k, v in info.items())
    path_d = " ".join(ds)
    extra = (
        f'<path class="hit" d="{path_d}" fill="none" stroke="#000" stroke-opacity="0"'
        ' stroke-width="14"/>'
        if interactive
        else ""
    )
    tooltip = "" if interactive else f"<title>{esc(info['summary'])}</title>"
    kind = "flow-group pair" if m.pair else "flow-group"
    return (
        f'<g class="{kind}" id="flow-{i}"{data}>{tooltip}'
        f'<path class="flow" d="{path_d}" fill="none" stroke="{m.colour}"'
        f' stroke-width="{w:.1f}" stroke-opacity="{style.opacity if strong else WEAK}"'
        f' stroke-linecap="round"{dash}/>'
        f"{''.join(heads) if strong else ''}{extra}</g>"
    )


def number_label(
    m: Mark,
    nodes: dict[str, dict[str, Any]],
    xy: dict[str, tuple[float, float]],
    style: Style,
    occ: Occupancy,
) -> list[str]:
    """The number of an arrow written beside its first curve, where it crosses nothing."""
    a, b = xy[m.origin], xy[m.dests[0]]
    w = stroke_width(m.number, style.vmax, style.span)
    span = math.dist(a, b) or 1
    nx_, ny_ = -(b[1] - a[1]) / span, (b[0] - a[0]) / span
    f = m.flows[0] if not m.pair else max(m.flows, key=lambda x: x.number or 0)
    unit = f.attrs.get("unit_label", f.attrs.get("unit", ""))
    text = f"{'largest ' if m.pair and len(m.flows) > 1 else ''}{m.number or 0:,} {unit}".strip()
    candidates = []
    for t in (0.5, 0.4, 0.6):
        mx, my = a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t
        for out in (span * 0.15 + w / 2 + 14, span * 0.15 + w / 2 + 30, -(w / 2 + 12)):
            candidates.append((mx + nx_ * out, my + ny_ * out + 4, "middle"))
    if len(m.dests) > 1:  # one number for several destinations: say so, if it fits
        names = " + ".join(str(nodes[d].get("label", d)) for d in m.dests)
        longer = f"{text} ({names} together)"
        spot = place(occ, candidates, longer, 12)
        if spot is not None:
            text = longer
    else:
        spot = None
    spot = spot or place(occ, candidates, text, 12)
    if spot is None:
        return []
    x, y, _ = spot
    data = f' font-weight="bold" data-for="{esc(m.key)}"'
    return [halo_text(x, y, text, anchor="middle", extra=data)]


__all__ = [
    "EMPHASIS",
    "MAX_CONTEXT",
    "WEAK",
    "Style",
    "arrow_svg",
    "context_svg",
    "line_style",
    "number_label",
]
