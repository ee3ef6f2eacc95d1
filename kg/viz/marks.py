"""Marks of the flow map: place markers and labels (with minimal collision avoidance), and
the text shown for each flow (tooltips, data attributes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kg.viz.legend import ROLE_COLOURS, SUPERSCRIPTS, diamond, dot, esc, q

GREY = "#6b7280"
Box = tuple[float, float, float, float]


@dataclass
class Drawn:
    """One flow as drawn: origin, destinations and the attributes of its edges."""

    iri: str
    origin: str
    dests: list[str] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)
    number: int | None = None
    colour: str = GREY


def halo_text(
    x: float, y: float, text: str, *, size: float = 12, anchor: str = "start", extra: str = ""
) -> str:
    common = f'x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"{extra}'
    body = esc(text)
    return (
        f'<text {common} fill="none" stroke="#ffffff" stroke-width="3.5" stroke-linejoin="round"'
        f' aria-hidden="true">{body}</text><text {common} fill="#111827">{body}</text>'
    )


def estimate_text(f: Drawn) -> str:
    """The number of a flow as people read it, or why there is none."""
    a = f.attrs
    unit = str(a.get("unit_label", a.get("unit", "")))
    if "estimate_point" in a:
        return f"{a['estimate_point']:,} {unit}".strip()
    if "estimate_low" in a or "estimate_high" in a:
        low, high = a.get("estimate_low"), a.get("estimate_high")
        if low is not None and high is not None:
            return f"{low:,}–{high:,} {unit}".strip()
        return f"{'at least' if low is not None else 'at most'} {low or high:,} {unit}".strip()
    if a.get("part_of"):
        return "no number of its own: part of an aggregate flow"
    return "not quantified"


def flow_data(f: Drawn, nodes: dict[str, dict[str, Any]]) -> dict[str, str]:
    a = f.attrs
    origin = str(nodes[f.origin].get("label", f.origin))
    dests = ", ".join(str(nodes[d].get("label", d)) for d in f.dests)
    info = {
        "flow": f.iri,
        "route": f"{origin} → {dests}",
        "forms": str(a.get("forms", "")),
        "form-ids": str(a.get("form_ids", "")),
        "year": str(a.get("year", "")),
        "estimate": estimate_text(f),
        "unit": str(a.get("unit_label", a.get("unit", ""))),
        "method": str(a.get("method", "")),
        "type": f"{a.get('flow_class', 'unknown')}, {a.get('flow_type', 'unknown')}",
        "part-of": str(a.get("part_of", "")),
        "source": str(a.get("source_title", "")),
        "reliability": str(a.get("reliability", "")),
    }
    info["summary"] = " · ".join(
        x
        for x in (
            info["route"],
            info["forms"],
            info["estimate"],
            f"year {info['year']}" if info["year"] else "",
            f"source: {info['source']} ({info['reliability']})" if info["source"] else "",
            f.iri,
        )
        if x
    )
    return info


def nodes_svg(
    nodes: dict[str, dict[str, Any]],
    xy: dict[str, tuple[float, float]],
    labels: list[str],
    degree: dict[str, float],
    boxes: list[Box],
    size: tuple[float, float],
    max_labels: int = 45,
) -> tuple[str, dict[str, str]]:
    """Markers for every placed node and labels for the most connected ones that fit inside
    the map (``size``) without covering a box already taken."""
    tiers: dict[str, str] = {}
    marks: list[str] = []
    order = sorted(xy, key=lambda n: (-degree.get(n, 0), n))
    for n in sorted(xy, key=lambda n: (nodes[n].get("kind") != "region", n)):
        x, y = xy[n]
        d = nodes[n]
        tip = esc(f"{d.get('label', n)} ({n})")
        kind = "region" if d.get("kind") == "region" else "country"
        shape = (
            diamond(x, y, 9)
            if kind == "region"
            else dot(x, y, ROLE_COLOURS.get(str(d.get("role")), GREY))
        )
        marks.append(f'<g class="node {kind}" data-code={q(n)}><title>{tip}</title>{shape}</g>')
    for n in order[:max_labels]:
        d, (x, y) = nodes[n], xy[n]
        text = str(d.get("label", n))
        if d.get("kind") == "region":
            text += " (region)"
        if d.get("tier"):
            assessor = str(d.get("tier_assessor", "unknown assessor"))
            if d.get("tier_official"):
                assessor += " (J/TIP)"
            mark = tiers.setdefault(assessor, SUPERSCRIPTS[len(tiers) % len(SUPERSCRIPTS)])
            text += f" · {d['tier']}{mark}"
        w, h = len(text) * 6.9, 14
        for bx, by, anchor in (
            (x + 10, y + 4, "start"),
            (x - 10, y + 4, "end"),
            (x, y - 12, "middle"),
            (x, y + 20, "middle"),
        ):
            left = bx - (w if anchor == "end" else w / 2 if anchor == "middle" else 0)
            box = (left, by - h + 3, left + w, by + 3)
            inside = box[0] >= 2 and box[1] >= 2 and box[2] <= size[0] - 2 and box[3] <= size[1] - 2
            if inside and not any(_overlap(box, b) for b in boxes):
                boxes.append(box)
                style = ' font-style="italic"' if d.get("kind") == "region" else ""
                labels.append(halo_text(bx, by, text, size=12, anchor=anchor, extra=style))
                break
    return '<g class="nodes">' + "".join(marks) + "</g>", tiers


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


__all__ = ["GREY", "Box", "Drawn", "estimate_text", "flow_data", "halo_text", "nodes_svg"]
