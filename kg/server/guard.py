"""Keep a public SPARQL endpoint read-only and local: refuse updates and ``SERVICE`` calls.

pyoxigraph evaluates ``SERVICE <iri>`` by sending HTTP requests to ``<iri>`` (an SSRF hole in
an endpoint), so every query passes :func:`check_query` before it reaches the store.

The check has two steps. A one-pass scanner that lexes strings, IRIs and comments exactly as
the SPARQL grammar does looks for a bare ``SERVICE`` keyword in the remaining code; a query
without one cannot contain a ``SERVICE`` pattern (the keyword cannot be spelt any other way),
and this costs microseconds. Only when the keyword is there does rdflib's SPARQL parser (a few
milliseconds) confirm a ``ServiceGraphPattern``, so the word inside a string, an IRI, a
comment, a variable (``?service``) or a prefixed name (``ex:SERVICE``) never causes a refusal.
A query rdflib cannot parse that still has the keyword is refused: no parse, no proof.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from kg.core.errors import QueryError

# One token of the SPARQL grammar that can hide code-like text, tried in this order at each
# position (a tokenizer, so a quote inside an IRI or a '#' inside a string is handled as the
# grammar does). Anything else is code. The IRI rule is IRIREF with UCHAR escapes.
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

# A keyword is a word not glued to name characters: '?service', 'ex:service', 'service:x'
# and 'xservice' are names, not keywords.
_NAME = r"[\w\u00B7\u0300-\u036F\u203F\u2040]"


def _keyword(words: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![?$:]|{_NAME})(?:{words})(?!{_NAME}|:)", re.IGNORECASE)


_SERVICE = _keyword("SERVICE")
_FORM = _keyword(
    "SELECT|CONSTRUCT|DESCRIBE|ASK|INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH"
)
_UPDATE_FORMS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)


class ForbiddenQueryError(QueryError):
    """A query asks for something a read-only, local endpoint refuses (update, SERVICE)."""


def code_text(query: str) -> str:
    """Return ``query`` with strings, IRIs and comments blanked out (one space each)."""
    parts: list[str] = []
    pos = 0
    while pos < len(query):
        skip = _SKIP.match(query, pos)
        if skip:
            parts.append(" ")
            pos = skip.end()
            continue
        code = _CODE.match(query, pos)
        assert code is not None  # the pattern matches any character
        parts.append(code.group())
        pos = code.end()
    return "".join(parts)


def query_form(query: str) -> str | None:
    """Return the first query or update keyword (``SELECT``, ``INSERT`` …) upper-cased."""
    match = _FORM.search(code_text(query))
    return match.group().upper() if match else None


def _has_service_pattern(query: str) -> bool:
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(query)
    except Exception:  # any parse failure: cannot prove the keyword is harmless
        return True
    return _walk(tree)


def _walk(node: Any) -> bool:
    if getattr(node, "name", None) == "ServiceGraphPattern":
        return True
    if isinstance(node, dict):
        return any(_walk(v) for v in node.values())
    if isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
        return any(_walk(v) for v in node)
    return False


@lru_cache(maxsize=1024)
def check_query(query: str) -> None:
    """Refuse SPARQL Update and ``SERVICE`` (federated query) in ``query``.

    Raises:
        ForbiddenQueryError: the query is an update or calls another endpoint.
    """
    code = code_text(query)
    form = _FORM.search(code)
    if form and form.group().upper() in _UPDATE_FORMS:
        raise ForbiddenQueryError(
            f"SPARQL Update ({form.group().upper()}) is not allowed: this endpoint is read-only",
            hint="change the YAML sources and rebuild instead",
        )
    if _SERVICE.search(code) and _has_service_pattern(query):
        raise ForbiddenQueryError(
            "SERVICE (federated query) is not allowed: this endpoint never calls other hosts",
            hint="run federated queries from a client that fetches both endpoints",
        )


__all__ = ["ForbiddenQueryError", "check_query", "code_text", "query_form"]
