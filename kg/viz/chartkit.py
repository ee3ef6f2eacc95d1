"""Small pieces shared by the charts: tier colours and names, the restatement hatch, text that
fits, SVG document shells. Every chart is a standalone SVG (no script, no external resource)
with a ``<title>`` on every mark, so hovering explains it in any viewer."""

from __future__ import annotations

from collections.abc import Callable

from kg.network.look import NO_TIER, TIER_COLOURS
from kg.viz.legend import esc, q

FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
INK, MUTED, FAINT, RULE = "#111827", "#4b5563", "#9ca3af", "#e5e7eb"
#: Tier ids from best to worst, with the short names the charts print.
TIERS = (
    ("tier-1", "Tier 1"),
    ("tier-2", "Tier 2"),
    ("tier-2wl", "Tier 2 Watch List"),
    ("tier-3", "Tier 3"),
    ("tier-special-case", "Special case"),
)
SHORT = {"tier-1": "1", "tier-2": "2", "tier-2wl": "2WL", "tier-3": "3", "tier-special-case": "SC"}
#: A link maker: ISO3 code → URL of the country's page (None: no links).
Linker = Callable[[str], str] | None


def tier_colour(tier: str) -> str:
    """The fill of a tier (grey when unknown), as #rrggbb."""
    r, g, b = TIER_COLOURS.get(tier, NO_TIER)
    return f"#{r:02x}{g:02x}{b:02x}"


def defs() -> str:
    """The hatch that marks a restated placement (white stripes over the tier's colour)."""
    return (
        '<defs><pattern id="restated" width="5" height="5" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)"><rect width="5" height="5" fill="none"/>'
        '<line x1="0" y1="0" x2="0" y2="5" stroke="#ffffff" stroke-opacity="0.6"'
        ' stroke-width="1.6"/></pattern></defs>'
    )


def clip(text: str, chars: int) -> str:
    """``text`` cut to ``chars`` characters with an ellipsis."""
    return text if len(text) <= chars else text[: chars - 1] + "…"


def text(
    x: float,
    y: float,
    body: str,
    *,
    size: float = 11,
    anchor: str = "start",
    fill: str = INK,
    extra: str = "",
) -> str:
    """An SVG text element (escaped)."""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"'
        f' fill="{fill}"{extra}>{esc(body)}</text>'
    )


def svg_open(width: float, height: float, title: str, cls: str) -> str:
    """The opening of a standalone chart SVG with a white background and its title."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {cls}" width="{width:.0f}"'
        f' height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" font-family="{FONT}"'
        f' role="img"><title>{esc(title)}</title>'
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>'
    )


def link(linker: Linker, iso3: str, inner: str) -> str:
    """``inner`` wrapped in a link to the country's page when a linker is given."""
    if linker is None:
        return inner
    return f"<a href={q(linker(iso3))}>{inner}</a>"


def swatch(x: float, y: float, tier: str, *, restated: bool = False, size: float = 12) -> str:
    """A legend square of a tier (hatched when restated)."""
    out = (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{size}" height="{size}" fill="{tier_colour(tier)}"/>'
    )
    if restated:
        out += (
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{size}" height="{size}" fill="url(#restated)"/>'
        )
    return out


def tier_legend(
    x: float, y: float, *, tiers: bool = True, restated: bool = True, gap: bool = True
) -> tuple[str, float]:
    """A one-line legend of the tier colours (and the restatement and gap marks); returns the
    markup and its width."""
    parts, at = [], x
    for tier, name in TIERS if tiers else ():
        parts.append(swatch(at, y - 10, tier))
        parts.append(text(at + 16, y, name, size=11, fill=MUTED))
        at += 24 + len(name) * 6.4
    if restated:
        parts.append(swatch(at, y - 10, "tier-2", restated=True))
        parts.append(text(at + 16, y, "restated by another source", size=11, fill=MUTED))
        at += 24 + 26 * 6.4
    if gap:
        parts.append(
            f'<rect x="{at:.1f}" y="{y - 10:.1f}" width="12" height="12" fill="#ffffff"'
            f' stroke="{FAINT}" stroke-dasharray="2 2"/>'
        )
        parts.append(text(at + 16, y, "no placement that year", size=11, fill=MUTED))
        at += 24 + 23 * 6.4
    return "".join(parts), at - x


__all__ = [
    "FAINT",
    "FONT",
    "INK",
    "MUTED",
    "RULE",
    "SHORT",
    "TIERS",
    "Linker",
    "clip",
    "defs",
    "link",
    "svg_open",
    "swatch",
    "text",
    "tier_colour",
    "tier_legend",
]
