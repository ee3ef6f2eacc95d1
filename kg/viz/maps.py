"""The flow map: a hand-written SVG of the flow network (PNG and HTML in :mod:`kg.viz.render`).

Layout is equirectangular (x = longitude, y = latitude) fitted to the drawn places. Countries
are dots coloured by role; regions, which have no coordinates in the data, are hollow diamonds
at the mean position of their member countries. One ``<path class="flow">`` per drawn flow (a
flow to several destinations is one path with one sub-path per destination), arrowheads as
polygons, width by √number, dashed where a flow has no number of its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import networkx as nx

from kg.viz import worldmap
from kg.viz.geo import WIDTH, View, curve, fit_view, graticule_svg, land_svg
from kg.viz.legend import PALETTE, Legend, esc, legend_svg, q, stroke_width
from kg.viz.marks import Box, Drawn, flow_data, halo_text, nodes_svg

FONT = "DejaVu Sans, Verdana, Arial, sans-serif"


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


def flow_map_svg(
    graph: nx.MultiDiGraph,
    *,
    title: str = "Trafficking flows",
    note: str = "",
    interactive: bool = False,
    width: int = WIDTH,
) -> str:
    """The flow map of ``graph`` (from ``kg.flows.flow_network``) as a standalone SVG.

    ``interactive`` adds wide transparent hit paths (for hovering) instead of SVG tooltips.
    """
    nodes = {str(n): d for n, d in graph.nodes(data=True)}
    placed = {n: (d["longitude"], d["latitude"]) for n, d in nodes.items() if "latitude" in d}
    view = fit_view(list(placed.values()), width)
    flows = [f for f in drawn_flows(graph) if f.origin in placed]
    for f in flows:
        f.dests = [d for d in f.dests if d in placed]
    flows = [f for f in flows if f.dests]
    vmax = max((f.number for f in flows if f.number is not None), default=1) or 1
    xy = {n: view.xy(*p) for n, p in placed.items()}
    labels: list[str] = []
    boxes: list[Box] = [(x - 6, y - 6, x + 6, y + 6) for x, y in xy.values()]
    style = Style(
        vmax=vmax,
        span=9 if len(flows) <= 12 else max(2.2, 9 * math.sqrt(12 / len(flows))),
        opacity=0.82 if len(flows) <= 40 else 0.55,
    )
    body = [_flow_svg(i, f, nodes, xy, style, interactive, boxes) for i, f in enumerate(flows)]
    numbered = sorted((f for f in flows if f.number is not None), key=lambda f: -(f.number or 0))
    for f in numbered[: 8 if len(flows) <= 40 else 4]:
        labels.extend(_number_label(f, nodes, xy, style, boxes, view))
    degree: dict[str, float] = {}
    for f in flows:
        for n in (f.origin, *f.dests):
            degree[n] = degree.get(n, 0) + 1 + (f.number or 0) / vmax
    marks, tiers = nodes_svg(nodes, xy, labels, degree, boxes, (view.w, view.h))
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
        '<g class="flows">',
        *body,
        "</g>",
        marks,
        '<g class="labels">',
        *labels,
        "</g>",
        "</svg>",
        f'<rect x="0" y="{top_h}" width="{mw}" height="{mh}" fill="none" stroke="#cbd5e1"/>',
        f'<g class="legend" transform="translate(0,{top_h + view.h:.0f})">{legend_markup}</g>',
        "</svg>",
    ]
    return "\n".join(x for x in lines if x) + "\n"


def _flow_svg(
    i: int,
    f: Drawn,
    nodes: dict[str, dict[str, Any]],
    xy: dict[str, tuple[float, float]],
    style: Style,
    interactive: bool,
    boxes: list[Box],
) -> str:
    """One flow: a group with its data, one path (a sub-path per destination), arrowheads."""
    w = stroke_width(f.number, style.vmax, style.span)
    ds, heads = [], []
    for dest in f.dests:
        r_end = 10 if nodes[dest].get("kind") == "region" else 6
        d, head, tip = curve(xy[f.origin], xy[dest], r_end, w)
        ds.append(d)
        heads.append(f'<polygon class="arrow" points="{head}" fill="{f.colour}"/>')
        boxes.append((tip[0] - 6, tip[1] - 6, tip[0] + 6, tip[1] + 6))
    dash = "" if f.number is not None else ' stroke-dasharray="7 5"'
    info = flow_data(f, nodes)
    data = "".join(f" data-{k}={q(v)}" for k, v in info.items())
    path_d = " ".join(ds)
    extra = (
        f'<path class="hit" d="{path_d}" fill="none" stroke="#000" stroke-opacity="0"'
        ' stroke-width="14"/>'
        if interactive
        else ""
    )
    tooltip = "" if interactive else f"<title>{esc(info['summary'])}</title>"
    return (
        f'<g class="flow-group" id="flow-{i}"{data}>{tooltip}'
        f'<path class="flow" d="{path_d}" fill="none" stroke="{f.colour}"'
        f' stroke-width="{w:.1f}" stroke-opacity="{style.opacity}" stroke-linecap="round"{dash}/>'
        f"{''.join(heads)}{extra}</g>"
    )


def _number_label(
    f: Drawn,
    nodes: dict[str, dict[str, Any]],
    xy: dict[str, tuple[float, float]],
    style: Style,
    boxes: list[Box],
    view: View,
) -> list[str]:
    """The number of a flow written just outside the bend of its first arrow, if it fits."""
    a, b = xy[f.origin], xy[f.dests[0]]
    w = stroke_width(f.number, style.vmax, style.span)
    span = math.dist(a, b) or 1
    nx_, ny_ = -(b[1] - a[1]) / span, (b[0] - a[0]) / span
    out = span * 0.15 + w / 2 + 16
    x, y = (a[0] + b[0]) / 2 + nx_ * out, (a[1] + b[1]) / 2 + ny_ * out
    text = f"{f.number or 0:,} {f.attrs.get('unit_label', f.attrs.get('unit', ''))}"
    several = len(f.dests) > 1
    half = len(text) * 3.6
    box = (x - half, y - 12 - (14 if several else 0), x + half, y + 4)
    if box[0] < 0 or box[2] > view.w or box[1] < 0 or box[3] > view.h:
        return []
    if any(box[0] < o[2] and o[0] < box[2] and box[1] < o[3] and o[1] < box[3] for o in boxes):
        return []
    boxes.append(box)
    bold = ' font-weight="bold"'
    out_labels = [halo_text(x, y - (14 if several else 0), text, anchor="middle", extra=bold)]
    if several:
        names = " + ".join(str(nodes[d].get("label", d)) for d in f.dests)
        out_labels.append(halo_text(x, y, f"({names} together)", size=11, anchor="middle"))
    return out_labels


__all__ = ["Style", "drawn_flows", "flow_map_svg"]
