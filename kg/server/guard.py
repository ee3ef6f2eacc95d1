"""Keep the endpoint read-only and local: every query is parsed before pyoxigraph runs it.

pyoxigraph evaluates ``SERVICE <iri>`` by sending HTTP requests to ``<iri>`` (an SSRF hole in
an endpoint), and its ``query()`` only runs what its parser accepts. So :func:`check_query`
parses every query with a port of pyoxigraph's own grammar (:mod:`kg.server.sparql`) and
answers from the parse: the query is one of SELECT, CONSTRUCT, DESCRIBE or ASK, with no
``SERVICE`` pattern anywhere (subqueries, ``EXISTS``, ``OPTIONAL``, ``UNION``…). Nothing is
decided from the text's appearance: a query the parser cannot follow is refused (fail closed),
even when pyoxigraph itself might run it.

Codepoint escapes (``\\u0041``, ``\\U0001F600``) are applied to the whole query first, as
SPARQL 1.1 §19.2 says, and the result is both what is checked and what pyoxigraph runs, so no
escape can mean one thing to the check and another to the store. Size and nesting are bounded
before and during the parse (a 40,000-branch UNION crashes pyoxigraph's evaluator).

The check is one barrier; the query workers' network sandbox (:mod:`kg.server.sandbox`) is
the second, independent one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from kg.core import vocab as V
from kg.core.errors import QueryError
from kg.server.sparql import lexical
from kg.server.sparql.base import Bound
from kg.server.sparql.query import (
    Query,
    QueryTooComplexError,
    SparqlSyntaxError,
    parse_query,
)

#: Largest query accepted, in UTF-8 bytes (``--max-query-size``).
MAX_QUERY_BYTES = 256 * 1024
#: Deepest nesting of brackets and groups (``--max-depth``).
MAX_DEPTH = 64
#: Deepest evaluation tree (operators chained plus nesting): pyoxigraph evaluates recursively,
#: and crashed at 5,000 chained BINDs and 20,000 UNION branches on an 8 MB stack.
MAX_TREE = 2000
_CACHED_BYTES = 16 * 1024
_UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY")
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class ForbiddenQueryError(QueryError):
    """A query asks for something a read-only, local endpoint refuses (update, SERVICE)."""

    status = 403


class QueryTooLargeError(QueryError):
    """The query text is larger than the server accepts."""

    status = 413


class QueryRefusedError(QueryError):
    """The query is not valid SPARQL as pyoxigraph parses it, or nests too deeply."""

    status = 400


@dataclass(frozen=True)
class QueryLimits:
    """Bounds applied before a query runs."""

    max_bytes: int = MAX_QUERY_BYTES
    max_depth: int = MAX_DEPTH
    max_tree: int = MAX_TREE


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed the check: the text to run and its form."""

    text: str  # with codepoint escapes applied: run exactly this
    form: str  # SELECT, CONSTRUCT, DESCRIBE or ASK
    dataset: bool = False  # it names its dataset (FROM / FROM NAMED)


def apply_codepoint_escapes(query: str) -> str:
    """Replace every ``\\uXXXX``/``\\UXXXXXXXX`` by its character (SPARQL 1.1 §19.2).

    Raises:
        QueryRefusedError: an escape names a surrogate or a number above U+10FFFF.
    """
    if "\\" not in query:
        return query

    def char(match: re.Match[str]) -> str:
        digits = match.group(1) or match.group(2)
        value = int(digits, 16)
        if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
            line, col = lexical.line_col(query, match.start())
            raise QueryRefusedError(
                f"query syntax error at {line}:{col}: {match.group()} is not a character"
            )
        return chr(value)

    return _CODEPOINT.sub(char, query)


def check_query(
    query: str, prefixes: Mapping[str, str] = V.PREFIXES, limits: QueryLimits = QueryLimits()
) -> CheckedQuery:
    """Parse ``query`` as pyoxigraph would (``prefixes`` predeclared) and refuse what the
    endpoint must not run.

    Raises:
        QueryTooLargeError: the text is over ``limits.max_bytes``.
        ForbiddenQueryError: a SPARQL Update, or a ``SERVICE`` pattern anywhere.
        QueryRefusedError: not a query pyoxigraph 0.5 parses, or nested too deeply.
    """
    size = len(query.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        raise QueryTooLargeError(
            f"the query is {size} bytes, more than this server's {limits.max_bytes}",
            hint="restart with a larger --max-query-size",
        )
    key = tuple(sorted(prefixes.items()))
    if size > _CACHED_BYTES:  # the cache holds small, repeated queries only
        return _check.__wrapped__(query, key, limits)
    return _check(query, key, limits)


@lru_cache(maxsize=256)
def _check(query: str, prefixes: tuple[tuple[str, str], ...], limits: QueryLimits) -> CheckedQuery:
    text = apply_codepoint_escapes(query)
    try:
        parsed = parse_query(
            text, dict(prefixes), max_depth=limits.max_depth, max_tree=limits.max_tree
        )
    except QueryTooComplexError as exc:
        hint = _complex_hint(limits, exc.bound)
        raise QueryRefusedError(f"query refused: {exc}", hint=hint) from None
    except SparqlSyntaxError as exc:
        update = _update_word(text, dict(prefixes))
        if update:
            raise ForbiddenQueryError(
                f"SPARQL Update ({update}) is not allowed: this endpoint is read-only",
                hint="change the YAML sources and rebuild instead",
            ) from None
        raise QueryRefusedError(f"query syntax error: {exc}", hint=_escape_hint(query)) from None
    if parsed.services:
        line, col = parsed.services[0]
        raise ForbiddenQueryError(
            f"SERVICE (federated query, at {line}:{col}) is not allowed: this endpoint never "
            "calls other hosts",
            hint="run federated queries from a client that fetches both endpoints",
        )
    return CheckedQuery(text, parsed.form, parsed.dataset)


def _update_word(text: str, prefixes: dict[str, str]) -> str | None:
    """The update keyword after the prologue (``INSERT`` …), if the text starts like one."""
    parser = Query(text, prefixes, MAX_DEPTH, MAX_TREE)
    start = parser.ws(parser.prologue(parser.ws(0)))
    words = (*_UPDATE_WORDS, "WITH")
    return next((w for w in words if lexical.keyword(text, start, w) >= 0), None)


def _complex_hint(limits: QueryLimits, bound: Bound) -> str:
    """How to get under the bound that was passed, and its option when it has one."""
    if bound == "depth":
        return f"split it into simpler queries (the bound is --max-depth {limits.max_depth})"
    if bound == "tree":
        return (
            "split it into simpler queries (this bound is fixed: pyoxigraph evaluates such "
            "chains recursively)"
        )
    return "split it into simpler queries (this bound is fixed)"


def _escape_hint(query: str) -> str | None:
    if _CODEPOINT.search(query):
        return (
            '\\u escapes are applied before parsing, as SPARQL 1.1 says: write \\" and \\\\ '
            "inside strings, not \\u0022 and \\u005C"
        )
    return None


__all__ = [
    "CheckedQuery",
    "ForbiddenQueryError",
    "QueryLimits",
    "QueryRefusedError",
    "QueryTooLargeError",
    "apply_codepoint_escapes",
    "check_query",
]
