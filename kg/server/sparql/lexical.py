"""The terminals of pyoxigraph 0.5's SPARQL grammar as regular expressions with PEG semantics.

A PEG repetition never gives back what it matched and an ordered choice commits to the first
alternative that matches, so every repetition here is possessive (``*+``, ``++``, ``?+``) and
every choice an atomic group (``(?>…)``): a regex then matches exactly what the PEG rule
matches. The character classes are those of the grammar (``PN_CHARS_BASE`` stops at U+FFFD, as
in pyoxigraph 0.5, not at U+EFFFF as in the SPARQL specification).
"""

from __future__ import annotations

import re
from functools import lru_cache

import pyoxigraph as ox

_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
)
_U = "_" + _BASE
_VAR_EXTRA = "0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PN_CHARS = "\\-" + _VAR_EXTRA + _U
_HEX = "0-9A-Fa-f"
_PLX = rf"%[{_HEX}][{_HEX}]|\\[_~.\-!$&'()*+,;=/?#@%]"
_ECHAR_UCHAR = rf"\\[tbnrf\"'\\]|\\u[{_HEX}]{{4}}|\\U[{_HEX}]{{8}}"

#: ``_``: spaces and comments (a comment ends at CR or LF).
WS = re.compile(r"(?:[ \t\n\r]|#[^\r\n]*+)*+")
#: ``WS*`` inside NIL and ANON (no comments there).
BLANKS = re.compile(r"[ \t\n\r]*+")
PN_PREFIX = rf"[{_BASE}][{_PN_CHARS}]*+(?>\.++[{_PN_CHARS}]++)*+"
PNAME_NS = re.compile(rf"((?>{PN_PREFIX})?+):")
PN_LOCAL = re.compile(
    rf"(?>[{_U}:0-9]|{_PLX})(?>[{_PN_CHARS}:]|{_PLX})*+(?>\.++(?>[{_PN_CHARS}:]|{_PLX})++)?+"
)
IRIREF = re.compile(r"<([^>]*+)>")
BLANK_NODE_LABEL = re.compile(rf"_:(?>[0-9{_U}])[{_PN_CHARS}]*+(?>\.++[{_PN_CHARS}]++)*+")
VAR = re.compile(rf"[?$]([0-9{_U}][{_VAR_EXTRA}{_U}]*+)")
LANGDIR = re.compile(r"@([a-zA-Z]++(?>-[a-zA-Z0-9]++)*+)((?>--[a-zA-Z]++)?+)")
INTEGER = re.compile(r"[0-9]++")
DECIMAL = re.compile(r"[0-9]*+\.[0-9]++")
DOUBLE = re.compile(r"(?>[0-9]++\.[0-9]*+|\.[0-9]++|[0-9]++)[eE][+\-]?+[0-9]++")
STRING_LONG1 = re.compile(rf"'''(?>(?>''|')?+(?>[^'\\]|{_ECHAR_UCHAR}))*+'''")
STRING_LONG2 = re.compile(rf'"""(?>(?>""|")?+(?>[^"\\]|{_ECHAR_UCHAR}))*+"""')
STRING1 = re.compile(rf"'(?>[^'\\\n\r]|{_ECHAR_UCHAR})*+'")
STRING2 = re.compile(rf'"(?>[^"\\\n\r]|{_ECHAR_UCHAR})*+"')
#: The letters of a built-in function name (for dispatch: each is followed by ``(``).
WORD = re.compile(r"[A-Za-z0-9_]*+")
#: ``"?"`` as a path modifier is not followed by a variable name's first character.
VARNAME_START = re.compile(rf"[0-9{_U}]")

_UCHAR = re.compile(rf"\\u([{_HEX}]{{4}})|\\U([{_HEX}]{{8}})")
_STRING_ESCAPE = re.compile(rf"\\(?:[tbnrf\"'\\]|u[{_HEX}]{{4}}|U[{_HEX}]{{8}})")

# BCP 47 well-formed language tags (what oxilangtag accepts), lower-cased.
_LANGTAG = re.compile(
    r"""(?:
      (?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})   # language, extlang
      (?:-[a-z]{4})?                                          # script
      (?:-(?:[a-z]{2}|[0-9]{3}))?                             # region
      (?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*                # variants
      (?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*                     # extensions
      (?:-x(?:-[a-z0-9]{1,8})+)?                              # private use
    | x(?:-[a-z0-9]{1,8})+
    | en-gb-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo
    | i-pwn|i-tao|i-tay|i-tsu|sgn-be-fr|sgn-be-nl|sgn-ch-de
    | art-lojban|cel-gaulish|no-bok|no-nyn|zh-guoyu|zh-hakka|zh-min|zh-min-nan|zh-xiang
    )""",
    re.VERBOSE,
)


def keyword(text: str, pos: int, word: str) -> int:
    """rust-peg's ``i(word)``: the next ``len(word)`` characters equal ``word`` ignoring ASCII
    case (no word boundary: ``SELECT*WHERE`` and ``ASKWHERE`` are keywords). ``word`` is upper
    case. Returns the end position or -1."""
    end = pos + len(word)
    found = text[pos:end]
    return end if found.isascii() and found.upper() == word else -1


def _code_point(digits: str) -> str | None:
    value = int(digits, 16)
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        return None  # not a Unicode scalar value: Rust's char::from_u32 refuses it
    return chr(value)


def unescape_iri(raw: str) -> str | None:
    """The content of an IRIREF with its ``\\u``/``\\U`` escapes applied, or None when it has
    another backslash or an escape that is not a character (the rule then fails)."""
    parts: list[str] = []
    pos = 0
    while True:
        slash = raw.find("\\", pos)
        if slash < 0:
            parts.append(raw[pos:])
            return "".join(parts)
        parts.append(raw[pos:slash])
        match = _UCHAR.match(raw, slash)
        char = _code_point(match.group(1) or match.group(2)) if match else None
        if match is None or char is None:
            return None
        parts.append(char)
        pos = match.end()


def string_is_valid(raw: str) -> bool:
    """False when a string literal's ``\\u`` escape is not a character (the rule fails)."""
    if "\\" not in raw:
        return True
    return all(
        m.group()[1] not in "uU" or _code_point(m.group()[2:]) is not None
        for m in _STRING_ESCAPE.finditer(raw)
    )


def is_absolute_iri(iri: str) -> bool:
    """Whether pyoxigraph's IRI parser (oxiri) accepts ``iri`` as an absolute IRI.

    Not cached: a check takes well under a microsecond, and a cache keyed on IRIs of up to a
    query's size (256 KB) would keep whatever long IRIs clients send."""
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


_RESOLVER = ox.Store()
#: The longest base plus relative IRI whose resolution is kept (256 pairs of at most this).
_CACHED_CHARS = 1024


def resolve_iri(base: str, relative: str) -> str | None:
    """``relative`` resolved against ``base`` by pyoxigraph itself (None when invalid)."""
    if len(base) + len(relative) > _CACHED_CHARS:
        return _resolve(base, relative)  # a long IRI is not kept
    return _resolve_cached(base, relative)


def _resolve(base: str, relative: str) -> str | None:
    escaped = "".join(
        c if c.isalnum() or c in ":/.#?@!$&'()*+,;=~-_[]%" else f"\\U{ord(c):08X}" for c in relative
    )
    try:
        result = _RESOLVER.query(f"SELECT (<{escaped}> AS ?i) {{}}", base_iri=base)
    except (SyntaxError, ValueError):
        return None
    assert isinstance(result, ox.QuerySolutions)
    for row in result:
        value = row["i"]
        return value.value if isinstance(value, ox.NamedNode) else None
    return None


_resolve_cached = lru_cache(maxsize=256)(_resolve)  # a query store's look-up: 30 µs


def is_language_tag(tag: str) -> bool:
    """Whether ``tag`` (lower-cased) is a well-formed BCP 47 language tag."""
    return _LANGTAG.fullmatch(tag) is not None


def line_col(text: str, pos: int) -> tuple[int, int]:
    """1-based line and column of ``pos`` (lines end at LF)."""
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1
