"""The flows of an assessment file: where people are moved from and to, in what forms, through
which countries, with an estimate that keeps its unit, method and bounds (and never an exact
count of 1-9 identified victims). Every reference is checked; each failure is one line."""

from __future__ import annotations

from kg.core.errors import RecordError
from kg.source.checks import check_small_count
from kg.source.reader import Obj
from kg.source.records import Estimate, Flow, ref
from kg.source.scope import Ctx

PLACE = "country code or region id"
FLOW_KEYS = (
    "id", "kind", "origin", "destinations", "transit", "forms", "part_of", "year", "description",
    "facilitated_by", "supported_by", "estimate", "victims", "locator",
)  # fmt: skip
ESTIMATE_KEYS = ("value", "lower", "upper", "unit", "method", "censored")


def parse_flow(obj: Obj, ctx: Ctx) -> Flow:
    """One flow of an assessment file, with its estimate, every reference checked."""
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
    est = obj.obj("estimate", "an estimate", ESTIMATE_KEYS)
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
        victims=ctx.concepts(obj, "victims", "victim-groups", "victim group"),
    )
