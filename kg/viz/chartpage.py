"""Charts as files: SVG as drawn, PNG through CairoSVG, or a self-contained HTML page (the SVG
inline, no script, a Content-Security-Policy that forbids every request)."""

from __future__ import annotations

from kg.core.errors import QueryError, choices_hint
from kg.viz.legend import esc

#: File formats of ``kg viz tiers`` and ``kg viz detections`` (the output file's suffix).
FORMATS = ("svg", "png", "html")
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
STYLE = """
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; margin: 0; padding: 16px 20px;
  color: #111827; background: #f9fafb; }
figure { margin: 0 0 18px; overflow-x: auto; background: #fff;
  box-shadow: 0 1px 3px rgba(0,0,0,.08); }
figure svg { display: block; }
p { color: #4b5563; font-size: 13px; max-width: 70em; }
"""


def chart_page(title: str, charts: list[str], note: str = "") -> str:
    """One page holding ``charts`` (SVG markup), each scrollable on its own."""
    figures = "\n".join(f"<figure>{svg}</figure>" for svg in charts)
    lead = f"<p>{esc(note)}</p>" if note else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>{STYLE}</style>
</head>
<body>
{lead}
{figures}
</body>
</html>
"""


def chart_bytes(svg: str, fmt: str, title: str, note: str = "") -> bytes:
    """One chart as ``svg``, ``png`` or ``html`` bytes."""
    if fmt == "svg":
        return svg.encode("utf-8")
    if fmt == "html":
        return chart_page(title, [svg], note).encode("utf-8")
    if fmt == "png":
        from kg.viz.render import svg_to_png

        return svg_to_png(svg)
    raise QueryError(f"unknown chart format {fmt!r}", hint=choices_hint(fmt, FORMATS))


__all__ = ["CSP", "FORMATS", "chart_bytes", "chart_page"]
