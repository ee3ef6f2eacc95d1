"""Stage 2, part 2: parse one assessment file and check every reference in it (its flows and
their estimates: ``kg.source.flows``)."""

from __future__ import annotations

from kg.core.errors import RecordError
from kg.source import flows
from kg.source.checks import check_parts, not_itself
from kg.source.curation import CURATION_KEYS, claim_subject, confidence, parse_curation, polarity
from kg.source.draft import parse_draft
from kg.source.loader import SourceDoc
from kg.source.reader import Obj
from kg.source.records import (
    Assessment,
    Claim,
    Policy,
    Recommendation,
    Records,
    Tier,
    Vocabulary,
    ref,
    unique,
)
from kg.source.scope import Ctx

ASSESSMENT_KEYS = (
    "draft", "assessment", "flows", "policies", "claims", "recommendations", "curation",
)  # fmt: skip
#: Keys of earlier versions of the format, with where their content goes now.
MOVED_KEYS = {
    "resolutions": "a resolution is curator content: move it under 'curation: resolutions:' "
    "with a curator, a date and a rationale (see data/README.md)",
}
PLACE = flows.PLACE
POLICY_KINDS = ("law", "bilateral-agreement", "state-practice", "action-plan")


def parse_assessment(doc: SourceDoc, records: Records, vocab: Vocabulary) -> Assessment:
    """Parse one assessment file (see data/README.md for the format)."""
    ctx = Ctx(records, vocab)
    if isinstance(doc.data, dict):
        for key, hint in MOVED_KEYS.items():
            if key in doc.data:
                raise RecordError(
                    f"'{key}' is no longer a top-level key",
                    where=doc.loc((key,), key=True),
                    hint=hint,
                )
    top = Obj(doc, (), "an assessment file", ASSESSMENT_KEYS)
    head = top.obj(
        "assessment",
        "the assessment",
        ("source", "country", "assessor", "year", "profile_roles", "principal_form", "forms",
         "victims", "summary", "tier"),
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
            tuple(flows.parse_flow(o, ctx) for o in sections["flow"]), sections["flow"], records
        ),
        policies=tuple(_policy(o, ctx) for o in sections["policy"]),
        claims=tuple(_claim(o, ctx) for o in sections["claim"]),
        recommendations=tuple(_recommendation(o, ctx, country) for o in sections["recommendation"]),
        curation=parse_curation(top.obj("curation", "the curation block", CURATION_KEYS), ctx),
        where=head.loc(),
        draft=parse_draft(top, records),
        victims=ctx.concepts(head, "victims", "victim-groups", "victim group"),
        file=doc.key or doc.name,
    )


_FLOW_KEYS = flows.FLOW_KEYS
_ESTIMATE_KEYS = flows.ESTIMATE_KEYS
_POLICY_KEYS = (
    "id", "kind", "label", "applies_to", "parties", "effects", "forms", "description",
    "supported_by", "locator",
)  # fmt: skip
_CLAIM_KEYS = (
    "id", "subject", "aspect", "polarity", "evidence", "section", "summary", "confidence",
    "contradicts", "locator", "derived_from",
)  # fmt: skip
_REC_KEYS = (
    "id", "text", "target", "ordinal", "actions", "pillars", "forms", "policies", "treaties",
    "status", "locator",
)  # fmt: skip


_TIER_KEYS = (
    "tier", "change", "watch_list_years", "waiver", "policy_or_pattern", "restates", "locator",
)  # fmt: skip


def _tier(head: Obj, ctx: Ctx, assessor: str) -> Tier | None:
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


def _policy(obj: Obj, ctx: Ctx) -> Policy:
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


def _claim(obj: Obj, ctx: Ctx) -> Claim:
    if "derived_from" in obj.data:
        raise RecordError(
            "'derived_from' is curator content, not something the source says",
            where=obj.loc("derived_from"),
            hint="write the re-reading under 'curation: claims:' with 'reading_of:'",
        )
    pol = polarity(obj)
    status = ctx.concept(obj, "evidence", "evidence-statuses", "evidence status")
    not_known = ctx.vocab["evidence-statuses"]["not-known"]
    if pol is None and status not in (None, not_known):
        raise RecordError(
            "a claim with polarity unknown has no evidence status",
            where=obj.loc("evidence"),
            hint="the source reports nothing either way: drop 'evidence' (it is 'not-known')",
        )
    if pol is not None and status == not_known:
        raise RecordError(
            "evidence 'not-known' belongs to claims with polarity unknown",
            where=obj.loc("evidence"),
            hint="write 'polarity: unknown', or an evidence status such as reported",
        )
    not_itself(obj, "contradicts", "contradicts itself")
    default = "not-known" if pol is None else "stated"
    return Claim(
        id=obj.req_string("id"),
        locator=obj.req_string("locator"),
        where=obj.loc(),
        subject=claim_subject(obj, ctx),
        aspect=ctx.concept(obj, "aspect", "aspects", "aspect", required=True) or "",
        polarity=pol,
        evidence=status or ctx.vocab["evidence-statuses"][default],
        section=ctx.concept(obj, "section", "sections", "section"),
        summary=obj.string("summary", required=False),
        confidence=confidence(obj),
        contradicts=ctx.refs(obj, "contradicts", ctx.ids["claim"], "claim"),
    )


def _recommendation(obj: Obj, ctx: Ctx, country: str) -> Recommendation:
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
