"""Data behind the tier charts: every country's tier placements by report year, read once from
the store (``sparql/*.rq``: plain patterns, joined here) and shared by the heat-map, the
timelines and the sparklines of the explorer's country index.

A placement counts when its tier is the judgement of an assessor that issues tiers (J/TIP). It is
*official* when it stands in that assessor's own publication; a placement that repeats it in
someone else's document (``tk:restates``, e.g. the CIA World Factbook) is a *restatement*, dated
by the report year it restates, and is always shown as such. A report year without any
placement is a gap, never filled in.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

import pyoxigraph as ox

from kg.core import rq
from kg.core.errors import QueryError, choices_hint
from kg.network.tiers import TierFact, tier_facts

QUERIES = rq.Library("kg.viz")
TIER_ORDER = ("tier-1", "tier-2", "tier-2wl", "tier-3", "tier-special-case")


class Placement(NamedTuple):
    """One tier placement of one country in one report year."""

    year: int
    tier: str  # local id: tier-1, tier-2, tier-2wl, tier-3, tier-special-case
    label: str
    rank: int | None
    official: bool
    assessor: str
    restated_by: str | None
    source: str
    iri: str

    @property
    def note(self) -> str:
        """Who says so, for a tooltip (the source in full is in :attr:`source`)."""
        if self.official:
            return f"official {short_name(self.assessor)} placement"
        by = self.restated_by or "another source"
        return f"{short_name(self.assessor)} placement restated by {short_name(by)}"


@cache
def short_name(name: str) -> str:
    """An agent's short name: the abbreviation in the last parentheses of its name (J/TIP,
    UNODC), else the name itself."""
    name = name.strip()
    if name.endswith(")") and "(" in name:
        inner = name[name.rindex("(") + 1 : -1].strip()
        if inner and " " not in inner:
            return inner
    return name


@dataclass
class CountryTiers:
    """One country's placements by report year (official ones first in each year)."""

    iso3: str
    label: str
    region: str
    region_label: str
    years: dict[int, list[Placement]] = field(default_factory=dict)

    def shown(self, year: int) -> Placement | None:
        """The placement a chart shows for ``year``: the official one if any, else a
        restatement (never both drawn as one)."""
        found = self.years.get(year)
        return found[0] if found else None

    def disagree(self, year: int) -> bool:
        """True when the placements of ``year`` give different tiers."""
        return len({p.tier for p in self.years.get(year, [])}) > 1

    @property
    def latest(self) -> Placement | None:
        """The placement of the latest report year."""
        return self.shown(max(self.years)) if self.years else None


@dataclass
class TierTable:
    """Countries × report years."""

    countries: list[CountryTiers]
    first: int
    last: int
    region: str | None = None  # the region filter in force, by name

    @property
    def sources(self) -> list[str]:
        """Titles of the documents behind the placements, sorted (footnotes of a chart)."""
        return sorted({p.source for c in self.countries for ps in c.years.values() for p in ps})

    @property
    def years(self) -> range:
        """Every report year from the first to the last (gaps included)."""
        return range(self.first, self.last + 1)

    def country(self, iso3: str) -> CountryTiers | None:
        """One country's row, or None."""
        return next((c for c in self.countries if c.iso3 == iso3.upper()), None)


def select_country(store: ox.Store, name: str, country: str) -> list[rq.Row]:
    """Run ``sparql/<name>.rq`` with ``?country`` bound by a VALUES block at the start of its
    WHERE group (so the engine plans with it; the IRI is checked by pyoxigraph)."""
    text = QUERIES.load(name)
    at = text.index("WHERE {") + len("WHERE {")
    query = f"{text[:at]} VALUES ?country {{ {ox.NamedNode(country)} }}{text[at:]}"
    result = store.query(query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: rq.value(row[n]) for n in names} for row in result]


def _local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def read_regions(store: ox.Store) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(area IRI → parent region IRI, region IRI → name, normalised code or name → IRI)."""
    parents: dict[str, str] = {}
    names: dict[str, str] = {}
    keys: dict[str, str] = {}
    for r in QUERIES.select(store, "regions"):
        area = rq.text(r, "area")
        if r.get("parent"):
            parents.setdefault(area, rq.text(r, "parent"))
        label = rq.text(r, "label") or rq.text(r, "code")
        names.setdefault(area, label)
        keys.setdefault(_norm(rq.text(r, "code")), area)
        keys.setdefault(_norm(label), area)
    return parents, names, keys


def _norm(text: str) -> str:
    return re.sub(r"[\s_-]+", " ", text.strip().lower())


def _within(area: str, region: str, parents: dict[str, str]) -> bool:
    seen: set[str] = set()
    while area in parents and area not in seen:
        seen.add(area)
        area = parents[area]
        if area == region:
            return True
    return False


def _placement(fact: TierFact, year: int) -> Placement:
    return Placement(
        year=year,
        tier=fact.tier_id,
        label=fact.tier_label,
        rank=fact.rank,
        official=fact.official,
        assessor=fact.assessor_name,
        restated_by=fact.restated_by_name,
        source=fact.source_title or fact.source,
        iri=fact.placement,
    )


def country_tiers(store: ox.Store, iri: str, iso3: str, label: str) -> CountryTiers:
    """One country's J/TIP placements (official and restated) by report year."""
    row = CountryTiers(iso3, label, "", "")
    for fact in tier_facts(store, [iri]):
        if not fact.issues_tiers or fact.year is None:
            continue
        placement = _placement(fact, fact.year)
        row.years.setdefault(fact.year, []).append(placement)
    for year, placed in row.years.items():
        row.years[year] = sorted(placed, key=lambda p: (not p.official, p.iri))
    return row


def tier_table(store: ox.Store, *, region: str | None = None) -> TierTable:
    """Every assessed country's placements (only countries inside ``region``, an M49 code or
    name, when given); QueryError with a hint for an unknown region."""
    regions = read_regions(store)
    _, region_names, _ = regions
    countries: dict[str, tuple[str, str, str]] = {}
    for r in QUERIES.select(store, "countries"):
        countries.setdefault(
            rq.text(r, "country"),
            (rq.text(r, "iso3"), rq.text(r, "label") or rq.text(r, "iso3"), rq.text(r, "region")),
        )
    found: dict[str, CountryTiers] = {}
    by_year: dict[tuple[str, int], dict[str, Placement]] = defaultdict(dict)
    for fact in tier_facts(store):
        if fact.country not in countries or not fact.issues_tiers or fact.year is None:
            continue  # not a tier-issuing body's judgement (not a TIP tier), or undated
        iso3, label, sub = countries[fact.country]
        placement = _placement(fact, fact.year)
        found.setdefault(iso3, CountryTiers(iso3, label, sub, region_names.get(sub, "")))
        by_year[iso3, fact.year].setdefault(placement.iri, placement)
    for (iso3, year), placed in by_year.items():
        ordered = list(placed.values())
        if len(ordered) > 1:
            ordered.sort(key=lambda p: (not p.official, p.iri))
        found[iso3].years[year] = ordered
    rows = sorted(found.values(), key=lambda c: (c.label.casefold(), c.iso3))
    table = _table(rows, None)
    return within_region(table, region, regions) if region else table


def _table(rows: list[CountryTiers], region: str | None) -> TierTable:
    years = [y for c in rows for y in c.years]
    return TierTable(rows, min(years, default=0), max(years, default=-1), region)


def within_region(
    table: TierTable, region: str, regions: tuple[dict[str, str], dict[str, str], dict[str, str]]
) -> TierTable:
    """The rows of ``table`` inside ``region`` (an M49 code or name), with ``regions`` as
    :func:`read_regions` gives them: a server filters the table it read once, per request.
    QueryError with a hint for an unknown region."""
    parents, region_names, region_keys = regions
    wanted = region_keys.get(_norm(region))
    if wanted is None or not wanted.rsplit("/", 1)[-1].startswith("region-"):
        choices = sorted({n for k, n in region_names.items() if "/region-" in k})
        raise QueryError(f"unknown region {region!r}", hint=choices_hint(region, choices))
    rows = [c for c in table.countries if c.region == wanted or _within(c.region, wanted, parents)]
    return _table(rows, region_names.get(wanted, region))


__all__ = [
    "TIER_ORDER",
    "CountryTiers",
    "Placement",
    "TierTable",
    "country_tiers",
    "read_regions",
    "select_country",
    "short_name",
    "tier_table",
    "within_region",
]
