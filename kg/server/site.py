"""What the endpoint serves besides query answers: its service description, the flow map and the
country dossiers (rendered by :mod:`kg.viz` and :mod:`kg.report` on request), and the list of
assessed countries for the query page.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from typing import Any

import pyoxigraph as ox

from kg.core import vocab as V
from kg.core.errors import KGError
from kg.server.engine import Outcome, text_outcome
from kg.server.formats import format_names, negotiate, write_triples

#: Content-Security-Policy of generated pages: inline code allowed, other hosts never contacted.
PAGE_CSP = "default-src 'self' 'unsafe-inline' data: blob:; base-uri 'none'; form-action 'none'"

SD = "http://www.w3.org/ns/sparql-service-description#"
_RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)


def service_description(
    store: ox.Store, headers: Mapping[str, str], formats: Sequence[str] = ()
) -> Outcome:
    """The SPARQL 1.1 Service Description of the endpoint (answer to a GET without a query)."""
    host = headers.get("host") or "127.0.0.1"
    service, dataset = ox.BlankNode("service"), ox.BlankNode("dataset")

    def sd(local: str) -> ox.NamedNode:
        return ox.NamedNode(SD + local)

    triples = [
        ox.Triple(service, ox.NamedNode(V.RDF + "type"), sd("Service")),
        ox.Triple(service, sd("endpoint"), ox.NamedNode(f"http://{host}/sparql")),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, ox.NamedNode(V.RDF + "type"), sd("Dataset")),
    ]
    triples += [
        ox.Triple(service, sd("resultFormat"), ox.NamedNode("http://www.w3.org/ns/formats/" + f))
        for f in _RESULT_FORMATS
    ]
    for graph in store.named_graphs():
        if isinstance(graph, ox.NamedNode):
            named = ox.BlankNode("g-" + V.shorten(graph.value).replace(":", "-"))
            triples += [
                ox.Triple(dataset, sd("namedGraph"), named),
                ox.Triple(named, sd("name"), graph),
            ]
    chosen = negotiate("graph", headers.get("accept"), formats)
    if chosen is None:
        return text_outcome(
            406, "the service description can be: " + ", ".join(format_names("graph"))
        )
    return Outcome(200, chosen.content_type, write_triples(triples, chosen))


def assessed(store: ox.Store) -> list[tuple[str, str]]:
    """(ISO alpha-3, label) of every country with an assessment, sorted by label."""
    rows = store.query(
        f"""PREFIX tk: <{V.TK}> PREFIX rdfs: <{V.RDFS}>
        SELECT DISTINCT ?iso ?label WHERE {{
          ?a a tk:Assessment ; tk:assessedCountry ?c . ?c tk:iso3166Alpha3 ?iso .
          OPTIONAL {{ ?c rdfs:label ?label FILTER(langMatches(lang(?label), "en")) }}
        }}""",
        use_default_graph_as_union=True,
    )
    assert isinstance(rows, ox.QuerySolutions)
    found = {}
    for row in rows:
        iso, label = row["iso"], row["label"]
        if isinstance(iso, ox.Literal):
            found[iso.value] = label.value if isinstance(label, ox.Literal) else iso.value
    return sorted(found.items(), key=lambda item: (item[1], item[0]))


def _renderer(module: str, name: str) -> Any:
    """The function ``module.name``, or None when that module is not part of this kg."""
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    return getattr(mod, name, None)


def _html(page: str | bytes) -> Outcome:
    body = page.encode("utf-8") if isinstance(page, str) else page
    return Outcome(200, "text/html; charset=utf-8", body)


def flows_page(store: ox.Store) -> Outcome:
    """The flow map (``kg.viz.render.render_flows(store, "html")``), as ``kg draw`` makes it."""
    render = _renderer("kg.viz.render", "render_flows")
    if render is None:
        return text_outcome(404, "the flow map is not available: this kg has no kg.viz renderer")
    try:
        return _html(render(store, "html"))
    except KGError as exc:
        return text_outcome(500, f"cannot draw the flow map: {exc}")


def report_page(store: ox.Store, iso3: str) -> Outcome:
    """The dossier of one country (``kg.report.render_report``), as ``kg report`` makes it."""
    render = _renderer("kg.report.dossier", "render_report")
    if render is None:
        return text_outcome(404, "dossiers are not available: this kg has no kg.report renderer")
    if iso3 not in dict(assessed(store)):
        return text_outcome(404, f"no assessment of a country with ISO code {iso3} in this graph")
    try:
        return _html(render(store, iso3))
    except KGError as exc:
        return text_outcome(500, f"cannot write the dossier of {iso3}: {exc}")


__all__ = ["PAGE_CSP", "assessed", "flows_page", "report_page", "service_description"]
