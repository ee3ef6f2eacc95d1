"""Parameters bound into a query's text: a one-row ``VALUES`` block at the start of the query's
WHERE group and of every subquery's that names a parameter, each term written from a parsed,
validated RDF term so that no value can change the rest of the query."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import NamedTuple

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
    return [group.brace for group in where_groups(text)]


class Group(NamedTuple):
    """A WHERE group: its ``{``, whether it is the query's own (else a subquery's), and the
    text it spans: the whole subquery (``{ SELECT … WHERE {…} GROUP BY … }``) for a
    subquery's, its own braces for the query's."""

    brace: int
    top: bool
    start: int
    end: int


def where_groups(text: str) -> list[Group]:
    """The WHERE groups of ``text`` in order (see ``where_braces``)."""
    if len(text) > 65_536:  # not kept: a few large texts would hold much memory
        return list(_scan_braces(text))
    return list(_where_groups(text))


@lru_cache(maxsize=256)
def _where_groups(text: str) -> tuple[Group, ...]:
    return _scan_braces(text)


def _scan_braces(text: str) -> tuple[Group, ...]:
    ends: dict[int, int] = {}  # every brace's start → its end
    wheres: dict[int, int] = {}  # WHERE brace → the brace around it (-1: none, top level)
    stack: list[int] = []
    i, after_where, first = 0, False, -1
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
                wheres[i] = stack[-1] if stack else -1
            elif not stack and first < 0:
                first = i
            stack.append(i)
            after_where = False
        elif ch == "}":
            if stack:
                ends[stack.pop()] = i
        elif not ch.isspace():
            after_where = False
        i += 1
    if first >= 0 and -1 not in wheres.values():
        wheres[first] = -1  # a query without the WHERE keyword: its first top-level brace
    groups = []
    for brace, around in sorted(wheres.items()):
        span = brace if around < 0 else around
        groups.append(Group(brace, around < 0, span, ends.get(span, len(text))))
    return tuple(groups)


def _mentions(text: str, name: str) -> bool:
    """Whether ``?name`` or ``$name`` occurs in ``text`` (a comment or string naming it counts:
    a VALUES block too many is harmless)."""
    return (
        re.search(rf"[?$]{re.escape(name)}(?![\w\u00b7\u0300-\u036f\u203f\u2040])", text)
        is not None
    )


def _block(bound: Mapping[str, Term], names: list[str]) -> str:
    return (
        f" VALUES ({' '.join('?' + ox.Variable(n).value for n in names)})"
        f" {{ ({' '.join(str(bound[n]) for n in names)}) }} "
    )


def inject_values(text: str, bound: Mapping[str, Term]) -> str:
    """Bind parameters by a one-row ``VALUES`` block at the start of the query's WHERE group
    (every parameter) and of each subquery's that names one (the parameters it names).

    Each term is written by pyoxigraph in N-Triples syntax from a parsed, validated term, so
    a value can never end the block or add a clause. The block is put on the line of the
    brace, so line numbers in error messages stay those of the query file. Placing it first
    lets the engine plan with the values (pyoxigraph's ``substitutions`` are applied after
    planning: 50-170x slower on a 1M-triple graph), and a subquery sees the values too. A
    subquery that never names a parameter gets no block for it: its rows are the same either
    way (the variable is neither bound nor projected there, and the query's own block binds
    it), and Virtuoso 7.2 runs without end on such a block inside a grouped subquery.
    """
    if not bound:
        return text
    names = sorted(bound)
    out, last = [], 0
    groups = where_groups(text)
    for group in groups:
        span = text[group.start : group.end]
        named = names if group.top else [n for n in names if _mentions(span, n)]
        if named:
            out += [text[last : group.brace + 1], _block(bound, named)]
            last = group.brace + 1
    if not any(group.top for group in groups):
        raise QueryError("the query has no WHERE group to bind parameters in")
    return "".join([*out, text[last:]])
