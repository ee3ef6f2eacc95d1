"""The flow map as a file: SVG, PNG (through CairoSVG) or an interactive offline HTML page."""

from __future__ import annotations

import importlib
from typing import Any

import networkx as nx
import pyoxigraph as ox

from kg.core.errors import ConfigError, QueryError, choices_hint
from kg.network import flows as F
from kg.viz.html import flow_map_html
from kg.viz.mapmodel import largest
from kg.viz.maps import drawn_flows, flow_map_svg

#: File formats of ``kg viz flows`` (the output file's suffix).
FORMATS = ("svg", "png", "html")
#: Without ``--top``, a map shows at most this many flows (the largest).
AUTO_TOP = 250


def describe_filters(
    store: ox.Store, origin: str | None, form: str | None, year: int | None
) -> str:
    """A short human description of the filters in force."""
    parts = []
    if origin:
        parts.append(f"origin {origin.upper()}")
    if form:
        parts.append(f"form {form} (and narrower forms)")
    if year is not None:
        parts.append(f"year {year}")
    return " · ".join(parts)


def render_flows(
    store: ox.Store,
    fmt: str,
    *,
    origin: str | None = None,
    form: str | None = None,
    year: int | None = None,
    top: int | None = None,
) -> bytes:
    """The flow map as ``svg``, ``png`` or ``html`` bytes.

    The filters (origin, form, year) choose the flows first; then the map draws the ``top``
    largest of them (without ``top``, at most AUTO_TOP) and the rest faded behind. The HTML page
    carries every matching flow and redoes this choice in the browser for its own filters.
    """
    if fmt not in FORMATS:
        raise QueryError(f"unknown map format {fmt!r}", hint=choices_hint(fmt, FORMATS))
    graph, sizes, tree = F.map_flows(store, origin=origin, form=form, year=year)
    note = describe_filters(store, origin, form, year)
    focal = origin.upper() if origin else None
    title = "Trafficking flows"
    if fmt == "html":
        page = flow_map_html(graph, sizes, tree, title=title, note=note, focal=focal, top=top)
        return page.encode("utf-8")
    chosen, rest = split_top(graph, sizes, top or AUTO_TOP)
    shown, matching = chosen.graph["flows"], graph.graph["flows_matching"]
    if shown < matching:
        note = " · ".join(x for x in (note, f"the {shown} largest of {matching} flows") if x)
    svg = flow_map_svg(chosen, title=title, note=note, focal=focal, context=rest)
    return svg.encode("utf-8") if fmt == "svg" else svg_to_png(svg)


def split_top(
    graph: nx.MultiDiGraph, sizes: dict[str, int | None], top: int
) -> tuple[nx.MultiDiGraph, nx.MultiDiGraph]:
    """(the network of the ``top`` largest flows, the network of the others)."""
    keep = {f.iri for f in largest(drawn_flows(graph), sizes, top)}
    chosen = graph.edge_subgraph(
        [(u, v, k) for u, v, k, d in graph.edges(keys=True, data=True) if d["flow"] in keep]
    ).copy()
    rest = graph.edge_subgraph(
        [(u, v, k) for u, v, k, d in graph.edges(keys=True, data=True) if d["flow"] not in keep]
    ).copy()
    chosen.graph.update(graph.graph, flows=len(keep))
    return chosen, rest


def svg_to_png(svg: str, scale: float = 1.5) -> bytes:
    """Rasterise an SVG with CairoSVG (``pip install cairosvg``; needs the system cairo)."""
    try:
        cairosvg: Any = importlib.import_module("cairosvg")
    except (ImportError, OSError) as exc:
        raise ConfigError(
            "PNG output needs CairoSVG",
            hint="pip install 'kg-tip[viz]' (CairoSVG and the system cairo library)",
        ) from exc
    data = cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale)
    return bytes(data)


__all__ = ["AUTO_TOP", "FORMATS", "describe_filters", "render_flows", "split_top", "svg_to_png"]
