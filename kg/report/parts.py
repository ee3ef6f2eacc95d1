"""Small HTML helpers shared by the dossier renderers (every value escaped)."""

from __future__ import annotations

from html import escape

from kg.core import vocab as V

PILLARS = ("prosecution", "protection", "prevention", "partnership")


def e(value: object) -> str:
    """Escape any value for HTML (None → empty)."""
    return "" if value is None else escape(str(value), quote=True)


def table(head: list[str], rows: list[list[str]], cls: str = "") -> str:
    """A table; cells are already-escaped HTML."""
    th = "".join(f"<th>{e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def badge(text: str, kind: str) -> str:
    return f'<span class="badge {kind}">{e(text)}</span>'


def rel(level: object) -> str:
    text = str(level or "unknown")
    return badge(f"⚠ {text}" if text == "unverified" else text, f"rel-{text}")


def review_badge(review: dict[str, str], iri: object) -> str:
    """A badge for a machine-extracted fact (kg extract): unreviewed or reviewed; else empty."""
    status = review.get(str(iri))
    if status == "unreviewed":
        return " " + badge("⚠ machine-extracted, unreviewed", "warn")
    if status == "reviewed":
        return " " + badge("machine-extracted, reviewed", "info")
    return ""


def iri_code(iri: object) -> str:
    return f'<code class="iri" title="{e(iri)}">{e(V.shorten(str(iri)))}</code>'


def section(ident: str, title: str, body: str, intro: str = "") -> str:
    lead = f'<p class="intro">{intro}</p>' if intro else ""
    return f'<section id="{ident}"><h2>{e(title)}</h2>{lead}{body}</section>'


__all__ = ["PILLARS", "badge", "e", "iri_code", "rel", "review_badge", "section", "table"]
