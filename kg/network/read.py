"""Read flows from the store (SPARQL files ``kg/network/sparql/flow*.rq``) as ``Flow`` objects,
with their destinations, forms and sources. Places, forms and the resolution of user-given
codes are in ``kg.network.resolve`` (importable from here too)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import repeat

from kg.core import rq
from kg.core import vocab as V
from kg.core.kept import Queryable
from kg.network.flowtable import (
    Cells,
    cell_iri,
    flow_query,
    flows_of,
    paused_gc,
    query_rows,
    scan,
    table_rows,
    tsv_cells,
)
from kg.network.resolve import (
    QUERIES,
    centroid,
    local_name,
    read_forms,
    read_places,
    resolve_country,
    resolve_form,
)
from kg.network.tiers import latest_tiers


@dataclass(slots=True)
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
        if self.point is not None:
            return self.point
        return self.high if self.high is not None else self.low


_CLASSES = {V.TK + "CrossBorderFlow": "cross-border", V.TK + "InternalFlow": "internal"}
_CENSORED = {"true": True, "false": False}


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


def read_flows(store: Queryable, *, country: str | None = None) -> dict[str, Flow]:
    """Every flow in the store keyed by IRI, in IRI order (with ``country``, an IRI: only the
    flows from or to it, so a country's dossier reads its own flows, not all of them).

    Answers are read as SPARQL TSV: a flow is one row of plain strings, not a dozen pyoxigraph
    terms. Every flow is read with one query joining its properties by hash joins
    (``table_rows``), a country's with one query seeking them. Where a flow has several
    estimates, the first in IRI order is kept.
    """
    with paused_gc():
        return _read_flows(store, country)


def _read_flows(store: Queryable, country: str | None) -> dict[str, Flow]:
    chosen = flows_of(store, country) if country is not None else None
    if chosen == []:
        return {}
    best = table_rows(store) if chosen is None else query_rows(store, chosen)
    labels = _labels(QUERIES.table(store, "labels"))
    classes = _classes(store, chosen)
    if not best:
        return {}
    # column by column, each distinct cell converted once (most repeat: places, years, units)
    order = sorted(zip(map(cell_iri, best), best, strict=True))  # (IRI, TSV cell), by IRI
    (flow_cells, origins, aggregates, parts, years, locators, _, points, lows, highs) = (
        columns := list(zip(*map(best.__getitem__, (cell for _, cell in order)), strict=True))
    )[:10]
    units, methods, censored = columns[10:]
    iris, numbers = Cells(cell_iri), Cells(_number)

    def unit_name(cell: str) -> str | None:
        return local_name(iris[cell], "unit-") if cell else None

    def label(cell: str) -> str | None:
        return (labels.get(iris[cell]) or None) if cell else None

    flow_list = list(
        map(
            Flow,
            (iri for iri, _ in order),
            map(iris.__getitem__, origins),
            map(classes.get, flow_cells, repeat("unknown")),
            map("true".__eq__, aggregates),
            map(Cells(_optional_iri).__getitem__, parts),
            map(numbers.__getitem__, years),
            map(numbers.__getitem__, points),
            map(numbers.__getitem__, lows),
            map(numbers.__getitem__, highs),
            map(Cells(unit_name).__getitem__, units),
            map(Cells(label).__getitem__, units),
            map(Cells(label).__getitem__, methods),
            map(_CENSORED.get, censored, repeat(None)),
            map(Cells(_locator).__getitem__, locators),
        )
    )
    flows = dict(zip(flow_cells, flow_list, strict=True))  # by TSV cell while reading
    _read_links(store, flows, chosen, labels, iris)
    return {flow.iri: flow for flow in flow_list}


def _optional_iri(cell: str) -> str | None:
    return cell_iri(cell) if cell else None


def _number(cell: str) -> int | None:
    return (int(cell) if cell.isdigit() else rq.cell_int(cell)) if cell else None


def _locator(cell: str) -> str | None:
    if cell[:1] == '"' and cell[-1:] == '"' and "\\" not in cell:  # a plain string
        return cell[1:-1] or None
    return (rq.cell_text(cell) or None) if cell else None


def _classes(store: Queryable, chosen: list[str] | None) -> dict[str, str]:
    """TSV cell of a flow → its class name (``_CLASSES``), the least of several."""
    cells = tsv_cells(store, flow_query(chosen, "flow_classes"))[2:]
    flows, kinds = cells[::2], cells[1::2]
    names = {f"<{iri}>": name for iri, name in _CLASSES.items()}
    classes = dict(zip(flows, map(names.get, kinds, repeat("unknown")), strict=True))
    if len(classes) < len(flows):  # a flow of both classes
        classes = {}
        for flow, kind in zip(flows, kinds, strict=True):
            name = names.get(kind, "unknown")
            classes[flow] = min(classes.get(flow, name), name)
    return classes


def _read_links(
    store: Queryable,
    flows: dict[str, Flow],
    chosen: list[str] | None,
    labels: dict[str, str],
    iris: Cells[str],
) -> None:
    """Add destinations, forms and sources to ``flows`` (keyed by TSV cell), in IRI order;
    ``iris`` maps TSV cells already converted to their IRIs (and gains the targets')."""
    destinations: Sequence[Sequence[str]]
    forms: Sequence[Sequence[str]]
    if chosen is None:  # every flow: scans (other subjects' rows are skipped below) and a join
        destinations = scan(store, "destination")
        forms = scan(store, "concernsForm")
        stated = QUERIES.table(store, "flow_sources_joined")
    else:
        destinations, forms, stated = (
            QUERIES.table(store, name, flow_query(chosen, name))
            for name in ("flow_destinations", "flow_forms", "flow_sources")
        )
    get = flows.get
    for cell, target in destinations:
        flow = get(cell)
        if flow is not None:
            flow.destinations.append(iris[target])
    named: dict[str, tuple[str, str]] = {}
    for cell, target in forms:
        flow = get(cell)
        if flow is not None:
            form = named.get(target)
            if form is None:
                iri = cell_iri(target)
                form = named[target] = (iri, labels.get(iri) or local_name(iri, "form-"))
            flow.forms[form[0]] = form[1]
    sources = _source_labels(store, {target for _, target in stated})
    for cell, target in stated:
        flow = get(cell)
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


def _source_labels(store: Queryable, cells: set[str]) -> dict[str, tuple[str, tuple[str, str]]]:
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
        iri = cell_iri(cell)
        title = _best(titles.get(cell)) or V.shorten(iri)
        out[cell] = (iri, (title, _best(levels.get(cell))))
    return out


def _best(cells: list[str] | None) -> str:
    """The text of the preferred label among ``cells`` ('' when there is none)."""
    return rq.cell_text(min(cells, key=_label_key)) if cells else ""


__all__ = [
    "QUERIES",
    "Flow",
    "centroid",
    "flows_of",
    "latest_tiers",
    "local_name",
    "paused_gc",
    "read_flows",
    "read_forms",
    "read_places",
    "resolve_country",
    "resolve_form",
]
