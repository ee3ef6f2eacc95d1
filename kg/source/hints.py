"""Hints for a place (country code or region id) that is not known: say what the value is
when it is something else (an alpha-2 or numeric code, a country or region name, a region
where a country is needed), and suggest a near id only when it is close *and* plausible.

``'SD'`` is Sudan's alpha-2 code, so the hint names Sudan and ``SDN`` (not ``SSD``, the
nearest string); ``Sudan`` or ``Burma`` is a name, so the hint gives its code; ``middle-east``
is no UN M49 region, so the hint names the regions that cover it instead of ``middle-africa``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from kg.source.countrymatch import CountryMatcher, normalise
from kg.source.records import Records

#: Common region names that are not UN M49 regions → the M49 regions that cover them.
REGION_SYNONYMS: dict[str, tuple[str, ...]] = {
    "middle-east": ("western-asia", "northern-africa"),
    "mena": ("western-asia", "northern-africa"),
    "near-east": ("western-asia",),
    "gulf": ("western-asia",),
    "gulf-states": ("western-asia",),
    "arab-states": ("western-asia", "northern-africa"),
    "maghreb": ("northern-africa",),
    "sahel": ("western-africa", "northern-africa"),
    "horn-of-africa": ("eastern-africa",),
    "east-asia": ("eastern-asia",),
    "south-asia": ("southern-asia",),
    "southeast-asia": ("south-eastern-asia",),
    "south-east-asia": ("south-eastern-asia",),
    "asia-pacific": ("asia", "oceania"),
    "pacific": ("oceania",),
    "pacific-islands": ("melanesia", "micronesia", "polynesia"),
    "balkans": ("southern-europe",),
    "western-balkans": ("southern-europe",),
    "eu": ("europe",),
    "european-union": ("europe",),
    "scandinavia": ("northern-europe",),
    "north-america": ("northern-america",),
    "latin-america": ("latin-america-and-the-caribbean",),
    "south-east-europe": ("southern-europe", "eastern-europe"),
    "central-and-eastern-europe": ("eastern-europe",),
    "former-soviet-union": ("eastern-europe", "central-asia"),
}


def place_hint(value: str, records: Records, *, regions: bool) -> str:
    """A hint for an unknown country code (or, with ``regions``, region id) ``value``."""
    raw = value.strip()
    told = _what_it_is(raw, records, regions=regions)
    if told is not None:
        return told
    if raw.isupper() or (raw.isalpha() and len(raw) == 3):
        near = _near_codes(raw.upper(), records)
        if near:
            return f"did you mean {near}?"
        return "no country has this code; codes are ISO 3166-1 alpha-3, e.g. PRK"
    if regions:
        return _region_hint(raw, records)
    return "a country code is needed here: ISO 3166-1 alpha-3, e.g. PRK"


def _what_it_is(raw: str, records: Records, *, regions: bool) -> str | None:
    """Say what ``raw`` is when it names a country or region some other way."""
    for region in records.regions.values():
        if (
            raw == region.id
            or normalise(raw) == normalise(region.name)
            or (raw.isascii() and raw.isdigit() and raw.zfill(3) == region.m49)
        ):
            if not regions:
                return f"'{raw}' is a region ({region.name}); a country code is needed here"
            if raw.isdigit():
                return f"'{raw}' is the M49 code of {region.name}; write its id {region.id}"
            return f"'{raw}' is the name of a region; write its id {region.id}"
    found = CountryMatcher(records.countries.values()).resolve(raw)
    if found.code is not None:
        name = records.countries[found.code].name
        how = found.how
        if how == "alpha-3":
            return f"write country codes in capitals: {found.code}"
        if how == "alpha-2":
            return f"'{raw}' is the ISO alpha-2 code of {name}; write its alpha-3 code {found.code}"
        if how == "numeric":
            return f"'{raw}' is the ISO numeric code of {name}; write its alpha-3 code {found.code}"
        if how == "non-ISO code":
            return f"'{raw}' is an old or non-ISO code of {name}; write {found.code}"
        if normalise(raw) == normalise(name):
            return f"'{raw}' is a country name; write its code {found.code}"
        return f"'{raw}' is a name of {name}; write its code {found.code}"
    if found.kind == "ambiguous" and found.candidates:
        codes = [c for c in found.candidates if c in records.countries]
        if codes:
            shown = _names(codes, records)
            return f"'{raw}' could name {shown}; write the code of the one you mean"
    words = set(normalise(raw).split())
    if words and not raw.isupper():
        named = sorted(
            c.code
            for c in records.countries.values()
            if any(
                words <= set(normalise(n).split())
                for n in (c.name, c.official_name, *c.alt_names)
                if n
            )
        )
        if 0 < len(named) <= 6:
            return (
                f"'{raw}' could name {_names(named, records)}; write the code of the one you mean"
            )
    return None


def _near_codes(code: str, records: Records) -> str:
    """Country codes one edit (a changed, missing, extra or swapped letter) from ``code``."""
    near = sorted(c for c in records.countries if _distance(code, c) <= 1)[:6]
    return _names(near, records, quote=True)


def _names(codes: Iterable[str], records: Records, *, quote: bool = False) -> str:
    items = [
        f"'{c}' ({records.countries[c].name})" if quote else f"{records.countries[c].name} ({c})"
        for c in codes
    ]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def _region_hint(raw: str, records: Records) -> str:
    slug = "-".join(normalise(raw).split())
    covered = [r for r in REGION_SYNONYMS.get(slug, ()) if r in records.regions]
    if covered:
        shown = " and ".join(f"'{r}'" for r in covered)
        return f"UN M49 has no region '{raw}'; the regions that cover it are {shown}"
    plausible = [r for r in records.regions if _plausible(slug, r)]
    if plausible:
        best = sorted(plausible, key=lambda r: -difflib.SequenceMatcher(None, slug, r).ratio())
        return "did you mean " + " or ".join(f"'{r}'" for r in best[:3]) + "?"
    return (
        f"there is no region or country '{raw}': places are ISO alpha-3 country codes (PRK) "
        "or UN M49 region ids (europe, eastern-asia; see data/reference/regions.yaml)"
    )


def _plausible(value: str, candidate: str) -> bool:
    """A typo, not another place: one or two edits in all, or word by word each word the same
    but for one edit or a shortened form (``south-east-asia`` → ``south-eastern-asia``)."""
    if _distance(value, candidate) <= (1 if len(value) < 8 else 2):
        return True
    words, other = value.split("-"), candidate.split("-")
    if len(words) != len(other):
        return False
    return all(
        w == o or _distance(w, o) <= 1 or (len(w) >= 3 and o.startswith(w))
        for w, o in zip(words, other, strict=True)
    )


def _distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count as one edit)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


__all__ = ["REGION_SYNONYMS", "place_hint"]
