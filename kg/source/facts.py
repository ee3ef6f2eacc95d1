"""What one assessment says, as typed records: its facts (a tier placement, flows, policies,
claims, recommendations, each with its locator and place), the curator content that reads and
links them, the state of a machine-extracted draft, and the ``Assessment`` that holds them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kg.core.errors import Location


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
    file: str = ""  # the file's name for the graph (kg.source.files.source_key)
