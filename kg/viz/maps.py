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

import networkx as nx

from kg.viz import worldmap
from kg.viz.arrows import (
    EMPHASIS,
    Style,
    arrow_svg,
    context_svg,
    line_style,
    number_label,
)
from kg.viz.geo import WIDTH, fit_view, graticule_svg, land_svg
from kg.viz.legend import PALETTE, Legend, esc, legend_svg
from kg.viz.mapmodel import AGGREGATE_ABOVE, MIXED, marks
from kg.viz.mapnodes import nodes_svg, tier_text
from kg.viz.marks import Drawn
from kg.viz.placement import Occupancy

FONT = "DejaVu Sans, Verdana, Arial, sans-serif"


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
    style = line_style(len(drawn), vmax)
    occ = Occupancy(view.w, view.h)
    for n, (x, y) in xy.items():
        r = 9 if nodes[n].get("kind") == "region" else 6
        occ.add_box((x - r, y - r, x + r, y + r))
    ranked = sorted(drawn, key=lambda m: (-(m.number if m.number is not None else -1), m.key))
    strong = {m.key for m in ranked[:EMPHASIS]} if joined else {m.key for m in drawn}
    body = [
        arrow_svg(i, m, nodes, xy, style, interactive, occ, m.key in strong)
        for i, m in enumerate(drawn)
    ]
    labels: list[str] = []
    numbered = sorted((m for m in drawn if m.number is not None), key=lambda m: -(m.number or 0))
    for m in numbered[: 8 if len(drawn) <= 40 else 6]:
        labels.extend(number_label(m, nodes, xy, style, occ))
    weight: dict[str, float] = {}
    for m in drawn:
        for n in (m.origin, *m.dests):
            weight[n] = weight.get(n, 0) + len(m.flows) + (m.number or 0) / vmax
    tiers = dict(tier_marks) if tier_marks is not None else {}
    node_marks = nodes_svg(nodes, xy, labels, weight, occ, focal, 60 if joined else 45, tiers)
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
    faded = context_svg(context, xy, view) if context is not None else ("", 0)
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


__all__ = ["MIXED", "Style", "drawn_flows", "flow_map_svg", "tier_text"]
