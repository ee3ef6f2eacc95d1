"""Stage 2: turn parsed YAML into typed, cross-checked records (see data/README.md): the
reference data (countries, regions, agents, treaties, sources), the ``Records`` that hold
everything, and the checks that identifiers are unique and name known things. What one
assessment says is in ``kg.source.facts`` (its names are importable from here too)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from kg.core.errors import Location, RecordError, choices_hint
from kg.source.facts import (
    Assessment,
    Claim,
    Curated,
    CuratedClaim,
    CuratedLink,
    Curation,
    Draft,
    Estimate,
    Fact,
    Flow,
    Policy,
    Recommendation,
    Resolution,
    Tier,
)
from kg.source.reader import Obj

#: Vocabulary scheme -> prefix stripped from concept local names to give the YAML short name.
SCHEME_PREFIXES: dict[str, str] = {
    "forms": "form-",
    "tiers": "",
    "tier-changes": "change-",
    "pillars": "pillar-",
    "profile-roles": "role-",
    "victim-groups": "group-",
    "policy-effects": "effect-",
    "aspects": "aspect-",
    "action-types": "action-",
    "rec-status": "status-",
    "count-units": "unit-",
    "estimate-methods": "method-",
    "doc-types": "doc-",
    "reliability-levels": "reliability-",
    "sections": "section-",
    "review-statuses": "review-",
    "evidence-statuses": "evidence-",
}

#: Vocabulary: scheme name -> short name -> concept IRI.
Vocabulary = Mapping[str, Mapping[str, str]]


@dataclass(frozen=True)
class Country:
    """A country or territory keyed by its ISO 3166-1 alpha-3 code."""

    code: str
    alpha2: str | None
    numeric: str | None
    name: str
    official_name: str | None
    alt_names: tuple[str, ...]
    region: str | None  # M49 code of its sub-region
    lat: float | None
    lon: float | None
    where: Location


@dataclass(frozen=True)
class Region:
    """A UN M49 region or sub-region."""

    id: str
    m49: str
    name: str
    parent: str | None
    where: Location


@dataclass(frozen=True)
class Agent:
    """An organisation that assesses, publishes or curates; never a person."""

    id: str
    name: str
    issues_tiers: bool
    homepage: str | None
    where: Location


@dataclass(frozen=True)
class Treaty:
    """An international instrument such as the UN TIP (Palermo) Protocol."""

    id: str
    title: str
    short_name: str | None
    adopted: dt.date | None
    in_force: dt.date | None
    where: Location


@dataclass(frozen=True)
class Source:
    """A source document that facts are stated in."""

    id: str
    title: str
    doc_type: str
    reliability: str
    publisher: str | None
    issued: dt.date | None
    year: int | None
    license: str | None
    identifier: str | None
    sha256: str | None
    note: str | None
    where: Location


@dataclass
class Records:
    """Everything the data directory says, checked and cross-referenced."""

    countries: dict[str, Country] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    agents: dict[str, Agent] = field(default_factory=dict)
    treaties: dict[str, Treaty] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    assessments: list[Assessment] = field(default_factory=list)

    def geo_ids(self) -> dict[str, str]:
        """Map every code usable as a place (ISO alpha-3, region id) to its kind."""
        out = {code: "country" for code in self.countries}
        out.update({rid: "region" for rid in self.regions})
        return out


def unique(obj: Obj, key: str, seen: dict[str, Location], value: str, what: str) -> None:
    """Fail when ``value`` was already used as an identifier of ``what``."""
    if value in seen:
        where, first = blame(seen[value], obj.loc(key))
        raise RecordError(
            f"duplicate {what} '{value}'", where=where, hint=f"first defined at {first}"
        )
    seen[value] = obj.loc(key)


def blame(earlier: Location, later: Location) -> tuple[Location, Location]:
    """Which of two clashing definitions to report, and which to name as the first.

    In one file the later line is at fault. Across files, the file written last is: the one
    a user just added or edited, never the shipped file it clashes with; files written at
    the same moment (a fresh checkout) are ordered by path, the later path at fault.
    """
    if earlier.path == later.path:
        return later, earlier

    def order(where: Location) -> tuple[int, str]:
        try:
            return os.stat(where.path).st_mtime_ns, where.path
        except OSError:
            return 0, where.path

    return (later, earlier) if order(later) >= order(earlier) else (earlier, later)


def ref(
    obj: Obj,
    key: str,
    valid: Mapping[str, object],
    kind: str,
    *,
    index: int | None = None,
    hint: Callable[[str], str] | None = None,
) -> str:
    """Check that the identifier at ``key`` (or ``key[index]``) names a known thing; ``hint``
    explains an unknown value (default: the closest valid name, or the list of them)."""
    value = obj.data[key] if index is None else obj.data[key][index]
    if not isinstance(value, str):  # a list or mapping where an id belongs: say so, never crash
        obj._typed(key, value, (str,), index=index)
    value = value.strip()
    if value not in valid:
        raise RecordError(
            f"unknown {kind} '{value}'",
            where=obj.loc(key, index=index),
            hint=hint(str(value)) if hint else choices_hint(str(value), valid),
        )
    return str(value)


__all__ = [
    "SCHEME_PREFIXES",
    "Agent",
    "Assessment",
    "Claim",
    "Country",
    "Curated",
    "CuratedClaim",
    "CuratedLink",
    "Curation",
    "Draft",
    "Estimate",
    "Fact",
    "Flow",
    "Policy",
    "Recommendation",
    "Records",
    "Region",
    "Resolution",
    "Source",
    "Tier",
    "Treaty",
    "Vocabulary",
    "blame",
    "ref",
    "unique",
]
