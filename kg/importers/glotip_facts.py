"""The facts of a GLOTIP import (see :mod:`kg.importers.glotip`): one count per flow, national
total or breakdown by form, with the lines it was read from (a repeated row is kept once, a
conflicting one makes the fact a conflict), and their RDF form: flows with their estimates,
CountryStatistics, and breakdowns ``tk:partOfStatistic`` their total."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pyoxigraph import Literal

from kg.core import vocab as V
from kg.core.terms import RDF_TYPE, QuadSink, iri, tk, year_literal
from kg.importers.common import (
    Count,
    ImportReport,
    ImportResult,
    band_small,
    banded,
    estimate,
    flow,
)
from kg.importers.csvstream import CsvStream
from kg.importers.disclosure import WITHHELD, withheld
from kg.source.countrymatch import CountryMatcher

K = TypeVar("K", bound=tuple[object, ...])
VICTIMS = "detected trafficking victims"
FlowKey = tuple[str, str, int, str]

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


@dataclass
class Fact:
    """A count and the lines of the file it was read from."""

    count: Count
    lines: list[int] = field(default_factory=list)


@dataclass
class Collected:
    """What an import has read so far: one fact per key, and the keys seen with different
    counts (conflicts)."""

    report: ImportReport
    stream: CsvStream
    matcher: CountryMatcher
    flows: dict[tuple[str, str, int, str], Fact] = field(default_factory=dict)
    stats: dict[tuple[str, str, int], Fact] = field(default_factory=dict)
    parts: dict[tuple[str, str, int, str], Fact] = field(default_factory=dict)
    part_conflicts: set[tuple[str, str, int, str]] = field(default_factory=set)
    conflicts: set[tuple[str, str, int]] = field(default_factory=set)


def merge_flow(st: Collected, key: tuple[str, str, int, str], count: Count, line: int) -> None:
    """Record a flow's count; a second row for the same flow is summed (spelling variants of
    a citizenship), or kept once when it repeats the first row's value."""
    old = st.flows.get(key)
    if old is None:
        st.flows[key] = Fact(count, [line])
    elif old.count == count and len(old.lines) == 1:
        st.report.skip("same citizenship again with the same value (kept once)", f"line {line}")
    else:
        old.count = old.count + count
        old.lines.append(line)
        st.report.counts["rows summed into a flow named twice (spelling variants)"] += 1


def keep_once(
    st: Collected,
    facts: dict[K, Fact],
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
        facts[key] = Fact(count, [line])
    elif old.count == count:
        st.report.skip(f"duplicate {what} row (kept once)", f"line {line}")
    else:
        conflicts.add(key)
        old.lines.append(line)
        st.report.skip(f"conflicting {what} rows (none kept)", f"line {line}")


def withheld_facts(st: Collected) -> tuple[set[FlowKey], set[FlowKey]]:
    """The flows and the breakdowns by form of victims to leave out, so that no banded count
    follows from a national total minus the rest (:mod:`kg.importers.disclosure`): the flows
    into a country in a year (by citizenship) and its breakdown by form each make up the
    country's total of detected victims that year."""
    flows: dict[tuple[str, int], dict[FlowKey, Count]] = defaultdict(dict)
    for key, fact in st.flows.items():
        flows[(key[1], key[2])][key] = banded(fact.count)
    parts: dict[tuple[str, str, int], dict[FlowKey, Count]] = defaultdict(dict)
    for key, fact in st.parts.items():
        if key[1] == VICTIMS and key not in st.part_conflicts:
            parts[(key[0], key[1], key[2])][key] = banded(fact.count)
    hidden_flows: set[FlowKey] = set()
    hidden_parts: set[FlowKey] = set()
    for (country, year), group in flows.items():
        total = st.stats.get((country, VICTIMS, year))
        if total is not None and (country, VICTIMS, year) not in st.conflicts:
            hidden_flows |= withheld(banded(total.count), group)
    for whole, group in parts.items():
        total = st.stats.get(whole)
        if total is not None and whole not in st.conflicts:
            hidden_parts |= withheld(banded(total.count), group)
    return hidden_flows, hidden_parts


def write(st: Collected, g: QuadSink, result: ImportResult) -> None:
    """Write the flows, the national totals and their breakdowns by form, in key order."""
    report, doc, sid = st.report, result.source.node, result.source.id
    hidden_flows, hidden_parts = withheld_facts(st)
    for key, fact in sorted(st.flows.items()):
        if key in hidden_flows:
            report.skip(WITHHELD, f"line {fact.lines[0]}", len(fact.lines))
            continue
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
        if (country, indicator, year, form) in hidden_parts:
            report.skip(WITHHELD, f"line {fact.lines[0]}", len(fact.lines))
            continue
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


def _locator(st: Collected, fact: Fact) -> str:
    return f"{Path(st.stream.name).name} line {', '.join(map(str, fact.lines))}"
