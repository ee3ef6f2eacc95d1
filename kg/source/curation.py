"""Stage 2, part 3: the ``curation:`` block of an assessment file, and the claim fields that
source claims and curators' readings share (subject, polarity, confidence).

Curator content is what kg's curators add to a source: re-readings of its claims, resolutions
of conflicts between claims, and links the source itself does not make (a form or effect given
to a policy, a policy to a recommendation). Each item names its curator (an agent), a date and
a rationale, and the build puts it in the curation graph of the source, never in the source's
own graph (see data/README.md, "Curation").
"""

from __future__ import annotations

import datetime as dt

from kg.core.errors import RecordError
from kg.source.reader import Obj
from kg.source.records import CuratedClaim, CuratedLink, Curation, Resolution, ref
from kg.source.scope import Ctx

CURATION_KEYS = ("curator", "date", "claims", "resolutions", "links")
_ITEM = ("id", "curator", "date", "rationale")
_CLAIM_KEYS = (*_ITEM, "reading_of", "subject", "aspect", "polarity", "confidence")
_RESOLUTION_KEYS = (*_ITEM, "claims", "preferred")
_LINK_KEYS = (*_ITEM, "subject", "forms", "effects", "policies")
POLARITIES = {True: "true", False: "false", None: "unknown"}


def polarity(obj: Obj) -> bool | None:
    """``polarity: true | false | unknown`` (unknown: the source says it is not known)."""
    value = obj.data.get("polarity")
    if value is None:
        obj.boolean("polarity", required=True)  # reports the missing key
    if isinstance(value, bool):
        return value
    if value == "unknown":
        return None
    raise RecordError(
        f"'polarity' in {obj.what} must be true, false or unknown, not {value!r}",
        where=obj.loc("polarity"),
        hint="unknown: the source says it is not known or not reported",
    )


def confidence(obj: Obj) -> float | None:
    """An optional confidence between 0 and 1."""
    value = obj.number("confidence")
    if value is not None and not 0 <= value <= 1:
        raise RecordError("'confidence' must be between 0 and 1", where=obj.loc("confidence"))
    return value


def claim_subject(obj: Obj, ctx: Ctx) -> str:
    """The subject of a claim: a country code, or a flow or policy id of the file."""
    obj.req_string("subject")
    subjects = {**ctx.records.countries, **ctx.ids["flow"], **ctx.ids["policy"]}
    return ref(obj, "subject", subjects, "claim subject (country code, flow or policy id)")


def parse_curation(block: Obj | None, ctx: Ctx) -> Curation | None:
    """Parse the ``curation:`` block (None when the file has none)."""
    if block is None:
        return None
    curator = ref(block, "curator", ctx.records.agents, "agent") if block.has("curator") else None
    if curator is None:
        block.req_string("curator")
    date = block.date("date", required=True)
    assert curator is not None
    assert date is not None
    claims_objs = block.objs("claims", "a curated claim", _CLAIM_KEYS)
    res_objs = block.objs("resolutions", "a resolution", _RESOLUTION_KEYS)
    link_objs = block.objs("links", "a curated link", _LINK_KEYS)
    seen = ctx.ids["claim"]
    for obj in claims_objs:
        local = obj.slug("id")
        assert local is not None
        if local in seen:
            raise RecordError(
                f"duplicate claim id '{local}'",
                where=obj.loc("id"),
                hint=f"first defined at {seen[local]}",
            )
    curated_ids = {obj.data["id"]: obj.loc("id") for obj in claims_objs}
    claims = tuple(_claim(o, ctx, curator, date) for o in claims_objs)
    every_claim = {**seen, **curated_ids}
    return Curation(
        curator=curator,
        date=date,
        claims=claims,
        resolutions=tuple(_resolution(o, ctx, every_claim, curator, date) for o in res_objs),
        links=tuple(_link(o, ctx, curator, date) for o in link_objs),
        where=block.loc(),
    )


def _common(obj: Obj, ctx: Ctx, curator: str, date: dt.date) -> dict[str, object]:
    local = obj.slug("id")
    assert local is not None
    return {
        "id": local,
        "locator": "curator",
        "where": obj.loc(),
        "curator": ref(obj, "curator", ctx.records.agents, "agent")
        if obj.has("curator")
        else curator,
        "date": obj.date("date") or date,
        "rationale": obj.req_string("rationale"),
    }


def _claim(obj: Obj, ctx: Ctx, curator: str, date: dt.date) -> CuratedClaim:
    return CuratedClaim(
        **_common(obj, ctx, curator, date),  # type: ignore[arg-type]
        reading_of=_reading_of(obj, ctx),
        subject=claim_subject(obj, ctx),
        aspect=ctx.concept(obj, "aspect", "aspects", "aspect", required=True) or "",
        polarity=polarity(obj),
        confidence=confidence(obj),
    )


def _reading_of(obj: Obj, ctx: Ctx) -> str:
    obj.req_string("reading_of")
    return ref(obj, "reading_of", ctx.ids["claim"], "source claim")


def _resolution(
    obj: Obj, ctx: Ctx, claims_ok: dict[str, object], curator: str, date: dt.date
) -> Resolution:
    claims = ctx.refs(obj, "claims", claims_ok, "claim", required=True)
    preferred = ctx.refs(obj, "preferred", claims_ok, "claim", required=True)
    stray = [c for c in preferred if c not in claims]
    if stray:
        raise RecordError(
            f"preferred claim '{stray[0]}' is not among the resolved claims",
            where=obj.loc("preferred"),
        )
    return Resolution(
        **_common(obj, ctx, curator, date),  # type: ignore[arg-type]
        claims=claims,
        preferred=preferred,
    )


def _link(obj: Obj, ctx: Ctx, curator: str, date: dt.date) -> CuratedLink:
    obj.req_string("subject")
    kinds = {
        **{k: "flow" for k in ctx.ids["flow"]},
        **{k: "policy" for k in ctx.ids["policy"]},
        **{k: "recommendation" for k in ctx.ids["recommendation"]},
    }
    subject = ref(obj, "subject", kinds, "flow, policy or recommendation id")
    kind = kinds[subject]
    link = CuratedLink(
        **_common(obj, ctx, curator, date),  # type: ignore[arg-type]
        subject=subject,
        kind=kind,
        forms=ctx.concepts(obj, "forms", "forms", "form"),
        effects=ctx.concepts(obj, "effects", "policy-effects", "policy effect"),
        policies=ctx.refs(obj, "policies", ctx.ids["policy"], "policy"),
    )
    if link.effects and kind != "policy":
        raise RecordError("only a policy has effects", where=obj.loc("effects"))
    if link.policies and kind != "recommendation":
        raise RecordError("only a recommendation addresses policies", where=obj.loc("policies"))
    if not (link.forms or link.effects or link.policies):
        raise RecordError(
            "a curated link adds at least one of forms, effects or policies", where=obj.loc()
        )
    return link
