"""Read one sentence as clauses: who is exploited (nationality), where, and in which direction.

A sentence is cut into clauses at ", while", ", whereas" and ", but"; a clause that names no
victims inherits the previous clause's ("… migrate willingly to Bahrain, but some face forced
labour"). In each clause every gazetteer mention gets a *role*:

- a nationality of victims: a demonym whose head noun is a person ("Azerbaijani *women*"), a
  plural demonym ("Bolivians"), or places after "from" that follow a person or a verb of
  movement ("women *from* Thailand", "migrate willingly *from* countries including Nepal");
- a nationality of offenders or customers, never of victims ("Pakistani *traffickers*",
  "Chinese-owned", "sex tourists *from* the US", "men from … travel to X for child sex tourism");
- a place of exploitation (after "in", "to", "into", "throughout" …, list words such as "and",
  "particularly", "to a lesser extent" carry the preposition along), a transit place ("through",
  "via"), an onward destination ("en route to", "onward travel to", "in hopes of reaching").

A clause is about exploitation only if an exploitation cue remains once phrases about people
being "vulnerable" or "at risk" are masked out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.extract import lexicon as L
from kg.extract.forms import clause_forms
from kg.extract.gazetteer import Gazetteer, Mention
from kg.extract.tokens import Token, tokenize

OWN, FOREIGN = "@own", "@foreign"

_VULNERABLE = re.compile(
    r"\b(?:(?:are|is|were|was|be|been|being|remain\w*|become|became|seem|appear)\s+(?:\w+\s+){0,2}"
    r"(?:vulnerable|susceptible|prone)|(?:vulnerable|susceptible|prone)\s+(?:to|of|for)\b|"
    r"at\s+(?:\w+\s+){0,2}risk)",
    re.I,
)
#: Where a masked risk phrase ends: a new clause or a verb (the list of risks is over).
_RISK_END = re.compile(
    r"[;]|,\s*(?:while|but|whereas|where|and\s+then)\b|\b(?:and|or)\s+(?:\w+\s+)?(?:are|were|is|"
    r"may|have|has|often|sometimes|then|subsequently|later|end|can|face|become|experience|"
    r"work)\b|,\s*(?=\w+\s+(?:are|were|is)\b)|^\s*(?:,\s*)?and\b|\band\s*,",
    re.I,
)


def mask_risks(text: str) -> str:
    """Blank out "vulnerable to …" / "at risk of …" phrases up to where the clause goes on."""
    out, pos = [], 0
    for m in _VULNERABLE.finditer(text):
        if m.start() < pos:
            continue
        end = _RISK_END.search(text[m.end() :])
        stop = m.end() + end.start() if end else len(text)
        out.append(text[pos : m.start()])
        out.append(" " * (stop - m.start()))
        pos = stop
    out.append(text[pos:])
    return "".join(out)


_EXPLOIT = re.compile(
    r"\b(?:subject(?:ed)?\s+to|forc(?:ed|e|es|ing)|exploit\w*|traffick\w*|traffics?|victim\w*|servitude|"
    r"bondage|enslav\w*|slave\w*|prostitut\w*|sex\s+trade|commercial\s+sex|sexual(?:ly)?\s+"
    r"exploit\w*|coerc\w*|compel\w*|sold|abduct\w*|kidnap\w*|debt-based|bonded|involuntary|"
    r"child\s+soldiers|combatants|held\s+for\s+ransom|maimed|trapp\w*)\b",
    re.I,
)
_CUSTOMER = re.compile(r"sex\s+touris|tourists|exploiters|customers|clients|\bbuyers\b|demand\s+for", re.I)
_TRANSIT = re.compile(
    r"\btransit\w*|en\s+route|onward|on\s+their\s+way|in\s+hopes?\s+of\s+reaching", re.I
)
_ONWARD = (("en", "route", "to"), ("onward", "travel", "to"), ("onward", "journey", "to"),
           ("on", "their", "way", "to"), ("hopes", "of", "reaching"), ("hope", "of", "reaching"),
           ("bound", "for"), ("destined", "for"), ("onward", "to"))  # fmt: skip
_PHRASES = (("to", "a", "lesser", "extent"), ("to", "a", "much", "lesser", "extent"),
            ("to", "a", "greater", "extent"), ("as", "well", "as"), ("such", "as"))  # fmt: skip
_VERBISH = frozenset(
    """are were is was have has had may might can could who that face faced experience work
    working living also often in abroad domestically reportedly continue remain and""".split()
)
_SPLIT = frozenset({"while", "whereas", "but"})
_APPOSITIVE = frozenset("including particularly especially mainly primarily often notably chiefly".split())
#: First words of a clause that continues the previous one's subject ("…, but some face …").
_PRONOUNS = frozenset(
    """some many most they these those others all several few subsequently then later often
    sometimes also eventually are were is face encounter become experience end""".split()
)


@dataclass
class Place:
    """A place a clause names, with the direction its preposition gives."""

    code: str | None  # ISO3, or None for a region
    region: str | None
    label: str
    how: str  # "in", "from", "through", "onward", "none"
    ambiguous: tuple[str, ...] = ()


@dataclass
class Clause:
    """What one clause says, in the terms the direction rules use."""

    start: int
    end: int
    text: str
    exploit: bool
    vulnerable: bool
    customer: bool
    transit: bool
    victims: list[Place] = field(default_factory=list)  # nationalities (code/region/@own …)
    places: list[Place] = field(default_factory=list)  # where (in/through/onward)
    offenders: list[Place] = field(default_factory=list)
    forms: set[str] = field(default_factory=set)


def _place(m: Mention, how: str) -> Place:
    e = m.entry
    if e.kind == "region":
        return Place(None, e.region, e.label, how)
    if e.ambiguous:
        return Place(None, None, m.surface, how, e.codes)
    return Place(e.codes[0], None, e.label, how)


class _Reader:
    """Token-level helpers over one clause."""

    def __init__(self, tokens: list[Token], mentions: list[Mention]):
        self.t, self.m = tokens, mentions
        self.at = {m.first: m for m in mentions}
        self.inside = {i for m in mentions for i in range(m.first, m.last)}
        self.glue: set[int] = set()
        words = [x.lower for x in tokens]
        for phrase in _PHRASES:
            for i in range(len(words) - len(phrase) + 1):
                if tuple(words[i : i + len(phrase)]) == phrase:
                    self.glue.update(range(i, i + len(phrase)))

    def word(self, i: int) -> str:
        return self.t[i].lower if 0 <= i < len(self.t) else ""

    def direction(self, first: int) -> tuple[str, int]:
        """The preposition governing a place list that contains the token at ``first``.

        After an appositive marker ("workers abroad under contracts with foreign governments,
        *most often* Russia and China") the search goes on past the noun it explains.
        """
        i, apposition, extra = first - 1, False, 0
        while i >= 0:
            w = self.word(i)
            if i in self.inside or i in self.glue:
                i -= 1
                continue
            for phrase in _ONWARD:
                n = len(phrase)
                if tuple(self.word(k) for k in range(i - n + 1, i + 1)) == phrase:
                    return "onward", i - n + 1
            if w in L.FROM_WORDS:
                return "from", i
            if w in L.THROUGH_WORDS:
                return "through", i
            if w == "in" and self.word(i - 1) in ("countries", "elsewhere", "parts", "states"):
                i -= 1
                continue
            if w in L.IN_WORDS:
                if any(self.word(k) in L.RESIDENCE for k in range(i - 6, i)):
                    return "none", i  # "living in or near camps, particularly in Sudan"
                return "in", i
            if w in L.ABROAD and apposition:
                return "in", i
            if w in _APPOSITIVE:
                apposition = True
            if w in L.LIST_GLUE or w in _APPOSITIVE:
                i -= 1
                continue
            if apposition and extra < 8:
                i, extra = i - 1, extra + 1
                continue
            return "none", i
        return "none", -1

    def head(self, after: int, plural: bool, invariant: bool) -> str:
        """What a demonym or region adjective ending before ``after`` qualifies."""
        if self.word(after) == "-":
            return "compound"
        k, steps = after, 0
        while k < len(self.t) and steps < 8:
            if k in self.at:
                k = self.at[k].last
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


_ROLE_WORDS = frozenset("source transit destination origin".split())


def _parts(tokens: list[Token]) -> list[tuple[int, int]]:
    cuts = [0]
    for i in range(1, len(tokens) - 1):
        if tokens[i].lower == "and" and tokens[i + 1].lower in ("a", "an") and any(
            t.lower in _ROLE_WORDS for t in tokens[i + 2 : i + 7]
        ):
            cuts.append(i + 1)
            continue
        if tokens[i].lower in _SPLIT and tokens[i - 1].text == ",":
            if not (tokens[i].lower == "but" and tokens[i + 1].lower == "also"):
                cuts.append(i + 1)
    return [(a, b) for a, b in zip(cuts, [*cuts[1:], len(tokens)], strict=True)]


def read_clauses(text: str, start: int, end: int, g: Gazetteer) -> list[Clause]:
    """Analyse the sentence ``text[start:end]`` into clauses (spans index ``text``)."""
    tokens = tokenize(text, start, end)
    out: list[Clause] = []
    for a, b in _parts(tokens):
        if a >= b:
            continue
        toks = tokens[a:b]
        c = _clause(text, toks, g)
        prev = out[-1] if out else None
        if prev and not c.victims and not (prev.vulnerable and not prev.exploit) and (
            toks[0].lower in _PRONOUNS
        ):
            c.victims = list(prev.victims)
            if not c.places:
                c.places = [p for p in prev.places if p.how == "in"]
        out.append(c)
    return out


def _clause(text: str, toks: list[Token], g: Gazetteer) -> Clause:
    s, e = toks[0].start, toks[-1].end
    body = text[s:e]
    masked = mask_risks(body)
    c = Clause(
        s, e, body,
        forms=clause_forms(masked),
        exploit=bool(_EXPLOIT.search(masked)),
        vulnerable=masked != body,
        customer=bool(_CUSTOMER.search(body)),
        transit=bool(_TRANSIT.search(body)),
    )  # fmt: skip
    mentions = g.find(toks)
    r = _Reader(toks, mentions)
    for m in mentions:
        e_ = m.entry
        if e_.kind == "demonym" or (e_.kind == "region" and _is_adjective(m, r)):
            if r.word(m.first - 1) == "ethnic":
                continue
            inv = m.surface.endswith(("ese", "ss", "sh", "ch"))
            head = r.head(m.last, e_.plural, inv)
            if head == "person" or (head == "other" and e_.plural):
                if c.customer and r.word(m.last) in ("men", "tourists", "visitors"):
                    c.offenders.append(_place(m, "none"))
                else:
                    c.victims.append(_place(m, "none"))
            elif head in ("offender", "compound"):
                c.offenders.append(_place(m, "none"))
            continue
        if r.word(m.last) == "-" and e_.kind == "country":
            continue  # "Ethiopia-Djibouti corridor", "Thai-owned"
        how, prep = r.direction(m.first)
        if how == "from":
            owner = r.from_head(prep)
            if owner == "offender" or (owner == "man" and c.customer):
                c.offenders.append(_place(m, how))
            else:
                c.victims.append(_place(m, how))
        else:
            c.places.append(_place(m, how))
    _markers(c, toks, r)
    return c


def _is_adjective(m: Mention, r: _Reader) -> bool:
    """A region named as an adjective ("West African children") rather than as a place."""
    return m.surface.endswith(("an", "ans")) and r.direction(m.first)[0] == "none"


def _markers(c: Clause, toks: list[Token], r: _Reader) -> None:
    """Own nationals, foreigners, "abroad" and "domestically" without a named place."""
    for i, t in enumerate(toks):
        w, nxt = t.lower, r.word(i + 1)
        if w in L.ABROAD:
            c.places.append(Place(None, None, "abroad", "abroad"))
        elif w in L.DOMESTIC or (w in ("within", "in", "inside", "throughout") and
                                 nxt == "the" and r.word(i + 2) == "country"):  # fmt: skip
            c.places.append(Place(None, None, "domestically", "domestic"))
        elif w in ("foreign", "foreigners") and i not in r.inside:
            if w == "foreigners" or nxt in L.PERSON or nxt in L.MODIFIERS:
                c.victims.append(Place(None, None, FOREIGN, "none"))
        elif w in ("local", "domestic") and nxt in ("victims", "adults", "children", "women",
                                                    "men", "girls", "boys"):  # fmt: skip
            if not (w == "domestic" and nxt != "victims"):
                c.victims.append(Place(None, None, OWN, "none"))


__all__ = ["FOREIGN", "OWN", "Clause", "Place", "mask_risks", "read_clauses"]
