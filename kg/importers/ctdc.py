"""Import the CTDC global dataset as country-level aggregates (never person-level).

Victim records are counted per citizenship → country of exploitation × form × year of
registration. Each count becomes a flow with an Estimate in identified victims (method:
aggregated records); counts below 10 are published only as the censored band 1–9 (CTDC's
``<10``). The all-forms flow (trafficking in persons) counts every record; a record also counts
in the flow of each form it is flagged with, a breakdown that is ``tk:partOfFlow`` the all-forms
flow (so exports carry the number once, on the total; the parts can overlap and need not add
up to it) (``isSexAndLabour`` in both labour trafficking and
sex trafficking; every CTDC record is a trafficking case, so ``isForcedLabour`` is labour
trafficking, not forced labour at large). ``0``, ``-99`` and empty country codes mean unknown,
never a country. A flow by form whose count, with the all-forms flow and the other forms,
would give a banded count away by subtraction is withheld (``kg.importers.disclosure``).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter, defaultdict
from pathlib import Path

from pyoxigraph import Literal

from kg.core import vocab as V
from kg.core.terms import QuadSink, iri, tk
from kg.importers.common import (
    ByteProgress,
    Count,
    ImportReport,
    ImportResult,
    SourceMeta,
    band_small,
    banded,
    estimate,
    flow,
    is_number,
    no_progress,
    source_document,
    year_outside,
)
from kg.importers.csvstream import CsvStream
from kg.importers.disclosure import WITHHELD, withheld
from kg.source.countrymatch import CountryMatcher

KIND = "ctdc"
DEFAULT_ID = "ctdc-global-2020"
YEAR, CITIZENSHIP, EXPLOITED_IN = "yearOfRegistration", "citizenship", "CountryOfExploitation"
ALL_FORMS = "form-trafficking-in-persons"
#: CTDC flag column → forms (the skos:notation "…"^^tkv:ctdcField of each form concept).
FORM_FLAGS: dict[str, tuple[str, ...]] = {
    "isForcedLabour": ("form-labour-trafficking",),
    "isSexualExploit": ("form-sex-trafficking",),
    "isForcedMarriage": ("form-forced-marriage",),
    "isForcedMilitary": ("form-child-soldiering",),
    "isOrganRemoval": ("form-organ-removal",),
    "isSlaveryAndPractices": ("form-slavery-practices",),
    "isSexAndLabour": ("form-labour-trafficking", "form-sex-trafficking"),
    "isOtherExploit": ("form-other-exploitation",),
}
_YES = frozenset({"1", "1.0", "true", "yes"})


def meta(source_id: str, sha256: str) -> SourceMeta:
    """The SourceDocument of the CTDC release."""
    return SourceMeta(
        id=source_id,
        title="Counter-Trafficking Data Collaborative (CTDC) Global Dataset, 14 April 2020 "
        "release (k-anonymised victim records), aggregated by kg",
        publisher="ctdc",
        reliability="reliability-ngo",
        issued=dt.date(2020, 4, 14),
        license="https://www.ctdatacollaborative.org/terms-use",
        terms="CTDC Terms of Use; attribute as 'Source: Counter-Trafficking Data Collaborative "
        "(CTDC)'. Case records from IOM and partner organisations, not a random sample.",
        identifier="The Global Dataset 14 Apr 2020.csv (subset: wellingtonf-souza/"
        "Human-Trafficking dados_app.csv @ 86f3d1521da7f1821355874fa68804a931f6dc68)",
        original="https://www.ctdatacollaborative.org/",
        sha256=sha256,
    )


def import_ctdc(
    path: Path,
    countries: CountryMatcher,
    *,
    source_id: str = DEFAULT_ID,
    progress: ByteProgress = no_progress,
) -> ImportResult:
    """Aggregate CTDC records into flows by citizenship, exploitation country, form and year."""
    started = time.perf_counter()
    stream = CsvStream(path, (YEAR, CITIZENSHIP, EXPLOITED_IN), progress)
    report = ImportReport(KIND, source_id, stream.name)
    counts: Counter[tuple[str, str, int, str]] = Counter()
    flags: list[str] | None = None
    for line, row in stream.rows(report):
        if flags is None:
            flags = [c for c in FORM_FLAGS if c in row]
            absent = [c for c in FORM_FLAGS if c not in row]
            if absent:
                report.notes.append(f"form columns absent from the file: {', '.join(absent)}")
        year = _year(row[YEAR])
        if year is None:
            report.skip("year of registration is not a year", f"line {line}: {row[YEAR]!r}")
            continue
        cit = report.country(countries.resolve(row[CITIZENSHIP]), "citizenship", line)
        exp = report.country(countries.resolve(row[EXPLOITED_IN]), "exploited in", line)
        if cit is None or exp is None:
            which = "citizenship" if exp is not None else "country of exploitation"
            if cit is None and exp is None:
                which = "citizenship and country of exploitation"
            report.skip(f"{which} unknown or unmapped", f"line {line}")
            continue
        forms = {f for c in flags or () if row[c].strip().lower() in _YES for f in FORM_FLAGS[c]}
        if not any(row[c].strip().lower() in _YES for c in flags or ()):
            report.counts["records without a form flag (in the all-forms flow only)"] += 1
        for form in (ALL_FORMS, *forms):
            counts[(cit, exp, year, form)] += 1
    source = meta(source_id, stream.sha256)
    g = QuadSink(source.graph)
    source_document(g, source)
    result = ImportResult(source, g.quads, report)
    where = stream.where(1)
    hidden = _withheld(counts)
    if hidden:
        report.counts[WITHHELD] += len(hidden)
    for key in sorted(counts):
        if key in hidden:
            continue
        origin, destination, year, form = key
        node = iri(V.mint_iri("flow", source_id, origin, destination, year, form))
        est = iri(V.mint_iri("estimate", source_id, origin, destination, year, form))
        flow(g, node, key, source.node)
        # An aggregate has no single line: its locator is the filter that selects its records.
        locator = (
            f"{Path(stream.name).name}: records with citizenship {origin}, country of "
            f"exploitation {destination}, year {year}, form {form}"
        )
        g.add(node, tk("locator"), Literal(locator))
        g.add(node, tk("hasEstimate"), est)
        if form != ALL_FORMS:  # a breakdown by form is a part of the all-forms total
            whole = V.mint_iri("flow", source_id, origin, destination, year, ALL_FORMS)
            g.add(node, tk("partOfFlow"), iri(whole))
        n = counts[key]
        count = band_small(Count(n, n), report)
        estimate(g, est, count, "unit-identified-victims", "method-aggregated-records", source.node)
        report.facts["InternalFlow" if origin == destination else "CrossBorderFlow"] += 1
        result.origins[node.value] = result.origins[est.value] = where
    report.triples = len(g.quads)
    report.notes += [
        "counts are aggregates of k-anonymised records; no record-level data is written",
        "every record counts in the all-forms flow and in the flow of each form it is flagged with",
    ]
    report.seconds = time.perf_counter() - started
    return result


def _withheld(counts: Counter[tuple[str, str, int, str]]) -> set[tuple[str, str, int, str]]:
    """The flows by form to leave out so that no banded count follows from the all-forms
    flow minus the others (:mod:`kg.importers.disclosure`; the parts may overlap, but a reader
    may assume they do not)."""
    groups: dict[tuple[str, str, int], dict[tuple[str, str, int, str], Count]] = defaultdict(dict)
    for key, n in counts.items():
        if key[3] != ALL_FORMS:
            groups[key[:3]][key] = banded(Count(n, n))
    hidden: set[tuple[str, str, int, str]] = set()
    for (origin, destination, year), parts in groups.items():
        total = counts[(origin, destination, year, ALL_FORMS)]
        hidden |= withheld(banded(Count(total, total)), parts)
    return hidden


def _year(raw: str) -> int | None:
    text = raw.strip().removesuffix(".0")
    if is_number(text) and year_outside(text) is None:
        return int(text)
    return None
