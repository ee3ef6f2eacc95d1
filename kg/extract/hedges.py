"""Hedges: what a clause does not state as happening.

A clause is hedged when its predicate is: a modal ("may be subjected", "might", "could"),
"likely to", "allegedly" / "allegations", or a hedge word before the whole role list ("a
presumed source, transit, and destination country", "is possibly a transit and destination
country"). A hedge word before one item hedges that item only ("and possibly Congolese
migrants", "a source, destination, and possible transit country"). "Reportedly", "reports
indicate" and frequency words ("sometimes", "at times") are not hedges: the TIP texts use them
for reported facts.
"""

from __future__ import annotations

from kg.extract.gazetteer import Mention
from kg.extract.lexicon import words
from kg.extract.tokens import Token

MODALS = words("may might could")
ITEM_HEDGES = words("possibly possible presumed presumably potentially")
ROLE_WORDS = words("source transit destination origin sources destinations")
_SKIP = words(", and or a an")


def clause_hedged(tokens: list[Token]) -> bool:
    """Whether the clause's statement as a whole is hedged."""
    for i, t in enumerate(tokens):
        w = t.lower
        if w in MODALS or w.startswith("alleg"):
            return True
        if w == "likely" and i + 1 < len(tokens) and tokens[i + 1].lower in ("to", "be"):
            return True
        if w in ITEM_HEDGES and _leads_role_list(tokens, i):
            return True
    return False


def _leads_role_list(tokens: list[Token], i: int) -> bool:
    """A hedge word before the first role word of a list ("a presumed source, transit …")."""
    j = i + 1
    while j < len(tokens) and tokens[j].lower in ("a", "an"):
        j += 1
    if j >= len(tokens) or tokens[j].lower not in ROLE_WORDS:
        return False
    before = tokens[i - 1].lower if i > 0 else ""
    return before not in (",", "and", "or")


def hedged_items(tokens: list[Token], mentions: list[Mention]) -> set[int]:
    """First token indexes of the mentions that a hedge word qualifies."""
    starts = {m.first for m in mentions}
    out: set[int] = set()
    for i, t in enumerate(tokens):
        if t.lower not in ITEM_HEDGES:
            continue
        j = i + 1
        while j < len(tokens) and tokens[j].lower in _SKIP:
            j += 1
        if j in starts:
            out.add(j)
    return out


def hedged_role(tokens_lower: list[str], index: int) -> bool:
    """Whether the role word at ``index`` follows a hedge word ("possible transit")."""
    return index > 0 and tokens_lower[index - 1] in ITEM_HEDGES


__all__ = ["ITEM_HEDGES", "MODALS", "clause_hedged", "hedged_items", "hedged_role"]
