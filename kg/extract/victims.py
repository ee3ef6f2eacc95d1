"""Who is exploited: the victim groups (men, women, boys, girls, children, adults) a clause
states are exploited or trafficked.

A group word counts only in a clause about exploitation (an exploitation cue other than the
word "traffickers") that is not hedged ("may be", "allegedly", a presumed role list), and only
outside the phrases that call people vulnerable, at risk or susceptible (masked as for
countries, kg.extract.phrases.mask_risks). A hedge word just before the group ("possibly
women") or "target(ed)" before it leaves that group out. Offenders and customers are not
victims: a group word followed by an offender noun ("women recruiters"), after "by" ("recruited
by men"), or men in a clause about customers or sex tourists. Groups are kept as written:
"minors" is children, "teenage girls" girls, "young women" women, "female migrants" women; a
form named for children ("child sex trafficking", "forced child labour", "child soldiers")
states that children are exploited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract import lexicon as L
from kg.extract.clauses import Clause, exploit_cue
from kg.extract.hedges import ITEM_HEDGES
from kg.extract.lexicon import words
from kg.extract.phrases import mask_risks
from kg.extract.tokens import Token, tokenize

#: The terms of tkv:victim-groups, in the order drafts list them.
GROUPS = ("men", "women", "boys", "girls", "children", "adults")

#: Word (lower case, folded) -> group. "child" only as a modifier of an exploitation noun.
_NOUNS: dict[str, str] = {
    "men": "men",
    "man": "men",
    "women": "women",
    "woman": "women",
    "boys": "boys",
    "boy": "boys",
    "girls": "girls",
    "girl": "girls",
    "children": "children",
    "minors": "children",
    "minor": "children",
    "juveniles": "children",
    "adults": "adults",
    "adult": "adults",
}
#: "female/male" name a group only before a person noun ("female migrants").
_SEXED = {"female": "women", "females": "women", "male": "men", "males": "men"}
_SEXED_HEADS = words(
    """migrants migrant workers worker domestic laborers labourers employees victims nationals
    citizens refugees students teenagers"""
)
#: Nouns after "child" that name a form of exploitation of children.
_CHILD_FORMS = words(
    """sex prostitution labor labour soldiers soldiering soldier beggars begging trafficking
    pornography domestic domestics servitude brides bride marriage marriages workers laborers
    labourers combatants recruits victims camel jockeys"""
)
#: "adult" as an adjective of things, not people ("adult entertainment").
_ADULT_THINGS = words("entertainment industry industries establishments clubs venues content")
_OFFENDER_AFTER = L.OFFENDER | words("recruit exploit")
#: Matched where the group word ends (not on a copy of the rest of the clause).
_OFFENDER_VERB = re.compile(
    r"\s*(?:who\s+)?(?:recruit|traffic|exploit|force|sell|operate|run|own|buy|purchase|"
    r"pimp|lure)s?\b",
    re.I,
)
_TARGET = words("target targets targeted targeting")
#: Exploitation cues, without "traffickers" (people who traffic, not people trafficked).
#: Abuse or violence that the text does not call exploitation is not a cue either ("subjected to
#: sexual abuse": abuse, not trafficking).
_NOT_CUES = re.compile(
    r"\btraffickers?\b|\banti-trafficking\b|\bcounter-trafficking\b|\bsubject(?:ed)?\s+to\s+"
    r"(?:\w+\s+){0,2}(?:abuse|violence|harassment|discrimination|mistreatment)\b",
    re.I,
)
#: Cues for children used by armed groups that the shared cues do not hold.
_MORE_CUES = re.compile(r"\bconscript\w*", re.I)
#: "the scope of … is unknown": what the clause names is not stated as happening.
#: (Read line by line by ``_unknown_scope``: as one regex, ".*" made it quadratic.)
_SCOPE = re.compile(r"\b(?:scope|extent)\b", re.I)
_UNKNOWN = re.compile(r"\b(?:unknown|unclear)\b", re.I)
_HEDGE_WINDOW = 6
#: Where a list item ends going back from a group word: a hedge before it is another item's
#: ("and possibly Burmese, adults and girls"; "possible transit country for men").
_ITEM_END = words(", ; for country countries")


@dataclass(frozen=True)
class GroupMention:
    """A victim group stated in a clause: the term and the span of its word in the text."""

    group: str
    start: int
    end: int


def clause_groups(c: Clause, following: Clause | None = None) -> list[GroupMention]:
    """The victim groups clause ``c`` states are exploited (spans index the whole text).
    ``following`` is the next clause of the sentence: when it is hedged, the groups that end
    ``c`` belong to its subject ("… beg, and adults and | children may be coerced …")."""
    if c.hedged:
        return []
    masked = mask_risks(c.text)
    if not _exploit(masked) or _unknown_scope(masked):
        return []
    toks = tokenize(masked)
    out: list[GroupMention] = []
    for i, t in enumerate(toks):
        w = t.lower
        nxt = toks[i + 1].lower if i + 1 < len(toks) else ""
        group: str | None = None
        if w in _NOUNS:
            group = _NOUNS[w]
            if w in ("man", "minor", "adult") and (nxt in _ADULT_THINGS or nxt == "-"):
                group = None
            if group == "adults" and nxt in _ADULT_THINGS:
                group = None
        elif w in _SEXED and nxt in _SEXED_HEADS:
            group = _SEXED[w]
        elif w == "child" and nxt in _CHILD_FORMS:
            group = "children"
        if group is None:
            continue
        if nxt == "'":
            continue  # "women's shelters", "children's homes"
        if w != "child" and _offender(toks, i, masked, c):
            continue
        if _hedged_item(toks, i):
            continue  # "possibly women and girls", "traffickers target young women"
        if following is not None and following.hedged and _ends_clause(toks, i):
            continue
        out.append(GroupMention(group, c.start + t.start, c.start + t.end))
    return out


def _hedged_item(toks: list[Token], i: int) -> bool:
    """A hedge word or "target" before the group, in the same list item (no comma between)."""
    for k in range(i - 1, max(-1, i - 1 - _HEDGE_WINDOW), -1):
        w = toks[k].lower
        if w in _ITEM_END:
            return False
        if w in ITEM_HEDGES or w in _TARGET:
            return True
    return False


def _ends_clause(toks: list[Token], i: int) -> bool:
    """Only "and", "or" and commas follow the group word to the end of the clause."""
    rest = range(i + 1, len(toks))
    return all(toks[k].lower in ("and", "or", ",") for k in rest) and i + 1 < len(toks)


def _unknown_scope(text: str) -> bool:
    """Whether "scope" or "extent" is followed by "unknown" or "unclear" on the same line
    ("the extent of forced labour … is unknown"); each line is read once."""
    pos = 0
    while (scope := _SCOPE.search(text, pos)) is not None:
        eol = text.find("\n", scope.end())
        eol = len(text) if eol == -1 else eol
        if _UNKNOWN.search(text, scope.end(), eol):
            return True
        pos = eol
    return False


def _exploit(masked: str) -> bool:
    plain = _NOT_CUES.sub(lambda m: " " * len(m.group(0)), masked)
    return exploit_cue(plain) or bool(_MORE_CUES.search(plain))


def _offender(toks: list[Token], i: int, masked: str, c: Clause) -> bool:
    """Whether the group word at ``i`` names offenders or customers, not victims."""
    w = toks[i].lower
    after = [toks[k].lower for k in range(i + 1, min(len(toks), i + 3))]
    if after and after[0] in _OFFENDER_AFTER:
        return True
    if len(after) > 1 and after[0] in ("and", "or") and after[1] in L.OFFENDER:
        return True
    if any(toks[k].lower == "by" for k in range(max(0, i - 3), i)):
        return True  # "recruited by women"
    if w in ("men", "man", "males", "male", "adults") and c.customer:
        return True  # "men from X travel to Y for child sex tourism"
    return w in ("men", "women", "adults") and bool(_OFFENDER_VERB.match(masked, toks[i].end))


__all__ = ["GROUPS", "GroupMention", "clause_groups"]
