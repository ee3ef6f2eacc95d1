"""The per-country tier texts (``factbook_tip_history.csv``), reconciled with the World lists.

Each row is one version of a country's trafficking entry. A version counts when it has a tier
we read (Tier 2 Watch List, Tier 3, Special Case) and a year tag; a placeholder ("Tier 3 —
update pending (2024)") repeats the old tier under the new year and is not a placement. Per
country and report year the texts are compared with the World lists: agreeing texts are
counted; a text that disputes its list becomes a placement of its own (both sides are kept,
each with its source); a text gives the only placement where the lists say nothing (Special
Cases, years without a list, a country missing from its year's list). Texts that disagree
among themselves with no list to compare are kept out, never guessed between.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kg.importers.common import ByteProgress, ImportReport, Tally, is_date, is_number
from kg.importers.csvstream import CsvStream
from kg.importers.factbook_lists import TIER_NAMES, ListPlacement
from kg.importers.gec import FactbookCountries, Mapped

HISTORY = "factbook_tip_history.csv"
HISTORY_COLUMNS = (
    "gec", "country_name", "first_seen_date", "last_seen_date", "has_tip_entry", "tier",
    "tier_year_in_text", "tier_rating_text",
)  # fmt: skip
#: Factbook region folders whose entities are not countries (the World entry, the oceans).
NOT_COUNTRY_FOLDERS = frozenset({"world", "oceans"})


@dataclass(frozen=True)
class _Text:
    """One per-country tier text with a tier and a report year."""

    line: int
    code: str
    year: int
    tier: str
    first_seen: str
    last_seen: str


@dataclass(frozen=True)
class TextPlacement:
    """A placement the texts add or dispute: where it is stated and why it is written."""

    code: str
    year: int
    tier: str
    line: int
    locator: str
    kind: str


@dataclass
class Texts:
    """What reading the texts gave: placements to write, the file's name and checksum."""

    path: str
    sha256: str
    placements: list[TextPlacement] = field(default_factory=list)


def read_texts(
    path: Path,
    names: FactbookCountries,
    lists: dict[tuple[str, int], ListPlacement],
    report: ImportReport,
    progress: ByteProgress,
) -> Texts:
    """Read the texts, name unmapped entities, reconcile each country-year with the lists."""
    stream = CsvStream(path, HISTORY_COLUMNS, progress)
    texts: dict[tuple[str, int], list[_Text]] = {}
    entities: dict[str, tuple[str, Mapped, bool]] = {}
    for line, row in stream.rows(report):
        gec = row["gec"].strip().lower()
        entry = row["has_tip_entry"].strip() == "1"
        known = entities.get(gec)
        name = known[0] if known and known[0] else row["country_name"].strip()
        mapped = known[1] if known else names.gec(gec, row["country_name"])
        folder = row.get("region_folder", "").strip()
        if gec == "xx" or folder in NOT_COUNTRY_FOLDERS:
            mapped = Mapped(None, f"not a country: {folder or 'world'}")
        entities[gec] = (name, mapped, entry or bool(known and known[2]))
        if not entry or gec == "xx":
            report.counts["per-country rows without a trafficking entry (nothing recorded)"] += 1
            continue
        text_ = _text(line, row, mapped.code, report)
        if text_ is not None:
            texts.setdefault((text_.code, text_.year), []).append(text_)
    for gec, (name, mapped, had) in sorted(entities.items()):
        _count_entity(report, gec, name, mapped, had)
    out = Texts(stream.name, stream.sha256)
    years = {year for _, year in lists}
    for key, found in sorted(texts.items()):
        placed = _reconcile(report, key, found, lists.get(key), stream.name, years)
        if placed is not None:
            out.placements.append(placed)
    return out


def _count_entity(report: ImportReport, gec: str, name: str, mapped: Mapped, had: bool) -> None:
    """Name every Factbook entity that is not mapped to a country, and every name fallback."""
    shown = name or "(no name)"
    if mapped.how.startswith("not a country"):
        report.not_countries.setdefault(f"GEC entity, {mapped.how}", Tally()).add(gec)
    elif mapped.code is None:
        entry = "with a trafficking entry" if had else "never a trafficking entry"
        report.unmapped.setdefault(f"GEC {gec!r} {shown} ({mapped.how})", Tally()).add(entry)
    elif mapped.how != "GEC":
        report.counts[f"GEC {gec} ({shown}) not in the crosswalk: {mapped.code} by name"] += 1


def _text(line: int, row: dict[str, str], code: str | None, report: ImportReport) -> _Text | None:
    """A per-country text with a tier and a year, or None (counted in the report)."""
    first, last = row["first_seen_date"].strip(), row["last_seen_date"].strip()
    if not (is_date(first) and is_date(last)):  # they go into the locators
        report.skip(
            "per-country text dates are not dates (YYYY-MM-DD)",
            f"line {line}: {first!r} to {last!r}",
        )
        return None
    where = f"line {line}: {row['gec']} {first}"
    rating = row["tier_rating_text"]
    tier = TIER_NAMES.get(row["tier"].strip().lower())
    year = row["tier_year_in_text"].strip()
    if code is None:
        report.skip("per-country text of an entity not mapped to a country", where)
    elif tier is None:
        report.skip(f"per-country text without a tier we read ({rating[:40]!r})", where)
    elif "update pending" in rating.lower():
        report.skip("per-country text is a placeholder ('update pending'): not a placement", where)
    elif not is_number(year):
        report.skip("per-country text without a year tag: no report year", where)
    else:
        return _Text(line, code, int(year), tier, first, last)
    return None


def _reconcile(
    report: ImportReport,
    key: tuple[str, int],
    found: list[_Text],
    listed: ListPlacement | None,
    file: str,
    list_years: set[int],
) -> TextPlacement | None:
    code, year = key
    tiers = sorted({t.tier for t in found})
    label = f"{code} {year}"
    if listed is not None:
        agree = [t for t in found if t.tier == listed.tier]
        report.counts["per-country texts agreeing with the World list"] += len(agree)
        tiers = [t for t in tiers if t != listed.tier]
        if not tiers:
            return None
        report.counts["per-country texts disputing the World list (both kept)"] += 1
        report.notes.append(
            f"{label}: the per-country text says {', '.join(tiers)} ({Path(file).name} line "
            f"{min(t.line for t in found if t.tier != listed.tier)}), the World list "
            f"{listed.tier} ({listed.locator}); both are kept"
        )
    if len(tiers) > 1:
        report.skip(
            "per-country texts disagree among themselves (kept none)",
            f"{label}: {', '.join(tiers)}",
            len(found),
        )
        return None
    same = [t for t in found if t.tier == tiers[0]]
    report.counts["per-country texts repeating an earlier version (same tier, same year)"] += (
        len(same) - 1
    )
    first = min(same, key=lambda t: t.line)
    locator = (
        f"{Path(file).name} line {first.line} (country entry {first.first_seen} to "
        f"{first.last_seen}, tagged {year})"
    )
    if listed is not None:
        kind = "disputing the World list"
    elif tiers[0] == "tier-special-case":
        kind = "Special Case"
    elif year in list_years:
        kind = "missing from that year's World list"
    else:
        kind = "a report year without a World list"
    return TextPlacement(code, year, tiers[0], first.line, locator, kind)
