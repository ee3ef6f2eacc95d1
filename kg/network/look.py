"""How a flow network looks in a network tool: node positions in a projected plane, node sizes by
total flow, node colours by tier. Shared by the GEXF writer (``viz:`` elements) and the CSV node
table, so that Gephi, a spreadsheet and kg's own maps tell the same story.

Positions are Web Mercator (EPSG:3857 without the earth radius) scaled to ``SCALE`` units per
degree of longitude, y pointing north, so neighbouring European countries stand a few dozen to a
few hundred units apart instead of overlapping within one unit as raw degrees did. Sizes grow with
the square root of a node's total flow; numbers of different units are never added: a node's
total is that of the unit it carries most of, named beside it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kg.network.common import Network

if TYPE_CHECKING:  # networkx loads only where a networkx graph is made
    import networkx as nx

#: Plane units per degree of longitude (the world is 9,000 units wide).
SCALE = 25.0
#: Latitudes beyond this are clamped (Mercator grows without bound at the poles).
MAX_LAT = 82.0
#: Node sizes (diameters in plane units): without any number, and the range for numbers.
SIZE_NONE, SIZE_MIN, SIZE_MAX = 6.0, 8.0, 48.0

#: Colours (r, g, b) of the latest tier, by tier id; places without a tier are grey.
TIER_COLOURS: dict[str, tuple[int, int, int]] = {
    "tier-1": (46, 125, 50),
    "tier-2": (249, 168, 37),
    "tier-2wl": (239, 108, 0),
    "tier-3": (198, 40, 40),
    "tier-special-case": (106, 27, 154),
}
NO_TIER = (156, 163, 175)
REGION = (229, 231, 235)


@dataclass(frozen=True)
class NodeLook:
    """Where a node stands, how big and which colour, and the total behind its size."""

    x: float | None
    y: float | None
    size: float
    colour: tuple[int, int, int]
    total: int | None
    unit: str | None


def project(lon: float, lat: float) -> tuple[float, float]:
    """Web Mercator position of (lon, lat) in plane units (y north), rounded to 0.01."""
    phi = math.radians(max(-MAX_LAT, min(MAX_LAT, lat)))
    y = math.degrees(math.log(math.tan(math.pi / 4 + phi / 2)))
    return round(lon * SCALE, 2), round(y * SCALE, 2)


def node_totals(graph: nx.MultiDiGraph | Network) -> dict[str, tuple[int, str]]:
    """Node → (total, unit): the sum of the numbers on its flows (in and out, an internal flow
    once) in the unit with the largest such sum. Each number is counted once: only the edge that
    carries it (``weight``) counts, never an edge that shares an aggregate's number."""
    sums: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for u, v, d in graph.edges(data=True):
        weight = d.get("weight")
        if not isinstance(weight, int) or isinstance(weight, bool):
            continue
        unit = str(d.get("unit_label") or d.get("unit") or "unknown unit")
        for node in {str(u), str(v)}:
            sums[node][unit] += weight
    out = {}
    for node, by_unit in sums.items():
        unit, total = max(by_unit.items(), key=lambda item: (item[1], item[0]))
        out[node] = (total, unit)
    return out


def tier_colour(attrs: dict[str, Any]) -> tuple[int, int, int]:
    """The colour of a node's latest tier (regions and untiered places grey)."""
    if attrs.get("kind") == "region":
        return REGION
    return TIER_COLOURS.get(str(attrs.get("tier_id", "")), NO_TIER)


def looks(graph: nx.MultiDiGraph | Network) -> dict[str, NodeLook]:
    """The look of every node of a flow network (from ``kg.network.flows.flow_network``)."""
    totals = node_totals(graph)
    largest = max((t for t, _ in totals.values()), default=0)
    out = {}
    for node, d in graph.nodes(data=True):
        lat, lon = d.get("latitude"), d.get("longitude")
        x = y = None
        if isinstance(lat, float) and isinstance(lon, float):
            x, y = project(lon, lat)
        total, unit = totals.get(str(node), (None, None))
        if total is None or largest <= 0:
            size = SIZE_NONE
        else:
            size = SIZE_MIN + (SIZE_MAX - SIZE_MIN) * math.sqrt(max(total, 0) / largest)
        out[str(node)] = NodeLook(x, y, round(size, 2), tier_colour(d), total, unit)
    return out


__all__ = [
    "NO_TIER",
    "SCALE",
    "TIER_COLOURS",
    "NodeLook",
    "looks",
    "node_totals",
    "project",
    "tier_colour",
]
