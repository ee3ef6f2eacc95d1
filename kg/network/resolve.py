"""Places and forms read from the store (``sparql/places.rq``, ``region_members.rq``,
``forms.rq``) and user-given country codes and forms resolved to IRIs, with did-you-mean hints."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from typing import Any

from kg.core import rq
from kg.core.errors import QueryError, choices_hint
from kg.core.kept import Queryable

#: The SPARQL files this stage runs (``kg/network/sparql/*.rq``).
QUERIES = rq.Library("kg.network")


def local_name(iri: str, prefix: str) -> str:
    """The last segment of ``iri`` (after its last ``/`` or ``#``) without ``prefix``."""
    name = iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return name.removeprefix(prefix)


def read_places(store: Queryable) -> dict[str, dict[str, Any]]:
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


def _norm(text: str) -> str:
    return re.sub(r"[\s_-]+", " ", text.strip().lower())


def read_forms(store: Queryable) -> tuple[dict[str, set[str]], dict[str, str]]:
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


def resolve_form(store: Queryable, form: str, names: dict[str, str] | None = None) -> str:
    """The IRI of a form given as slug (``forced-labour``) or label; QueryError if unknown.
    ``names`` are the form names of ``read_forms`` when already read."""
    if names is None:
        _, names = read_forms(store)
    if _norm(form) in names:
        return names[_norm(form)]
    slugs = sorted({local_name(v, "form-") for v in names.values()})
    raise QueryError(f"unknown form {form!r}", hint=choices_hint(form.strip().lower(), slugs))


def resolve_country(
    store: Queryable, code: str, places: dict[str, dict[str, Any]] | None = None
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
    "centroid",
    "local_name",
    "read_forms",
    "read_places",
    "resolve_country",
    "resolve_form",
]
