"""Read flows, places, tiers and forms from the store (SPARQL files ``kg/sparql/flows_*.rq``)
and resolve user-given country codes and forms (with did-you-mean hints)."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg.core import rq
from kg.core import vocab as V
from kg.core.errors import QueryError, choices_hint
from kg.network.tiers import latest_tiers

#: The SPARQL files this stage runs (``kg/network/sparql/*.rq``).
QUERIES = rq.Library("kg.network")


@dataclass
class Flow:
    """One flow as read from the graph (all destinations together)."""

    iri: str
    origin: str
    flow_class: str = "unknown"
    aggregate: bool = False
    part_of: str | None = None
    year: int | None = None
    point: int | None = None
    low: int | None = None
    high: int | None = None
    unit: str | None = None
    unit_label: str | None = None
    method: str | None = None
    censored: bool | None = None
    locator: str | None = None
    destinations: list[str] = field(default_factory=list)
    forms: dict[str, str] = field(default_factory=dict)
    sources: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def flow_type(self) -> str:
        """aggregate, component, or unknown (neither declared an aggregate nor part of one)."""
        if self.part_of:
            return "component"
        return "aggregate" if self.aggregate else "unknown"

    @property
    def magnitude(self) -> int | None:
        """The number used to rank flows: point, else upper, else lower bound."""
        return next((v for v in (self.point, self.high, self.low) if v is not None), None)


def local_name(iri: str, prefix: str) -> str:
    name = iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return name.removeprefix(prefix)


_CLASSES = {V.TK + "CrossBorderFlow": "cross-border", V.TK + "InternalFlow": "internal"}


def _label_key(cell: str) -> tuple[int, str]:
    """Which of several labels to show: English or untagged first, then the smallest."""
    rest = cell[cell.rfind('"') + 1 :] if cell.startswith('"') else ""
    lang = rest[1:].lower() if rest.startswith("@") else ""
    english = lang in ("", "en") or lang.startswith("en-")
    return (0 if english else 1, cell)


def _labels(rows: list[list[str]]) -> dict[str, str]:
    """Subject → label text, from (subject, label) TSV rows; one label per subject."""
    best: dict[str, str] = {}
    for subject, label in rows:
        if subject not in best or _label_key(label) < _label_key(best[subject]):
            best[subject] = label
    return {rq.cell_text(s): rq.cell_text(label) for s, label in best.items()}


def _estimate_key(cell: str) -> tuple[int, str]:
    """SPARQL order of an estimate: none, then blank nodes, then IRIs by their text."""
    if not cell:
        return (0, "")
    return (1, cell) if cell.startswith("_:") else (2, cell[1:-1])


def _flow_query(flows: list[str] | None, name: str) -> str:
    """Query ``name`` restricted to ``flows`` (IRIs) when given: a VALUES block first."""
    text = QUERIES.load(name)
    if flows is None:
        return text
    values = "VALUES ?flow { " + " ".join(str(ox.NamedNode(f)) for f in flows) + " }"
    head, brace, body = text.partition("WHERE {")
    return f"{head}{brace}\n  {values}{body}"


def flows_of(store: ox.Store, country: str) -> list[str]:
    """The IRIs of the flows from or to ``country`` (an IRI), sorted."""
    rows = QUERIES.select(store, "flows_of", country=country)
    return sorted(rq.text(r, "flow") for r in rows)


def _iri(cell: str) -> str:
    """The IRI (or ``_:label``) of a TSV cell that holds one."""
    return cell[1:-1] if cell[:1] == "<" else rq.cell_text(cell)


def _scan(store: ox.Store, predicate: str) -> list[tuple[str, str]]:
    """(subject, object) TSV cells of every triple with ``predicate`` (a ``tk:`` name or a full
    IRI), over the union of all graphs: one index range, no join."""
    iri = predicate if ":" in predicate else V.TK + predicate
    result = store.query(f"SELECT ?s ?o WHERE {{ ?s <{iri}> ?o }}", use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    data = (result.serialize(format=ox.QueryResultsFormat.TSV) or b"").decode("utf-8")
    # tabs and newlines inside a literal are escaped: raw ones only separate cells
    cells = data.replace("\n", "\t").split("\t")[2:-1]
    return list(zip(cells[::2], cells[1::2], strict=True))


#: The flow's own columns of ``flows.rq`` after ``flow``, and then the estimate's.
_FLOW_COLUMNS = ("origin", "isAggregate", "partOfFlow", "year", "locator")
_ESTIMATE_COLUMNS = (
    "pointValue", "lowerBound", "upperBound", "countUnit", "estimateMethod", "censored"
)  # fmt: skip


def _scan_rows(store: ox.Store) -> dict[str, list[str]]:
    """The rows ``flows.rq`` would give, one per flow (as ``read_flows`` keeps them), built from
    one scan per predicate: on the on-disk store a scan reads an index range where the query's
    OPTIONALs cost a seek each, several times faster (issue 16 §3).

    Where the query gives several rows of a flow (several values of a property: a cross
    product), the row kept is the least by (estimate key, cells), that is the least estimate
    and, within it, the least cell of every column, which is what is computed here."""
    rows: dict[str, list[str]] = {}
    for flow, origin in _scan(store, "origin"):
        row = rows.get(flow)
        if row is None:
            rows[flow] = [flow, origin, "", "", "", "", "", "", "", "", "", "", ""]
        elif origin < row[1]:
            row[1] = origin
    for column, name in enumerate(_FLOW_COLUMNS[1:], start=2):
        for flow, cell in _scan(store, name):
            row = rows.get(flow)
            if row is not None and (not row[column] or cell < row[column]):
                row[column] = cell
    estimates: dict[str, list[list[str]]] = {}
    for flow, estimate in _scan(store, "hasEstimate"):
        row = rows.get(flow)
        if row is not None and (not row[6] or _estimate_key(estimate) < _estimate_key(row[6])):
            row[6] = estimate
    for row in rows.values():
        if row[6]:
            estimates.setdefault(row[6], []).append(row)
    for column, name in enumerate(_ESTIMATE_COLUMNS, start=7):
        for estimate, cell in _scan(store, name):
            for row in estimates.get(estimate, ()):
                if not row[column] or cell < row[column]:
                    row[column] = cell
    return rows


def _query_rows(store: ox.Store, chosen: list[str]) -> dict[str, list[str]]:
    """The rows of ``flows.rq`` for the ``chosen`` flows only (a few: one query)."""
    best: dict[str, list[str]] = {}
    columns = (
        "flow origin aggregate partOf year locator estimate point low high unit method censored"
    )
    for row in QUERIES.table(store, "flows", _flow_query(chosen, "flows"), columns):
        current = best.get(row[0])
        if current is None or (_estimate_key(row[6]), row) < (_estimate_key(current[6]), current):
            best[row[0]] = row
    return best


def read_flows(store: ox.Store, *, country: str | None = None) -> dict[str, Flow]:
    """Every flow in the store keyed by IRI (with ``country``, an IRI: only the flows from or to
    it, so a country's dossier reads its own flows, not all of them).

    Answers are read as SPARQL TSV: a flow is one row of plain strings, not a dozen pyoxigraph
    terms. Every flow is read with one scan per predicate (``_scan_rows``), a country's with
    one query. Where a flow has several estimates, the first in IRI order is kept.
    """
    chosen = flows_of(store, country) if country is not None else None
    if chosen == []:
        return {}
    best = _scan_rows(store) if chosen is None else _query_rows(store, chosen)
    labels = _labels(QUERIES.table(store, "labels"))
    classes: dict[str, str] = {}
    for flow, cls in QUERIES.table(store, "flow_classes"):
        name = _CLASSES.get(cls[1:-1], "unknown")
        classes[flow] = min(classes.get(flow, name), name)
    units: dict[str, str | None] = {"": None}
    flows: dict[str, Flow] = {}  # by TSV cell while reading
    integer, text = rq.cell_int, rq.cell_text
    for cell in sorted(best, key=_iri):
        flow, origin, aggregate, part_of, year, locator, _, point, low, high, unit, method, cen = (
            best[cell]
        )
        if unit not in units:
            units[unit] = local_name(_iri(unit), "unit-")
        flows[cell] = Flow(
            iri=_iri(flow),
            origin=_iri(origin),
            flow_class=classes.get(flow, "unknown"),
            aggregate=aggregate == "true",
            part_of=_iri(part_of) if part_of else None,
            year=integer(year) if year else None,
            point=integer(point) if point else None,
            low=integer(low) if low else None,
            high=integer(high) if high else None,
            unit=units[unit],
            unit_label=(labels.get(_iri(unit)) or None) if unit else None,
            method=(labels.get(_iri(method)) or None) if method else None,
            censored=None if cen not in ("true", "false") else cen == "true",
            locator=(text(locator) or None) if locator else None,
        )
    _read_links(store, flows, chosen, labels)
    return {flow.iri: flow for flow in flows.values()}


#: The predicate each link query reads.
_LINKS = {
    "flow_destinations": "destination",
    "flow_forms": "concernsForm",
    "flow_sources": "statedIn",
}


def _read_links(
    store: ox.Store, flows: dict[str, Flow], chosen: list[str] | None, labels: dict[str, str]
) -> None:
    """Add destinations, forms and sources to ``flows`` (keyed by TSV cell), in IRI order."""

    def pairs(name: str) -> list[tuple[str, str]] | list[list[str]]:
        if chosen is None:  # every flow: a scan, the rows of other subjects skipped below
            rows = _scan(store, _LINKS[name])
            return [row for row in rows if row[0] in flows]
        return QUERIES.table(store, name, _flow_query(chosen, name))

    for cell, target in pairs("flow_destinations"):
        flow = flows.get(cell)
        if flow is not None:
            flow.destinations.append(_iri(target))
    forms: dict[str, tuple[str, str]] = {}
    for cell, target in pairs("flow_forms"):
        flow = flows.get(cell)
        if flow is not None:
            if target not in forms:
                iri = _iri(target)
                forms[target] = (iri, labels.get(iri) or local_name(iri, "form-"))
            iri, label = forms[target]
            flow.forms[iri] = label
    stated = pairs("flow_sources")
    sources = _source_labels(store, {target for _, target in stated})
    for cell, target in stated:
        flow = flows.get(cell)
        if flow is not None:
            source, about = sources[target]
            flow.sources[source] = about
    for flow in flows.values():
        if len(flow.destinations) > 1:
            flow.destinations = sorted(set(flow.destinations))
        if len(flow.forms) > 1:
            flow.forms = dict(sorted(flow.forms.items()))
        if len(flow.sources) > 1:
            flow.sources = dict(sorted(flow.sources.items()))


def _source_labels(store: ox.Store, cells: set[str]) -> dict[str, tuple[str, tuple[str, str]]]:
    """TSV cell of a source → (IRI, (title, reliability)); a source without a title is shown
    by its short IRI."""
    if not cells:
        return {}
    titles: dict[str, list[str]] = {}
    levels: dict[str, list[str]] = {}
    for source, title, level in QUERIES.table(store, "source_labels"):
        if source in cells:
            (titles if title else levels).setdefault(source, []).append(title or level)
    out = {}
    for cell in cells:
        iri = _iri(cell)
        title = _best(titles.get(cell)) or V.shorten(iri)
        out[cell] = (iri, (title, _best(levels.get(cell))))
    return out


def _best(cells: list[str] | None) -> str:
    """The text of the preferred label among ``cells`` ('' when there is none)."""
    return rq.cell_text(min(cells, key=_label_key)) if cells else ""


def read_places(store: ox.Store) -> dict[str, dict[str, Any]]:
    """Countries and regions keyed by IRI, with region centroids from their member countries."""
    places: dict[str, dict[str, Any]] = {}
    for r in QUERIES.select(store, "places"):
        iri = rq.text(r, "place")
        if iri in places:
            continue
        kind = rq.text(r, "kind")
        code = rq.text(r, "code")
        attrs: dict[str, Any] = {"label": rq.text(r, "label") or code, "code": code, "kind": kind}
        attrs["name"] = attrs["label"]
        if kind == "country":
            attrs["iso3"] = code
            if r.get("alpha2"):
                attrs["iso2"] = rq.text(r, "alpha2")
        else:
            attrs["m49"] = code
        if isinstance(r.get("lat"), float) and isinstance(r.get("lon"), float):
            attrs.update(latitude=r["lat"], longitude=r["lon"], coordinates="data")
        attrs["iri"] = iri
        places[iri] = attrs
    members: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for r in QUERIES.select(store, "region_members"):
        lat, lon = r.get("lat"), r.get("lon")
        if isinstance(lat, float) and isinstance(lon, float):
            members[rq.text(r, "region")].append((lat, lon))
    for iri, points in members.items():
        if iri in places and "latitude" not in places[iri]:
            lat, lon = centroid(points)
            places[iri].update(latitude=lat, longitude=lon, coordinates="member-centroid")
    return places


def centroid(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Mean latitude and circular-mean longitude (safe across the antimeridian), rounded."""
    lat = sum(p[0] for p in points) / len(points)
    x = sum(math.cos(math.radians(p[1])) for p in points)
    y = sum(math.sin(math.radians(p[1])) for p in points)
    return round(lat, 2), round(math.degrees(math.atan2(y, x)), 2)


def _norm(text: str) -> str:
    return re.sub(r"[\s_-]+", " ", text.strip().lower())


def read_forms(store: ox.Store) -> tuple[dict[str, set[str]], dict[str, str]]:
    """(form IRI → itself and every broader form, normalised slug/label → form IRI)."""
    ancestors: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for r in QUERIES.select(store, "forms"):
        form = rq.text(r, "form")
        ancestors[form].add(rq.text(r, "ancestor"))
        names[_norm(local_name(form, "form-"))] = form
        for key in ("label", "alt"):
            if r.get(key):
                names.setdefault(_norm(rq.text(r, key)), form)
    return dict(ancestors), names


def resolve_form(store: ox.Store, form: str) -> str:
    """The IRI of a form given as slug (``forced-labour``) or label; QueryError if unknown."""
    _, names = read_forms(store)
    if _norm(form) in names:
        return names[_norm(form)]
    slugs = sorted({local_name(v, "form-") for v in names.values()})
    raise QueryError(f"unknown form {form!r}", hint=choices_hint(form.strip().lower(), slugs))


def resolve_country(
    store: ox.Store, code: str, places: dict[str, dict[str, Any]] | None = None
) -> str:
    """The IRI of a country or region given by ISO3 or M49 code (or its English name);
    QueryError with a did-you-mean hint if unknown."""
    places = places if places is not None else read_places(store)
    by_code = {p["code"]: iri for iri, p in places.items()}
    key = code.strip().upper()
    if key in by_code:
        return by_code[key]
    by_name = {_norm(str(p["label"])): iri for iri, p in places.items()}
    if _norm(code) in by_name:
        return by_name[_norm(code)]
    countries = sorted(p["code"] for p in places.values() if p["kind"] == "country")
    same_letters = [c for c in countries if sorted(c) == sorted(key)]
    hint = f"did you mean '{same_letters[0]}'?" if same_letters else choices_hint(key, countries)
    raise QueryError(f"unknown country code {code!r}", hint=hint)


__all__ = [
    "Flow",
    "centroid",
    "latest_tiers",
    "local_name",
    "read_flows",
    "read_forms",
    "read_places",
    "resolve_country",
    "resolve_form",
]
