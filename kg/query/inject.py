"""Parameters bound into a query's text: a one-row ``VALUES`` block at the start of every
WHERE group (the query's and every subquery's), each term written from a parsed, validated RDF
term so that no value can change the rest of the query."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

import pyoxigraph as ox

from kg.core.errors import QueryError

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

_NOT_IRI = re.compile(r"[\s<\"{}|^`\\]")
_WORD_START = re.compile(r"[^\w?$:-]")


def _skip_string(text: str, i: int) -> int:
    """Index just after the string literal that starts at ``i``."""
    quote = text[i]
    long = text.startswith(quote * 3, i)
    end_mark = quote * 3 if long else quote
    j = i + (3 if long else 1)
    while j < len(text):
        if text[j] == "\\":
            j += 2
            continue
        if text.startswith(end_mark, j):
            return j + len(end_mark)
        if not long and text[j] in "\r\n":
            break
        j += 1
    return len(text)  # unterminated: the SPARQL parser reports it


def where_braces(text: str) -> list[int]:
    """Indexes of the ``{`` opening each WHERE group (the query's and every subquery's).

    Comments, strings and IRIs are skipped. A query written without the WHERE keyword gets
    its first top-level brace. Remembered for the last texts seen (a named query is bound
    again and again: scanning it costs milliseconds).
    """
    if len(text) > 65_536:  # not kept: a few large texts would hold much memory
        return list(_scan_braces(text))
    return list(_where_braces(text))


@lru_cache(maxsize=256)
def _where_braces(text: str) -> tuple[int, ...]:
    return _scan_braces(text)


def _scan_braces(text: str) -> tuple[int, ...]:
    found: list[int] = []
    i, depth, after_where, first = 0, 0, False, -1
    while i < len(text):
        ch = text[i]
        if ch == "#":
            nl = text.find("\n", i)
            i = len(text) if nl < 0 else nl + 1
            continue
        if ch in "\"'":
            i = _skip_string(text, i)
            continue
        if ch == "<":
            close = text.find(">", i)
            if close > 0 and not _NOT_IRI.search(text, i + 1, close):
                i = close + 1
                continue
        if text[i : i + 5].upper() == "WHERE" and _WORD_START.match(text[i - 1 : i] or " "):
            after_where = True
            i += 5
            continue
        if ch == "{":
            if after_where:
                found.append(i)
            elif depth == 0 and first < 0:
                first = i
            after_where = False
            depth += 1
        elif ch == "}":
            depth -= 1
        elif not ch.isspace():
            after_where = False
        i += 1
    return tuple(found or ([first] if first >= 0 else []))


def inject_values(text: str, bound: Mapping[str, Term]) -> str:
    """Bind parameters by a one-row ``VALUES`` block at the start of every WHERE group.

    Each term is written by pyoxigraph in N-Triples syntax from a parsed, validated term, so
    a value can never end the block or add a clause. The block is put on the line of the
    brace, so line numbers in error messages stay those of the query file. Placing it first
    lets the engine plan with the values (pyoxigraph's ``substitutions`` are applied after
    planning: 50-170x slower on a 1M-triple graph), and a subquery sees the values too.
    """
    if not bound:
        return text
    names = sorted(bound)
    block = (
        f" VALUES ({' '.join('?' + ox.Variable(n).value for n in names)})"
        f" {{ ({' '.join(str(bound[n]) for n in names)}) }} "
    )
    out, last = [], 0
    for at in where_braces(text):
        out += [text[last : at + 1], block]
        last = at + 1
    if not out:
        raise QueryError("the query has no WHERE group to bind parameters in")
    return "".join([*out, text[last:]])
