"""The endpoint's offline query page: one self-contained HTML file, no CDN, no network.

The page posts queries to ``/sparql`` with ``fetch`` and renders SPARQL JSON results as a table
(CONSTRUCT answers as Turtle). Its script and style are inline and pinned by hash in the
Content-Security-Policy, which also forbids any connection except to this server.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import logging
from dataclasses import dataclass

from kg.core import vocab as V
from kg.core.errors import KGError
from kg.query.endpoint import inject_values
from kg.query.named import QueryDirs, discover, load_file
from kg.query.params import bind_params

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


_STYLE = """
body{font:15px/1.4 system-ui,sans-serif;margin:0;display:flex;min-height:100vh;color:#222}
nav{width:17rem;background:#f4f4f2;padding:1rem;border-right:1px solid #ddd;overflow:auto}
nav h2{font-size:.8rem;text-transform:uppercase;color:#666;margin:1.2rem 0 .4rem}
nav button{display:block;width:100%;text-align:left;border:0;background:none;padding:.3rem;
 cursor:pointer;font:inherit;color:#03c}
nav button:hover,nav a:hover{background:#e6e6e0}
nav a{display:block;padding:.3rem;color:#03c}
main{flex:1;padding:1rem 1.5rem;min-width:0}
textarea{width:100%;height:14rem;font:13px/1.4 ui-monospace,monospace;box-sizing:border-box}
table{border-collapse:collapse;margin-top:1rem;font-size:13px}
td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#eee}#status{color:#555;margin-left:1rem}
#error{color:#a00;white-space:pre-wrap}pre{background:#f7f7f7;padding:.5rem;overflow:auto}
"""

_SCRIPT = """
const PREFIXES = JSON.parse(document.getElementById('prefixes').textContent);
const QUERIES = JSON.parse(document.getElementById('queries').textContent);
const $ = (id) => document.getElementById(id);
function el(tag, text) { const e = document.createElement(tag); e.textContent = text; return e; }
function short(iri) {
  let best = '';
  for (const [p, ns] of Object.entries(PREFIXES)) {
    if (iri.startsWith(ns) && ns.length > best.length) best = ns;
  }
  if (!best) return '<' + iri + '>';
  const p = Object.keys(PREFIXES).find((k) => PREFIXES[k] === best);
  return p + ':' + iri.slice(best.length);
}
function term(t) {
  if (!t) return '';
  if (t.type === 'uri') return short(t.value);
  if (t.type === 'bnode') return '_:' + t.value;
  if (t.type === 'triple') {
    return '<< ' + term(t.value.subject) + ' ' + term(t.value.predicate) + ' ' +
      term(t.value.object) + ' >>';
  }
  if (t['xml:lang']) return '"' + t.value + '"@' + t['xml:lang'];
  const dt = t.datatype;
  if (dt && !dt.endsWith('#string')) return t.value + ' (' + short(dt) + ')';
  return t.value;
}
function render(data) {
  const out = $('result');
  out.replaceChildren();
  if ('boolean' in data) { out.append(el('p', 'ASK: ' + data.boolean)); return 'answered'; }
  const vars = data.head.vars, rows = data.results.bindings;
  const table = document.createElement('table');
  const head = table.insertRow();
  for (const v of vars) head.append(el('th', v));
  for (const row of rows) {
    const tr = table.insertRow();
    for (const v of vars) tr.append(el('td', term(row[v])));
  }
  out.append(table);
  return rows.length + (rows.length === 1 ? ' row' : ' rows');
}
async function run() {
  const query = $('query').value;
  $('error').textContent = ''; $('status').textContent = 'running…';
  const started = performance.now();
  history.replaceState(null, '', '?query=' + encodeURIComponent(query));
  try {
    const response = await fetch('sparql', {
      method: 'POST',
      headers: {'Accept': 'application/sparql-results+json, text/turtle;q=0.9'},
      body: new URLSearchParams({query}),
    });
    const text = await response.text();
    const ms = Math.round(performance.now() - started);
    if (!response.ok) {
      $('result').replaceChildren();
      $('error').textContent = response.status + ': ' + text;
      $('status').textContent = 'failed in ' + ms + ' ms';
      return;
    }
    let what;
    if ((response.headers.get('Content-Type') || '').includes('json')) {
      what = render(JSON.parse(text));
    } else {
      $('result').replaceChildren(el('pre', text)); what = 'graph';
    }
    $('status').textContent = what + ' in ' + ms + ' ms';
  } catch (err) {
    $('error').textContent = String(err); $('status').textContent = 'failed';
  }
}
function choose(name) {
  const q = QUERIES.find((x) => x.name === name);
  if (q) { $('query').value = q.text; run(); }
}
for (const b of document.querySelectorAll('button[data-name]')) {
  b.addEventListener('click', () => choose(b.dataset.name));
}
$('run').addEventListener('click', run);
$('query').addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
});
const params = new URLSearchParams(location.search);
if (params.get('name')) choose(params.get('name'));
else if (params.get('query')) { $('query').value = params.get('query'); run(); }
"""

DEFAULT_QUERY = """PREFIX tk: <https://w3id.org/kg-tip/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?country ?label ?tier WHERE {
  ?a a tk:Assessment ; tk:assessedCountry ?country ; tk:hasTierPlacement/tk:tier ?tier .
  ?country rdfs:label ?label .
} ORDER BY ?label
"""


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _json_script(id_: str, value: object) -> str:
    # '<' escaped so no query text can close the script element.
    data = json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")
    return f'<script type="application/json" id="{id_}">{data}</script>'


def content_security_policy() -> str:
    """The page's CSP: only its own inline script and style, fetches to this origin only."""
    return (
        f"default-src 'none'; script-src {_hash(_SCRIPT)}; style-src {_hash(_STYLE)}; "
        "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'"
    )


def render_index(queries: list[NamedQuery], countries: list[tuple[str, str]]) -> str:
    """The query page with buttons for ``queries`` and dossier links for ``countries``."""
    buttons = (
        "\n".join(
            f'<button type="button" data-name="{html.escape(q.name)}" '
            f'title="{html.escape(q.description or q.name)}">{html.escape(q.title)}</button>'
            for q in queries
        )
        or "<p>No queries in queries/.</p>"
    )
    dossiers = "\n".join(
        f'<a href="report/{html.escape(iso)}.html">{html.escape(label)}</a>'
        for iso, label in countries
    )
    named = [{"name": q.name, "title": q.title, "text": q.text} for q in queries]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kg SPARQL endpoint</title><style>{_STYLE}</style></head>
<body><nav><strong>kg</strong>
<h2>Named queries</h2>
{buttons}
<h2>Pages</h2><a href="flows.html">Flow map</a>
<h2>Country dossiers</h2>
{dossiers}
<h2>Endpoint</h2><a href="sparql">/sparql</a> (SPARQL 1.1 Protocol, read-only)
</nav>
<main><h1>SPARQL query</h1>
<textarea id="query" spellcheck="false" aria-label="SPARQL query">
{html.escape(DEFAULT_QUERY)}</textarea>
<p><button id="run" type="button">Run</button> <small>Ctrl+Enter</small>
<span id="status"></span></p>
<div id="error" role="alert"></div><div id="result"></div></main>
{_json_script("prefixes", V.PREFIXES)}
{_json_script("queries", named)}
<script>{_SCRIPT}</script></body></html>
"""


__all__ = ["NamedQuery", "content_security_policy", "read_named_queries", "render_index"]
