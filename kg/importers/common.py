"""What every importer shares: the source document of a dataset, the result of an import,
counts and their RDF form (the import report is ``kg.importers.importreport``; its names are
importable from here too)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Quad

from kg.core import vocab as V
from kg.core.errors import Location
from kg.core.terms import (
    RDF_TYPE,
    RDFS_LABEL,
    QuadSink,
    boolean,
    date,
    dc,
    integer,
    iri,
    text,
    tk,
    year_literal,
)
from kg.importers.importreport import EXAMPLES, SHOWN, ImportReport, Tally
from kg.source.reader import FIRST_YEAR, next_year

#: Called with (bytes read, total bytes) while a file is read.
ByteProgress = Callable[[int, int], None]

RDFS_COMMENT = iri(V.RDFS + "comment")


def no_progress(_done: int, _total: int) -> None:
    """A progress callback that ignores progress."""


@dataclass(frozen=True)
class SourceMeta:
    """The SourceDocument of one imported dataset."""

    id: str
    title: str
    publisher: str  # agent id
    reliability: str  # concept local name, e.g. reliability-official
    issued: dt.date | None = None
    license: str | None = None  # IRI of the licence or terms page
    terms: str | None = None  # the terms in words
    identifier: str | None = None
    original: str | None = None  # what the dataset was taken from
    sha256: str = ""
    doc_type: str = "doc-dataset"  # concept local name, e.g. doc-reference-work

    @property
    def node(self) -> NamedNode:
        """The SourceDocument node."""
        return iri(V.mint_iri("source", self.id))

    @property
    def graph(self) -> str:
        """The named graph that holds the dataset."""
        return V.source_graph(self.id)


@dataclass
class ImportResult:
    """One imported dataset: its source document, its quads and its report."""

    source: SourceMeta
    quads: list[Quad]
    report: ImportReport
    origins: dict[str, Location] = field(default_factory=dict)

    @property
    def graph(self) -> str:
        """The named graph of the dataset."""
        return self.source.graph


def source_document(g: QuadSink, meta: SourceMeta) -> None:
    """Write the SourceDocument of a dataset (a dataset, in its own graph)."""
    n = meta.node
    g.add(n, RDF_TYPE, tk("SourceDocument"))
    g.add(n, dc("title"), text(meta.title))
    g.add(n, tk("docType"), iri(V.concept(meta.doc_type)))
    g.add(n, tk("reliability"), iri(V.concept(meta.reliability)))
    g.add(n, dc("publisher"), iri(V.mint_iri("agent", meta.publisher)))
    g.opt(n, dc("issued"), date(meta.issued) if meta.issued else None)
    g.opt(n, dc("license"), iri(meta.license) if meta.license else None)
    g.opt(n, RDFS_COMMENT, text(meta.terms) if meta.terms else None)
    g.opt(n, dc("identifier"), Literal(meta.identifier) if meta.identifier else None)
    g.opt(n, dc("source"), text(meta.original) if meta.original else None)
    g.opt(n, tk("sha256"), Literal(meta.sha256) if meta.sha256 else None)


@dataclass(frozen=True)
class Count:
    """A published count: exact (lower == upper, not censored) or a censored band."""

    lower: int
    upper: int
    censored: bool = False

    @property
    def exact(self) -> int | None:
        """The exact value, or None for a band."""
        return self.lower if self.lower == self.upper and not self.censored else None

    def __add__(self, other: Count) -> Count:
        return Count(
            self.lower + other.lower, self.upper + other.upper, self.censored or other.censored
        )


def is_number(text: str) -> bool:
    """True for 1 to 15 ASCII digits: a count or a year in a dataset. (``str.isdigit`` is also
    true for '²' or '١٢', which ``int`` refuses or reads as another number, and ``int`` refuses
    more than 4,300 digits.)"""
    return 0 < len(text) <= 15 and text.isascii() and text.isdigit()


def is_date(text: str) -> bool:
    """True for an ISO date ``YYYY-MM-DD`` in ASCII digits that exists (a snapshot date of a
    dataset, copied into locators: nothing else, no control or bidi character, gets there)."""
    if len(text) != 10 or not text.isascii() or text[4] != "-" or text[7] != "-":
        return False
    if not (text[:4] + text[5:7] + text[8:]).isdigit():
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def year_outside(text: str) -> str | None:
    """Why ``text`` (1-15 ASCII digits) is not a year data may refer to (1990 to next year,
    as for the YAML data), or None when it is one."""
    if FIRST_YEAR <= int(text) <= next_year():
        return None
    return f"year outside {FIRST_YEAR}-{next_year()}"


def parse_count(raw: str) -> Count | None:
    """Read ``"1,282"``, ``"12"``, ``"12.0"`` or a band ``"<5"``; None when not a count."""
    value = raw.strip().replace(",", "").replace(" ", "")
    if value.startswith("<") and is_number(value[1:]) and int(value[1:]) > 1:
        return Count(1, int(value[1:]) - 1, True)
    if value.endswith(".0"):
        value = value[:-2]
    if is_number(value):
        return Count(int(value), int(value))
    return None


def banded(count: Count) -> Count:
    """The count as kg publishes identified victims: an exact count of 1–9 as the censored
    band 1–9, any other as it is."""
    exact = count.exact
    return Count(1, 9, True) if exact is not None and 1 <= exact <= 9 else count


def band_small(count: Count, report: ImportReport) -> Count:
    """Publish exact counts of 1–9 identified victims only as the censored band 1–9."""
    published = banded(count)
    if published is not count:
        report.counts["exact counts 1-9 published as the band 1-9"] += 1
    elif count.censored:
        report.counts["censored bands (e.g. <5 → 1-4)"] += 1
    return published


def estimate(
    g: QuadSink, node: NamedNode, count: Count, unit: str, method: str, doc: NamedNode
) -> None:
    """Write an Estimate node: a point value, or a censored range."""
    g.add(node, RDF_TYPE, tk("Estimate"))
    exact = count.exact
    if exact is not None:
        g.add(node, tk("pointValue"), integer(exact))
    else:
        g.add(node, tk("lowerBound"), integer(count.lower))
        g.add(node, tk("upperBound"), integer(count.upper))
    if count.censored:
        g.add(node, tk("censored"), boolean(True))
    g.add(node, tk("countUnit"), iri(V.concept(unit)))
    g.add(node, tk("estimateMethod"), iri(V.concept(method)))
    g.add(node, tk("statedIn"), doc)


def flow(
    g: QuadSink,
    node: NamedNode,
    key: tuple[str, str, int, str],
    doc: NamedNode,
    label: str | None = None,
) -> None:
    """Write a flow origin → destination in a year for a form (internal when they are equal)."""
    origin, destination, year, form = key
    internal = origin == destination
    g.add(node, RDF_TYPE, tk("InternalFlow" if internal else "CrossBorderFlow"))
    g.add(node, tk("origin"), iri(V.mint_iri("country", origin)))
    g.add(node, tk("destination"), iri(V.mint_iri("country", destination)))
    g.add(node, tk("concernsForm"), iri(V.concept(form)))
    g.add(node, tk("year"), year_literal(year))
    g.add(node, tk("statedIn"), doc)
    g.opt(node, RDFS_LABEL, text(label) if label else None)


__all__ = [
    "EXAMPLES",
    "RDFS_COMMENT",
    "SHOWN",
    "ByteProgress",
    "Count",
    "ImportReport",
    "ImportResult",
    "SourceMeta",
    "Tally",
    "band_small",
    "banded",
    "estimate",
    "flow",
    "is_date",
    "is_number",
    "no_progress",
    "parse_count",
    "source_document",
    "year_outside",
]
