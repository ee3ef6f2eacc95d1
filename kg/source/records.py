"""Stage 2: turn parsed YAML into typed, cross-checked records (see data/README.md)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from kg.core.errors import Location, RecordError, choices_hint
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


@dataclass(frozen=True)
class Estimate:
    """A number with its unit and method; a range keeps both bounds."""

    value: int | None
    lower: int | None
    upper: int | None
    unit: str
    method: str
    censored: bool
    where: Location


@dataclass(frozen=True)
class Fact:
    """Fields shared by every fact taken from a source: local id, locator, place."""

    id: str
    locator: str
    where: Location


@dataclass(frozen=True)
class Tier(Fact):
    """A tier placement."""

    tier: str = ""
    change: str | None = None
    watch_list_years: int | None = None
    waiver: bool | None = None
    policy_or_pattern: bool | None = None
    restates: str | None = None  # agent id whose tier the placement repeats
    restated_year: int | None = None  # report year of the repeated placement


@dataclass(frozen=True)
class Flow(Fact):
    """A reported movement of people from an origin to destinations (or within a country)."""

    internal: bool = False
    origin: str = ""
    destinations: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    transit: tuple[str, ...] = ()  # countries passed through on the way
    part_of: str | None = None
    year: int | None = None
    description: str | None = None
    facilitated_by: tuple[str, ...] = ()
    supported_by: tuple[str, ...] = ()
    estimate: Estimate | None = None
    victims: tuple[str, ...] = ()  # victim-group concept IRIs the source ties to this flow


@dataclass(frozen=True)
class Policy(Fact):
    """A law, bilateral agreement, state practice or action plan."""

    kind: str = ""
    label: str = ""
    applies_to: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    description: str | None = None
    supported_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Claim(Fact):
    """What a source says about one aspect of a subject: true, false or not known (None),
    and how the source presents it (evidence status: stated, reported, alleged...)."""

    subject: str = ""
    aspect: str = ""
    polarity: bool | None = True
    evidence: str = ""  # concept IRI of tkv:evidence-statuses
    section: str | None = None
    summary: str | None = None
    confidence: float | None = None
    contradicts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Curated(Fact):
    """Fields of every piece of curator content: who decided, when, and why."""

    curator: str = ""  # agent id
    date: dt.date | None = None
    rationale: str = ""


@dataclass(frozen=True)
class CuratedClaim(Curated):
    """A curator's reading of a source claim (a re-coding); never stated in the source."""

    reading_of: str = ""  # claim id
    subject: str = ""
    aspect: str = ""
    polarity: bool | None = True
    confidence: float | None = None


@dataclass(frozen=True)
class Resolution(Curated):
    """A curator's decision between claims; neither claim is deleted."""

    claims: tuple[str, ...] = ()
    preferred: tuple[str, ...] = ()


@dataclass(frozen=True)
class CuratedLink(Curated):
    """Links a curator adds to a flow, policy or recommendation that the source does not make."""

    subject: str = ""  # a flow, policy or recommendation id
    kind: str = ""  # "flow", "policy" or "recommendation"
    forms: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    policies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Curation:
    """The curator content of one assessment file (the ``curation:`` block)."""

    curator: str
    date: dt.date
    claims: tuple[CuratedClaim, ...]
    resolutions: tuple[Resolution, ...]
    links: tuple[CuratedLink, ...]
    where: Location


@dataclass(frozen=True)
class Recommendation(Fact):
    """One recommendation to a government."""

    text: str = ""
    target: str = ""
    ordinal: int | None = None
    actions: tuple[str, ...] = ()
    pillars: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    policies: tuple[str, ...] = ()
    treaties: tuple[str, ...] = ()
    status: str | None = None


@dataclass(frozen=True)
class Draft:
    """A machine-extracted assessment file's provenance and review state."""

    extracted_by: str
    version: str
    text: str | None
    text_sha256: str
    review: str  # "unreviewed" or "reviewed"
    reviewer: str | None  # agent id, when reviewed
    reviewed_on: dt.date | None
    notes: tuple[str, ...]
    where: Location


@dataclass(frozen=True)
class Assessment:
    """One assessment of one country by one assessor in one source, with its facts."""

    source: str
    country: str
    assessor: str
    year: int | None
    profile_roles: tuple[str, ...]
    principal_form: str | None
    forms: tuple[str, ...]
    summary: str | None
    tier: Tier | None
    flows: tuple[Flow, ...]
    policies: tuple[Policy, ...]
    claims: tuple[Claim, ...]
    recommendations: tuple[Recommendation, ...]
    curation: Curation | None
    where: Location
    draft: Draft | None = None  # set for a machine-extracted draft (kg extract)
    victims: tuple[str, ...] = ()  # victim-group concept IRIs: who the source says is exploited


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
