"""The flow map: a hand-written SVG of the flow network (PNG and HTML in :mod:`kg.viz.render`).

Layout is equirectangular (x = longitude, y = latitude) fitted to the drawn places. Countries
are dots coloured by role; regions, which have no coordinates in the data, are hollow diamonds
at the mean position of their member countries. One ``<g class="flow-group">`` per arrow: a
flow (one sub-path per destination), or, above ``AGGREGATE_ABOVE`` flows, an origin–destination
pair whose tooltip lists its flows; width by √number (a pair: its largest flow's, never a sum),
dashed where no flow has a number of its own. Flows that match the filters but are not among the
N largest are drawn faded behind, as context. Labels never cover a marker, another label or an
arrow; the focal country is always labelled.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import networkx as nx

from kg.viz import worldmap
from kg.viz.geo import WIDTH, View, curve_geometry, fit_view, graticule_svg, land_svg
from kg.viz.legend import (
    PALETTE,
    ROLE_COLOURS,
    SUPERSCRIPTS,
    Legend,
    diamond,
    dot,
    esc,
    legend_svg,
    q,
    stroke_width,
)
from kg.viz.mapmodel import AGGREGATE_ABOVE, MIXED, Mark, marks
from kg.viz.marks import GREY, Drawn, flow_data, halo_text
from kg.viz.placement import Occupancy, around, bezier, place

FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
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


def drawn_flows(graph: nx.MultiDiGraph) -> list[Drawn]:
    """Group the network's edges back into flows (IRI order), with colours by unit."""
    by_iri: dict[str, Drawn] = {}
    for u, v, _, d in sorted(graph.edges(keys=True, data=True), key=lambda e: (e[2], e[1])):
        f = by_iri.setdefault(d["flow"], Drawn(d["flow"], u, attrs=dict(d)))
        f.dests.append(v)
        number = d.get("estimate_point", d.get("estimate_low", d.get("estimate_high")))
        if number is not None:
            f.number, f.attrs = int(number), dict(d)
    units = sorted({str(f.attrs["unit"]) for f in by_iri.values() if f.number is not None})
    colours = {u: PALETTE[i % len(PALETTE)] for i, u in enumerate(units)}
    for f in by_iri.values():
        if f.number is not None:
            f.colour = colours[str(f.attrs["unit"])]
    for f in by_iri.values():
        parent = by_iri.get(str(f.attrs.get("part_of", "")))
        if f.number is None and parent is not None:
            f.colour = parent.colour
    return [by_iri[k] for k in sorted(by_iri)]


def _style(count: int, vmax: int) -> Style:
    return Style(
        vmax=vmax,
        span=9 if count <= 12 else max(2.2, 9 * math.sqrt(12 / count)),
        opacity=0.82 if count <= 40 else 0.55 if count <= AGGREGATE_ABOVE else 0.5,
    )


def flow_map_svg(
    graph: nx.MultiDiGraph,
    *,
    title: str = "Trafficking flows",
    note: str = "",
    interactive: bool = False,
    width: int = WIDTH,
    focal: str | None = None,
    context: nx.MultiDiGraph | None = None,
    aggregate: bool | None = None,
    frame: list[tuple[float, float]] | None = None,
    tier_marks: dict[str, str] | None = None,
) -> str:
    """The flow map of ``graph`` (from ``kg.network.flows``) as a standalone SVG.

    ``focal`` (a node id) is always labelled; ``context`` holds flows drawn faded behind (the
    matching flows not among the N largest); ``aggregate`` forces (or forbids) one arrow per
    pair, which is otherwise used above ``AGGREGATE_ABOVE`` flows. ``interactive`` adds wide
    transparent hit paths (for hovering) instead of SVG tooltips. ``frame`` (lon, lat points)
    is what the map must show, by default the drawn places; ``tier_marks`` (assessor →
    superscript) fixes the tier footnotes, by default numbered as labels need them.
    """
    nodes = {str(n): d for n, d in graph.nodes(data=True)}
    placed = {n: (d["longitude"], d["latitude"]) for n, d in nodes.items() if "latitude" in d}
    view = fit_view(frame if frame else list(placed.values()), width)
    flows = [f for f in drawn_flows(graph) if f.origin in placed]
    for f in flows:
        f.dests = [d for d in f.dests if d in placed]
    flows = [f for f in flows if f.dests]
    joined = len(flows) > AGGREGATE_ABOVE if aggregate is None else aggregate
    drawn = marks(flows, aggregate=joined)
    vmax = max((m.number for m in drawn if m.number is not None), default=1) or 1
    xy = {n: view.xy(*p) for n, p in placed.items()}
    style = _style(len(drawn), vmax)
    occ = Occupancy(view.w, view.h)
    for n, (x, y) in xy.items():
        r = 9 if nodes[n].get("kind") == "region" else 6
        occ.add_box((x - r, y - r, x + r, y + r))
    ranked = sorted(drawn, key=lambda m: (-(m.number if m.number is not None else -1), m.key))
    strong = {m.key for m in ranked[:EMPHASIS]} if joined else {m.key for m in drawn}
    body = [
        _mark_svg(i, m, nodes, xy, style, interactive, occ, m.key in strong)
        for i, m in enumerate(drawn)
    ]
    labels: list[str] = []
    numbered = sorted((m for m in drawn if m.number is not None), key=lambda m: -(m.number or 0))
    for m in numbered[: 8 if len(drawn) <= 40 else 6]:
        labels.extend(_number_label(m, nodes, xy, style, occ))
    weight: dict[str, float] = {}
    for m in drawn:
        for n in (m.origin, *m.dests):
            weight[n] = weight.get(n, 0) + len(m.flows) + (m.number or 0) / vmax
    tiers = dict(tier_marks) if tier_marks is not None else {}
    node_marks = _nodes(nodes, xy, labels, weight, occ, focal, 60 if joined else 45, tiers)
    legend = Legend(
        flows=flows,
        nodes=nodes,
        vmax=vmax,
        span=style.span,
        tiers=tiers,
        outline=worldmap.available(),
    )
    legend_markup, legend_h = legend_svg(legend, width)
    top_h, mw, mh = 64, f"{view.w:.0f}", f"{view.h:.0f}"
    height = f"{top_h + view.h + legend_h:.0f}"
    with_number = sum(f.number is not None for f in flows)
    counts = f"{len(flows)} flows drawn ({with_number} with a number), {len(placed)} places"
    if joined:
        counts += f"; parallel flows joined: {len(drawn)} arrows, each as wide as its largest flow"
    faded = _context_svg(context, xy, view) if context is not None else ("", 0)
    if interactive and not faded[0]:  # the page draws the faded flows into it
        faded = ('<path class="context" d="M0,0" fill="none" stroke="#64748b"'
                 ' stroke-opacity="0.1" stroke-width="0.8" pointer-events="none"/>', 0)  # fmt: skip
    if faded[1]:
        counts += f"; {faded[1]:,} smaller flows faded behind"
    subtitle = " · ".join(x for x in (note, counts) if x)
    lines = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" font-family="{FONT}" role="img">',
        f"<title>{esc(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="20" y="30" font-size="20" font-weight="bold" fill="#111827">{esc(title)}</text>',
        f'<text x="20" y="50" font-size="12.5" fill="#4b5563">{esc(subtitle)}</text>',
        f'<svg id="map" x="0" y="{top_h}" width="{mw}" height="{mh}" viewBox="0 0 {mw} {mh}">',
        f'<rect class="sea" width="{mw}" height="{mh}" fill="#f1f6fa"/>',
        land_svg(view),
        graticule_svg(view),
        faded[0],
        '<g class="flows">',
        *body,
        "</g>",
        node_marks,
        '<g class="labels">',
        *labels,
        "</g>",
        "</svg>",
        f'<rect x="0" y="{top_h}" width="{mw}" height="{mh}" fill="none" stroke="#cbd5e1"/>',
        f'<g class="legend" transform="translate(0,{top_h + view.h:.0f})">{legend_markup}</g>',
        "</svg>",
    ]
    return "\n".join(x for x in lines if x) + "\n"


def _context_svg(
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


def _mark_svg(
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


def _number_label(
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


def _nodes(
    nodes: dict[str, dict[str, Any]],
    xy: dict[str, tuple[float, float]],
    labels: list[str],
    weight: dict[str, float],
    occ: Occupancy,
    focal: str | None,
    max_labels: int,
    tiers: dict[str, str],
) -> str:
    """Markers for every placed node; labels for the focal node (always) and for the most
    connected ones that fit without covering anything (``tiers`` gets the footnote marks)."""
    out: list[str] = []
    order = sorted(xy, key=lambda n: (n != focal, -weight.get(n, 0), n))
    major = set(order[: max_labels + 1])
    for n in sorted(xy, key=lambda n: (nodes[n].get("kind") != "region", n)):
        x, y = xy[n]
        d = nodes[n]
        tip = esc(f"{d.get('label', n)} ({n})")
        kind = "region" if d.get("kind") == "region" else "country"
        shape = (
            diamond(x, y, 9)
            if kind == "region"
            else dot(x, y, ROLE_COLOURS.get(str(d.get("role")), GREY), 5 if n in major else 3)
        )
        ring = ""
        if n == focal:
            ring = (
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="10" fill="none" stroke="#111827"'
                ' stroke-width="2"/>'
            )
        cls = f"node {kind}{' focal' if n == focal else ''}"
        out.append(f'<g class="{cls}" data-code={q(n)}><title>{tip}</title>{ring}{shape}</g>')
    for n in order[: max_labels + (focal is not None)]:
        d, (x, y) = nodes[n], xy[n]
        text = str(d.get("label", n))
        if d.get("kind") == "region":
            text += " (region)"
        if d.get("tier"):
            text += f" · {tier_text(d, tiers)}"
        is_focal = n == focal
        size = 14 if is_focal else 12
        r = 10 if is_focal else 6
        spot = place(occ, around(x, y, r, size), text, size, force=is_focal)
        if spot is None:
            continue
        bx, by, anchor = spot
        style = ' font-style="italic"' if d.get("kind") == "region" else ""
        style += ' font-weight="bold"' if is_focal else ""
        cls = ' class="focal-label"' if is_focal else ""
        labels.append(halo_text(bx, by, text, size=size, anchor=anchor, extra=style + cls))
    return '<g class="nodes">' + "".join(out) + "</g>"


def tier_text(d: dict[str, Any], tiers: dict[str, str]) -> str:
    """A place's tier with the footnote mark of its assessor (added to ``tiers`` if new)."""
    assessor = str(d.get("tier_assessor", "unknown assessor"))
    if d.get("tier_official"):
        assessor += " (J/TIP)"
    mark = tiers.setdefault(assessor, SUPERSCRIPTS[len(tiers) % len(SUPERSCRIPTS)])
    return f"{d['tier']}{mark}"


__all__ = ["MIXED", "Style", "drawn_flows", "flow_map_svg", "tier_text"]
