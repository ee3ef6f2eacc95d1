"""Who goes where: (role, place) findings and profile roles from the clauses of a sentence.

For the assessed country X, in a clause about exploitation:

- a foreign place where X's nationals (or victims whose nationality the clause does not give)
  are exploited is a **destination** ("Azerbaijani men … in Qatar");
- the nationality of foreign victims exploited in X (or where the clause names no place) is an
  **origin** ("women from Thailand … in Bahrain", "Chinese men … are subject to forced labour");
- in a transit clause (X as a transit point, "through X", "en route to", "onward travel to") the
  places victims are taken on to are **transit onward** destinations, and nobody is an origin;
- victims of one foreign country exploited in another are neither (reported as a note).

Profile roles come from explicit statements ("X is a source, transit, and destination country",
"a country of origin", "a transit point", "one of the main sources") and from the findings:
a destination makes X a source, an origin or foreign victims in X a destination, a transit
finding a transit country; X's nationals exploited at home make it internal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract import lexicon as L
from kg.extract.clauses import FOREIGN, OWN, Clause, Place
from kg.extract.rolelist import role_words

_ORIGIN = re.compile(
    r"\bcountr(?:y|ies) of origin(?:,?\s*(?:and|or)\s*(transit|destination))?"
    r"(?:,?\s*(?:and|or)\s*(transit|destination))?",
    re.I,
)
_TRANSIT_CLAUSE = re.compile(
    r"\btransit\s+(?:point|hub|route|corridor)s?\b|\bin\s+transit\b|"
    r"^\W*(?:and\s+)?an?\s+transit\s+country\b|"
    # "Kenya is (mainly) a transit country for Ethiopian men …": transit its only role here
    r"\b(?:is|are|was|serves\s+as|remains?)\s+(?:\w+ly\s+|also\s+)?an?\s+transit\s+"
    r"(?:country|point|hub)\s+for\b",
    re.I,
)
#: "Turkey is the primary trafficking destination, followed by Russia": foreign places named
#: as the destinations of the country's nationals.
_DESTINATION_OF_NATIONALS = re.compile(
    r"\b(?:is|are|were|was)\s+(?:\w+\s+){0,3}destinations?\b", re.I
)
_PEOPLE = re.compile(r"\b(?:" + "|".join(sorted(L.PERSON)) + r")\b", re.I)
_ITEM_HEDGE = re.compile(r"\b(?:possibl[ey]|presum(?:ed|ably)|potential(?:ly)?)\s+$", re.I)
_LONGEST_HEDGE = len("potentially")
#: In a transit clause: the exploitation happens at the onward place, not in the country.
_EXPLOITED_THERE = re.compile(
    r"\bsubsequently\b|upon\s+arrival|after\s+(?:arriving|reaching)|\bwhere\s+they\b|\bthere\b",
    re.I,
)
_TRAFFICKING = re.compile(r"\btraffic\w*|\bexploit\w*|\bvictims?\b", re.I)
ROLE_NAMES = {"source": "source", "transit": "transit", "destination": "destination"}


@dataclass(frozen=True)
class Finding:
    """One fact about direction, with the sentence and clause it comes from."""

    kind: str  # destination | origin | transit | role
    code: str | None  # ISO3 of the place, or None for a region
    region: str | None
    label: str
    sentence: int
    start: int
    end: int
    forms: tuple[str, ...] = ()  # forms the clause names
    origins: tuple[str, ...] = ()  # for transit: where the people come from, when stated


def _resolve(p: Place, own: str, context: set[str]) -> Place | None:
    """Resolve an ambiguous place from context; None when it stays ambiguous."""
    if not p.ambiguous:
        return p
    if own in p.ambiguous:
        return Place(own, None, p.label, p.how)
    named = [c for c in p.ambiguous if c in context]
    if len(named) == 1:
        return Place(named[0], None, p.label, p.how)
    return None


def clause_findings(
    c: Clause, own: str, sentence: int, context: set[str]
) -> tuple[list[Finding], list[str]]:
    """The findings of one clause and reviewer notes for what was left out."""
    out: list[Finding] = []
    notes: list[str] = []

    victims = [_resolve(v, own, context) or v for v in c.victims]
    foreign_victims = [v for v in victims if v.code != own and v.label != OWN]

    def add(kind: str, p: Place) -> None:
        q = _resolve(p, own, context)
        if q is None:
            notes.append(
                f"s{sentence}: '{p.label}' may mean {' or '.join(p.ambiguous)}; "
                f"left out as a possible {kind}"
            )
            return
        if q.code == own:
            return
        origins = (
            tuple(sorted({v.code for v in foreign_victims if v.code})) if kind == "transit" else ()
        )
        out.append(
            Finding(
                kind,
                q.code,
                q.region,
                q.label,
                sentence,
                c.start,
                c.end,
                forms=tuple(sorted(c.forms)),
                origins=origins,
            )
        )

    if c.hedged:
        return out, notes
    for role in _explicit_roles(c, own):
        out.append(Finding("role", role, None, role, sentence, c.start, c.end))
    if (
        not c.exploit
        or (c.customer and not c.victims)
        or not (c.forms or _TRAFFICKING.search(c.text))
    ):
        return out, notes
    own_victims = any(v.code == own or v.label == OWN for v in victims)
    unspecified = not victims
    here = [p for p in c.places if p.how in ("in", "domestic", "none") and _is_own(p, own)]
    away = [p for p in c.places if p.how in ("in",) and not _is_own(p, own) and p.label]
    onward = [p for p in c.places if p.how == "onward"]
    through_own = any(p.how == "through" and _is_own(p, own) for p in c.places)
    transit = onward or through_own or _TRANSIT_CLAUSE.search(c.text)
    through_other = any(p.how == "through" and not _is_own(p, own) for p in c.places)
    # "Nepali migrants transit India en route to the Gulf": the country's own nationals pass
    # through another country, so it is their source and the onward places are where they are
    # exploited; the transit country is the other one.
    passing_elsewhere = through_other and not through_own and not _TRANSIT_CLAUSE.search(c.text)
    if transit and own_victims and passing_elsewhere:
        transit, away = None, away + [p for p in onward if p.label != "abroad"]
    abroad = any(p.how == "abroad" for p in c.places)
    named_destinations = _DESTINATION_OF_NATIONALS.search(c.text) and not _explicit_roles(c, own)
    if named_destinations:
        away = away + [p for p in c.places if p.how == "none" and not _is_own(p, own)]
    elif not (c.victims or _PEOPLE.search(c.text)):
        return out, notes  # "criminal networks extending to Europe": nobody is moved
    if transit:
        out.append(Finding("role", "transit", None, "transit", sentence, c.start, c.end))
        for p in onward + (away if not own_victims else []):
            if p.label != "abroad":
                add("transit", p)
        # exploited on the way, in the country; not when the clause puts the exploitation in
        # another named country ("… Ethiopian men subjected to forced labour in South Africa")
        in_country = any(p.how == "in" for p in here)  # "… in Laos while others …"
        exploited_away = bool(away) and not own_victims and not in_country
        if foreign_victims and not _EXPLOITED_THERE.search(c.text) and not exploited_away:
            for v in foreign_victims:
                if v.label != FOREIGN:
                    add("origin", v)
        return out, notes
    if unspecified and c.offenders:
        away = []  # "traffickers from X exploit victims in Y": whose victims is not said
    if away and (own_victims or unspecified):
        for p in away:
            add("destination", p)
    elif away and foreign_victims and not here:
        labels = ", ".join(v.label for v in foreign_victims)
        notes.append(f"s{sentence}: victims from {labels} exploited outside the country")
    if foreign_victims and (here or not away):
        for v in foreign_victims:
            if v.label != FOREIGN:
                add("origin", v)
        out.append(Finding("role", "destination", None, "destination", sentence, c.start, c.end))
    if (own_victims or unspecified) and (away or abroad):
        out.append(Finding("role", "source", None, "source", sentence, c.start, c.end))
    inside = [p for p in here if p.how in ("in", "domestic")]
    if (own_victims or (unspecified and inside)) and (inside or not (away or abroad)):
        out.append(Finding("role", "internal", None, "internal", sentence, c.start, c.end))
    return out, notes


def _is_own(p: Place, own: str) -> bool:
    return p.code == own or p.how == "domestic" or (own in p.ambiguous)


def _hedge_before(text: str, at: int) -> bool:
    """Whether a hedge word and white space end at ``at`` ("a possible | transit country").

    Only the white space before ``at`` and the word before it are read: ``_ITEM_HEDGE``
    searched from the start of the clause made a clause with many role words quadratic.
    """
    k = at
    while k > 0 and text[k - 1].isspace():
        k -= 1
    return k < at and _ITEM_HEDGE.search(text, max(0, k - _LONGEST_HEDGE), at) is not None


def _explicit_roles(c: Clause, own: str) -> list[str]:
    """Roles stated of the assessed country ("X is a source and transit country for …")."""
    if c.customer and not re.search(r"countr(?:y|ies)\b", c.text):
        return []
    roles = {m.group(1).lower() for m in role_words(c.text) if not _hedge_before(c.text, m.start())}
    for m in _ORIGIN.finditer(c.text):
        roles.add("source")
        roles.update(g.lower() for g in m.groups() if g)
    if not roles:
        return []
    foreign_subject = [p for p in c.places if p.how == "none" and p.code and p.code != own]
    own_named = any(p.code == own for p in c.places) or re.search(
        r"\b(?:it|the country)\b", c.text, re.I
    )
    if foreign_subject and not own_named:
        return []
    return sorted(roles)


__all__ = ["Finding", "clause_findings"]
