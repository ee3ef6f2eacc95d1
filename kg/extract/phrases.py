"""Phrase-level helpers the clause rules use: risk phrases to mask, and a reader over the tokens
of one clause that finds the preposition governing a place list and the noun a demonym
qualifies."""

from __future__ import annotations

import re

from kg.extract import lexicon as L
from kg.extract.gazetteer import Mention
from kg.extract.lexicon import words
from kg.extract.tokens import Token

_VULNERABLE = re.compile(
    r"\b(?:(?:are|is|were|was|be|been|being|remain\w*|become|became|seem|appear)\s+(?:\w+\s+){0,2}"
    r"(?:vulnerable|susceptible|prone)|(?:vulnerable|susceptible|prone)\s+(?:to|of|for)\b|"
    r"at\s+(?:\w+\s+){0,2}risk)",
    re.I,
)
_RISK_VERBS = (
    r"(?:are|were|is|may|have|has|often|sometimes|then|subsequently|later|end|can|face|become|"
    r"experience|work)\b"
)
#: Where a masked risk phrase ends: a new clause or a verb (the list of risks is over).
_RISK_END = re.compile(
    r"[;]|,\s*(?:while|but|whereas|where|and\s+then)\b|\b(?:and|or)\s+(?:\w+\s+)?"
    + _RISK_VERBS
    + r"|,\s*(?=\w+\s+(?:are|were|is)\b)|^\s*(?:,\s*)?and\b|\band\s*,",
    re.I,
)
#: What ``_RISK_END`` matches right where a risk phrase ends, read as at the start of a string
#: (its ``^`` and leading ``\b``): see ``_risk_end``.
_RISK_END_AT_START = re.compile(r"\s*(?:,\s*)?and\b|or\s+(?:\w+\s+)?" + _RISK_VERBS, re.I)


def _risk_end(text: str, at: int) -> int:
    """Where ``_RISK_END`` first matches in ``text[at:]`` (an index of ``text``), searched in
    place: searching a copy of the rest of the clause for each risk phrase was quadratic.

    In place, ``^`` and ``\\b`` at ``at`` see the word character that ends the risk phrase, not
    the start of a string, so the alternatives that start with them are tried there as the copy
    read them (``_RISK_END_AT_START``); after ``at`` both readings are the same."""
    if _RISK_END_AT_START.match(text, at):
        return at
    end = _RISK_END.search(text, at)
    return end.start() if end else len(text)


def mask_risks(text: str) -> str:
    """Blank out "vulnerable to …" / "at risk of …" phrases up to where the clause goes on."""
    out, pos = [], 0
    for m in _VULNERABLE.finditer(text):
        if m.start() < pos:
            continue
        stop = _risk_end(text, m.end())
        out.append(text[pos : m.start()])
        out.append(" " * (stop - m.start()))
        pos = stop
    out.append(text[pos:])
    return "".join(out)


_ONWARD = (
    ("en", "route", "to"),
    ("onward", "travel", "to"),
    ("onward", "journey", "to"),
    ("on", "their", "way", "to"),
    ("hopes", "of", "reaching"),
    ("hope", "of", "reaching"),
    ("bound", "for"),
    ("destined", "for"),
    ("onward", "to"),
    ("smuggled", "to"),
)
_PHRASES = (
    ("to", "a", "lesser", "extent"),
    ("to", "a", "much", "lesser", "extent"),
    ("to", "a", "greater", "extent"),
    ("as", "well", "as"),
    ("such", "as"),
)
_VERBISH = words(
    """are were is was have has had may might can could who that face faced experience work
    working living also often in abroad domestically reportedly continue remain and"""
)
_APPOSITIVE = words("including particularly especially mainly primarily often notably chiefly")


#: A step of ``TokenReader.direction``'s walk back: token, after an appositive, extra words.
_Walk = tuple[int, bool, int]


class TokenReader:
    """Token-level helpers over one clause."""

    def __init__(self, tokens: list[Token], mentions: list[Mention]):
        self.t, self.m = tokens, mentions
        self.at = {m.first: m for m in mentions}
        self.inside = {i for m in mentions for i in range(m.first, m.last)}
        self.words = [x.lower for x in tokens]
        self.glue: set[int] = set()
        self.onward: dict[int, int] = {}  # last token of an onward phrase → its first
        self._directions: dict[_Walk, tuple[str, int]] = {}  # see direction
        self._past: dict[int, int] = {}  # see _past_mentions
        for phrases, found in ((_PHRASES, None), (_ONWARD, self.onward)):
            for phrase in phrases:
                n = len(phrase)
                for i in range(len(self.words) - n + 1):
                    if self.words[i] == phrase[0] and tuple(self.words[i : i + n]) == phrase:
                        if found is None:
                            self.glue.update(range(i, i + n))
                        else:
                            found.setdefault(i + n - 1, i)

    def _proper(self, i: int) -> bool:
        """A capitalised word inside the clause that no gazetteer knows ("the Sinai Peninsula
        and Libya"): a place below country level, carried along in a list of places."""
        t = self.t[i]
        return i > 0 and t.text[:1].isupper() and t.text[1:].islower()

    def word(self, i: int) -> str:
        return self.words[i] if 0 <= i < len(self.words) else ""

    def direction(self, first: int) -> tuple[str, int]:
        """The preposition governing a place list that contains the token at ``first``.

        After an appositive marker ("workers abroad under contracts with foreign governments,
        *most often* Russia and China") the search goes on past the noun it explains.

        Every place of a list walks back over the same tokens, so the answer is kept for each
        step of the walk: a list of many places is read once, not once per place.
        """
        state: _Walk = (first - 1, False, 0)
        path: list[_Walk] = []
        found = self._directions.get(state)
        while found is None:
            path.append(state)
            found, state = self._step(state)
            if found is None:
                found = self._directions.get(state)
        for step in path:
            self._directions[step] = found
        return found

    def _step(self, state: _Walk) -> tuple[tuple[str, int] | None, _Walk]:
        """One token of ``direction``'s walk back: its answer, or None and the next step."""
        i, apposition, extra = state
        if i < 0:
            return ("none", -1), state
        w = self.word(i)
        if i in self.inside or i in self.glue:
            return None, (i - 1, apposition, extra)
        if i in self.onward:
            return ("onward", self.onward[i]), state
        if w in L.FROM_WORDS:
            return ("from", i), state
        if w in L.THROUGH_WORDS:
            return ("through", i), state
        if w == "in" and self.word(i - 1) in ("countries", "elsewhere", "parts", "states"):
            return None, (i - 1, apposition, extra)
        if w in L.IN_WORDS:
            if any(self.word(k) in L.RESIDENCE for k in range(i - 9, i)):
                return ("none", i), state  # "living in or near camps, particularly in Sudan"
            return ("in", i), state
        if w in L.ABROAD and apposition:
            return ("in", i), state
        if w in _APPOSITIVE:
            apposition = True
        if w in L.LIST_GLUE or w in _APPOSITIVE or self._proper(i):
            return None, (i - 1, apposition, extra)
        if apposition and extra < 8:
            return None, (i - 1, apposition, extra + 1)
        return ("none", i), state

    def head(self, after: int, plural: bool, invariant: bool) -> str:
        """What a demonym or region adjective ending before ``after`` qualifies."""
        if self.word(after) == "-":
            return "compound"
        k, steps = after, 0
        while k < len(self.t) and steps < 8:
            if k in self.at:
                k = self._past_mentions(k)
                continue
            w = self.word(k)
            if w in L.PERSON:
                return "person"
            if w in L.OFFENDER:
                return "offender"
            if w in L.REGION_HEADS:
                return "region"
            if (w in L.MODIFIERS or w in L.ADVERBS) and not plural:
                k, steps = k + 1, steps + 1
                continue
            break
        if plural or (invariant and self.word(after) in _VERBISH):
            return "person"
        return "other"

    def _past_mentions(self, k: int) -> int:
        """The first token from ``k`` on that starts no mention: a run of adjacent mentions
        ("Thai Lao Burmese …") is skipped once, not once per mention before it."""
        path = []
        while k in self.at and k not in self._past:
            path.append(k)
            k = self.at[k].last
        k = self._past.get(k, k)
        for p in path:
            self._past[p] = k
        return k

    def from_head(self, prep: int) -> str:
        """Whether a "from" list belongs to victims, to offenders, or to customers."""
        k = prep - 1
        for _ in range(10):
            if k < 0:
                break
            w = self.word(k)
            if k in self.inside or w in L.ADVERBS or w in L.LIST_GLUE or w in L.IN_WORDS:
                k -= 1
                continue
            if w in L.OFFENDER:
                return "offender"
            if w in ("men", "visitors", "foreigners", "travelers", "travellers"):
                return "man"
            if w in L.PERSON or w in L.MOVE_VERBS:
                return "person"
            k -= 1
        return "person"


__all__ = ["TokenReader", "mask_risks"]
