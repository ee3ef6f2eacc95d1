"""Content negotiation and result writers for the SPARQL endpoint.

SELECT rows are written as SPARQL JSON here and as XML by :mod:`kg.server.xmlresults`
(counting bytes, so a result over the cap stops early), and converted by pyoxigraph's own
writers from JSON to CSV and TSV. The XML writers never emit a document an XML 1.0 parser
rejects or reads back differently: a carriage return is written ``&#13;``, and a result
holding a character XML 1.0 cannot carry (C0 controls but tab/LF/CR, surrogates,
U+FFFE/U+FFFF) is refused in XML. Whatever a writer refuses (pyoxigraph's JSON-LD writer
refuses RDF 1.2 triple terms) is a :class:`NotRepresentableError`, which the endpoint answers
406, pointing to the ``complete`` formats: those whose writers take any result.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import pyoxigraph as ox

from kg.core import vocab as V
from kg.query.output import json_term
from kg.server.rdfxml import unwritable
from kg.server.wire import shown
from kg.server.xmlresults import (
    NotRepresentableError,
    ResultTooLargeError,
    cap,
    solutions_xml,
    xml_safe,
)

Kind = Literal["solutions", "boolean", "graph"]


@dataclass(frozen=True)
class Format:
    """One result serialisation: a short name, the media types that select it, its writer."""

    name: str
    media_types: tuple[str, ...]
    kinds: frozenset[str]
    label: str  # as people name it: "N-Triples"
    complete: bool = False  # its writer takes any result of its kinds (never refuses one)

    @property
    def content_type(self) -> str:
        """The Content-Type header value of a response in this format."""
        main = self.media_types[0]
        text = main.startswith("text/") or main.endswith(("json", "xml", "triples"))
        return f"{main}; charset=utf-8" if text else main


_QVALUE = re.compile(r"0(\.[0-9]{0,3})?|1(\.0{0,3})?")
_TABLE = frozenset({"solutions", "boolean"})
_GRAPH = frozenset({"graph"})
FORMATS: tuple[Format, ...] = (
    Format("json", ("application/sparql-results+json", "application/json"), _TABLE, "JSON", True),
    Format("xml", ("application/sparql-results+xml", "application/xml", "text/xml"), _TABLE, "XML"),
    Format("csv", ("text/csv",), _TABLE, "CSV", True),
    Format("tsv", ("text/tab-separated-values",), _TABLE, "TSV", True),
    Format("turtle", ("text/turtle", "application/x-turtle"), _GRAPH, "Turtle", True),
    Format("ntriples", ("application/n-triples", "text/plain"), _GRAPH, "N-Triples", True),
    Format("jsonld", ("application/ld+json",), _GRAPH, "JSON-LD"),
    Format("rdfxml", ("application/rdf+xml",), _GRAPH, "RDF/XML"),
)
_RESULTS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_RDF = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


def _accept_ranges(accept: str) -> list[tuple[float, int, str]]:
    """Parse an Accept header into (quality, position, media range), best first."""
    ranges = []
    for position, item in enumerate(accept.split(",")):
        fields = [f.strip() for f in item.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        quality = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                # RFC 9110 qvalue: 0 to 1 with at most three decimals; anything else
                # (NaN, inf, 1e9, -1) makes the range unusable
                value = value.strip()
                quality = float(value) if _QVALUE.fullmatch(value) else 0.0
        if quality > 0:
            ranges.append((-quality, position, media))
    return [(-q, p, m) for q, p, m in sorted(ranges)]


def _matches(media_range: str, fmt: Format) -> bool:
    # A wildcard picks a format by its main media type only (text/* is CSV, not text/xml).
    if media_range in ("*/*", "*"):
        return True
    if media_range.endswith("/*"):
        return fmt.media_types[0].startswith(media_range[:-1])
    return media_range in fmt.media_types


def negotiate(kind: Kind, accept: str | None, names: Sequence[str] = ()) -> Format | None:
    """Choose the format for a result of ``kind``.

    ``names`` are the values of the non-standard ``format`` parameter (a short name such as
    ``csv`` or a media type); the first one usable for ``kind`` wins. Clients such as
    SPARQLWrapper send several, some meant for other servers, so unusable values are ignored
    and the Accept header decides. Returns None when nothing acceptable fits (answer 406).
    """
    usable = [f for f in FORMATS if kind in f.kinds]
    for name in names:
        wanted = name.strip().lower()
        for fmt in usable:
            if wanted == fmt.name or wanted in fmt.media_types:
                return fmt
    if not accept or not accept.strip():
        return usable[0]
    for _, _, media_range in _accept_ranges(accept):
        for fmt in usable:
            if _matches(media_range, fmt):
                return fmt
    return None


def format_names(kind: Kind) -> list[str]:
    """The format names and main media types usable for ``kind`` (for a 406 message)."""
    return [f"{f.name} ({f.media_types[0]})" for f in FORMATS if kind in f.kinds]


def complete_formats(kind: Kind) -> str:
    """The formats that carry any result of ``kind``, for a 406 message: ``"Turtle
    (text/turtle) or N-Triples (application/n-triples)"``."""
    names = [f"{f.label} ({f.media_types[0]})" for f in FORMATS if kind in f.kinds and f.complete]
    return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]


def _written(write: Callable[[], bytes | None], fmt: Format) -> bytes:
    """What one of pyoxigraph's writers makes; its refusal is a NotRepresentableError."""
    try:
        out = write()
    except (OSError, ValueError) as exc:
        reason = shown(str(exc), 200)
        raise NotRepresentableError(
            f"the {fmt.label} writer refuses this result ({reason})"
        ) from None
    assert out is not None
    return out


def solutions_json(
    variables: list[str], rows: Iterable[ox.QuerySolution], max_bytes: int = 1 << 62
) -> bytes:
    """Write SELECT rows as SPARQL 1.1 Query Results JSON."""
    parts = []
    size = 0
    for row in rows:
        binding = {}
        for name in variables:
            value = row[name]
            if value is not None:
                binding[name] = json_term(value)
        parts.append(json.dumps(binding, ensure_ascii=False, separators=(",", ":")))
        size += len(parts[-1]) + 1
        cap(size, max_bytes)
    head = json.dumps({"vars": variables}, ensure_ascii=False, separators=(",", ":"))
    return f'{{"head":{head},"results":{{"bindings":[{",".join(parts)}]}}}}'.encode()


def write_solutions(
    variables: list[str], rows: list[ox.QuerySolution], fmt: Format, max_bytes: int = 1 << 62
) -> bytes:
    """Write SELECT rows in ``fmt`` (json, xml, csv or tsv), at most ``max_bytes`` long."""
    if fmt.name == "xml":
        return solutions_xml(variables, rows, max_bytes)
    data = solutions_json(variables, rows, max_bytes)
    if fmt.name == "json":
        return data

    def convert() -> bytes | None:
        parsed = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
        assert isinstance(parsed, ox.QuerySolutions)
        return parsed.serialize(format=_RESULTS[fmt.name])

    out = _written(convert, fmt)
    cap(len(out), max_bytes)
    return out


def write_boolean(result: ox.QueryBoolean, fmt: Format) -> bytes:
    """Write an ASK answer in ``fmt``."""
    return _written(lambda: result.serialize(format=_RESULTS[fmt.name]), fmt)


def write_triples(triples: list[ox.Triple], fmt: Format, max_bytes: int = 1 << 62) -> bytes:
    """Write CONSTRUCT/DESCRIBE triples in ``fmt``, with kg's prefixes where the syntax has them.

    RDF/XML is checked like SPARQL XML: a character XML 1.0 cannot carry is refused, and a
    carriage return in a literal is written ``&#13;`` (pyoxigraph writes it raw, and XML
    parsers read a raw CR back as LF).
    """
    if fmt.name == "rdfxml":
        for number, triple in enumerate(triples, 1):
            for term in (triple.subject, triple.object):
                if isinstance(term, ox.Literal | ox.BlankNode):
                    xml_safe(term.value, f"triple {number}")
    prefixes = V.PREFIXES if fmt.name == "turtle" else None
    out = _written(lambda: ox.serialize(triples, format=_RDF[fmt.name], prefixes=prefixes), fmt)
    if fmt.name == "rdfxml":
        out = out.replace(b"\r", b"&#13;")  # only literal text holds CR; markup uses LF
        cap(len(out), max_bytes)
        problem = unwritable(triples, out)
        if problem:
            raise NotRepresentableError(problem)
    cap(len(out), max_bytes)
    return out


__all__ = [
    "FORMATS",
    "Format",
    "Kind",
    "NotRepresentableError",
    "ResultTooLargeError",
    "complete_formats",
    "format_names",
    "json_term",
    "negotiate",
    "write_boolean",
    "write_solutions",
    "write_triples",
]
