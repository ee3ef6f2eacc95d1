"""Import TIP Report tier placements by country and year (``tip_tiers_orig.csv``).

The table is a compilation (Kelley and Heiss, after S.-Y. Cho's tier data) of the US State
Department's placements, so each ranked country-year is a restatement: an Assessment by the
compilers (``tip-tier-compilers``), published in the dataset's SourceDocument, whose
TierPlacement restates J/TIP's placement of that report year (``tk:restates``,
``tk:restatedReportYear``). ``Watchlist`` is Tier 2 Watch List. ``NA`` means not ranked, not yet
covered, or a Special Case; the compilers' version of Cho's table beside it
(``criminalization_cho_tiers_2015-08-10.csv``, code 666) tells the Special Cases apart (Somalia
2005-2014, Haiti 2004-2011…), which are imported as such with both files in the locator. Any
other ``NA`` gives no Assessment (the table does not say which it was); such rows are counted in
the report. The tier change
is derived from the previous year's row when that year was in the table: upgraded, downgraded,
remained, or first ranked after a year without a tier (an automatic downgrade cannot be told
apart from a downgrade on the merits in this table, so it is recorded as downgraded).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Literal

from kg.core import vocab as V
from kg.core.terms import RDF_TYPE, RDFS_LABEL, QuadSink, iri, text, tk, year_literal
from kg.importers.common import (
    ByteProgress,
    ImportReport,
    ImportResult,
    SourceMeta,
    is_number,
    no_progress,
    source_document,
    year_outside,
)
from kg.importers.csvstream import CsvStream
from kg.importers.regular import beside
from kg.source.countrymatch import CountryMatcher, normalise

KIND = "tiers"
DEFAULT_ID = "tip-tiers-2001-2015"
COLUMNS = ("countryname", "iso", "year", "tier")
NOT_RANKED = "not ranked"
#: Normalised tier label → tier concept (or NOT_RANKED).
TIER_LABELS = {
    "tier 1": "tier-1",
    "1": "tier-1",
    "tier 2": "tier-2",
    "2": "tier-2",
    "watchlist": "tier-2wl",
    "watch list": "tier-2wl",
    "tier 2 watch list": "tier-2wl",
    "tier 2 watchlist": "tier-2wl",
    "tier 2wl": "tier-2wl",
    "2 5": "tier-2wl",
    "tier 3": "tier-3",
    "3": "tier-3",
    "special case": "tier-special-case",
    "tier special case": "tier-special-case",
    "666": "tier-special-case",
    "na": NOT_RANKED,
    "n a": NOT_RANKED,
    "": NOT_RANKED,
    "not ranked": NOT_RANKED,
    "555": NOT_RANKED,
}
RANK = {"tier-1": 1, "tier-2": 2, "tier-2wl": 3, "tier-3": 4}


COMPILERS = "tip-tier-compilers"
JTIP = "us-dos-jtip"
#: The compilers' version of Cho's tier table, read from beside the tier table when present.
CHO = "criminalization_cho_tiers_2015-08-10.csv"
CHO_COLUMNS = ("name", "year", "ccode", "tierupdated")
CHO_SPECIAL_CASE = "666"


def meta(source_id: str, sha256: str) -> SourceMeta:
    """The SourceDocument of the tier table (a compilation of TIP Report placements)."""
    return SourceMeta(
        id=source_id,
        title="TIP Report tier placements by country and year, 1999-2015 (tip_tiers_orig.csv)",
        publisher=COMPILERS,
        reliability="reliability-official",
        issued=dt.date(2015, 12, 3),
        terms="The tiers are US Government findings (public domain); the table was compiled "
        "by J. Kelley and A. Heiss from S.-Y. Cho's tier data; cite their papers.",
        identifier="andrewheiss/From-the-Trenches-Anti-TIP-NGOs-and-US data/tip_tiers_orig.csv "
        "@ a74d421bf3b6b6b93b27d95570b18522613da63c",
        original="US Department of State, Trafficking in Persons Report, editions 2001-2015; "
        "special cases from criminalization-cho-tiers_jk_2015-08-10.dta (andrewheiss/"
        "scorecard-diplomacy @ 0ccc6fb52ed82783ac3ac35e073c20740a6a2a9d), code 666",
        sha256=sha256,
    )


@dataclass(frozen=True)
class _Row:
    line: int
    tier: str  # concept local name or NOT_RANKED
    cho_line: int | None = None  # the Cho table's special-case row that names the tier


def inputs(path: Path) -> list[Path]:
    """Every file an import of PATH reads (for a build's cache)."""
    cho = path.parent / CHO
    return [path, cho] if beside(cho) else [path]


def _special_cases(path: Path, report: ImportReport) -> dict[tuple[str, int], int]:
    """(COW code, year) → line of every special case (666) in Cho's table beside ``path``."""
    cho = path.parent / CHO
    if not beside(cho):
        report.notes.append(f"{CHO} is not beside the table: 'NA' special cases not told apart")
        return {}
    stream = CsvStream(cho, CHO_COLUMNS, no_progress)
    found: dict[tuple[str, int], int] = {}
    side = ImportReport(KIND, "", stream.name)
    for line, row in stream.rows(side):
        year = row["year"].strip().removesuffix(".0")
        code = row["tierupdated"].strip().removesuffix(".0")
        if code == CHO_SPECIAL_CASE and is_number(year):
            found[(row["ccode"].strip().removesuffix(".0"), int(year))] = line
    report.notes.append(
        f"special cases: {len(found)} country-years coded 666 in {CHO} "
        f"(sha256 {stream.sha256[:16]}…)"
    )
    return found


def import_tiers(
    path: Path,
    countries: CountryMatcher,
    *,
    source_id: str = DEFAULT_ID,
    progress: ByteProgress = no_progress,
) -> ImportResult:
    """Read the tier table into Assessments with TierPlacements in their own named graph."""
    started = time.perf_counter()
    stream = CsvStream(path, COLUMNS, progress)
    report = ImportReport(KIND, source_id, stream.name)
    special = _special_cases(path, report)
    table: dict[tuple[str, int], list[_Row]] = {}
    for line, row in stream.rows(report):
        tier = TIER_LABELS.get(normalise(row["tier"]))
        year_text = row["year"].strip()
        if tier is None:
            report.skip("unknown tier label", f"line {line}: {row['tier'].strip()!r}")
            continue
        if not is_number(year_text):
            report.skip("year is not a number", f"line {line}: {year_text!r}")
            continue
        outside = year_outside(year_text)
        if outside is not None:
            report.skip(outside, f"line {line}: {year_text!r}")
            continue
        code = _country(countries, report, line, row)
        cho = special.get((row.get("ccode", "").strip(), int(year_text)))
        if cho is not None and tier != NOT_RANKED:
            report.counts["Cho special case where the table has a tier (the table's kept)"] += 1
            cho = None
        if code is not None:
            placed = _Row(line, "tier-special-case", cho) if cho else _Row(line, tier)
            table.setdefault((code, int(year_text)), []).append(placed)
    source = meta(source_id, stream.sha256)
    g = QuadSink(source.graph)
    source_document(g, source)
    result = ImportResult(source, g.quads, report)
    placements, unranked = _placements(table, report)
    for (code, year), placed in sorted(placements.items()):
        change = _change(placements, unranked, code, year)
        _assessment(g, result, countries, (code, year), placed, change)
        result.origins[V.mint_iri("assessment", source_id, code, year)] = stream.where(placed.line)
    report.triples = len(g.quads)
    report.notes += [
        "every placement restates J/TIP's placement of its report year (tk:restates "
        "us-dos-jtip); the assessor is the table's compilers, not J/TIP",
        "'NA' rows (not ranked or not covered that year) give no Assessment, unless Cho's "
        "table codes them 666 (special case)",
        "tier changes come from the previous year's row; Watch List to Tier 3 is 'downgraded' "
        "(automatic downgrades are not marked in this table)",
    ]
    report.seconds = time.perf_counter() - started
    return result


def _country(m: CountryMatcher, report: ImportReport, line: int, row: dict[str, str]) -> str | None:
    by_code = m.resolve(row["iso"]) if row["iso"].strip() else None
    by_name = m.resolve(row["countryname"])
    if by_code and by_code.code and by_name.code and by_code.code != by_name.code:
        report.skip(
            "country code and name disagree", f"line {line}: {row['iso']}/{row['countryname']}"
        )
        return None
    code = by_code.code if by_code and by_code.code else by_name.code
    if code is None:
        report.country(by_code or by_name, "country", line)
        report.skip("country not mapped", f"line {line}: {row['iso']!r} {row['countryname']!r}")
    elif by_code and by_code.how == "non-ISO code":
        report.counts[f"non-standard code {row['iso'].strip()} read as {code}"] += 1
    return code


def _placements(
    table: dict[tuple[str, int], list[_Row]], report: ImportReport
) -> tuple[dict[tuple[str, int], _Row], set[tuple[str, int]]]:
    """One row per ranked country-year, and the unranked country-years.

    Conflicting duplicates are dropped, not guessed between.
    """
    out: dict[tuple[str, int], _Row] = {}
    unranked: set[tuple[str, int]] = set()
    for key, rows in table.items():
        tiers = {r.tier for r in rows}
        for extra in rows[1:]:
            reason = "duplicate country-year" if len(tiers) == 1 else "conflicting tiers"
            report.skip(
                f"{reason} (kept {'first' if len(tiers) == 1 else 'none'})", f"line {extra.line}"
            )
        if len(tiers) > 1:
            report.skip("conflicting tiers (kept none)", f"line {rows[0].line}")
            continue
        if rows[0].tier == NOT_RANKED:
            unranked.add(key)
            report.skip("not ranked ('NA'): no Assessment", f"line {rows[0].line}")
            continue
        out[key] = rows[0]
    return out, unranked


def _change(
    placements: dict[tuple[str, int], _Row], unranked: set[tuple[str, int]], code: str, year: int
) -> str | None:
    """The tier change against the previous report year, when it can be told."""
    current = placements[(code, year)].tier
    previous = placements.get((code, year - 1))
    if current not in RANK:
        return None
    if previous is None:
        return "change-first-ranked" if (code, year - 1) in unranked else None
    if previous.tier not in RANK:
        return "change-first-ranked"
    delta = RANK[current] - RANK[previous.tier]
    return (
        "change-remained"
        if delta == 0
        else ("change-upgraded" if delta < 0 else "change-downgraded")
    )


def _assessment(
    g: QuadSink,
    result: ImportResult,
    m: CountryMatcher,
    key: tuple[str, int],
    row: _Row,
    change: str | None,
) -> None:
    sid, doc = result.source.id, result.source.node
    code, year = key
    node = iri(V.mint_iri("assessment", sid, code, year))
    tier = iri(V.mint_iri("tier", sid, code, year))
    g.add(node, RDF_TYPE, tk("Assessment"))
    g.add(node, RDFS_LABEL, text(f"{m.labels.get(code, code)}, TIP Report {year}"))
    g.add(node, tk("assessedCountry"), iri(V.mint_iri("country", code)))
    g.add(node, tk("assessor"), iri(V.mint_iri("agent", COMPILERS)))
    g.add(node, tk("publishedIn"), doc)
    g.add(node, tk("reportYear"), year_literal(year))
    g.add(node, tk("hasTierPlacement"), tier)
    g.add(tier, RDF_TYPE, tk("TierPlacement"))
    g.add(tier, tk("tier"), iri(V.concept(row.tier)))
    g.add(tier, tk("statedIn"), doc)
    locator = f"{Path(result.report.path).name} line {row.line}"
    if row.cho_line is not None:
        locator += f" ('NA'); {CHO} line {row.cho_line} (666, special case)"
    g.add(tier, tk("locator"), Literal(locator))
    g.add(tier, tk("restates"), iri(V.mint_iri("agent", JTIP)))
    g.add(tier, tk("restatedReportYear"), year_literal(year))
    g.opt(tier, tk("tierChange"), iri(V.concept(change)) if change else None)
    result.report.facts["Assessment with TierPlacement (restating J/TIP)"] += 1
    if row.tier == "tier-special-case":
        result.report.counts["special cases"] += 1
    if change:
        result.report.counts[f"tier change {change.removeprefix('change-')}"] += 1
