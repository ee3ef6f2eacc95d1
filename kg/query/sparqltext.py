"""Just enough of the SPARQL grammar to page a SELECT query and to see its dataset clause.

A lexer blanks out what can hide keyword-like text (strings, IRIs, comments) without moving any
character, so the remaining code can be searched for keywords and braces. On that text:

* :func:`has_dataset_clause` — the query has ``FROM`` or ``FROM NAMED`` (the keyword ``FROM``
  appears nowhere else in the SPARQL 1.1 query grammar);
* :func:`modifiers` — the solution modifiers after the query's WHERE group (``ORDER BY``,
  ``LIMIT``, ``OFFSET``, ``GROUP BY``, ``HAVING``), not those of subqueries;
* :func:`with_page` — the query with ``LIMIT n OFFSET k`` added after its solution modifiers and
  before a trailing ``VALUES`` block, where the grammar puts them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Tokens that can contain keyword-like text, tried in this order (strings before IRIs, so a '<'
# inside a string is not an IRI). The IRI rule is IRIREF with its escapes; a '<' that does not
# start one is the less-than operator and stays code.
_SKIP = re.compile(
    r"""
      \"\"\"(?:(?:\"|\"\")?(?:[^\"\\]|\\.))*\"\"\"
    | '''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
    | "(?:[^"\\\n\r]|\\.)*"
    | '(?:[^'\\\n\r]|\\.)*'
    | <(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>
    | \#[^\n\r]*
    """,
    re.VERBOSE | re.DOTALL,
)
_CODE = re.compile(r"[^\"'<#]+|.", re.DOTALL)
_NAME_BEFORE = r"(?<![?$:\w.\-])"
_NAME_AFTER = r"(?![\w:\-])"


def _keyword(words: str) -> re.Pattern[str]:
    return re.compile(rf"{_NAME_BEFORE}(?:{words}){_NAME_AFTER}", re.IGNORECASE)


_FROM = _keyword("FROM")
_VALUES = _keyword("VALUES")
_ORDER = _keyword(r"ORDER\s+BY")
_GROUP = _keyword(r"GROUP\s+BY")
_LIMIT = _keyword("LIMIT")
_OFFSET = _keyword("OFFSET")
_HAVING = _keyword("HAVING")
_FORM = _keyword("SELECT|CONSTRUCT|DESCRIBE|ASK")


def code_text(query: str) -> str:
    """``query`` with strings, IRIs and comments replaced by spaces (newlines kept), so every
    other character stays at its position."""
    parts: list[str] = []
    pos = 0
    while pos < len(query):
        skip = _SKIP.match(query, pos)
        if skip:
            parts.append(re.sub(r"[^\n]", " ", skip.group()))
            pos = skip.end()
            continue
        code = _CODE.match(query, pos)
        assert code is not None  # the pattern matches any character
        parts.append(code.group())
        pos = code.end()
    return "".join(parts)


def has_dataset_clause(query: str) -> bool:
    """True when the query names its dataset (``FROM <g>`` or ``FROM NAMED <g>``)."""
    return _FROM.search(code_text(query)) is not None


def query_form(query: str) -> str | None:
    """``SELECT``, ``CONSTRUCT``, ``DESCRIBE`` or ``ASK``: the query's first form keyword."""
    match = _FORM.search(code_text(query))
    return match.group().upper() if match else None


@dataclass(frozen=True)
class Tail:
    """Where the solution modifiers of the outer query are: ``start`` just after its WHERE
    group, ``end`` before a trailing VALUES block (or the end of the text)."""

    start: int
    end: int
    code: str

    def has(self, pattern: re.Pattern[str]) -> bool:
        return pattern.search(self.code, self.start, self.end) is not None


def _tail(query: str) -> Tail | None:
    code = code_text(query)
    braces = parens = 0
    start = -1
    for i, ch in enumerate(code):
        if ch == "(":
            parens += 1
        elif ch == ")":
            parens -= 1
        elif ch == "{":
            if braces == 0 and parens == 0 and start < 0:
                start = i
            braces += 1
        elif ch == "}":
            braces -= 1
            if braces == 0 and start >= 0 and parens == 0:
                end = len(code)
                values = _VALUES.search(code, i + 1)
                if values is not None:
                    end = values.start()
                return Tail(i + 1, end, code)
    return None


def modifiers(query: str) -> set[str]:
    """The solution modifiers of the outer query: a subset of ORDER, GROUP, HAVING, LIMIT,
    OFFSET (empty when the query cannot be read)."""
    tail = _tail(query)
    if tail is None:
        return set()
    found = {
        "ORDER": _ORDER,
        "GROUP": _GROUP,
        "HAVING": _HAVING,
        "LIMIT": _LIMIT,
        "OFFSET": _OFFSET,
    }
    return {name for name, pattern in found.items() if tail.has(pattern)}


def pageable(query: str) -> bool:
    """True for a SELECT query with a top-level ORDER BY and no LIMIT or OFFSET of its own: its
    rows can be fetched page by page, and the pages fit together (if the order is total)."""
    if query_form(query) != "SELECT":
        return False
    found = modifiers(query)
    return "ORDER" in found and not found & {"LIMIT", "OFFSET"}


def with_page(query: str, limit: int, offset: int) -> str:
    """``query`` with ``LIMIT limit OFFSET offset`` added to its solution modifiers."""
    tail = _tail(query)
    if tail is None:
        raise ValueError("the query has no WHERE group")
    at = tail.end
    while at > tail.start and query[at - 1].isspace():
        at -= 1
    return f"{query[:at]}\nLIMIT {limit} OFFSET {offset}\n{query[at:].lstrip()}"


__all__ = ["code_text", "has_dataset_clause", "modifiers", "pageable", "query_form", "with_page"]
