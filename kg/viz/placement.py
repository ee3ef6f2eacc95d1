"""Label placement on the flow map: what is already drawn (arrows sampled as points, markers and
labels as boxes) in a coarse grid, and the candidate positions around a place or beside an
arrow, tried in order until one crosses nothing. The focal country is always labelled: at the
candidate that crosses the fewest arrows when none is free. ``flowmap.js`` follows the same
rules in the interactive page."""

from __future__ import annotations

import math
from collections import defaultdict

Box = tuple[float, float, float, float]
Point = tuple[float, float]
CHAR = 0.6  # average glyph width / font size (DejaVu Sans at 11-13 px)


def bezier(p0: Point, c1: Point, c2: Point, p3: Point, step: float = 7.0) -> list[Point]:
    """Points along a cubic Bézier curve about ``step`` pixels apart."""
    length = math.dist(p0, c1) + math.dist(c1, c2) + math.dist(c2, p3)
    n = max(2, int(length / step) + 1)
    out = []
    for i in range(n + 1):
        t = i / n
        u = 1 - t
        out.append(
            (
                u**3 * p0[0] + 3 * u * u * t * c1[0] + 3 * u * t * t * c2[0] + t**3 * p3[0],
                u**3 * p0[1] + 3 * u * u * t * c1[1] + 3 * u * t * t * c2[1] + t**3 * p3[1],
            )
        )
    return out


class Occupancy:
    """What is drawn where: arrow samples by grid cell (with their owner) and solid boxes."""

    def __init__(self, width: float, height: float, cell: float = 16.0) -> None:
        """A map of ``width`` × ``height`` pixels."""
        self.width, self.height, self.cell = width, height, cell
        self.points: dict[tuple[int, int], list[tuple[float, float, str, float]]] = defaultdict(
            list
        )
        self.boxes: list[Box] = []

    def add_points(self, points: list[Point], owner: str, half: float = 1.0) -> None:
        """An arrow, as sampled points along its middle, drawn for ``owner`` (a flow or pair
        key) with a stroke ``half`` as wide as it is on each side."""
        for x, y in points:
            self.points[int(x // self.cell), int(y // self.cell)].append((x, y, owner, half))

    def add_box(self, box: Box) -> None:
        """A marker or a label: nothing else may overlap it."""
        self.boxes.append(box)

    def inside(self, box: Box) -> bool:
        """True when ``box`` lies within the map, 2 px from its edges."""
        return (
            box[0] >= 2 and box[1] >= 2 and box[2] <= self.width - 2 and box[3] <= self.height - 2
        )

    def overlaps(self, box: Box) -> int:
        """How many solid boxes ``box`` overlaps."""
        return sum(
            1
            for b in self.boxes
            if box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
        )

    def crossings(self, box: Box, owner: str | None = None, limit: int | None = None) -> int:
        """How many arrow samples (not ``owner``'s) lie inside ``box``, counting no further
        than ``limit`` + 1 (enough to know the box is worse than one with ``limit``)."""
        n, reach = 0, 8  # the widest half stroke looked for in the next cells
        for i in range(int((box[0] - reach) // self.cell), int((box[2] + reach) // self.cell) + 1):
            for j in range(
                int((box[1] - reach) // self.cell), int((box[3] + reach) // self.cell) + 1
            ):
                for x, y, who, h in self.points.get((i, j), ()):
                    if who == owner:
                        continue
                    if box[0] - h <= x <= box[2] + h and box[1] - h <= y <= box[3] + h:
                        n += 1
                        if limit is not None and n > limit:
                            return n
        return n


def text_box(x: float, y: float, text: str, size: float, anchor: str) -> Box:
    """The box of a text whose baseline starts (or centres, or ends) at (x, y)."""
    w = len(text) * size * CHAR
    left = x - (w if anchor == "end" else w / 2 if anchor == "middle" else 0)
    return (left - 1, y - size * 0.85, left + w + 1, y + size * 0.3)


def around(x: float, y: float, r: float, size: float) -> list[tuple[float, float, str]]:
    """Candidate label anchors around a marker of radius ``r`` at (x, y), nearest first."""
    out = []
    for k in (1.0, 2.2):
        d = r + 4 * k
        out += [
            (x + d, y + size * 0.35, "start"),
            (x - d, y + size * 0.35, "end"),
            (x, y - d - 2, "middle"),
            (x, y + d + size * 0.8, "middle"),
            (x + d * 0.8, y - d * 0.8, "start"),
            (x - d * 0.8, y - d * 0.8, "end"),
            (x + d * 0.8, y + d * 0.8 + size * 0.6, "start"),
            (x - d * 0.8, y + d * 0.8 + size * 0.6, "end"),
        ]
    return out


def place(
    occ: Occupancy,
    candidates: list[tuple[float, float, str]],
    text: str,
    size: float,
    *,
    owner: str | None = None,
    force: bool = False,
) -> tuple[float, float, str] | None:
    """The first candidate whose box is inside the map, overlaps no box and crosses no arrow
    (but ``owner``'s); with ``force``, else the one crossing the fewest arrows. The chosen box
    is added to ``occ``."""
    best: tuple[tuple[int, int, int], tuple[float, float, str], Box] | None = None
    for i, (x, y, anchor) in enumerate(candidates):
        box = text_box(x, y, text, size, anchor)
        if not occ.inside(box):
            continue
        overlaps = occ.overlaps(box)
        if not force and overlaps:
            continue
        # only the count of a box that could still win matters: stop counting beyond it
        limit = (
            0
            if not force
            else (best[0][1] if best is not None and best[0][0] == overlaps else None)
        )
        cost = (overlaps, occ.crossings(box, owner, limit), i)
        if cost[:2] == (0, 0):
            occ.add_box(box)
            return x, y, anchor
        if best is None or cost < best[0]:
            best = (cost, (x, y, anchor), box)
    if force and best is not None:
        occ.add_box(best[2])
        return best[1]
    return None


__all__ = ["Box", "Occupancy", "around", "bezier", "place", "text_box"]
