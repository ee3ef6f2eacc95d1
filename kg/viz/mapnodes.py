"""The places of the flow map: a marker for every placed node (countries as dots coloured by
role, regions as hollow diamonds, the focal country ringed) and labels for the focal node and
the most connected ones that fit without covering anything, with tier footnote marks naming
who assessed each tier. Assembled into a map by :mod:`kg.viz.maps`.
"""

from __future__ import annotations

from typing import Any

from kg.viz.legend import ROLE_COLOURS, SUPERSCRIPTS, diamond, dot, esc, q
from kg.viz.marks import GREY, halo_text
from kg.viz.placement import Occupancy, around, place


def nodes_svg(
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


__all__ = ["nodes_svg", "tier_text"]
