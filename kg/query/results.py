"""Reading a SPARQL endpoint's answer: SPARQL 1.1 JSON results as variables and rows of terms,
an ASK answer as a boolean, and the row limit a server names when it refuses an answer.

Booleans are given in their canonical form: Virtuoso 7 writes every ``xsd:boolean`` (stored
``true`` included) as ``"1"``/``"0"``, lexical forms of the same values (XML Schema 1.1 §3.3.2),
so ``"1"^^xsd:boolean`` is read as ``true`` and ``"0"^^xsd:boolean`` as ``false``, as a local
store writes them. An ASK answered as one row of one column (Virtuoso's ``__ASK_RETVAL``:
``1`` when true, no row when false) is read as that boolean; any other shape is an error.
"""

from __future__ import annotations

import json
import re

import pyoxigraph as ox

from kg.core.errors import RemoteError
from kg.query.named import Row, Term

_ROW_LIMIT = re.compile(r"more than ([\d,]+) (?:rows|results|solutions)", re.IGNORECASE)
XSD_BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
TRUE = ox.Literal("true", datatype=XSD_BOOLEAN)
FALSE = ox.Literal("false", datatype=XSD_BOOLEAN)
_CANONICAL = {"1": TRUE, "0": FALSE}
#: The values of a one-cell ASK answer, by datatype and lexical form.
_ASK_CELL = {
    (XSD_INTEGER, "1"): True,
    (XSD_INTEGER, "0"): False,
    (XSD_BOOLEAN, "1"): True,
    (XSD_BOOLEAN, "0"): False,
    (XSD_BOOLEAN, "true"): True,
    (XSD_BOOLEAN, "false"): False,
}


def _parse(data: bytes, url: str, what: str) -> ox.QuerySolutions | ox.QueryBoolean:
    try:
        json.loads(data)
        return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    except (ValueError, SyntaxError) as exc:
        raise RemoteError(f"{url} did not return {what}: {exc}") from exc
    except RecursionError:
        raise RemoteError(f"{url} did not return {what}: the JSON is nested too deeply") from None


def canonical(term: Term) -> Term:
    """``term``, a non-canonical boolean (``"1"``/``"0"``) as ``true``/``false``."""
    if isinstance(term, ox.Literal) and term.datatype == XSD_BOOLEAN:
        return _CANONICAL.get(term.value, term)
    return term


def _solutions(
    answer: ox.QuerySolutions, url: str, booleans: bool = True
) -> tuple[list[str], list[Row]]:
    """Variables and rows; ``booleans`` False: the answer has none (its text names no
    xsd:boolean), so no cell is looked at."""
    variables = [v.value for v in answer.variables]
    try:  # the solutions are parsed as they are read
        if not booleans:
            return variables, [tuple(solution[v] for v in variables) for solution in answer]
        rows: list[Row] = []
        for solution in answer:
            row = tuple(solution[v] for v in variables)
            if any(isinstance(t, ox.Literal) and t.datatype == XSD_BOOLEAN for t in row):
                row = tuple(canonical(t) for t in row)
            rows.append(row)
        return variables, rows
    except (ValueError, SyntaxError) as exc:
        raise RemoteError(f"{url} did not return SPARQL JSON results: {exc}") from exc


def parse_results(data: bytes, url: str) -> tuple[list[str], list[Row]]:
    """Parse SPARQL 1.1 JSON results into variables and rows of terms (booleans canonical)."""
    answer = _parse(data, url, "SPARQL JSON results")
    if not isinstance(answer, ox.QuerySolutions):
        raise RemoteError(f"{url} returned a boolean, not rows")
    # (a JSON escape may spell the datatype otherwise: then every cell is looked at)
    return _solutions(answer, url, booleans=b"boolean" in data or b"\\u" in data)


def parse_boolean(data: bytes, url: str) -> bool:
    """The answer to an ASK query: a SPARQL JSON boolean, or one column of at most one row
    holding 1/0 (``xsd:integer`` or ``xsd:boolean``) or true/false; no row is false."""
    answer = _parse(data, url, "a SPARQL JSON boolean")
    if isinstance(answer, ox.QueryBoolean):
        return bool(answer)
    variables, rows = _solutions(answer, url)
    shape = f"{len(variables)} column{'s' if len(variables) != 1 else ''}"
    if len(variables) != 1 or len(rows) > 1:
        raise RemoteError(
            f"{url} returned rows ({shape}, {len(rows):,} rows), not a boolean",
            hint="is this a SPARQL endpoint's URL?",
        )
    if not rows:
        return False
    cell = rows[0][0]
    # (booleans are canonical by now: "1"^^xsd:boolean reads as true)
    if isinstance(cell, ox.Literal) and (cell.datatype, cell.value) in _ASK_CELL:
        return _ASK_CELL[(cell.datatype, cell.value)]
    raise RemoteError(
        f"{url} returned a row, not a boolean: {variables[0]!a} is {_shown(cell)}",
        hint="is this a SPARQL endpoint's URL?",
    )


def _shown(term: Term | None) -> str:
    if term is None:
        return "unbound"
    text = str(term)
    return ascii(text[:60] + ("…" if len(text) > 60 else ""))


def row_limit(error: RemoteError) -> int | None:
    """The row limit a server gave as its reason to refuse an answer, if it said one."""
    match = _ROW_LIMIT.search(str(error))
    return int(match.group(1).replace(",", "")) if match else None


__all__ = ["canonical", "parse_boolean", "parse_results", "row_limit"]
