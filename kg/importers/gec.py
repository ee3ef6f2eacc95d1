"""Country names and GEC (FIPS 10-4) codes of the CIA World Factbook, reconciled to ISO alpha-3.

A GEC code is looked up in the R *countrycode* crosswalk (``countrycode_codelist_without_cldr.csv``,
column ``fips`` → ``iso3c``); a code that the crosswalk lacks (South Sudan ``od``, Curaçao ``uc``,
Sint Maarten ``nn``, Kosovo ``kv`` has no ``iso3c``) falls back to the Factbook's name for it. A
name is resolved by the reference countries (:class:`CountryMatcher`) first, then by the
crosswalk's English-name regular expression (``country.name.en.regex``), which knows forms such
as "Republic of Congo" or "Macau". An ISO code is accepted only when it is a reference country.
Nothing is guessed: a name that two regular expressions match, or none, stays unmapped. The
crosswalk is read like every dataset file (:class:`CsvStream`: one-line errors with their
line), and a pattern that could backtrack for long (nested quantifiers, backreferences) is
refused before it is compiled (:mod:`kg.importers.saferegex`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from kg.core.errors import ImportError_
from kg.importers.common import ImportReport, no_progress
from kg.importers.csvstream import CsvStream
from kg.importers.saferegex import MAX_SUBJECT, MAX_TOTAL, UnsafePattern, check_pattern
from kg.source.countrymatch import CountryMatcher

#: Where the crosswalk lies relative to the Factbook folder (as in ../shared/data).
CROSSWALK = Path("..") / "country_centroids" / "countrycode_codelist_without_cldr.csv"
_REGEX = "country.name.en.regex"
_COLUMNS = ("fips", "iso3c", "country.name.en", _REGEX)


def clean_name(raw: str) -> str:
    """A Factbook name without HTML entities or non-breaking spaces (``"Laos&nbsp;"``)."""
    return " ".join(html.unescape(raw).replace("\xa0", " ").split())


@dataclass
class Crosswalk:
    """GEC → ISO alpha-3 and English-name patterns → ISO alpha-3, from *countrycode*."""

    path: Path | None = None
    by_gec: dict[str, str] = field(default_factory=dict)
    patterns: list[tuple[re.Pattern[str], str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> Crosswalk:
        """Read the crosswalk CSV with the checks every dataset file gets (:class:`CsvStream`),
        running only name patterns that cannot backtrack for long (:mod:`saferegex`).

        Raises:
            ImportError_: when the file is no CSV with the columns the crosswalk needs, or
                holds a pattern kg does not run.
        """
        out = cls(path)
        stream = CsvStream(path, _COLUMNS, no_progress)
        side = ImportReport("factbook", "", stream.name)
        cost = 0.0
        for line, row in stream.rows(side):
            iso3 = row["iso3c"].strip().upper()
            gec = row["fips"].strip().lower()
            if gec and iso3:
                out.by_gec.setdefault(gec, iso3)
            regex = row[_REGEX].strip()
            if not (regex and iso3):
                continue
            try:
                cost += check_pattern(regex)
                if cost > MAX_TOTAL:
                    raise UnsafePattern(
                        "with the patterns before it, matching one name may backtrack for too "
                        f"long (over {MAX_TOTAL:.0e} steps)"
                    )
            except UnsafePattern as exc:
                raise ImportError_(
                    f"kg does not run the name pattern {regex[:60]!r}: {exc}",
                    where=stream.where(line, _REGEX),
                    hint="fix or remove the row: the patterns of the countrycode codelist "
                    "need no more (kg/importers/saferegex.py)",
                ) from exc
            try:
                out.patterns.append((re.compile(regex, re.IGNORECASE), iso3))
            except re.error:
                continue  # a pattern Python cannot read is not used
        if side.skipped:
            (tally,) = side.skipped.values()  # the one reason CsvStream skips rows for
            out.notes.append(
                f"{Path(stream.name).name}: malformed rows skipped (not {len(stream.header)} "
                f"fields): {tally.count}, e.g. {', '.join(tally.examples)}"
            )
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
        self._names: dict[str, Mapped] = {}  # each name is resolved once

    def _reference(self, iso3: str) -> str | None:
        res = self.matcher.resolve(iso3)
        return res.code if res.code == iso3 else None

    def name(self, raw: str) -> Mapped:
        """The ISO code a Factbook country name stands for."""
        name = clean_name(raw)
        if name not in self._names:
            self._names[name] = self._name(name)
        return self._names[name]

    def _name(self, name: str) -> Mapped:
        if not name:
            return Mapped(None, "empty name")
        res = self.matcher.resolve(name)
        if res.code is not None:
            return Mapped(res.code, "name")
        if len(name) > MAX_SUBJECT:  # the patterns' cost is bounded for names up to this long
            return Mapped(None, f"unmapped name (over {MAX_SUBJECT} characters)")
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
