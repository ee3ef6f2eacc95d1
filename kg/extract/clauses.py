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

import bisect
import re
from dataclasses import dataclass, field

from kg.extract import lexicon as L
from kg.extract.forms import clause_forms
from kg.extract.gazetteer import Gazetteer, Mention
from kg.extract.hedges import MODALS, clause_hedged, hedged_items
from kg.extract.lexicon import words
from kg.extract.phrases import TokenReader, mask_risks
from kg.extract.tokens import Token, tokenize

OWN, FOREIGN = "@own", "@foreign"

_EXPLOIT = re.compile(
    r"\b(?:subject(?:ed)?\s+to|forc(?:ed|e|es|ing)|exploit\w*|traffick\w*|traffics?|victim\w*|servitude|"
    r"bondage|enslav\w*|slave\w*|prostitut\w*|sex\s+trade|commercial\s+sex|sexual(?:ly)?\s+"
    r"exploit\w*|coerc\w*|compel\w*|sold|abduct\w*|kidnap\w*|debt-based|bonded|involuntary|"
    r"child\s+soldiers|combatants|held\s+for\s+ransom|maimed|trapp\w*)\b",
    re.I,
)
#: Every cue, overlapping ones too ("commercial sex trade"): see ``_Cues``.
_EXPLOIT_AT = re.compile(rf"(?=({_EXPLOIT.pattern}))", re.I)
_CUSTOMER = re.compile(
    r"sex\s+touris|tourists|exploiters|customers|clients|\bbuyers\b|demand\s+for", re.I
)
_TRANSIT = re.compile(
    r"\btransit\w*|en\s+route|onward|on\s+their\s+way|in\s+hopes?\s+of\s+reaching", re.I
)
_SPLIT = frozenset({"while", "whereas", "but"})
#: First words of a clause that continues the previous one's subject ("…, but some face …").
_PRONOUNS = words(
    """some many most they these those others all several few subsequently then later often
    sometimes also eventually are were is face encounter become experience end"""
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
    hedged: bool = False  # "may be", "allegedly", "a presumed source … country"
    domestic_work: bool = False  # victims work in households ("domestic workers", "maids")


def _place(m: Mention, how: str) -> Place:
    e = m.entry
    if e.kind == "region":
        return Place(None, e.region, e.label, how)
    if e.ambiguous:
        return Place(None, None, m.surface, how, e.codes)
    return Place(e.codes[0], None, e.label, how)


_DOMESTIC_WORK = re.compile(
    r"\bdomestic\s+(?:service|servitude|work|workers?|servants?|labou?r|help(?:ers)?)\b|"
    r"\bdomestics\b|\b(?:house)?maids?\b",
    re.I,
)
_OWN_NOUNS = words("victims adults children women men girls boys")
_ROLE_WORDS = words("source transit destination origin")


def _parts(tokens: list[Token]) -> list[tuple[int, int, bool]]:
    """Clause spans (start, end, continues a role statement) of one sentence's tokens."""
    cuts: list[tuple[int, bool]] = [(0, False)]
    cues = _Cues(tokens)
    for i in range(1, len(tokens) - 1):
        if (
            tokens[i].lower == "and"
            and tokens[i + 1].lower in ("a", "an")
            and any(t.lower in _ROLE_WORDS for t in tokens[i + 2 : i + 7])
        ):
            cuts.append((i + 1, True))  # "… a destination country for A and a source country …"
            continue
        but_also = tokens[i].lower == "but" and tokens[i + 1].lower == "also"
        if tokens[i].lower in _SPLIT and tokens[i - 1].text == "," and not but_also:
            cuts.append((i + 1, False))
        elif tokens[i].lower in MODALS:
            k = _conjunct_start(tokens, cuts[-1][0], i, cues)
            if k is not None:
                cuts.append((k, False))  # "children are forced to beg and adults may be …"
    ends = [c for c, _ in cuts[1:]] + [len(tokens)]
    return [(a, b, cont) for (a, cont), b in zip(cuts, ends, strict=True)]


def _conjunct_start(tokens: list[Token], start: int, modal: int, cues: _Cues) -> int | None:
    """Where a hedged conjunct begins, when an unhedged statement comes before it."""
    for k in range(modal - 1, max(start, modal - 5), -1):
        if tokens[k].lower == "and" and cues.within(start, k):
            return k + 1
    return None


class _Cues:
    """Whether tokens ``[start:end)`` of a sentence, joined by spaces, hold an exploitation cue.

    Joining and searching the words from the clause's start again for every modal made a
    sentence of many "… and may …" quadratic. Instead every cue of the joined sentence is
    found once, when first needed: a cue inside the words of ``[start:end)`` is a cue of the
    whole (spaces on both sides read as the ends of a string do for ``\\b``) and the other
    way round, so the answer is whether the earliest end of a cue starting in a token from
    ``start`` on is at most ``end``."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self._first_end: list[int] | None = None

    def within(self, start: int, end: int) -> bool:
        if self._first_end is None:
            self._first_end = self._ends()
        return self._first_end[start] <= end

    def _ends(self) -> list[int]:
        """For each token, the least ``end`` such that a cue lies in ``[token:end)``."""
        offsets, pos = [], 0
        for t in self.tokens:
            offsets.append(pos)
            pos += len(t.text) + 1
        n = len(self.tokens)
        ends = [n + 1] * (n + 1)
        for m in _EXPLOIT_AT.finditer(" ".join(t.text for t in self.tokens)):
            first = bisect.bisect_right(offsets, m.start(1)) - 1
            ends[first] = min(ends[first], bisect.bisect_left(offsets, m.end(1)))
        for i in range(n - 1, -1, -1):
            ends[i] = min(ends[i], ends[i + 1])
        return ends


def read_clauses(
    text: str, start: int, end: int, g: Gazetteer, tokens: list[Token] | None = None
) -> list[Clause]:
    """Analyse the sentence ``text[start:end]`` into clauses (spans index ``text``); ``tokens``
    are the sentence's tokens when the caller has them already."""
    if tokens is None:
        tokens = tokenize(text, start, end)
    out: list[Clause] = []
    for a, b, continues in _parts(tokens):
        if a >= b:
            continue
        toks = tokens[a:b]
        c = _clause(text, toks, g)
        prev = out[-1] if out else None
        if continues and prev is not None and prev.hedged:
            c.hedged, c.forms = True, set()  # "it is possibly a transit … and a transit …"
        if (
            prev
            and not c.victims
            and not (prev.vulnerable and not prev.exploit)
            and (toks[0].lower in _PRONOUNS)
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
        s,
        e,
        body,
        forms=set(),
        exploit=bool(_EXPLOIT.search(masked)),
        vulnerable=masked != body,
        customer=bool(_CUSTOMER.search(body)),
        transit=bool(_TRANSIT.search(body)),
    )
    c.hedged = clause_hedged(toks)
    c.domestic_work = bool(_DOMESTIC_WORK.search(masked))
    if not c.hedged:
        c.forms = clause_forms(masked, domestic_work=c.domestic_work)
    mentions = g.find(toks)
    r = TokenReader(toks, mentions)
    hedged = hedged_items(toks, mentions)
    for m in mentions:
        if m.first in hedged:
            continue  # "and possibly Congolese migrants"
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


def exploit_cue(text: str) -> bool:
    """Whether ``text`` (risk phrases masked) names exploitation ("subjected to", "forced" …)."""
    return bool(_EXPLOIT.search(text))


def _is_adjective(m: Mention, r: TokenReader) -> bool:
    """A region named as an adjective ("West African children") rather than as a place."""
    return m.surface.endswith(("an", "ans")) and r.direction(m.first)[0] == "none"


def _markers(c: Clause, toks: list[Token], r: TokenReader) -> None:
    """Own nationals, foreigners, "abroad" and "domestically" without a named place."""
    for i, t in enumerate(toks):
        w, nxt = t.lower, r.word(i + 1)
        if w in L.ABROAD:
            c.places.append(Place(None, None, "abroad", "abroad"))
        elif w in L.DOMESTIC or (
            w in ("within", "in", "inside", "throughout")
            and nxt == "the"
            and r.word(i + 2) == "country"
        ):
            c.places.append(Place(None, None, "domestically", "domestic"))
        elif (
            w in ("foreign", "foreigners")
            and i not in r.inside
            and (w == "foreigners" or nxt in L.PERSON or nxt in L.MODIFIERS)
        ):
            c.victims.append(Place(None, None, FOREIGN, "none"))
        elif (w == "local" and nxt in _OWN_NOUNS) or (w == "domestic" and nxt == "victims"):
            c.victims.append(Place(None, None, OWN, "none"))


__all__ = ["FOREIGN", "OWN", "Clause", "Place", "exploit_cue", "mask_risks", "read_clauses"]
