"""Country names and GEC (FIPS 10-4) codes of the CIA World Factbook, reconciled to ISO alpha-3.

A GEC code is looked up in the R *countrycode* crosswalk (``countrycode_codelist_without_cldr.csv``,
column ``fips`` → ``iso3c``); a code that the crosswalk lacks (South Sudan ``od``, Curaçao ``uc``,
Sint Maarten ``nn``, Kosovo ``kv`` has no ``iso3c``) falls back to the Factbook's name for it. A
name is resolved by the reference countries (:class:`CountryMatcher`) first, then by the
crosswalk's English-name regular expression (``country.name.en.regex``), which knows forms such
as "Republic of Congo" or "Macau". An ISO code is accepted only when it is a reference country.
Nothing is guessed: a name that two regular expressions match, or none, stays unmapped.
"""

from __future__ import annotations

import csv
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from kg.core.errors import ImportError_, Location, display_path
from kg.source.countrymatch import CountryMatcher

#: Where the crosswalk lies relative to the Factbook folder (as in ../shared/data).
CROSSWALK = Path("..") / "country_centroids" / "countrycode_codelist_without_cldr.csv"
_COLUMNS = ("fips", "iso3c", "country.name.en", "country.name.en.regex")


def clean_name(raw: str) -> str:
    """A Factbook name without HTML entities or non-breaking spaces (``"Laos&nbsp;"``)."""
    return " ".join(html.unescape(raw).replace("\xa0", " ").split())


@dataclass
class Crosswalk:
    """GEC → ISO alpha-3 and English-name patterns → ISO alpha-3, from *countrycode*."""

    path: Path | None = None
    by_gec: dict[str, str] = field(default_factory=dict)
    patterns: list[tuple[re.Pattern[str], str]] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> Crosswalk:
        """Read the crosswalk CSV.

        Raises:
            ImportError_: when the file lacks a column the crosswalk needs.
        """
        out = cls(path)
        with path.open(encoding="utf-8", newline="") as stream:
            reader = csv.DictReader(stream)
            missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise ImportError_(
                    f"missing column '{missing[0]}'",
                    where=Location(display_path(path), 1, 1),
                    hint="expected the countrycode codelist (codelist_without_cldr.csv)",
                )
            for row in reader:
                iso3 = row["iso3c"].strip().upper()
                gec = row["fips"].strip().lower()
                if gec and iso3:
                    out.by_gec.setdefault(gec, iso3)
                regex = row["country.name.en.regex"].strip()
                if regex and iso3:
                    try:
                        out.patterns.append((re.compile(regex, re.IGNORECASE), iso3))
                    except re.error:
                        continue  # a pattern Python cannot read is not used
        return out


@dataclass(frozen=True)
class Mapped:
    """The ISO code of a Factbook entity (or None) and how it was found."""

    code: str | None
    how: str


class FactbookCountries:
    """Resolve Factbook GEC codes and names to reference ISO alpha-3 codes."""

    def __init__(self, matcher: CountryMatcher, crosswalk: Crosswalk):
        self.matcher, self.crosswalk = matcher, crosswalk

    def _reference(self, iso3: str) -> str | None:
        res = self.matcher.resolve(iso3)
        return res.code if res.code == iso3 else None

    def name(self, raw: str) -> Mapped:
        """The ISO code a Factbook country name stands for."""
        name = clean_name(raw)
        if not name:
            return Mapped(None, "empty name")
        res = self.matcher.resolve(name)
        if res.code is not None:
            return Mapped(res.code, "name")
        found = {iso3 for pattern, iso3 in self.crosswalk.patterns if pattern.search(name)}
        if len(found) == 1:
            code = self._reference(found.pop())
            if code is not None:
                return Mapped(code, "name (countrycode pattern)")
        if len(found) > 1:
            return Mapped(None, f"ambiguous name ({'/'.join(sorted(found))})")
        return Mapped(None, "unmapped name")

    def gec(self, gec: str, name: str) -> Mapped:
        """The ISO code of a GEC code, or of the Factbook's name when the crosswalk lacks it."""
        iso3 = self.crosswalk.by_gec.get(gec.strip().lower())
        if iso3 is not None:
            code = self._reference(iso3)
            if code is not None:
                return Mapped(code, "GEC")
        by_name = self.name(name)
        if by_name.code is not None:
            return Mapped(by_name.code, "GEC not in the crosswalk, mapped by name")
        return by_name
