"""Import UNODC GLOTIP country data (``data_glotip.csv``).

* Detected victims *by citizenship* become flows citizenship → detecting country per year
  (form: trafficking in persons, all forms), with an Estimate in identified victims
  (method: official statistic). ``<5`` is the censored band 1–4; exact counts 1–9 are published
  only as the band 1–9. Citizens of the detecting country (``Nationals``) give an InternalFlow.
* National totals of persons prosecuted, convicted and brought into formal contact (suspected),
  and of detected victims, become CountryStatistics of the detecting country.
* Breakdowns by form of exploitation (detected victims and persons convicted: sexual
  exploitation, forced labour, other forms) become CountryStatistics for that form, each
  ``tk:partOfStatistic`` the country's total for the indicator and year (the number is carried
  once: the parts need not add up to the total, and are never added to it). GLOTIP counts
  trafficking victims, so its "forced labour" is labour trafficking.
* Only totals are imported (Sex = Total, Age = Total): crossing sex, age and citizenship would
  publish tiny cells. Breakdowns by country of repatriation are left out; every left-out row
  is reported.
* Flows and breakdowns of victims whose exact counts, with the national total, would give a
  banded count away by subtraction are withheld (``kg.importers.disclosure``), and reported.

Rows are read here; the facts they give are collected and written by ``glotip_facts``.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from kg.core.terms import QuadSink
from kg.importers.common import (
    ByteProgress,
    Count,
    ImportReport,
    ImportResult,
    SourceMeta,
    is_number,
    no_progress,
    parse_count,
    source_document,
    year_outside,
)
from kg.importers.csvstream import CsvStream
from kg.importers.glotip_facts import INDICATORS, VICTIMS, Collected, keep_once, merge_flow, write
from kg.source.countrymatch import CountryMatcher

KIND = "glotip"
DEFAULT_ID = "unodc-glotip-2023"
COLUMNS = ("Iso3_code", "Country", "Indicator", "Dimension", "Category", "Sex", "Age", "Year")
VALUE = "txtVALUE"
FORM = "form-trafficking-in-persons"
#: The breakdowns GLOTIP publishes (lower case); others are reported as unknown.
DIMENSIONS = frozenset(
    {"total", "by citizenship", "by form of exploitation", "by country of repatriation"}
)
BY_FORM = "by form of exploitation"
#: GLOTIP form of exploitation -> form concept (all are forms of trafficking in persons).
FORMS = {
    "sexual exploitation": "form-sex-trafficking",
    "forced labour": "form-labour-trafficking",
    "other forms of exploitation": "form-other-exploitation",
}


def meta(source_id: str, sha256: str) -> SourceMeta:
    """The SourceDocument of the GLOTIP data release."""
    return SourceMeta(
        id=source_id,
        title="UNODC Global Report on Trafficking in Persons, country data (release 30 May 2023)",
        publisher="unodc",
        reliability="reliability-official",
        issued=dt.date(2023, 5, 30),
        terms="dataUNODC portal terms of use (https://dataunodc.un.org/); attribute to UNODC.",
        identifier="data_glotip.xlsx, sheet data_glotip_1 (dataUNODC), exported to CSV",
        original="UNODC dataUNODC portal, file data_glotip.xlsx, header 'UNODC 30/05/2023'",
        sha256=sha256,
    )


def import_glotip(
    path: Path,
    countries: CountryMatcher,
    *,
    source_id: str = DEFAULT_ID,
    progress: ByteProgress = no_progress,
) -> ImportResult:
    """Read ``data_glotip.csv`` into flows and country statistics in their own named graph."""
    started = time.perf_counter()
    stream = CsvStream(path, (*COLUMNS, VALUE), progress)
    report = ImportReport(KIND, source_id, stream.name)
    st = Collected(report, stream, countries)
    for line, row in stream.rows(report):
        _row(st, line, row)
    source = meta(source_id, stream.sha256)
    g = QuadSink(source.graph)
    source_document(g, source)
    result = ImportResult(source, g.quads, report)
    write(st, g, result)
    report.triples = len(g.quads)
    report.notes += [
        "only totals are imported (Sex = Total, Age = Total); sex and age breakdowns are left out",
        "a flow citizenship → detecting country shows where victims were detected, by "
        "citizenship; it is not proof of the route",
        "rows naming the same citizenship twice (spelling variants) are summed, or kept once "
        "when both rows give the same value",
    ]
    report.seconds = time.perf_counter() - started
    return result


def _row(st: Collected, line: int, row: dict[str, str]) -> None:
    report = st.report
    indicator = row["Indicator"].strip().lower()
    dimension = row["Dimension"].strip().lower()
    if row["Sex"].strip() != "Total" or row["Age"].strip() != "Total":
        report.skip("sex or age breakdown (only totals are imported)", f"line {line}")
        return
    if indicator not in INDICATORS:
        report.skip(
            "indicator without a tkv:indicators concept", f"line {line}: {row['Indicator']!r}"
        )
        return
    is_flow = dimension == "by citizenship" and indicator == VICTIMS
    is_total = dimension == "total" and row["Category"].strip().lower() == "total"
    form = FORMS.get(row["Category"].strip().lower()) if dimension == BY_FORM else None
    if not (is_flow or is_total or form):
        if dimension in DIMENSIONS:  # the reason names a known breakdown, never raw text
            report.skip(f"{indicator} {dimension} (not imported)", f"line {line}")
        else:
            report.skip("unknown dimension (not imported)", f"line {line}: {row['Dimension']!r}")
        return
    year_text = row["Year"].strip()
    count = parse_count(row[VALUE])
    if not is_number(year_text) or count is None:
        report.skip("year or value is not a number", f"line {line}: {row[VALUE]!r}")
        return
    outside = year_outside(year_text)
    if outside is not None:
        report.skip(outside, f"line {line}: {year_text!r}")
        return
    reporter = _reporter(st, line, row)
    if reporter is None:
        return
    year = int(year_text)
    if is_total:
        _statistic(st, (reporter, indicator, year), count, line)
        return
    if form is not None:
        key = (reporter, indicator, year, form)
        keep_once(st, st.parts, st.part_conflicts, key, count, line, "breakdown")
        return
    res = st.matcher.resolve(row["Category"])
    if res.kind == "own-country":
        citizenship: str | None = reporter
        report.counts["citizens of the detecting country → internal flow"] += 1
    else:
        citizenship = report.country(res, "citizenship", line)
    if citizenship is None:
        why = "not a country" if res.kind != "unmapped" and res.kind != "ambiguous" else res.kind
        report.skip(f"citizenship {why}", f"line {line}: {row['Category']!r}")
        return
    if count.upper == 0:
        report.skip("zero victims (no flow)", f"line {line}")
        return
    merge_flow(st, (citizenship, reporter, year, FORM), count, line)


def _reporter(st: Collected, line: int, row: dict[str, str]) -> str | None:
    code_text, name = row["Iso3_code"].strip(), row["Country"].strip()
    by_code = st.matcher.resolve(code_text) if code_text else None
    by_name = st.matcher.resolve(name)
    if not name:
        st.report.country(by_code or by_name, "reporting area", line)
        st.report.skip("reporting area is a region, not a country", f"line {line}: {code_text!r}")
        return None
    if by_code and by_code.code and by_name.code and by_code.code != by_name.code:
        st.report.skip("reporting code and name disagree", f"line {line}: {code_text}/{name}")
        return None
    found = by_code.code if by_code and by_code.code else by_name.code
    if found is None:
        st.report.country(by_name, "reporting country", line)
        st.report.skip("reporting country not mapped", f"line {line}: {name!r}")
    return found


def _statistic(st: Collected, key: tuple[str, str, int], count: Count, line: int) -> None:
    keep_once(st, st.stats, st.conflicts, key, count, line, "total")


__all__ = ["DEFAULT_ID", "INDICATORS", "KIND", "VICTIMS", "import_glotip", "meta"]
