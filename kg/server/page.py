"""The explorer's SPARQL editor (``/editor``): no CDN, no network but this server.

The page posts queries to ``/sparql`` with ``fetch`` (``static/editor.js``) and renders SPARQL
JSON results as a table with IRIs by their labels (CONSTRUCT answers as Turtle); a syntax error
shows its line and column in the query. Script and style come only from this server's
``/static/``, as the Content-Security-Policy requires.
"""

from __future__ import annotations

import html
import json
import logging
from dataclasses import dataclass

from kg.core import vocab as V
from kg.core.errors import KGError
from kg.query.endpoint import inject_values
from kg.query.named import QueryDirs, discover, load_file
from kg.query.params import bind_params
from kg.server.htmlkit import CSP, page

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NamedQuery:
    """A query file of ``queries/``: name (file stem), title, description, runnable text."""

    name: str
    title: str
    text: str
    description: str = ""


def read_named_queries(directory: QueryDirs) -> list[NamedQuery]:
    """The named queries of ``directory`` (or directories, as ``kg query`` finds them), sorted
    by name.

    Each text has its parameters' defaults bound by a ``VALUES`` block, as ``kg query NAME
    --endpoint URL`` sends it, so a click runs what ``kg query NAME`` runs. A file whose header
    is broken is left out (``kg query --list`` reports it).
    """
    found = []
    for name, path in discover(directory).items():
        try:
            spec = load_file(path, name)
            text = inject_values(spec.text, bind_params(spec.name, spec.params, {}))
        except KGError as exc:
            log.warning("query page: skipping %s: %s", path, exc)
            continue
        found.append(NamedQuery(name, spec.title or name, text, spec.description))
    return found


DEFAULT_QUERY = """PREFIX tk: <https://w3id.org/kg-tip/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?country ?label ?tier WHERE {
  ?a a tk:Assessment ; tk:assessedCountry ?country ; tk:hasTierPlacement/tk:tier ?tier .
  ?country rdfs:label ?label .
} ORDER BY ?label
"""


def _json_script(id_: str, value: object) -> str:
    # '<' escaped so no query text can close the script element (a data block, never run).
    data = json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")
    return f'<script type="application/json" id="{id_}">{data}</script>'


def content_security_policy() -> str:
    """The page's CSP: script and style only from this server's /static/, fetches to it only."""
    return CSP


def render_editor(queries: list[NamedQuery], countries: list[tuple[str, str]]) -> str:
    """The SPARQL editor with buttons for the named ``queries`` (and dossier links)."""
    buttons = (
        "\n".join(
            f'<button type="button" class="plain" data-name="{html.escape(q.name)}" '
            f'title="{html.escape(q.description or q.name)}">{html.escape(q.title)}</button>'
            for q in queries
        )
        or "<p>No queries in queries/.</p>"
    )
    dossiers = " · ".join(
        f'<a href="/country/{html.escape(iso)}">{html.escape(label)}</a>'
        for iso, label in countries
    )
    named = [{"name": q.name, "title": q.title, "text": q.text} for q in queries]
    body = f"""<h1>SPARQL query</h1>
<p class="lead">For power users: any read-only SPARQL 1.1 query on the whole graph (kg's prefixes
are predeclared). The named questions are one click away below; their forms are under
<a href="/queries">Questions</a>.</p>
<textarea id="query" spellcheck="false" aria-label="SPARQL query">
{html.escape(DEFAULT_QUERY)}</textarea>
<div class="bar"><button id="run" type="button">Run</button> <small>Ctrl+Enter</small>
<span id="status" class="muted"></span></div>
<div id="error" class="error" role="alert" hidden></div><div id="result"></div>
<h2>Named queries</h2><div class="bar">{buttons}</div>
<h2>Country dossiers</h2><p>{dossiers or "No assessed country."}</p>
<p class="muted">Endpoint: <a href="/sparql">/sparql</a> (SPARQL 1.1 Protocol, read-only).</p>
{_json_script("prefixes", V.PREFIXES)}
{_json_script("queries", named)}"""
    return page("SPARQL", body, active="/editor", scripts=("editor.js",))


#: The earlier name of :func:`render_editor`.
render_index = render_editor

__all__ = [
    "DEFAULT_QUERY",
    "NamedQuery",
    "content_security_policy",
    "read_named_queries",
    "render_editor",
    "render_index",
]
