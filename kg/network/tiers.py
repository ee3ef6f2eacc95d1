"""Tier placements read fast: plain triple patterns (``sparql/placements.rq``) joined in Python
with small look-ups of agents, sources and tier concepts, so that every placement of a big build
(thousands) is read in tens of milliseconds where one query computing the assessor with
COALESCE took seconds. Gives each placement's assessor (the restated body for a restatement),
year (the restated report year for a restatement) and whether it is official: a tier in the
tier-issuing assessor's own publication."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from kg.core import rq
from kg.core import vocab as V
from kg.core.kept import Queryable

QUERIES = rq.Library("kg.network")


class TierFact(NamedTuple):
    """One tier placement and who stands behind it (a named tuple: thousands are made per
    read, and a frozen dataclass costs several times as much to create)."""

    country: str
    placement: str
    assessment: str
    tier: str
    tier_label: str
    rank: int | None
    year: int | None
    assessor: str
    assessor_name: str
    issues_tiers: bool
    official: bool
    restated_by: str | None
    restated_by_name: str | None
    source: str
    source_title: str

    @property
    def tier_id(self) -> str:
        """The tier's local name: tier-1, tier-2, tier-2wl, tier-3, tier-special-case."""
        return self.tier.rsplit("/", 1)[-1]


def _year(value: object) -> int | None:
    try:
        return int(str(value)[:4]) if value not in (None, "") else None
    except ValueError:
        return None


def tier_facts(store: Queryable, countries: Sequence[str] | None = None) -> list[TierFact]:
    """Every tier placement (only of the ``countries`` IRIs, when given), in placement order."""
    if countries is not None and not countries:
        return []
    agents = {
        rq.text(r, "agent"): (rq.text(r, "label"), r.get("issuesTiers") is True)
        for r in QUERIES.select(store, "agents")
    }
    sources: dict[str, tuple[str, set[str]]] = {}
    for r in QUERIES.select(store, "sources"):
        title, publishers = sources.setdefault(rq.text(r, "source"), (rq.text(r, "title"), set()))
        if r.get("publisher"):
            publishers.add(rq.text(r, "publisher"))
    concepts = {
        rq.text(r, "tier"): (rq.text(r, "label"), rq.integer(r, "rank"))
        for r in QUERIES.select(store, "tier_concepts")
    }
    if countries is None:
        name, text = "placements_joined", QUERIES.load("placements_joined")
    else:
        name, text = "placements", QUERIES.bound("placements", country=list(countries))
    columns = "placement assessment tier country by reportYear original restatedYear source"
    # TSV cells (kg.core.rq.table), not a Python object per term: thousands of placements.
    # Sorted here rather than by an ORDER BY (a quarter of the query's time): by placement,
    # then assessor, source, original, report year, restated year; the first row of each
    # placement is kept. TSV cells compare as SPARQL orders these terms (unbound first, IRIs
    # by their text, four-digit years by their value).
    rows = QUERIES.table(store, name, text, columns)
    rows.sort(key=lambda r: (r[0], r[4], r[8], r[6], r[5], r[7]))
    out: dict[str, TierFact] = {}
    last = None
    for row in rows:
        if row[0] == last:
            continue  # a second assessor, source or year of the same placement: the first
        last = row[0]
        placement, assessment, tier, country, by, year, original, restated, source = map(
            rq.cell_text, row
        )
        assessor = original or by
        name, issues = agents.get(assessor, ("", False))
        title, publishers = sources.get(source, ("", set()))
        label, rank = concepts.get(tier, ("", None))
        out[placement] = TierFact(
            country=country,
            placement=placement,
            assessment=assessment,
            tier=tier,
            tier_label=label or tier.rsplit("/", 1)[-1],
            rank=rank,
            year=_year(restated if original else year),
            assessor=assessor,
            assessor_name=name or V.shorten(assessor) if assessor else "unknown assessor",
            issues_tiers=issues,
            official=issues and not original and bool(source) and assessor in publishers,
            restated_by=by if original else None,
            restated_by_name=(agents.get(by, ("", False))[0] or V.shorten(by))
            if original
            else None,
            source=source,
            source_title=title,
        )
    return list(out.values())


def latest_tiers(
    store: Queryable, countries: Sequence[str] | None = None
) -> dict[str, dict[str, Any]]:
    """Country IRI → attributes of its latest tier placement (by report year, any assessor,
    official before restated); only of the ``countries`` IRIs, when given."""
    best: dict[str, tuple[tuple[int, bool, str], dict[str, Any]]] = {}
    for f in tier_facts(store, countries):
        assessor = f.assessor_name
        if f.restated_by is not None:
            assessor = f"{assessor}, restated by {f.restated_by_name}"
        attrs: dict[str, Any] = {
            "tier": f.tier_label,
            "tier_id": f.tier_id,
            "tier_assessor": assessor,
            "tier_official": f.official,
        }
        if f.year is not None:
            attrs["tier_year"] = f.year
        rank = (f.year if f.year is not None else -1, f.official, f.assessment)
        if f.country not in best or rank > best[f.country][0]:
            best[f.country] = (rank, attrs)
    return {k: v[1] for k, v in best.items()}


__all__ = ["TierFact", "latest_tiers", "tier_facts"]
