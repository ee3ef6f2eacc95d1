"""Rendering of query results for the terminal and for other tools (no click here).

``csv``, ``tsv`` and ``json`` follow the SPARQL 1.1 Query Results CSV/TSV and JSON formats, so
any SPARQL tool can read them back; ``table`` and ``md`` are for people: IRIs are shown by
their label when one is known, else as prefixed names.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from kg.core.cells import spreadsheet_safe
from kg.core.errors import printable
from kg.core.vocab import XSD, shorten
from kg.query.named import QueryResult, QuerySpec, Row, Term

FORMATS = ("table", "csv", "tsv", "json", "md")

_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long")}
_STRING = XSD + "string"


def render(
    result: QueryResult,
    fmt: str,
    *,
    labels: Mapping[str, str] | None = None,
    max_width: int = 60,
) -> str:
    """Render ``result`` as text in one of ``FORMATS``."""
    if fmt == "csv":
        return to_csv(result)
    if fmt == "tsv":
        return to_tsv(result)
    if fmt == "json":
        return to_json(result)
    if fmt == "md":
        return to_markdown(result, labels or {})
    if fmt == "table":
        return to_table(result, labels or {}, max_width=max_width)
    raise ValueError(f"unknown format {fmt!r}")


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def to_csv(result: QueryResult) -> str:
    """SPARQL 1.1 CSV: a header of variable names, plain values, CRLF line ends; a value that
    a spreadsheet would run as a formula starts with ``'`` (``kg.core.cells``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(result.vars)
    for row in result.rows:
        writer.writerow([spreadsheet_safe(_csv_value(t)) for t in row])
    return out.getvalue()


def to_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 TSV: ``?var`` header, terms in N-Triples syntax, empty for unbound."""
    lines = ["\t".join(f"?{v}" for v in result.vars)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def json_term(term: Term) -> dict[str, Any]:
    """One RDF term in the SPARQL 1.1 JSON results encoding."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
            direction = getattr(term, "direction", None)
            if direction is not None:  # RDF 1.2: "x"@en--rtl
                out["its:dir"] = str(direction)
        elif term.datatype.value != _STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": json_term(term.subject),
            "predicate": json_term(term.predicate),
            "object": json_term(term.object),
        },
    }


def to_json(result: QueryResult) -> str:
    """SPARQL 1.1 JSON results (``head.vars`` and ``results.bindings``)."""
    bindings = [
        {v: json_term(t) for v, t in zip(result.vars, row, strict=True) if t is not None}
        for row in result.rows
    ]
    doc = {"head": {"vars": result.vars}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def display(term: Term | None, labels: Mapping[str, str]) -> str:
    """A cell for people: label or prefixed name for IRIs, the lexical form for literals;
    control and bidi characters written as escapes (a value from an endpoint or an imported
    file must not drive the terminal)."""
    return printable(_display(term, labels))


def _display(term: Term | None, labels: Mapping[str, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return labels.get(term.value) or shorten(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return " ".join(term.value.split())
    return str(term)


def _numeric(result: QueryResult) -> list[bool]:
    """Columns whose bound cells are all numbers (right-aligned)."""
    out = []
    for i in range(len(result.vars)):
        cells = [row[i] for row in result.rows if row[i] is not None]
        out.append(
            bool(cells)
            and all(isinstance(c, ox.Literal) and c.datatype.value in _NUMERIC for c in cells)
        )
    return out


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def to_table(result: QueryResult, labels: Mapping[str, str], *, max_width: int = 60) -> str:
    """An aligned plain-text table; long cells are cut at ``max_width`` with an ellipsis."""
    cells = [[_clip(display(t, labels), max_width) for t in row] for row in result.rows]
    widths = [max([len(v), *(len(r[i]) for r in cells)]) for i, v in enumerate(result.vars)]
    right = _numeric(result)

    def line(values: list[str]) -> str:
        parts = [
            v.rjust(w) if r else v.ljust(w) for v, w, r in zip(values, widths, right, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [line(result.vars), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells]
    return "\n".join(out) + "\n"


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|")


def to_markdown(result: QueryResult, labels: Mapping[str, str]) -> str:
    """A GitHub-flavoured Markdown table."""
    right = _numeric(result)
    head = "| " + " | ".join(_md_cell(v) for v in result.vars) + " |"
    rule = "|" + "|".join("---:" if r else "---" for r in right) + "|"
    body = [
        "| " + " | ".join(_md_cell(display(t, labels)) for t in row) + " |" for row in result.rows
    ]
    return "\n".join([head, rule, *body]) + "\n"


def catalogue(specs: list[QuerySpec]) -> QueryResult:
    """The ``--list`` table: name, title and parameters (``name=default``) of each query."""
    rows: list[Row] = []
    for spec in specs:
        params = " ".join(f"-p {p.usage}" for p in spec.params)
        rows.append((ox.Literal(spec.name), ox.Literal(spec.title), ox.Literal(params)))
    return QueryResult(["name", "title", "parameters"], rows)


__all__ = ["FORMATS", "catalogue", "display", "render", "to_csv", "to_json", "to_tsv"]
