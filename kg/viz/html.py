"""The interactive flow map: one self-contained HTML file (inline SVG, CSS and a small script).

No CDN, fonts or images are loaded: a Content-Security-Policy of ``default-src 'none'`` makes
the browser refuse any request. Pan by dragging, zoom with the wheel or the buttons (both change
the map's SVG ``viewBox``), hover an arrow for its details. The page carries every matching
flow (compact tables in a JSON data block) and its script (``static/flowmap.js``) redraws the
map on each choice: filters by form (narrower forms included), year and origin first, then the
N largest, parallel flows joined above a few hundred, the rest faded, labels placed anew.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import networkx as nx

from kg.viz.arrows import EMPHASIS, WEAK
from kg.viz.geo import WIDTH, View, fit_view
from kg.viz.legend import esc, q
from kg.viz.mapmodel import AGGREGATE_ABOVE, largest
from kg.viz.mapnodes import tier_text
from kg.viz.maps import drawn_flows, flow_map_svg
from kg.viz.marks import flow_data

#: Without a choice, the page draws this many flows (the largest).
AUTO_TOP = 250

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"

STYLE = """
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; margin: 0; color: #111827;
  background: #f9fafb; }
header { display: flex; flex-wrap: wrap; gap: 14px; align-items: center; padding: 10px 20px;
  background: #ffffff; border-bottom: 1px solid #e5e7eb; font-size: 14px; }
header label { display: flex; gap: 6px; align-items: center; }
select, button { font: inherit; padding: 3px 8px; border: 1px solid #d1d5db; border-radius: 4px;
  background: #fff; }
button { cursor: pointer; }
#hint, #shown { color: #6b7280; font-size: 13px; }
main { padding: 12px 20px; }
main > svg { width: 100%; height: auto; max-width: 1200px; background: #fff;
  box-shadow: 0 1px 3px rgba(0,0,0,.08); }
#map { cursor: grab; }
#map.dragging { cursor: grabbing; }
.flow-group.active .flow { stroke-opacity: 1; filter: drop-shadow(0 0 2px #11182766); }
.flow-group.dim { opacity: 0.25; }
#tip { position: fixed; display: none; max-width: 430px; background: #111827; color: #f9fafb;
  padding: 8px 10px; border-radius: 6px; font-size: 12.5px; line-height: 1.45;
  pointer-events: none; box-shadow: 0 4px 14px rgba(0,0,0,.25); z-index: 10; }
#tip b { color: #fde68a; font-weight: 600; }
#tip .iri { color: #93c5fd; word-break: break-all; }
#tip .breakdown { display: block; white-space: pre-line; }
"""


def _script() -> str:
    """The page's script (``static/flowmap.js``), inlined: the file must work on its own."""
    return (resources.files("kg.viz") / "static" / "flowmap.js").read_text(encoding="utf-8")


def _data(
    graph: nx.MultiDiGraph,
    sizes: dict[str, int | None],
    tree: dict[str, set[str]],
    view: View,
    tiers: dict[str, str],
    focal: str | None,
) -> dict[str, Any]:
    """Everything the page's script needs to choose and draw flows, in compact tables."""
    flows = drawn_flows(graph)
    nodes = {str(n): d for n, d in graph.nodes(data=True)}
    units: list[str] = []
    colours: list[str] = []
    methods: list[str] = []
    sources: list[str] = []

    def index(table: list[str], value: str) -> int:
        if value not in table:
            table.append(value)
        return table.index(value)

    places = [
        [
            n,
            str(d.get("label", n)),
            d["longitude"],
            d["latitude"],
            "region" if d.get("kind") == "region" else "country",
            tier_text(d, tiers) if d.get("tier") else "",
        ]
        for n, d in sorted(nodes.items())
        if "latitude" in d
    ]
    rows = []
    for f in flows:
        a = f.attrs
        info = flow_data(f, nodes)
        unit = str(a.get("unit_label", a.get("unit", "")))
        rows.append(
            [
                f.iri,
                f.origin,
                list(f.dests),
                int(a["year"]) if isinstance(a.get("year"), int) else None,
                [x for x in str(a.get("form_ids", "")).split("; ") if x],
                f.number,
                index(units, unit) if unit else -1,
                index(colours, f.colour),
                sizes.get(f.iri),
                a.get("part_of"),
                info["estimate"],
                index(methods, info["method"]),
                index(sources, info["source"]),
                info["reliability"],
                info["type"],
                info["forms"],
            ]
        )
    return {
        "view": {
            "lon0": view.lon0,
            "lon1": view.lon1,
            "lat0": view.lat0,
            "lat1": view.lat1,
            "w": view.w,
            "h": view.h,
        },
        "places": places,
        "flows": rows,
        "tree": {k: sorted(v) for k, v in sorted(tree.items())},
        "units": units,
        "colours": colours,
        "methods": methods,
        "sources": sources,
        "focal": focal,
        "aggregateAbove": AGGREGATE_ABOVE,
        "emphasis": EMPHASIS,
        "weak": WEAK,
    }


def flow_map_html(
    graph: nx.MultiDiGraph,
    sizes: dict[str, int | None] | None = None,
    tree: dict[str, set[str]] | None = None,
    *,
    title: str = "Trafficking flows",
    note: str = "",
    focal: str | None = None,
    top: int | None = None,
) -> str:
    """A self-contained interactive page of the flow map of every flow of ``graph`` (the
    matching flows: ``sizes`` ranks them, ``tree`` maps each form to its broader forms). The
    page's own filters choose, then its top-N menu keeps the largest (``top`` by default)."""
    sizes = sizes if sizes is not None else {}
    tree = tree or {}
    flows = drawn_flows(graph)
    nodes = {str(n): d for n, d in graph.nodes(data=True)}
    frame = [(d["longitude"], d["latitude"]) for d in nodes.values() if "latitude" in d]
    tiers: dict[str, str] = {}
    for _, d in sorted(nodes.items()):
        if d.get("tier"):
            tier_text(d, tiers)
    forms: dict[str, str] = {}
    years: set[str] = set()
    origins: dict[str, str] = {}
    for f in flows:
        ids = str(f.attrs.get("form_ids", "")).split("; ")
        labels = str(f.attrs.get("forms", "")).split("; ")
        for fid, label in zip(ids, labels if len(labels) == len(ids) else ids, strict=True):
            if fid:
                forms[fid] = label
        for fid in ids:
            for broader in tree.get(fid, ()):
                forms.setdefault(broader, broader.replace("-", " "))
        years.add(str(f.attrs["year"]) if "year" in f.attrs else "none")
        origins[f.origin] = str(nodes.get(f.origin, {}).get("label", f.origin))
    form_options = "".join(
        f"<option value={q(k)}>{esc(v)}</option>"
        for k, v in sorted(forms.items(), key=lambda x: x[1])
    )
    year_options = "".join(
        f"<option value={q(y)}>{esc('no year given' if y == 'none' else y)}</option>"
        for y in sorted(years, key=lambda y: (y == "none", y))
    )
    origin_options = "".join(
        f"<option value={q(k)}{' selected' if k == focal else ''}>{esc(v)} ({esc(k)})</option>"
        for k, v in sorted(origins.items(), key=lambda x: x[1])
    )
    default = top or AUTO_TOP
    choices = sorted({50, 100, 250, 500, 1000, default})
    top_options = (
        "".join(
            f"<option value={n}{' selected' if n == default else ''}>the {n} largest</option>"
            for n in choices
            if n < len(flows) or n == default
        )
        + f'<option value="all">all {len(flows)} flows</option>'
    )
    keep = {f.iri for f in largest(flows, sizes, default)}
    chosen = graph.edge_subgraph(
        [(u, v, k) for u, v, k, d in graph.edges(keys=True, data=True) if d["flow"] in keep]
    ).copy()
    svg = flow_map_svg(
        chosen, title=title, note=note, interactive=True, focal=focal, frame=frame, tier_marks=tiers
    )
    view = fit_view(frame, WIDTH)
    data = json.dumps(_data(graph, sizes, tree, view, tiers, focal), separators=(",", ":"))
    data = data.replace("<", "\\u003c")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>{STYLE}</style>
</head>
<body>
<header>
<label>Form <select id="form"><option value="">all forms</option>{form_options}</select></label>
<label>Year <select id="year"><option value="">all years</option>{year_options}</select></label>
<label>Origin <select id="origin"><option value="">all origins</option>{origin_options}</select>
</label>
<label>Show <select id="top">{top_options}</select></label>
<button id="zoom-in" type="button" title="Zoom in">+</button>
<button id="zoom-out" type="button" title="Zoom out">−</button>
<button id="reset" type="button">Reset view</button>
<span id="shown"></span>
<span id="hint">Filters choose the flows first, then the largest are drawn. Drag to pan,
scroll to zoom, hover an arrow for its details.</span>
</header>
<main>
{svg}</main>
<div id="tip" role="tooltip"></div>
<script type="application/json" id="flow-data">{data}</script>
<script>{_script()}</script>
</body>
</html>
"""


__all__ = ["CSP", "flow_map_html"]
