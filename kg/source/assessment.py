"""Stage 2, part 2: parse one assessment file and check every reference in it."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping

from kg.core.errors import Location, RecordError
from kg.source.checks import check_parts, check_small_count, not_itself
from kg.source.draft import parse_draft
from kg.source.hints import place_hint
from kg.source.loader import SourceDoc
from kg.source.reader import Obj
from kg.source.records import (
    Assessment,
    Claim,
    Estimate,
    Flow,
    Policy,
    Recommendation,
    Records,
    Resolution,
    Tier,
    Vocabulary,
    ref,
    unique,
)

ASSESSMENT_KEYS = (
    "draft", "assessment", "flows", "policies", "claims", "resolutions", "recommendations",
)  # fmt: skip
PLACE = "country code or region id"
POLICY_KINDS = ("law", "bilateral-agreement", "state-practice", "action-plan")


class _Ctx:
    """What an assessment file may refer to while it is parsed."""

    def __init__(self, records: Records, vocab: Vocabulary):
        self.records, self.vocab = records, vocab
        self.geo = records.geo_ids()
        #: Hints for unknown places: anything (country or region), or countries only.
        self.place = functools.partial(place_hint, records=records, regions=True)
        self.country = functools.partial(place_hint, records=records, regions=False)
        self.ids: dict[str, dict[str, Location]] = {
            k: {} for k in ("flow", "policy", "claim", "resolution", "recommendation")
        }

    def concepts(
        self, obj: Obj, key: str, scheme: str, kind: str, *, required: bool = False
    ) -> tuple[str, ...]:
        """Map a list of short names to concept IRIs."""
        names = obj.str_list(key, required=required)
        return tuple(
            obj.choice(
                key, self.vocab[scheme], kind, index=None if isinstance(obj.data[key], str) else i
            )
            for i, _ in enumerate(names)
        )

    def concept(
        self, obj: Obj, key: str, scheme: str, kind: str, *, required: bool = False
    ) -> str | None:
        """Map one short name to its concept IRI."""
        if obj.string(key, required=required) is None:
            return None
        return obj.choice(key, self.vocab[scheme], kind)

    def refs(
        self,
        obj: Obj,
        key: str,
        valid: Mapping[str, object],
        kind: str,
        *,
        required: bool = False,
        hint: Callable[[str], str] | None = None,
    ) -> tuple[str, ...]:
        """Check a list of identifiers against ``valid``."""
        names = obj.str_list(key, required=required)
        if isinstance(obj.data.get(key), str):
            return (ref(obj, key, valid, kind, hint=hint),)
        return tuple(ref(obj, key, valid, kind, index=i, hint=hint) for i, _ in enumerate(names))


def parse_assessment(doc: SourceDoc, records: Records, vocab: Vocabulary) -> Assessment:
    """Parse one assessment file (see data/README.md for the format)."""
    ctx = _Ctx(records, vocab)
    top = Obj(doc, (), "an assessment file", ASSESSMENT_KEYS)
    head = top.obj(
        "assessment",
        "the assessment",
        ("source", "country", "assessor", "year", "profile_roles", "principal_form", "forms",
         "summary", "tier"),
        required=True,
    )  # fmt: skip
    assert head is not None
    for key in ("source", "country", "assessor"):
        head.req_string(key)
    source = ref(head, "source", records.sources, "source")
    country = ref(head, "country", records.countries, "country code", hint=ctx.country)
    assessor = ref(head, "assessor", records.agents, "agent")
    # Local ids are collected first so that facts may refer to ones defined further down.
    sections = {
        "flow": top.objs("flows", "a flow", _FLOW_KEYS),
        "policy": top.objs("policies", "a policy", _POLICY_KEYS),
        "claim": top.objs("claims", "a claim", _CLAIM_KEYS),
        "resolution": top.objs("resolutions", "a resolution", _RESOLUTION_KEYS),
        "recommendation": top.objs("recommendations", "a recommendation", _REC_KEYS),
    }
    for kind, objs in sections.items():
        for obj in objs:
            local = obj.slug("id")
            assert local is not None
            unique(obj, "id", ctx.ids[kind], local, f"{kind} id")
    tier = _tier(head, ctx, assessor)
    return Assessment(
        source=source,
        country=country,
        assessor=assessor,
        year=head.year("year", "the edition year of the report"),
        profile_roles=ctx.concepts(head, "profile_roles", "profile-roles", "profile role"),
        principal_form=ctx.concept(head, "principal_form", "forms", "form"),
        forms=ctx.concepts(head, "forms", "forms", "form"),
        summary=head.string("summary", required=False),
        tier=tier,
        flows=check_parts(
            tuple(_flow(o, ctx) for o in sections["flow"]), sections["flow"], records
        ),
        policies=tuple(_policy(o, ctx) for o in sections["policy"]),
        claims=tuple(_claim(o, ctx) for o in sections["claim"]),
        resolutions=tuple(_resolution(o, ctx) for o in sections["resolution"]),
        recommendations=tuple(_recommendation(o, ctx, country) for o in sections["recommendation"]),
        where=head.loc(),
        draft=parse_draft(top, records),
    )


_FLOW_KEYS = (
    "id", "kind", "origin", "destinations", "transit", "forms", "part_of", "year", "description",
    "facilitated_by", "supported_by", "estimate", "locator",
)  # fmt: skip
_ESTIMATE_KEYS = ("value", "lower", "upper", "unit", "method", "censored")
_POLICY_KEYS = (
    "id", "kind", "label", "applies_to", "parties", "effects", "forms", "description",
    "supported_by", "locator",
)  # fmt: skip
_CLAIM_KEYS = (
    "id", "subject", "aspect", "polarity", "section", "summary", "confidence", "contradicts",
    "derived_from", "locator",
)  # fmt: skip
_RESOLUTION_KEYS = ("id", "claims", "preferred", "rationale", "locator")
_REC_KEYS = (
    "id", "text", "target", "ordinal", "actions", "pillars", "forms", "policies", "treaties",
    "status", "locator",
)  # fmt: skip


_TIER_KEYS = (
    "tier", "change", "watch_list_years", "waiver", "policy_or_pattern", "restates", "locator",
)  # fmt: skip


def _tier(head: Obj, ctx: _Ctx, assessor: str) -> Tier | None:
    obj = head.obj("tier", "the tier placement", _TIER_KEYS)
    if obj is None:
        return None
    restates, restated_year = None, None
    original = obj.obj("restates", "the restated placement", ("assessor", "year"))
    if original is not None:
        original.req_string("assessor")
        restates = ref(original, "assessor", ctx.records.agents, "agent")
        if not ctx.records.agents[restates].issues_tiers:
            raise RecordError(
                f"agent '{restates}' does not issue tiers, so there is no placement to restate",
                where=original.loc("assessor"),
                hint="restates names the body whose tier the document repeats: us-dos-jtip",
            )
        if restates == assessor:
            raise RecordError(
                f"the assessment's own assessor '{assessor}' cannot be the one it restates",
                where=original.loc("assessor"),
                hint="assessor: is whoever wrote the source (often its publisher); "
                "restates: names the body whose tier it repeats (see data/README.md)",
            )
        restated_year = original.integer("year", minimum=1900)
    return Tier(
        id="tier",
        locator=obj.req_string("locator"),
        where=obj.loc(),
        tier=ctx.concept(obj, "tier", "tiers", "tier", required=True) or "",
        change=ctx.concept(obj, "change", "tier-changes", "tier change"),
        watch_list_years=obj.integer("watch_list_years", minimum=0),
        waiver=obj.boolean("waiver"),
        policy_or_pattern=obj.boolean("policy_or_pattern"),
        restates=restates,
        restated_year=restated_year,
    )


def _flow(obj: Obj, ctx: _Ctx) -> Flow:
    kind = obj.req_string("kind")
    if kind not in ("cross-border", "internal"):
        raise RecordError(
            f"unknown flow kind '{kind}'",
            where=obj.loc("kind"),
            hint="valid: cross-border, internal",
        )
    obj.req_string("origin")
    origin = ref(obj, "origin", ctx.geo, PLACE, hint=ctx.place)
    destinations = ctx.refs(obj, "destinations", ctx.geo, PLACE, required=True, hint=ctx.place)
    if kind == "internal" and destinations != (origin,):
        raise RecordError(
            "an internal flow must have its origin as its only destination",
            where=obj.loc("destinations"),
            hint=f"write destinations: [{origin}]",
        )
    part_of = None
    if obj.has("part_of"):
        part_of = ref(obj, "part_of", ctx.ids["flow"], "flow")
        if part_of == obj.data.get("id"):
            raise RecordError(
                f"flow '{part_of}' is part_of itself",
                where=obj.loc("part_of"),
                hint="part_of names the aggregate flow this one is a named part of",
            )
    est = obj.obj("estimate", "an estimate", _ESTIMATE_KEYS)
    estimate = None
    if est is not None and part_of is not None:
        raise RecordError(
            f"a flow that is part_of '{part_of}' cannot have its own estimate: the figure "
            "would be counted twice, once here and once in the aggregate",
            where=obj.loc("estimate"),
            hint=f"keep the number on flow '{part_of}' only, or remove part_of",
        )
    if est is not None:
        value, lower, upper = (est.integer(k, minimum=0) for k in ("value", "lower", "upper"))
        if value is None and lower is None and upper is None:
            raise RecordError(
                "an estimate needs a value, a lower bound or an upper bound", where=est.loc()
            )
        if lower is not None and upper is not None and lower > upper:
            raise RecordError(
                f"lower bound {lower} is above upper bound {upper}", where=est.loc("lower")
            )
        unit = ctx.concept(est, "unit", "count-units", "count unit", required=True) or ""
        censored = bool(est.boolean("censored"))
        check_small_count(
            est, value, lower, upper, unit == ctx.vocab["count-units"].get("identified-victims")
        )
        if censored and (value is not None or lower is None or upper is None):
            raise RecordError(
                "censored: true marks a published band, which needs 'lower' and 'upper' "
                "and no 'value'",
                where=est.loc("censored"),
                hint='write the band as published, e.g. "<5" as lower: 1, upper: 4',
            )
        estimate = Estimate(
            value=value,
            lower=lower,
            upper=upper,
            unit=unit,
            method=ctx.concept(est, "method", "estimate-methods", "estimate method", required=True)
            or "",
            censored=censored,
            where=est.loc(),
        )
    return Flow(
        id=obj.req_string("id"),
        locator=obj.req_string("locator"),
        where=obj.loc(),
        internal=kind == "internal",
        origin=origin,
        destinations=destinations,
        forms=ctx.concepts(obj, "forms", "forms", "form", required=True),
        transit=ctx.refs(obj, "transit", ctx.records.countries, "country code"),
        part_of=part_of,
        year=obj.year("year", "the year the flow refers to"),
        description=obj.string("description", required=False),
        facilitated_by=ctx.refs(obj, "facilitated_by", ctx.ids["policy"], "policy"),
        supported_by=ctx.refs(obj, "supported_by", ctx.ids["claim"], "claim"),
        estimate=estimate,
    )


def _policy(obj: Obj, ctx: _Ctx) -> Policy:
    kind = obj.req_string("kind")
    if kind not in POLICY_KINDS:
        raise RecordError(
            f"unknown policy kind '{kind}'",
            where=obj.loc("kind"),
            hint=f"valid: {', '.join(POLICY_KINDS)}",
        )
    parties = ctx.refs(obj, "parties", ctx.records.countries, "country code", hint=ctx.country)
    if kind == "bilateral-agreement" and len(set(parties)) != 2:
        raise RecordError("a bilateral agreement needs exactly two parties", where=obj.loc())
    return Policy(
        id=obj.req_string("id"),
        locator=obj.req_string("locator"),
        where=obj.loc(),
        kind=kind,
        label=obj.req_string("label"),
        applies_to=ctx.refs(
            obj,
            "applies_to",
            ctx.records.countries,
            "country code",
            required=True,
            hint=ctx.country,
        ),
        parties=parties,
        effects=ctx.concepts(obj, "effects", "policy-effects", "policy effect", required=True),
        forms=ctx.concepts(obj, "forms", "forms", "form"),
        description=obj.string("description", required=False),
        supported_by=ctx.refs(obj, "supported_by", ctx.ids["claim"], "claim"),
    )


def _claim(obj: Obj, ctx: _Ctx) -> Claim:
    obj.req_string("subject")
    subjects = {**ctx.records.countries, **ctx.ids["flow"], **ctx.ids["policy"]}
    confidence = obj.number("confidence")
    if confidence is not None and not 0 <= confidence <= 1:
        raise RecordError("'confidence' must be between 0 and 1", where=obj.loc("confidence"))
    polarity = obj.boolean("polarity", required=True)
    derived = (
        ref(obj, "derived_from", ctx.ids["claim"], "claim") if obj.has("derived_from") else None
    )
    not_itself(obj, "contradicts", "contradicts itself")
    not_itself(obj, "derived_from", "is derived from itself")
    return Claim(
        id=obj.req_string("id"),
        locator=obj.req_string("locator"),
        where=obj.loc(),
        subject=ref(obj, "subject", subjects, "claim subject (country code, flow or policy id)"),
        aspect=ctx.concept(obj, "aspect", "aspects", "aspect", required=True) or "",
        polarity=bool(polarity),
        section=ctx.concept(obj, "section", "sections", "section"),
        summary=obj.string("summary", required=False),
        confidence=confidence,
        contradicts=ctx.refs(obj, "contradicts", ctx.ids["claim"], "claim"),
        derived_from=derived,
    )


def _resolution(obj: Obj, ctx: _Ctx) -> Resolution:
    claims = ctx.refs(obj, "claims", ctx.ids["claim"], "claim", required=True)
    preferred = ctx.refs(obj, "preferred", ctx.ids["claim"], "claim", required=True)
    stray = [c for c in preferred if c not in claims]
    if stray:
        raise RecordError(
            f"preferred claim '{stray[0]}' is not among the resolved claims",
            where=obj.loc("preferred"),
        )
    return Resolution(
        id=obj.req_string("id"),
        locator=obj.string("locator", required=False) or "curator",
        where=obj.loc(),
        claims=claims,
        preferred=preferred,
        rationale=obj.req_string("rationale"),
    )


def _recommendation(obj: Obj, ctx: _Ctx, country: str) -> Recommendation:
    text = obj.req_string("text")
    if len(text) > 500:
        raise RecordError("recommendation text is over 500 characters", where=obj.loc("text"))
    rec = Recommendation(
        id=obj.req_string("id"),
        locator=obj.req_string("locator"),
        where=obj.loc(),
        text=text,
        target=ref(obj, "target", ctx.records.countries, "country code", hint=ctx.country)
        if obj.has("target")
        else country,
        ordinal=obj.integer("ordinal", minimum=1),
        actions=ctx.concepts(obj, "actions", "action-types", "action type", required=True),
        pillars=ctx.concepts(obj, "pillars", "pillars", "pillar", required=True),
        forms=ctx.concepts(obj, "forms", "forms", "form"),
        policies=ctx.refs(obj, "policies", ctx.ids["policy"], "policy"),
        treaties=ctx.refs(obj, "treaties", ctx.records.treaties, "treaty"),
        status=ctx.concept(obj, "status", "rec-status", "status"),
    )
    if not (rec.forms or rec.policies or rec.treaties):
        raise RecordError(
            "a recommendation must address at least one form, policy or treaty",
            where=obj.loc(),
            hint="add forms:, policies: or treaties:",
        )
    return rec
