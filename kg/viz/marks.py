"""Marks of the flow map: a flow as drawn, text with a white halo, and the text shown for each
flow (tooltips, data attributes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kg.viz.legend import esc

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


__all__ = ["GREY", "Box", "Drawn", "estimate_text", "flow_data", "halo_text"]
