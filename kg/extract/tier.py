"""The tier placement and report year a text states, and the details of the placement.

Only a placement counts: a paragraph that opens with "Tier 2 Watch List —" (the Factbook and
TIP summary form), the heading of a TIP Report country narrative ("KENYA: Tier 2", "KENYA
(Tier 2 Watch List)": a line of its own), or "X is placed on / remained on / was downgraded
to Tier N". A tier named
in any other way ("an otherwise required downgrade to Tier 3") is not a placement. The report
year is a trailing "(2015)" year tag, a "2024 Trafficking in Persons Report" or its link slug,
or "in the 2023 report" in the sentence of the placement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.segment import Sentence

_TIER_NAME = (
    r"tier\s*(?:1|2|3|one|two|three|i{1,3})(?:\s*(?:special\s+)?watch\s*list)?|"
    r"special\s+cases?"
)
_OPENING = re.compile(rf"^\s*({_TIER_NAME})\s*(?:[-–—:]|\(|$)", re.I)
_PLACED = re.compile(
    rf"\b(placed|ranked|remain(?:ed|s)?|downgraded|upgraded|moved|kept|is|was)\s+"
    rf"(?:on|to|at|in)\s+(?:the\s+)?({_TIER_NAME})",
    re.I,
)
#: The heading of a TIP Report country narrative: "KENYA: Tier 2", "KENYA (Tier 2 Watch List)".
_HEADING = re.compile(
    rf"^\s*[A-Z][\w .,'’&-]{{1,60}}?(?::\s*({_TIER_NAME})|\s*\(\s*({_TIER_NAME})\s*\))\s*$",
    re.I,
)
_NOT_PLACEMENT = re.compile(r"otherwise|would\s+(?:be|have)|required\s+downgrade|automatic", re.I)
_YEAR_TAG = re.compile(r"\((20\d\d|19\d\d)\)\Z")
_REPORT = re.compile(
    r"\b(20\d\d)[\s-]+(?:trafficking[\s-]+in[\s-]+persons|tip)[\s-]+report\b", re.I
)
#: "in the 2023 report", "the 2020 annual report": a report year only in the placement's sentence.
_PLACED_IN_REPORT = re.compile(
    r"\b(?:in|by|under)\s+(?:the|its|this|that)\s+(20\d\d|19\d\d)\s+(?:annual\s+)?report\b", re.I
)
_CONSECUTIVE = re.compile(
    r"\b(second|third|fourth|fifth|sixth|seventh|eighth|2nd|3rd|4th|5th)\s+consecutive\s+year",
    re.I,
)
_ORDINALS = {
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
    "5th": 5,
}


@dataclass(frozen=True)
class TierFinding:
    """A stated tier placement with its sentence and details."""

    tier: str  # vocabulary short name: tier-1, tier-2, tier-2wl, tier-3, tier-special-case
    sentence: int
    change: str | None = None
    waiver: bool | None = None
    watch_list_years: int | None = None


def tier_name(text: str) -> str | None:
    """The vocabulary name of a tier as written ("Tier 2 Watch List" → ``tier-2wl``)."""
    t = re.sub(r"\s+", " ", text.lower())
    if "special" in t and "case" in t:
        return "tier-special-case"
    number = {"one": "1", "two": "2", "three": "3", "i": "1", "ii": "2", "iii": "3"}
    m = re.search(r"tier\s*(\d|one|two|three|iii|ii|i)\b", t)
    if not m:
        return None
    n = number.get(m.group(1), m.group(1))
    if "watch" in t:
        return "tier-2wl" if n == "2" else None
    return f"tier-{n}" if n in "123" else None


def find_tier(sentences: list[Sentence]) -> TierFinding | None:
    """The first stated placement, with change, waiver and Watch List years if stated."""
    found: TierFinding | None = None
    paragraph = 0
    for s in sentences:
        opening = _OPENING.match(s.text) if s.paragraph != paragraph else None
        paragraph = s.paragraph
        name = tier_name(opening.group(1)) if opening else None
        change = None
        heading = _HEADING.match(s.text) if name is None else None
        if heading:
            name = tier_name(heading.group(1) or heading.group(2))
        if name is None:
            m = _PLACED.search(s.text)
            if m and not _NOT_PLACEMENT.search(s.text):
                name = tier_name(m.group(2))
                verb = m.group(1).lower()
                change = (
                    "downgraded"
                    if verb == "downgraded"
                    else "upgraded"
                    if verb == "upgraded"
                    else "remained"
                    if verb.startswith("remain")
                    else None
                )
        if name and found is None:
            found = TierFinding(name, s.index, change)
    if found is None:
        return None
    block = [s for s in sentences if s.index >= found.sentence]
    waiver = any(re.search(r"granted\s+a\s+waiver", s.text, re.I) for s in block) or None
    years = None
    for s in block:
        m = _CONSECUTIVE.search(s.text)
        if m and found.tier == "tier-2wl" and re.search(r"watch\s*list", s.text, re.I):
            years = _ORDINALS[m.group(1).lower()]
            break
    return TierFinding(found.tier, found.sentence, found.change, waiver, years)


def _year_tag(text: str) -> re.Match[str] | None:
    r"""A "(2015)" tag that ends ``text`` but for white space and one full stop.

    (What ``\((20\d\d|19\d\d)\)\s*\.?\s*$`` finds, without its backtracking between the two
    runs of white space: that was quadratic in a long run of white space after a year.)"""
    end = text.rstrip()
    if end.endswith("."):
        end = end[:-1].rstrip()
    return _YEAR_TAG.search(end, max(0, len(end) - len("(2015)")))


def find_year(
    text: str,
    sentences: list[Sentence],
    tier_paragraph: int | None = None,
    tier_sentence: int | None = None,
) -> tuple[int, int] | None:
    """The report year the text states and the sentence saying it, or None.

    A "2024 Trafficking in Persons Report" anywhere; "in the 2023 report" only in the sentence
    that places the country on its tier; a trailing "(2015)" tag only at the end of the
    paragraph that states the tier (elsewhere such a year dates an estimate, not a report).
    """
    for s in sentences:
        m = _REPORT.search(s.text)
        if m:
            return int(m.group(1)), s.index
    for s in sentences:
        m = _PLACED_IN_REPORT.search(s.text) if s.index == tier_sentence else None
        if m:
            return int(m.group(1)), s.index
    last: dict[int, Sentence] = {}
    for s in sentences:
        last[s.paragraph] = s
    if tier_paragraph is not None and tier_paragraph in last:
        m = _year_tag(last[tier_paragraph].text)
        if m:
            return int(m.group(1)), last[tier_paragraph].index
    return None


__all__ = ["TierFinding", "find_tier", "find_year", "tier_name"]
