"""Import TIP Report tier placements by country and year (``tip_tiers_orig.csv``).

One Assessment per ranked country-year, by the US State Department's J/TIP office (the only
assessor that issues tiers), published in the dataset's SourceDocument, with a TierPlacement.
``Watchlist`` is Tier 2 Watch List. ``NA`` (not ranked, not yet covered, or special case
without a tier) gives no Assessment: a tier-issuing assessment must carry a tier, and the
table does not say which of those it was; such rows are counted in the report. The tier change
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
from kg.core.terms import RDF_TYPE, RDFS_LABEL, QuadSink, gyear, iri, text, tk
from kg.importers.common import (
    ByteProgress,
    ImportReport,
    ImportResult,
    SourceMeta,
    no_progress,
    source_document,
)
from kg.importers.csvstream import CsvStream
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


def meta(source_id: str, sha256: str) -> SourceMeta:
    """The SourceDocument of the tier table (a compilation of TIP Report placements)."""
    return SourceMeta(
        id=source_id,
        title="TIP Report tier placements by country and year, 1999-2015 (tip_tiers_orig.csv)",
        publisher="us-dos-jtip",
        reliability="reliability-official",
        issued=dt.date(2015, 12, 3),
        terms="The tiers are US Government findings (public domain); the table was compiled "
        "by J. Kelley and A. Heiss from S.-Y. Cho's tier data; cite their papers.",
        identifier="andrewheiss/From-the-Trenches-Anti-TIP-NGOs-and-US data/tip_tiers_orig.csv "
        "@ a74d421bf3b6b6b93b27d95570b18522613da63c",
        original="US Department of State, Trafficking in Persons Report, editions 2001-2015",
        sha256=sha256,
    )


@dataclass(frozen=True)
class _Row:
    line: int
    tier: str  # concept local name or NOT_RANKED


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
    table: dict[tuple[str, int], list[_Row]] = {}
    for line, row in stream.rows(report):
        tier = TIER_LABELS.get(normalise(row["tier"]))
        year_text = row["year"].strip()
        if tier is None:
            report.skip(f"unknown tier label {row['tier'].strip()!r}", f"line {line}")
            continue
        if not year_text.isdigit():
            report.skip("year is not a number", f"line {line}: {year_text!r}")
            continue
        code = _country(countries, report, line, row)
        if code is not None:
            table.setdefault((code, int(year_text)), []).append(_Row(line, tier))
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
        "'NA' rows (not ranked or not covered that year) give no Assessment",
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
    g.add(node, tk("assessor"), iri(V.mint_iri("agent", "us-dos-jtip")))
    g.add(node, tk("publishedIn"), doc)
    g.add(node, tk("reportYear"), gyear(year))
    g.add(node, tk("hasTierPlacement"), tier)
    g.add(tier, RDF_TYPE, tk("TierPlacement"))
    g.add(tier, tk("tier"), iri(V.concept(row.tier)))
    g.add(tier, tk("statedIn"), doc)
    g.add(tier, tk("locator"), Literal(f"{Path(result.report.path).name} line {row.line}"))
    g.opt(tier, tk("tierChange"), iri(V.concept(change)) if change else None)
    result.report.facts["Assessment with TierPlacement"] += 1
    if change:
        result.report.counts[f"tier change {change.removeprefix('change-')}"] += 1
