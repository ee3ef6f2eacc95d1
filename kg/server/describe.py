"""``/resource?iri=``: everything the graph says about one IRI, and what points to it, with
labels, each value one click away from its own page."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import islice

import pyoxigraph as ox

from kg.core import vocab as V
from kg.server.htmlkit import e, resource_link, term_html

MAX_LINKS = 500


def _rows(quads: list[ox.Quad], incoming: bool, labels: Mapping[str, str]) -> str:
    if not quads:
        return '<p class="muted">None.</p>'
    cells = []
    for q in quads[:MAX_LINKS]:
        other = q.subject if incoming else q.object
        graph = V.shorten(q.graph_name.value) if isinstance(q.graph_name, ox.NamedNode) else ""
        cells.append(
            f"<tr><td>{term_html(q.predicate, labels)}</td><td>{term_html(other, labels)}</td>"
            f'<td class="muted">{e(graph)}</td></tr>'
        )
    more = ""
    if len(quads) > MAX_LINKS:
        more = f'<p class="muted">Only the first {MAX_LINKS} are shown.</p>'
    head = f"<th>property</th><th>{'subject' if incoming else 'value'}</th><th>graph</th>"
    return (
        f'<div class="table-wrap"><table class="full"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(cells)}</tbody></table></div>{more}"
    )


def describe(store: ox.Store, node: ox.NamedNode, labels: Mapping[str, str]) -> tuple[str, str]:
    """(title, body HTML) of the page of ``node``: its statements (at most MAX_LINKS each way,
    sorted by property label)."""
    out = sorted(
        islice(store.quads_for_pattern(node, None, None), MAX_LINKS + 1),
        key=lambda q: (labels.get(q.predicate.value, q.predicate.value), str(q.object)),
    )
    into = sorted(
        islice(store.quads_for_pattern(None, None, node), MAX_LINKS + 1),
        key=lambda q: (labels.get(q.predicate.value, q.predicate.value), str(q.subject)),
    )
    iri = node.value
    name = labels.get(iri) or V.shorten(iri)
    link = resource_link(iri)
    country = f'<p><a href="{e(link)}">Open the country page</a></p>' if "/country/" in link else ""
    body = (
        f"<h1>{e(name)}</h1><dl class=facts><dt>IRI</dt>"
        f"<dd><code class=iri-full>{e(iri)}</code></dd>"
        f"<dt>Prefixed</dt><dd>{e(V.shorten(iri))}</dd></dl>{country}"
        f"<h2>What it says</h2>{_rows(out, False, labels)}"
        f"<h2>What points to it</h2>{_rows(into, True, labels)}"
    )
    return name, body


__all__ = ["MAX_LINKS", "describe"]
