"""Read flows, places, tiers and forms from the store (SPARQL files ``kg/sparql/flows_*.rq``)
and resolve user-given country codes and forms (with did-you-mean hints)."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg.core import rq
from kg.core import vocab as V
from kg.core.errors import QueryError, choices_hint

#: The SPARQL files this stage runs (``kg/network/sparql/*.rq``).
QUERIES = rq.Library("kg.network")


@dataclass
class Flow:
    """One flow as read from the graph (all destinations together)."""

    iri: str
    origin: str
    flow_class: str = "unknown"
    aggregate: bool = False
    part_of: str | None = None
    year: int | None = None
    point: int | None = None
    low: int | None = None
    high: int | None = None
    unit: str | None = None
    unit_label: str | None = None
    method: str | None = None
    censored: bool | None = None
    locator: str | None = None
    destinations: list[str] = field(default_factory=list)
    forms: dict[str, str] = field(default_factory=dict)
    sources: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def flow_type(self) -> str:
        """aggregate, component, or unknown (neither declared an aggregate nor part of one)."""
        if self.part_of:
            return "component"
        return "aggregate" if self.aggregate else "unknown"

    @property
    def magnitude(self) -> int | None:
        """The number used to rank flows: point, else upper, else lower bound."""
        return next((v for v in (self.point, self.high, self.low) if v is not None), None)


def _bool(v: object) -> bool | None:
    return v if isinstance(v, bool) else None


def local_name(iri: str, prefix: str) -> str:
    name = iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return name.removeprefix(prefix)


def read_flows(store: ox.Store) -> dict[str, Flow]:
    """Every flow in the store, keyed by IRI."""
    flows: dict[str, Flow] = {}
    for r in QUERIES.select(store, "flows"):
        iri = rq.text(r, "flow")
        if iri in flows:  # a second estimate of the same flow: keep the first
            continue
        cls = rq.text(r, "class")
        unit = r.get("unit")
        flows[iri] = Flow(
            iri=iri,
            origin=rq.text(r, "origin"),
            flow_class={"CrossBorderFlow": "cross-border", "InternalFlow": "internal"}.get(
                local_name(cls, ""), "unknown"
            ),
            aggregate=r.get("aggregate") is True,
            part_of=rq.text(r, "partOf") or None,
            year=rq.integer(r, "year"),
            point=rq.integer(r, "point"),
            low=rq.integer(r, "low"),
            high=rq.integer(r, "high"),
            unit=local_name(str(unit), "unit-") if unit else None,
            unit_label=rq.text(r, "unitLabel") or None,
            method=rq.text(r, "methodLabel") or None,
            censored=_bool(r.get("censored")),
            locator=rq.text(r, "locator") or None,
        )
    for r in QUERIES.select(store, "links"):
        flow = flows.get(rq.text(r, "flow"))
        if flow is None:
            continue
        target, label = rq.text(r, "target"), rq.text(r, "label")
        if r["link"] == "destination" and target not in flow.destinations:
            flow.destinations.append(target)
        elif r["link"] == "form":
            flow.forms[target] = label or local_name(target, "form-")
        elif r["link"] == "source":
            flow.sources[target] = (label or V.shorten(target), rq.text(r, "reliability"))
    return flows


def read_places(store: ox.Store) -> dict[str, dict[str, Any]]:
    """Countries and regions keyed by IRI, with region centroids from their member countries."""
    places: dict[str, dict[str, Any]] = {}
    for r in QUERIES.select(store, "places"):
        iri = rq.text(r, "place")
        if iri in places:
            continue
        kind = rq.text(r, "kind")
        code = rq.text(r, "code")
        attrs: dict[str, Any] = {"label": rq.text(r, "label") or code, "code": code, "kind": kind}
        attrs["name"] = attrs["label"]
        if kind == "country":
            attrs["iso3"] = code
            if r.get("alpha2"):
                attrs["iso2"] = rq.text(r, "alpha2")
        else:
            attrs["m49"] = code
        if isinstance(r.get("lat"), float) and isinstance(r.get("lon"), float):
            attrs.update(latitude=r["lat"], longitude=r["lon"], coordinates="data")
        attrs["iri"] = iri
        places[iri] = attrs
    members: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for r in QUERIES.select(store, "region_members"):
        lat, lon = r.get("lat"), r.get("lon")
        if isinstance(lat, float) and isinstance(lon, float):
            members[rq.text(r, "region")].append((lat, lon))
    for iri, points in members.items():
        if iri in places and "latitude" not in places[iri]:
            lat, lon = centroid(points)
            places[iri].update(latitude=lat, longitude=lon, coordinates="member-centroid")
    return places


def centroid(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Mean latitude and circular-mean longitude (safe across the antimeridian), rounded."""
    lat = sum(p[0] for p in points) / len(points)
    x = sum(math.cos(math.radians(p[1])) for p in points)
    y = sum(math.sin(math.radians(p[1])) for p in points)
    return round(lat, 2), round(math.degrees(math.atan2(y, x)), 2)


def latest_tiers(store: ox.Store) -> dict[str, dict[str, Any]]:
    """Country IRI → attributes of its latest tier placement (by report year, any assessor)."""
    best: dict[str, tuple[tuple[int, bool, str], dict[str, Any]]] = {}
    for r in QUERIES.select(store, "tiers"):
        year = rq.integer(r, "year")
        official = r.get("official") is True
        assessor = rq.text(r, "assessorName") or V.shorten(rq.text(r, "assessor"))
        if r.get("restated") is True:
            by = rq.text(r, "restatedByName") or V.shorten(rq.text(r, "restatedBy"))
            assessor = f"{assessor}, restated by {by}"
        attrs: dict[str, Any] = {
            "tier": rq.text(r, "tierLabel") or local_name(rq.text(r, "tier"), ""),
            "tier_id": local_name(rq.text(r, "tier"), ""),
            "tier_assessor": assessor,
            "tier_official": official,
        }
        if year is not None:
            attrs["tier_year"] = year
        rank = (year if year is not None else -1, official, rq.text(r, "assessment"))
        country = rq.text(r, "country")
        if country not in best or rank > best[country][0]:
            best[country] = (rank, attrs)
    return {k: v[1] for k, v in best.items()}


def _norm(text: str) -> str:
    return re.sub(r"[\s_-]+", " ", text.strip().lower())


def read_forms(store: ox.Store) -> tuple[dict[str, set[str]], dict[str, str]]:
    """(form IRI → itself and every broader form, normalised slug/label → form IRI)."""
    ancestors: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for r in QUERIES.select(store, "forms"):
        form = rq.text(r, "form")
        ancestors[form].add(rq.text(r, "ancestor"))
        names[_norm(local_name(form, "form-"))] = form
        for key in ("label", "alt"):
            if r.get(key):
                names.setdefault(_norm(rq.text(r, key)), form)
    return dict(ancestors), names


def resolve_form(store: ox.Store, form: str) -> str:
    """The IRI of a form given as slug (``forced-labour``) or label; QueryError if unknown."""
    _, names = read_forms(store)
    if _norm(form) in names:
        return names[_norm(form)]
    slugs = sorted({local_name(v, "form-") for v in names.values()})
    raise QueryError(f"unknown form {form!r}", hint=choices_hint(form.strip().lower(), slugs))


def resolve_country(
    store: ox.Store, code: str, places: dict[str, dict[str, Any]] | None = None
) -> str:
    """The IRI of a country or region given by ISO3 or M49 code (or its English name);
    QueryError with a did-you-mean hint if unknown."""
    places = places if places is not None else read_places(store)
    by_code = {p["code"]: iri for iri, p in places.items()}
    key = code.strip().upper()
    if key in by_code:
        return by_code[key]
    by_name = {_norm(str(p["label"])): iri for iri, p in places.items()}
    if _norm(code) in by_name:
        return by_name[_norm(code)]
    countries = sorted(p["code"] for p in places.values() if p["kind"] == "country")
    same_letters = [c for c in countries if sorted(c) == sorted(key)]
    hint = f"did you mean '{same_letters[0]}'?" if same_letters else choices_hint(key, countries)
    raise QueryError(f"unknown country code {code!r}", hint=hint)


__all__ = [
    "Flow",
    "centroid",
    "latest_tiers",
    "local_name",
    "read_flows",
    "read_forms",
    "read_places",
    "resolve_country",
    "resolve_form",
]
