"""Checks that span several values of an assessment: a part of an aggregate flow lies inside
it and no part_of chain loops; no exact count of 1-9 identified victims; no claim names
itself. Each failure is one line at the YAML value that causes it."""

from __future__ import annotations

from kg.core.errors import RecordError
from kg.source.reader import Obj
from kg.source.records import Flow, Records


def check_parts(flows: tuple[Flow, ...], objs: list[Obj], records: Records) -> tuple[Flow, ...]:
    """A flow's ``part_of`` chain ends at an aggregate (no cycle), and a part lies inside its
    aggregate: the same origin, and each destination one of the aggregate's or inside one."""
    by_id = {f.id: f for f in flows}
    for flow, obj in zip(flows, objs, strict=True):
        if flow.part_of is None:
            continue
        chain, current = [flow.id], by_id[flow.part_of]
        while current.id not in chain and current.part_of is not None:
            chain.append(current.id)
            current = by_id[current.part_of]
        if current.id == flow.id:
            names = " → ".join(f"'{x}'" for x in [*chain, flow.id])
            raise RecordError(
                f"flows {names} are each part_of the next: a part_of cycle",
                where=obj.loc("part_of"),
                hint="part_of points from a part to the aggregate that holds it, never back",
            )
        whole = by_id[flow.part_of]
        if flow.origin != whole.origin:
            raise RecordError(
                f"flow '{flow.id}' starts in {flow.origin} but its aggregate '{whole.id}' "
                f"starts in {whole.origin}",
                where=obj.loc("origin"),
                hint="a part of an aggregate flow has the aggregate's origin",
            )
        for i, dest in enumerate(flow.destinations):
            if not inside(dest, whole.destinations, records):
                raise RecordError(
                    f"destination {dest} of flow '{flow.id}' is not inside the destinations "
                    f"of its aggregate '{whole.id}' ({', '.join(whole.destinations)})",
                    where=obj.loc("destinations", index=i)
                    if isinstance(obj.data.get("destinations"), list)
                    else obj.loc("destinations"),
                    hint="a part covers some of the aggregate's destinations, not others",
                )
    return flows


def inside(place: str, targets: tuple[str, ...], records: Records) -> bool:
    """True when ``place`` (a country code or region id) is one of ``targets`` or lies inside
    one of them in the M49 hierarchy."""
    regions = records.regions
    by_m49 = {r.m49: r.id for r in regions.values()}
    country = records.countries.get(place)
    current: str | None = by_m49.get(country.region or "") if country else place
    seen: set[str] = set()
    if place in targets:
        return True
    while current is not None and current not in seen:
        if current in targets:
            return True
        seen.add(current)
        parent = regions[current].parent if current in regions else None
        current = by_m49.get(parent) if parent else None
    return False


#: Exact counts of identified victims below this are never published (k = 10).
SMALL_COUNT = 10


def check_small_count(
    est: Obj, value: int | None, lower: int | None, upper: int | None, identified: bool
) -> None:
    """Refuse an exact count of 1 to 9 identified victims, whatever else the estimate says:
    a point value, or a "band" whose lower and upper bounds are equal."""
    if not identified:
        return
    exact = [("value", value)] if value is not None else []
    if lower is not None and lower == upper:
        exact.append(("lower", lower))
    for key, number in exact:
        if 1 <= number < SMALL_COUNT:
            shown = f"value: {number}" if key == "value" else f"lower: {number}, upper: {number}"
            raise RecordError(
                f"'{shown}' is an exact count of identified victims below {SMALL_COUNT}, "
                "which kg never publishes (censored or not)",
                where=est.loc(key),
                hint="write the band the source published instead, e.g. lower: 1, upper: 9, "
                "censored: true; or leave the number out",
            )


def not_itself(obj: Obj, key: str, what: str) -> None:
    """Refuse a claim that names itself under ``key`` (a contradiction or a derivation)."""
    own = obj.data.get("id")
    value = obj.data.get(key)
    names = value if isinstance(value, list) else [value]
    for i, name in enumerate(names):
        if isinstance(name, str) and name.strip() == own:
            raise RecordError(
                f"claim '{own}' {what}",
                where=obj.loc(key, index=i if isinstance(value, list) else None),
                hint=f"'{key}' links a claim to another claim",
            )


__all__ = ["SMALL_COUNT", "check_parts", "check_small_count", "inside", "not_itself"]
