"""The explorer's page shell and cells: one layout (navigation, title, main), every value escaped,
RDF terms shown as people read them (labels for IRIs, one click away from their full IRI) and
the Content-Security-Policy that lets pages use only this server's own script and style."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from urllib.parse import quote, urlencode

import pyoxigraph as ox

from kg.core import vocab as V

#: Pages load script and style only from /static/ (files of this package), fetch only from
#: this server, and are never framed.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
NAV = (
    ("/", "Countries"),
    ("/queries", "Questions"),
    ("/charts", "Tier heat-map"),
    ("/flows.html", "Flow map"),
    ("/editor", "SPARQL"),
)
_NUMERIC = {V.XSD + t for t in ("integer", "decimal", "double", "float", "int", "long")}
_COUNTRY = V.TKD + "country-"


def e(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute (None → empty)."""
    return "" if value is None else escape(str(value), quote=True)


def url(path: str, params: Mapping[str, str] | Sequence[tuple[str, str]] = ()) -> str:
    """A local URL with an encoded query string."""
    items = list(params.items()) if isinstance(params, Mapping) else list(params)
    return f"{path}?{urlencode(items)}" if items else path


def page(
    title: str,
    body: str,
    *,
    active: str = "",
    scripts: Sequence[str] = ("explorer.js",),
    styles: Sequence[str] = ("explorer.css",),
) -> str:
    """A whole explorer page."""
    nav = "".join(
        f'<a href="{href}"{" class=active" if href == active else ""}>{e(name)}</a>'
        for href, name in NAV
    )
    links = "".join(f'<link rel="stylesheet" href="/static/{s}">' for s in styles)
    code = "".join(f'<script src="/static/{s}" defer></script>' for s in scripts)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} · kg explorer</title>
<link rel="icon" href="/favicon.ico">{links}{code}</head>
<body><header class="top"><a class="brand" href="/">kg explorer</a><nav>{nav}</nav>
<a class="endpoint" href="/sparql">SPARQL endpoint</a></header>
<main>{body}</main></body></html>
"""


def country_link(iso3: str) -> str:
    """The explorer page of a country."""
    return f"/country/{quote(iso3.upper())}"


def resource_link(iri: str) -> str:
    """The page describing an IRI (a country's own page for a country)."""
    if iri.startswith(_COUNTRY) and len(iri) == len(_COUNTRY) + 3:
        return country_link(iri[-3:])
    return url("/resource", {"iri": iri})


def numeric(term: object) -> bool:
    """True for a number literal (right-aligned in tables)."""
    return isinstance(term, ox.Literal) and term.datatype.value in _NUMERIC


def term_text(term: object, labels: Mapping[str, str]) -> str:
    """A term as plain text: label (else prefixed name) for IRIs, the value for literals."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return labels.get(term.value) or V.shorten(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return " ".join(term.value.split())
    return str(term)


def term_html(term: object, labels: Mapping[str, str]) -> str:
    """A term as table-cell HTML: an IRI is its label, linked to its page, with the IRI itself
    in the tooltip and a data attribute (one click away)."""
    if isinstance(term, ox.NamedNode):
        iri = term.value
        return (
            f'<a class="iri" href="{e(resource_link(iri))}" title="{e(iri)}"'
            f' data-iri="{e(iri)}">{e(term_text(term, labels))}</a>'
        )
    if isinstance(term, ox.Literal) and term.language:
        return f'<span lang="{e(term.language)}">{e(term.value)}</span>'
    return e(term_text(term, labels))


def error_box(message: str) -> str:
    """An error shown on a page (role=alert)."""
    return f'<div class="error" role="alert">{e(message)}</div>'


__all__ = [
    "CSP",
    "NAV",
    "country_link",
    "e",
    "error_box",
    "numeric",
    "page",
    "resource_link",
    "term_html",
    "term_text",
    "url",
]
