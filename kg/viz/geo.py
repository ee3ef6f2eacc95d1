"""Geometry of the flow map: the equirectangular window, the world outline, the graticule
and the bent arrows between places."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from kg.viz import worldmap

WIDTH = 1200


@dataclass(frozen=True)
class View:
    """The lon/lat window shown and the pixel size of the map area."""

    lon0: float
    lon1: float
    lat0: float
    lat1: float
    w: float
    h: float

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        """Project a position to map pixels."""
        x = (lon - self.lon0) / (self.lon1 - self.lon0) * self.w
        return x, (self.lat1 - lat) / (self.lat1 - self.lat0) * self.h


def fit_view(points: list[tuple[float, float]], width: float = WIDTH) -> View:
    """A window around ``points`` (lon, lat) with padding and a map height of 360–620 px."""
    if not points:
        return View(-180, 180, -60, 85, width, width * 145 / 360)
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    dlon = max(max(lons) - min(lons), 1) * 1.3 + 16
    dlat = max(max(lats) - min(lats), 1) * 1.3 + 12
    dlon, dlat = max(dlon, 40.0), max(dlat, 25.0)
    if width * dlat / dlon < 360:
        dlat = 360 * dlon / width
    if width * dlat / dlon > 620:
        dlon = width * dlat / 620
    dlon, dlat = min(dlon, 360.0), min(dlat, 145.0)
    clon, clat = (max(lons) + min(lons)) / 2, (max(lats) + min(lats)) / 2
    lon0 = min(max(clon - dlon / 2, -180.0), 180.0 - dlon)
    lat0 = min(max(clat - dlat / 2, -60.0), 85.0 - dlat)
    return View(lon0, lon0 + dlon, lat0, lat0 + dlat, width, round(width * dlat / dlon))


@cache
def _rings() -> tuple[tuple[int, float, float, float, float, worldmap.Ring], ...]:
    """(level, west, east, south, north, ring) of every outline ring: the extents read once."""
    out = []
    for level, ring in worldmap.polygons():
        lons, lats = [p[0] for p in ring], [p[1] for p in ring]
        out.append((level, min(lons), max(lons), min(lats), max(lats), ring))
    return tuple(out)


def land_svg(view: View) -> str:
    parts: dict[int, list[str]] = {worldmap.LAND: [], worldmap.LAKE: []}
    lon0, lat1, w, h = view.lon0, view.lat1, view.w, view.h
    dlon, dlat = view.lon1 - view.lon0, view.lat1 - view.lat0
    for level, west, east, south, north, ring in _rings():
        if east < view.lon0 or west > view.lon1 or north < view.lat0 or south > view.lat1:
            continue
        pts: list[str] = []
        lx, ly = math.inf, math.inf
        for lon, lat in ring:  # View.xy inline, the same arithmetic: a map has 60,000 points
            x = (lon - lon0) / dlon * w
            y = (lat1 - lat) / dlat * h
            if abs(x - lx) + abs(y - ly) >= 1.2:
                pts.append(f"{x:.1f},{y:.1f}")
                lx, ly = x, y
        if len(pts) > 2:
            parts[level].append("M" + "L".join(pts) + "Z")
    out = []
    for level, fill in ((worldmap.LAND, "#e7e5e4"), (worldmap.LAKE, "#f1f6fa")):
        if parts[level]:
            d = "".join(parts[level])
            out.append(
                f'<path class="land" d="{d}" fill="{fill}" stroke="#d6d3d1" stroke-width="0.6"/>'
            )
    return "\n".join(out)


def graticule_svg(view: View) -> str:
    step = 30 if view.lon1 - view.lon0 > 150 else 10
    lines = []
    for lon in range(-180, 181, step):
        if view.lon0 <= lon <= view.lon1:
            x, _ = view.xy(lon, 0)
            lines.append(f"M{x:.1f},0V{view.h:.0f}")
    for lat in range(-90, 91, step):
        if view.lat0 <= lat <= view.lat1:
            _, y = view.xy(0, lat)
            lines.append(f"M0,{y:.1f}H{view.w:.0f}")
    d = "".join(lines)
    return f'<path class="graticule" d="{d}" fill="none" stroke="#cbd5e1" stroke-width="0.6"/>'


Geometry = tuple[
    tuple[float, float],
    tuple[float, float],
    tuple[float, float],
    tuple[float, float],
    list[tuple[float, float]],
    tuple[float, float],
]


def curve_geometry(
    a: tuple[float, float], b: tuple[float, float], r_end: float, width: float
) -> Geometry:
    """(start, control 1, control 2, end, arrowhead triangle, tip) of a bent arrow from a to b
    (a loop when a == b). The curve bends to the left of its direction, so two flows between
    the same pair in opposite directions do not overlap."""
    head = 7 + 1.6 * width
    if math.dist(a, b) < 1:
        x, y = a
        c1, c2 = (x + 4, y - 62), (x + 62, y - 4)
        tip = (x + r_end + 1.5, y - 1.5)
    else:
        mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
        dx, dy = b[0] - a[0], b[1] - a[1]
        bend = 0.2
        c1 = c2 = (mx - dy * bend, my + dx * bend)
        length = math.hypot(dx, dy)
        tx, ty = b[0] - c2[0], b[1] - c2[1]
        n = math.hypot(tx, ty) or 1
        back = min(r_end + 1.5, length / 3)
        tip = (b[0] - tx / n * back, b[1] - ty / n * back)
    tx, ty = tip[0] - c2[0], tip[1] - c2[1]
    n = math.hypot(tx, ty) or 1
    ux, uy = tx / n, ty / n
    end = (tip[0] - ux * head * 0.7, tip[1] - uy * head * 0.7)
    base = (tip[0] - ux * head, tip[1] - uy * head)
    half = head * 0.45
    pts = [
        tip,
        (base[0] - uy * half, base[1] + ux * half),
        (base[0] + uy * half, base[1] - ux * half),
    ]
    return a, c1, c2, end, pts, tip


def curve(
    a: tuple[float, float], b: tuple[float, float], r_end: float, width: float
) -> tuple[str, str, tuple[float, float]]:
    """Path data of a bent arrow from a to b (or a loop when a == b) and its arrowhead."""
    start, c1, c2, end, pts, tip = curve_geometry(a, b, r_end, width)
    d = (
        f"M{start[0]:.1f},{start[1]:.1f}C{c1[0]:.1f},{c1[1]:.1f} {c2[0]:.1f},{c2[1]:.1f} "
        f"{end[0]:.1f},{end[1]:.1f}"
    )
    return d, " ".join(f"{x:.1f},{y:.1f}" for x, y in pts), tip


__all__ = [
    "WIDTH",
    "Geometry",
    "View",
    "curve",
    "curve_geometry",
    "fit_view",
    "graticule_svg",
    "land_svg",
]
