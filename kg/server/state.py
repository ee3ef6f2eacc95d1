"""What the explorer reads once per server and keeps: labels of every IRI, the tier table, the
choices of the query forms, and bounded caches of query results and rendered pages. The store
never changes while serving, so nothing here ever goes stale; caches are bounded by size, entries
and key length (:mod:`kg.server.bounded`), so neither a crawler walking every country nor
parameters of any length can grow the server without limit."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import pyoxigraph as ox

from kg.core import vocab as V
from kg.query.named import QueryDirs, QuerySpec, Row, list_queries
from kg.server.bounded import Bounded

T = TypeVar("T")

#: The bytes the cached answers of named queries may take (about: :attr:`Result.size`), and
#: the rendered pages (gzip-compressed).
RESULT_BYTES = 128 << 20
PAGE_BYTES = 64 << 20
#: What a cell costs besides its text: the term object, its datatype, the row's slot.
CELL_BYTES = 140  # measured: 138 for 500,000 literals and IRIs in 2-tuples

_LABELS = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?s ?p ?label WHERE { VALUES ?p { skos:prefLabel rdfs:label } ?s ?p ?label }"""
_COUNTRIES = f"""PREFIX tk: <{V.TK}> PREFIX rdfs: <{V.RDFS}>
SELECT ?iso ?label WHERE {{
  ?c a tk:Country ; tk:iso3166Alpha3 ?iso . OPTIONAL {{ ?c rdfs:label ?label }}
}}"""
_YEARS = f"""PREFIX tk: <{V.TK}>
SELECT DISTINCT ?y WHERE {{
  VALUES ?p {{ tk:year tk:reportYear tk:restatedReportYear }} ?s ?p ?y
}}"""
_CONCEPTS = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?c WHERE { ?c skos:inScheme ?scheme }"""
_AGENTS = f"""PREFIX tk: <{V.TK}> SELECT ?a WHERE {{ ?a a tk:Agent }}"""
_REGIONS = f"""PREFIX tk: <{V.TK}> PREFIX rdfs: <{V.RDFS}>
SELECT ?iso ?name WHERE {{ ?c tk:iso3166Alpha3 ?iso ; tk:inRegion/rdfs:label ?name }}"""
_REGION_NAMES = f"""PREFIX tk: <{V.TK}> PREFIX rdfs: <{V.RDFS}>
SELECT DISTINCT ?name WHERE {{ ?r a tk:Region ; rdfs:label ?name }}"""
_ALT_NAMES = f"""PREFIX tk: <{V.TK}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?iso ?alt WHERE {{ ?c tk:iso3166Alpha3 ?iso ; skos:altLabel ?alt }}"""
_ACTIVE = f"""PREFIX tk: <{V.TK}>
SELECT DISTINCT ?iso WHERE {{
  {{ ?x tk:assessedCountry ?c }} UNION {{ ?x tk:origin ?c }} UNION {{ ?x tk:destination ?c }}
  UNION {{ ?x tk:statisticOf ?c }}
  ?c tk:iso3166Alpha3 ?iso .
}}"""


@dataclass(frozen=True)
class Result:
    """The rows of a SELECT answer."""

    vars: list[str]
    rows: list[Row]

    @property
    def cells(self) -> int:
        return max(1, len(self.vars)) * len(self.rows)

    @property
    def size(self) -> int:
        """About the bytes the rows take in memory: each cell's text and what a term costs."""
        text = sum(len(getattr(term, "value", "")) for row in self.rows for term in row)
        return text + CELL_BYTES * self.cells


def _select(store: ox.Store, query: str) -> list[ox.QuerySolution]:
    answer = store.query(query, use_default_graph_as_union=True)
    assert isinstance(answer, ox.QuerySolutions)
    return list(answer)


class Explorer:
    """Per-server state of the explorer pages."""

    def __init__(self, store: ox.Store, queries: QueryDirs) -> None:
        """Read lazily from ``store``; the named queries come from ``queries``."""
        self.store = store
        self.queries = queries
        self._once: dict[str, Any] = {}
        self._lock = threading.RLock()  # a computation may ask for another (labels)
        self.results = Bounded(RESULT_BYTES, lambda r: r.size)  # about the bytes of answers
        self.pages = Bounded(PAGE_BYTES, len)  # bytes of rendered pages (gzip)

    def once(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()`` the first time ``key`` is asked for, then the same value."""
        with self._lock:
            if key not in self._once:
                self._once[key] = compute()
            value: T = self._once[key]
            return value

    def labels(self) -> dict[str, str]:
        """IRI → display label (skos:prefLabel before rdfs:label, English first)."""

        def read() -> dict[str, str]:
            best: dict[str, tuple[int, str]] = {}
            for row in _select(self.store, _LABELS):
                s, p, label = row["s"], row["p"], row["label"]
                if not isinstance(s, ox.NamedNode) or not isinstance(label, ox.Literal):
                    continue
                lang = label.language or ""
                rank = (
                    0 if isinstance(p, ox.NamedNode) and p.value.endswith("prefLabel") else 2
                ) + (0 if lang in ("en", "") or lang.startswith("en-") else 1)
                if s.value not in best or (rank, label.value) < best[s.value]:
                    best[s.value] = (rank, label.value)
            return {iri: text for iri, (_, text) in best.items()}

        return self.once("labels", read)

    def specs(self) -> dict[str, QuerySpec]:
        """The named queries, by name (files with a broken header are left out)."""

        def read() -> dict[str, QuerySpec]:
            from kg.core.errors import KGError
            from kg.query.named import discover, load_file

            found = {}
            for name, path in discover(self.queries).items():
                try:
                    found[name] = load_file(path, name)
                except KGError:
                    continue
            return found

        return self.once("specs", read)

    def countries(self) -> list[tuple[str, str]]:
        """(ISO3, name) of every country, by name."""

        def read() -> list[tuple[str, str]]:
            found: dict[str, str] = {}
            for row in _select(self.store, _COUNTRIES):
                iso, label = row["iso"], row["label"]
                if isinstance(iso, ox.Literal):
                    name = label.value if isinstance(label, ox.Literal) else iso.value
                    found.setdefault(iso.value, name)
            return sorted(found.items(), key=lambda x: (x[1].casefold(), x[0]))

        return self.once("countries", read)

    def years(self) -> list[str]:
        """Every year the data mentions (flows, statistics, report years), latest first."""

        def read() -> list[str]:
            years = {str(r["y"].value)[:4] for r in _select(self.store, _YEARS) if r["y"]}
            return sorted((y for y in years if y.isdigit()), reverse=True)

        return self.once("years", read)

    def concepts(self, prefix: str) -> list[tuple[str, str]]:
        """(id without the prefix, label) of the concepts ``tkv:<prefix>-…``, by label."""

        def read() -> dict[str, list[tuple[str, str]]]:
            labels = self.labels()
            by_prefix: dict[str, list[tuple[str, str]]] = {}
            for row in _select(self.store, _CONCEPTS):
                c = row["c"]
                if not isinstance(c, ox.NamedNode) or not c.value.startswith(V.TKV):
                    continue
                local = c.value[len(V.TKV) :]
                head, _, rest = local.partition("-")
                if rest:
                    by_prefix.setdefault(head, []).append((rest, labels.get(c.value, rest)))
            return {k: sorted(v, key=lambda x: x[1].casefold()) for k, v in by_prefix.items()}

        return self.once("concepts", read).get(prefix, [])

    def places(self) -> dict[str, dict[str, Any]]:
        """Countries and regions (``kg.network.read_places``)."""
        from kg.network.read import read_places

        return self.once("places", lambda: read_places(self.store))

    def flows(self) -> dict[str, Any]:
        """Every flow of the store (``kg.network.read_flows``), read once for all the country
        pages (each picks its own: a second or two once, instead of a fraction each time)."""
        from kg.network.read import read_flows

        return self.once("flows", lambda: read_flows(self.store))

    def latest_tiers(self) -> dict[str, dict[str, Any]]:
        """Every country's latest tier (``kg.network.latest_tiers``)."""
        from kg.network.tiers import latest_tiers

        return self.once("latest_tiers", lambda: latest_tiers(self.store))

    def tier_table(self) -> Any:
        """Every country's tier placements (``kg.viz.series.TierTable``)."""
        from kg.viz.series import tier_table

        return self.once("tier_table", lambda: tier_table(self.store))

    def region_tree(self) -> Any:
        """``kg.viz.series.read_regions``: parents, names and lookup keys of M49 areas."""
        from kg.viz.series import read_regions

        return self.once("region_tree", lambda: read_regions(self.store))

    def regions(self) -> dict[str, str]:
        """ISO3 → name of the country's M49 sub-region."""

        def read() -> dict[str, str]:
            return {
                str(r["iso"].value): str(r["name"].value)
                for r in _select(self.store, _REGIONS)
                if isinstance(r["name"], ox.Literal)
            }

        return self.once("regions", read)

    def region_names(self) -> list[str]:
        """Names of the M49 regions and sub-regions, sorted."""

        def read() -> list[str]:
            rows = _select(self.store, _REGION_NAMES)
            return sorted({str(r["name"].value) for r in rows if isinstance(r["name"], ox.Literal)})

        return self.once("region_names", read)

    def alt_names(self) -> dict[str, list[str]]:
        """ISO3 → other names of the country (DPRK, Burma…), for the search box."""

        def read() -> dict[str, list[str]]:
            found: dict[str, list[str]] = {}
            for r in _select(self.store, _ALT_NAMES):
                found.setdefault(str(r["iso"].value), []).append(str(r["alt"].value))
            return found

        return self.once("alt_names", read)

    def active_countries(self) -> set[str]:
        """ISO3 of the countries something is said about: an assessment, a flow, a statistic."""

        def read() -> set[str]:
            return {str(r["iso"].value) for r in _select(self.store, _ACTIVE)}

        return self.once("active", read)

    def agents(self) -> list[tuple[str, str]]:
        """(agent id, name) of every agent, by name."""

        def read() -> list[tuple[str, str]]:
            labels = self.labels()
            found = []
            for row in _select(self.store, _AGENTS):
                a = row["a"]
                if isinstance(a, ox.NamedNode) and a.value.startswith(V.TKD + "agent-"):
                    found.append((a.value[len(V.TKD) + 6 :], labels.get(a.value, a.value)))
            return sorted(found, key=lambda x: x[1].casefold())

        return self.once("agents", read)


_MAKE = threading.Lock()


def explorer_of(holder: Any, store: ox.Store, queries: QueryDirs) -> Explorer:
    """The :class:`Explorer` kept on ``holder`` (an App), made on first use."""
    with _MAKE:
        found = getattr(holder, "_explorer", None)
        if found is None:
            found = Explorer(store, queries)
            holder._explorer = found
    assert isinstance(found, Explorer)
    return found


__all__ = [
    "PAGE_BYTES",
    "RESULT_BYTES",
    "Bounded",
    "Explorer",
    "Result",
    "explorer_of",
    "list_queries",
]
