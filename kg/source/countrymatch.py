"""Reconcile the country identifiers of imported datasets with the reference countries.

A value is resolved to an ISO 3166-1 alpha-3 code (the key of ``tkd:country-…``) by, in order:
codes (alpha-3, alpha-2, numeric with or without leading zeros, historic and dataset-specific
codes), then names (reference names, official and alternative names, curated aliases), compared
case-, accent-, whitespace- and punctuation-insensitively, with ``"Korea, Republic of"`` and
``"Bolivia (Plurinational State of)"`` also tried in natural order. Mis-decoded UTF-8
(``"CÃ´te d'Ivoire"``) is repaired; a lost character (``"C\ufffdte d\ufffdIvoire"``) matches any
one character only when exactly one country fits. Nothing is guessed: every value that does not
resolve uniquely is returned as ``unmapped`` or ``ambiguous`` for the import report, and values
that are not countries by design (``Unknown``, ``Nationals``, ``0``, regions…) as their kind.

Two repairs come last, each reported with ``how`` so an import report can list them: a leading
number that national spreadsheets put before a name (``"97 albanian"``: a code, not a count) is
dropped when the rest names one country; and a value that matches nothing is compared with
every name and alias of four letters or more at one edit (a letter changed, added, dropped or
two swapped: ``"PERO"`` → Peru), and accepted only when exactly one country, and no sentinel
such as ``Unknown``, is that close.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import pyoxigraph as ox

from kg.core import vocab as V
from kg.core.errors import Location
from kg.source.countryaliases import (
    AGGREGATE_PREFIXES,
    ALIASES,
    AMBIGUOUS,
    EXTRA_CODES,
    NOT_COUNTRIES,
)
from kg.source.records import Country

Kind = Literal[
    "country", "unknown", "own-country", "abroad", "stateless", "aggregate", "ambiguous", "unmapped"
]
#: Kinds that are not countries by design (counted apart from unmapped values).
NOT_COUNTRY_KINDS: tuple[Kind, ...] = ("unknown", "own-country", "abroad", "stateless", "aggregate")

_PUNCT = re.compile(r"[^\w\ufffd]+")
_LEADING_NUMBER = re.compile(r"^\s*\(?\d+\)?[\s.:)\-]+(?=\D)")
#: How values repaired by the last two steps are marked (an import report lists them).
REPAIRED = ("number-stripped", "one-edit")
_LOST = "\ufffd"


@dataclass(frozen=True)
class Resolution:
    """What a raw value means: a country (``code``) or why it is not one."""

    value: str
    kind: Kind
    code: str | None = None
    how: str = ""
    candidates: tuple[str, ...] = ()

    @property
    def is_country(self) -> bool:
        """True when the value names exactly one reference country."""
        return self.code is not None


def normalise(text: str) -> str:
    """Fold case, accents, punctuation and spacing; drop a leading article; expand ``St``."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).casefold()
    folded = folded.replace("&", " and ").replace("_", " ")
    words = _PUNCT.sub(" ", folded).split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join("saint" if w == "st" else w for w in words)


def variants(text: str) -> list[str]:
    """The name itself, then ``"B A"`` for ``"A, B"`` and ``"A (B)"`` (natural word order)."""
    out = [text]
    inverted = re.fullmatch(r"\s*(.+?)\s*,\s*(.+?)\s*", text)
    if inverted:
        out.append(f"{inverted.group(2)} {inverted.group(1)}")
    bracketed = re.fullmatch(r"\s*(.+?)\s*\((.+)\)\s*", text)
    if bracketed:
        out.append(f"{bracketed.group(2)} {bracketed.group(1)}")
    return out


def repair_mojibake(text: str) -> str | None:
    """Undo UTF-8 read as Latin-1/CP1252 (``"TÃ¼rkiye"`` → ``"Türkiye"``), or None."""
    for codec in ("cp1252", "latin-1"):
        try:
            fixed = text.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != text:
            return fixed
    return None


class CountryMatcher:
    """Resolve raw country values against the reference countries (results are cached)."""

    def __init__(self, countries: Iterable[Country]):
        self.codes: dict[str, str] = {}
        self.numeric: dict[int, str] = {}
        self.names: dict[str, set[str]] = {}
        self.labels: dict[str, str] = {}
        for c in countries:
            self.labels[c.code] = c.name
            self.codes[c.code] = c.code
            if c.alpha2:
                self.codes[c.alpha2] = c.code
            if c.numeric:
                self.numeric[int(c.numeric)] = c.code
            for name in (c.name, c.official_name, *c.alt_names):
                if name:
                    for form in variants(name):
                        self.names.setdefault(normalise(form), set()).add(c.code)
        self.extra_codes = {k: v for k, v in EXTRA_CODES.items() if v in self.labels}
        self.aliases: dict[str, str] = {}
        for code, spellings in ALIASES.items():
            if code in self.labels:
                self.aliases.update((normalise(s), code) for s in spellings)
        self.sentinels: dict[str, Kind] = {}
        for kind, values in NOT_COUNTRIES.items():
            self.sentinels.update((normalise(v), kind) for v in values)  # type: ignore[misc]
        self.ambiguous = {normalise(k): v for k, v in AMBIGUOUS.items()}
        self._cache: dict[str, Resolution] = {}

    @classmethod
    def from_store(cls, store: ox.Store) -> CountryMatcher:
        """Build a matcher from the countries of a built graph (labels, alt labels, codes)."""
        query = f"""PREFIX tk: <{V.TK}> PREFIX rdfs: <{V.RDFS}> PREFIX skos: <{V.SKOS}>
        SELECT ?a3 ?a2 ?num ?name (GROUP_CONCAT(?alt; SEPARATOR="\\u001f") AS ?alts) WHERE {{
          ?c a tk:Country ; tk:iso3166Alpha3 ?a3 ; rdfs:label ?name .
          OPTIONAL {{ ?c tk:iso3166Alpha2 ?a2 }} OPTIONAL {{ ?c tk:iso3166Numeric ?num }}
          OPTIONAL {{ ?c skos:altLabel ?alt }}
        }} GROUP BY ?a3 ?a2 ?num ?name"""
        rows = store.query(query, use_default_graph_as_union=True)
        assert isinstance(rows, ox.QuerySolutions)
        found: list[Country] = []
        for row in rows:
            alts = row["alts"].value.split("\x1f") if row["alts"] and row["alts"].value else []
            found.append(
                Country(
                    code=row["a3"].value,
                    alpha2=row["a2"].value if row["a2"] else None,
                    numeric=row["num"].value if row["num"] else None,
                    name=row["name"].value,
                    official_name=None,
                    alt_names=tuple(alts),
                    region=None,
                    lat=None,
                    lon=None,
                    where=Location("tkg:reference"),
                )
            )
        return cls(found)

    def match(self, value: str) -> str | None:
        """Return the alpha-3 code of ``value`` when it names exactly one country, else None."""
        return self.resolve(value).code

    def resolve(self, value: str) -> Resolution:
        """Say what ``value`` is: a country (with how it matched) or which kind of non-country."""
        hit = self._cache.get(value)
        if hit is None:
            hit = self._resolve(value)
            self._cache[value] = hit
        return hit

    def _resolve(self, value: str) -> Resolution:
        raw = value.strip()
        coded = self._code(raw)
        if coded is not None:
            return Resolution(value, "country", coded[0], coded[1])
        named = self._named(raw)
        if named is not None:
            return Resolution(value, named.kind, named.code, named.how, named.candidates)
        fixed = repair_mojibake(raw)
        if fixed is not None:
            named = self._named(fixed)
            if named is not None:
                return Resolution(value, named.kind, named.code, "mojibake+" + named.how)
        if _LOST in raw:
            return self._wildcard(value, raw)
        rest = _LEADING_NUMBER.sub("", raw)
        if rest != raw:
            named = self._named(rest)
            if named is not None and named.code is not None:
                return Resolution(value, "country", named.code, "number-stripped")
        return self._one_edit(value, raw)

    def _code(self, raw: str) -> tuple[str, str] | None:
        if raw.isascii() and raw.isdigit() and len(raw) <= 3:
            number = int(raw)
            return (self.numeric[number], "numeric") if number in self.numeric else None
        if raw.isascii() and raw.isalpha() and len(raw) in (2, 3):
            code = self.codes.get(raw.upper())
            if code is not None:
                return code, f"alpha-{len(raw)}"
            code = self.extra_codes.get(raw.upper())
            if code is not None:
                return code, "non-ISO code"
        return None

    def _named(self, raw: str) -> Resolution | None:
        for i, form in enumerate(variants(raw)):
            key = normalise(form)
            how = "name" if i == 0 else "name-reordered"
            if key in self.sentinels:
                return Resolution(raw, self.sentinels[key], how="sentinel")
            if key.startswith(AGGREGATE_PREFIXES):
                return Resolution(raw, "aggregate", how="sentinel")
            if key in self.ambiguous:
                return Resolution(raw, "ambiguous", candidates=self.ambiguous[key])
            if key in self.aliases:
                return Resolution(raw, "country", self.aliases[key], "alias")
            codes = self.names.get(key)
            if codes and len(codes) == 1:
                return Resolution(raw, "country", next(iter(codes)), how)
            if codes:
                return Resolution(raw, "ambiguous", candidates=tuple(sorted(codes)))
        return None

    def _one_edit(self, value: str, raw: str) -> Resolution:
        """Match a misspelt name (one edit) when exactly one country, and no sentinel, fits."""
        key = normalise(raw)
        if len(key) < 4:
            return Resolution(value, "unmapped")
        codes: set[str] = set()
        for name, found in self.names.items():
            if len(name) >= 4 and one_edit(key, name):
                codes.update(found)
        codes.update(code for name, code in self.aliases.items() if one_edit(key, name))
        near_sentinel = any(one_edit(key, s) for s in self.sentinels if len(s) >= 4)
        if len(codes) == 1 and not near_sentinel:
            return Resolution(value, "country", next(iter(codes)), "one-edit")
        if len(codes) > 1:
            return Resolution(value, "ambiguous", candidates=tuple(sorted(codes)))
        return Resolution(value, "unmapped")

    def _wildcard(self, value: str, raw: str) -> Resolution:
        """Match a value with lost characters (U+FFFD) when exactly one target fits."""
        key = normalise(raw)
        pattern = re.compile(".".join(re.escape(part) for part in key.split(_LOST)))
        targets: set[tuple[Kind, str | None]] = set()
        for name, codes in self.names.items():
            if pattern.fullmatch(name):
                targets.update(("country", c) for c in codes)
        for name, alias_code in self.aliases.items():
            if pattern.fullmatch(name):
                targets.add(("country", alias_code))
        for name, sentinel in self.sentinels.items():
            if pattern.fullmatch(name):
                targets.add((sentinel, None))
        if len(targets) == 1:
            kind, code = next(iter(targets))
            return Resolution(value, kind, code, "lost-characters")
        if targets:
            found = tuple(sorted(c or k for k, c in targets))
            return Resolution(value, "ambiguous", candidates=found)
        return Resolution(value, "unmapped")


def one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by exactly one edit: a character changed, inserted,
    deleted, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diff) == 1:
            return True
        i = diff[0]
        return len(diff) == 2 and diff[1] == i + 1 and a[i] == b[i + 1] and a[i + 1] == b[i]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


__all__ = [
    "NOT_COUNTRY_KINDS",
    "REPAIRED",
    "CountryMatcher",
    "Resolution",
    "normalise",
    "one_edit",
    "repair_mojibake",
]
