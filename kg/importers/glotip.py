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
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pyoxigraph import Literal

from kg.core import vocab as V
from kg.core.terms import RDF_TYPE, QuadSink, iri, tk, year_literal
from kg.importers.common import (
    ByteProgress,
    Count,
    ImportReport,
    ImportResult,
    SourceMeta,
    band_small,
    estimate,
    flow,
    is_number,
    no_progress,
    parse_count,
    source_document,
    year_outside,
)
from kg.importers.csvstream import CsvStream
from kg.source.countrymatch import CountryMatcher

K = TypeVar("K", bound=tuple[object, ...])
KIND = "glotip"
DEFAULT_ID = "unodc-glotip-2023"
COLUMNS = ("Iso3_code", "Country", "Indicator", "Dimension", "Category", "Sex", "Age", "Year")
VALUE = "txtVALUE"
FORM = "form-trafficking-in-persons"
VICTIMS = "detected trafficking victims"
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
#: GLOTIP indicator → (tkv indicator, tkv count unit).
INDICATORS = {
    "persons prosecuted": ("indicator-persons-prosecuted", "unit-persons-prosecuted"),
    "persons convicted": ("indicator-persons-convicted", "unit-persons-convicted"),
    "persons brought into formal contact": (
        "indicator-persons-suspected",
        "unit-persons-suspected",
    ),
    VICTIMS: ("indicator-victims-detected", "unit-identified-victims"),
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


@dataclass
class _Fact:
    count: Count
    lines: list[int] = field(default_factory=list)


@dataclass
class _State:
    report: ImportReport
    stream: CsvStream
    matcher: CountryMatcher
    flows: dict[tuple[str, str, int, str], _Fact] = field(default_factory=dict)
    stats: dict[tuple[str, str, int], _Fact] = field(default_factory=dict)
    parts: dict[tuple[str, str, int, str], _Fact] = field(default_factory=dict)
    part_conflicts: set[tuple[str, str, int, str]] = field(default_factory=set)
    conflicts: set[tuple[str, str, int]] = field(default_factory=set)


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
    st = _State(report, stream, countries)
    for line, row in stream.rows(report):
        _row(st, line, row)
    source = meta(source_id, stream.sha256)
    g = QuadSink(source.graph)
    source_document(g, source)
    result = ImportResult(source, g.quads, report)
    _write(st, g, result)
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


def _row(st: _State, line: int, row: dict[str, str]) -> None:
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
        _keep_once(st, st.parts, st.part_conflicts, key, count, line, "breakdown")
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
    _merge_flow(st, (citizenship, reporter, year, FORM), count, line)


def _reporter(st: _State, line: int, row: dict[str, str]) -> str | None:
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


def _merge_flow(st: _State, key: tuple[str, str, int, str], count: Count, line: int) -> None:
    old = st.flows.get(key)
    if old is None:
        st.flows[key] = _Fact(count, [line])
    elif old.count == count and len(old.lines) == 1:
        st.report.skip("same citizenship again with the same value (kept once)", f"line {line}")
    else:
        old.count = old.count + count
        old.lines.append(line)
        st.report.counts["rows summed into a flow named twice (spelling variants)"] += 1


def _statistic(st: _State, key: tuple[str, str, int], count: Count, line: int) -> None:
    _keep_once(st, st.stats, st.conflicts, key, count, line, "total")


def _keep_once(
    st: _State,
    facts: dict[K, _Fact],
    conflicts: set[K],
    key: K,
    count: Count,
    line: int,
    what: str,
) -> None:
    """Record ``count`` under ``key``; a repeat of the same count is kept once, a different
    count makes the key a conflict (none kept)."""
    old = facts.get(key)
    if old is None:
        facts[key] = _Fact(count, [line])
    elif old.count == count:
        st.report.skip(f"duplicate {what} row (kept once)", f"line {line}")
    else:
        conflicts.add(key)
        old.lines.append(line)
        st.report.skip(f"conflicting {what} rows (none kept)", f"line {line}")


def _write(st: _State, g: QuadSink, result: ImportResult) -> None:
    report, doc, sid = st.report, result.source.node, result.source.id
    for key, fact in sorted(st.flows.items()):
        origin, destination, year, form = key
        node = iri(V.mint_iri("flow", sid, origin, destination, year, form))
        est = iri(V.mint_iri("estimate", sid, origin, destination, year, form))
        flow(g, node, key, doc)
        g.add(node, tk("locator"), Literal(_locator(st, fact)))
        g.add(node, tk("hasEstimate"), est)
        count = band_small(fact.count, report)
        estimate(g, est, count, "unit-identified-victims", "method-official-statistic", doc)
        report.facts["InternalFlow" if origin == destination else "CrossBorderFlow"] += 1
        result.origins[node.value] = result.origins[est.value] = st.stream.where(fact.lines[0])
    for (country, indicator, year), fact in sorted(st.stats.items()):
        if (country, indicator, year) in st.conflicts:
            report.skip("conflicting total rows (none kept)", f"line {fact.lines[0]}")
            continue
        concept, unit = INDICATORS[indicator]
        node = iri(V.mint_iri("statistic", sid, country, concept, year))
        est = iri(V.mint_iri("estimate", sid, "statistic", country, concept, year))
        g.add(node, RDF_TYPE, tk("CountryStatistic"))
        g.add(node, tk("statisticOf"), iri(V.mint_iri("country", country)))
        g.add(node, tk("indicator"), iri(V.concept(concept)))
        g.add(node, tk("year"), year_literal(year))
        g.add(node, tk("statedIn"), doc)
        g.add(node, tk("locator"), Literal(_locator(st, fact)))
        g.add(node, tk("hasEstimate"), est)
        count = band_small(fact.count, report) if indicator == VICTIMS else fact.count
        estimate(g, est, count, unit, "method-official-statistic", doc)
        report.facts[f"CountryStatistic {concept}"] += 1
        result.origins[node.value] = result.origins[est.value] = st.stream.where(fact.lines[0])
    for (country, indicator, year, form), fact in sorted(st.parts.items()):
        if (country, indicator, year, form) in st.part_conflicts:
            report.skip("conflicting breakdown rows (none kept)", f"line {fact.lines[0]}")
            continue
        concept, unit = INDICATORS[indicator]
        node = iri(V.mint_iri("statistic", sid, country, concept, year, form))
        est = iri(V.mint_iri("estimate", sid, "statistic", country, concept, year, form))
        g.add(node, RDF_TYPE, tk("CountryStatistic"))
        g.add(node, tk("statisticOf"), iri(V.mint_iri("country", country)))
        g.add(node, tk("indicator"), iri(V.concept(concept)))
        g.add(node, tk("concernsForm"), iri(V.concept(form)))
        g.add(node, tk("year"), year_literal(year))
        g.add(node, tk("statedIn"), doc)
        g.add(node, tk("locator"), Literal(_locator(st, fact)))
        total = (country, indicator, year)
        if total in st.stats and total not in st.conflicts:
            whole = V.mint_iri("statistic", sid, country, concept, year)
            g.add(node, tk("partOfStatistic"), iri(whole))
        g.add(node, tk("hasEstimate"), est)
        count = band_small(fact.count, report) if indicator == VICTIMS else fact.count
        estimate(g, est, count, unit, "method-official-statistic", doc)
        report.facts[f"CountryStatistic {concept} by form"] += 1
        result.origins[node.value] = result.origins[est.value] = st.stream.where(fact.lines[0])


def _locator(st: _State, fact: _Fact) -> str:
    return f"{Path(st.stream.name).name} line {', '.join(map(str, fact.lines))}"
