"""The World entry's tier lists (``factbook_world_tier_lists.csv``), each given its report year.

Every snapshot of the World entry prints a Tier 2 Watch List and a Tier 3 list, one row per
country. A list's report year is the year tag of its text, never the snapshot date:

1. the list's own tag (``year_in_text``);
2. else the tag of a list of the same tier, with exactly the same countries, that carries one
   (the 2022-12-29 snapshot prints the 2022 lists untagged, tagged a few weeks later);
3. else the tag of its companion list in the same snapshot (the other tier, next to it in the
   file): in the 2014 and 2015 entries one tag "(2014)" closes both lists.

A list whose year none of these gives is left out and named in the report. The same country,
year and tier seen in several snapshots is one placement; a country given two different tiers
for one report year is kept out (both named in the report), never guessed between.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from kg.importers.common import ImportReport, Tally, is_date, is_number
from kg.importers.csvstream import CsvStream
from kg.importers.gec import FactbookCountries, clean_name

LISTS = "factbook_world_tier_lists.csv"
COLUMNS = ("snapshot_first_seen", "snapshot_commit", "tier", "country_name", "year_in_text")
#: Tier names as the Factbook prints them → tier concept.
TIER_NAMES = {
    "tier 2 watch list": "tier-2wl",
    "tier 3": "tier-3",
    "special case": "tier-special-case",
}


@dataclass
class _List:
    """One printed list: a snapshot's Watch List or Tier 3, row by row."""

    snapshot: str
    first_seen: str
    tier: str
    tag: int | None
    rows: list[tuple[int, str]] = field(default_factory=list)  # (line, country name)
    year: int | None = None
    how: str = ""

    @property
    def members(self) -> frozenset[str]:
        return frozenset(clean_name(name).casefold() for _, name in self.rows)


@dataclass(frozen=True)
class ListPlacement:
    """A country's tier in one report year, from the lists."""

    line: int
    tier: str
    locator: str


def _read(stream: CsvStream, report: ImportReport) -> list[_List]:
    """The printed lists in file order (a new list starts when snapshot, tier or tag change)."""
    out: list[_List] = []
    for line, row in stream.rows(report):
        first_seen = row["snapshot_first_seen"].strip()
        if not is_date(first_seen):  # it goes into the locators
            report.skip("snapshot date is not a date (YYYY-MM-DD)", f"line {line}: {first_seen!r}")
            continue
        tier = TIER_NAMES.get(row["tier"].strip().lower())
        if tier is None:
            report.skip(f"unknown tier {row['tier'].strip()!r}", f"line {line}")
            continue
        tag = row["year_in_text"].strip()
        key = (row["snapshot_commit"].strip(), tier, int(tag) if is_number(tag) else None)
        last = out[-1] if out else None
        if last is None or (last.snapshot, last.tier, last.tag) != key:
            out.append(_List(key[0], first_seen, tier, key[2]))
        out[-1].rows.append((line, row["country_name"]))
    return out


def _years(lists: list[_List]) -> None:
    """Give each list its report year (own tag, identical tagged list, companion's tag)."""
    for lst in lists:
        if lst.tag is not None:
            lst.year, lst.how = lst.tag, "own year tag"
    tagged: dict[tuple[str, frozenset[str]], set[int]] = {}
    for lst in lists:
        if lst.tag is not None:
            tagged.setdefault((lst.tier, lst.members), set()).add(lst.tag)
    for lst in lists:
        same = tagged.get((lst.tier, lst.members), set())
        if lst.year is None and len(same) == 1:
            lst.year, lst.how = next(iter(same)), "tag of the identical tagged list"
    for i, lst in enumerate(lists):
        if lst.year is not None:
            continue
        near = [lists[j] for j in (i - 1, i + 1) if 0 <= j < len(lists)]
        mates = [m for m in near if m.snapshot == lst.snapshot and m.tier != lst.tier]
        years = {m.year for m in mates if m.year is not None and m.how != "companion's year tag"}
        if len(years) == 1:
            lst.year, lst.how = years.pop(), "companion's year tag"


def read_lists(
    stream: CsvStream, names: FactbookCountries, report: ImportReport
) -> dict[tuple[str, int], ListPlacement]:
    """One placement per (ISO code, report year) from every list, reconciled."""
    lists = _read(stream, report)
    _years(lists)
    seen: dict[tuple[str, int], dict[str, list[tuple[int, str]]]] = {}
    for lst in lists:
        if lst.year is None:
            report.skip(
                "list without a report year (no tag, no identical or companion list)",
                f"{lst.first_seen} {lst.tier}",
                len(lst.rows),
            )
            continue
        report.counts[f"lists dated by {lst.how}"] += 1
        for line, name in lst.rows:
            mapped = names.name(name)
            if mapped.code is None:
                report.unmapped.setdefault(
                    f"list country {clean_name(name)!r} ({mapped.how})", Tally()
                ).add(f"line {line}")
                report.skip("list country not mapped", f"line {line}")
                continue
            if mapped.how != "name":
                report.counts[f"{mapped.how}: {clean_name(name)} → {mapped.code}"] += 1
            by_tier = seen.setdefault((mapped.code, lst.year), {})
            by_tier.setdefault(lst.tier, []).append((line, lst.first_seen))
    out: dict[tuple[str, int], ListPlacement] = {}
    years: Counter[str] = Counter()
    for (code, year), by_tier in sorted(seen.items()):
        if len(by_tier) > 1:
            shown = "; ".join(f"{t} line {rows[0][0]}" for t, rows in sorted(by_tier.items()))
            report.skip(
                "country on two lists of one report year (kept none)",
                f"{code} {year}: {shown}",
                sum(len(r) for r in by_tier.values()),
            )
            continue
        ((tier, rows),) = by_tier.items()
        line, first_seen = rows[0]
        again = f", repeated in {len(rows) - 1} later snapshot(s)" if len(rows) > 1 else ""
        locator = f"{LISTS} line {line} (World entry of {first_seen}, {year} list{again})"
        out[(code, year)] = ListPlacement(line, tier, locator)
        years[f"{year} {tier}"] += 1
        report.counts["list rows repeating a placement of an earlier snapshot"] += len(rows) - 1
    for key, n in sorted(years.items()):
        report.counts[f"list placements {key}"] = n
    return out
