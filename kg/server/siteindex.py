"""The explorer's per-store index: what every page needs, read once for the whole store when
``kg serve`` starts (:func:`prepare`, before it reports ready), so that a first visit of any
page is a render, not a series of queries.

It holds the labels of every IRI, the countries and their regions, the tier table, the flows,
places and latest tiers of the flow maps, the choices of the query forms, and the rows of the
country dossier's queries for every country at once (one pass per query, grouped by country:
the same rows, in the same order, as one query per country would give). It lives in the
server process, which renders the pages; the query worker processes only answer SPARQL. Pages
read it through :class:`kg.server.state.Explorer`, which computes each part on first need when
:func:`prepare` was not called (tests, ``kg serve --get``).
"""

from __future__ import annotations

import re
import time
from typing import Any

import pyoxigraph as ox

from kg.core.rq import Row, value
from kg.server.state import Explorer

#: The dossier queries (``kg/report/sparql``) read for every country at once; each selects
#: ``?country``. The others (tier placements, charts) stay per country: bound, they are fast,
#: while the whole store's answer would cost more than all the country pages together.
DOSSIER_QUERIES = (
    "country",
    "assessments",
    "policies",
    "recommendations",
    "claims",
    "contradictions",
    "statistics",
    "roles",
    "sources",
    "review",
    "victims",
)


#: The country charts' queries (``kg/viz/sparql``) read the same way; they bind ``?country``
#: without selecting it, so it is added to their projection here. (``detected_totals`` is not
#: one: its ORDER BY leaves ties, which the whole store's answer orders differently.)
CHART_QUERIES = ("detections",)
_SELECT = re.compile(r"^SELECT ", re.MULTILINE)


def dossier_rows(state: Explorer) -> dict[str, dict[str, list[Row]]]:
    """Query name → country IRI → the rows of that country (``DOSSIER_QUERIES`` and
    ``CHART_QUERIES``)."""

    def read() -> dict[str, dict[str, list[Row]]]:
        from kg.report.dossier import QUERIES
        from kg.viz.series import QUERIES as CHARTS

        found: dict[str, dict[str, list[Row]]] = {}
        for name in DOSSIER_QUERIES:
            by_country: dict[str, list[Row]] = {}
            for row in QUERIES.select(state.store, name):
                by_country.setdefault(str(row.get("country")), []).append(row)
            found[name] = by_country
        for name in CHART_QUERIES:
            text = _SELECT.sub("SELECT ?country ", CHARTS.load(name), count=1)
            by_country = {}
            for row in select_text(state.store, text):
                country = str(row.pop("country"))
                by_country.setdefault(country, []).append(row)
            found[name] = by_country
        return found

    return state.once("dossier_rows", read)


def select_text(store: ox.Store, text: str) -> list[Row]:
    """The rows of SELECT ``text`` over the union of all graphs, as Python values."""
    answer = store.query(text, use_default_graph_as_union=True)
    assert isinstance(answer, ox.QuerySolutions)
    names = [v.value for v in answer.variables]
    return [{n: value(row[n]) for n in names} for row in answer]


def prepare(state: Explorer) -> dict[str, float]:
    """Read the whole index now; returns the seconds each part took (for the start-up log and
    the bench). Modules the pages import are imported here too (a first import of the charts
    and maps costs a quarter of a second)."""
    import kg.report.dossier
    import kg.report.html
    import kg.server.describe
    import kg.server.page
    import kg.viz.detections
    import kg.viz.maps
    import kg.viz.pillars
    import kg.viz.tiercharts  # noqa: F401

    parts: list[tuple[str, Any]] = [
        ("labels", state.labels),
        ("countries", state.countries),
        ("regions", state.regions),
        ("region names", state.region_names),
        ("region tree", state.region_tree),
        ("other names", state.alt_names),
        ("countries with data", state.active_countries),
        ("tier table", state.tier_table),
        ("places", state.places),
        ("flows", state.flows),
        ("latest tiers", state.latest_tiers),
        ("years", state.years),
        ("concepts", lambda: state.concepts("")),
        ("agents", state.agents),
        ("named queries", state.specs),
        ("dossiers", lambda: dossier_rows(state)),
    ]
    from kg.viz.geo import fit_view, land_svg

    parts.append(("world outline", lambda: land_svg(fit_view([]))))  # read on first use
    took: dict[str, float] = {}
    for name, read in parts:
        started = time.perf_counter()
        read()
        took[name] = time.perf_counter() - started
    return took


__all__ = ["CHART_QUERIES", "DOSSIER_QUERIES", "dossier_rows", "prepare", "select_text"]
