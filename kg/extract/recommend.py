"""Recommendations a narrative states, and the text they cover.

Two forms are recognised:

- A **recommendations section**: a line that starts with "PRIORITIZED RECOMMENDATIONS" (colon
  optional), "Recommendations for <country>:" or "RECOMMENDATIONS" followed by a colon or the
  end of the line. Its items follow on the heading's line and on the next lines, separated by
  bullets (•, ◦, ▪, ●, a lone "*", and "-", "1." at the start of a line), semicolons, full
  stops and line breaks; a line continues the item before it when it starts in lower case, or
  when the line before did not end with a stop and it starts with neither a bullet nor an
  imperative (text wrapped inside an item). After the first line, the section goes on over
  lines that start with a bullet or an imperative ("Increase …", "Vigorously investigate …")
  and over lines that continue an item; it ends at a heading ("PROSECUTION", a short line
  ending in a colon), or at any other line. Items are numbered in order (``ordinal``: the
  source's priority order). An item without words (a bare bullet) is skipped; a heading with
  no item is noted. In text whose line breaks were lost, the heading may follow a sentence on
  the same line ("… to do so. PRIORITIZED RECOMMENDATIONS: …", in capitals or with a colon),
  and a pillar heading in capitals ("PROSECUTION") ends the section where it stands.
- A **recommendation sentence** elsewhere: "should" (not "should have"), "is / are urged
  (encouraged, called upon) to", "urges … to", "recommend(s/ed) that", "it is recommended".
  It runs from the start of its clause (the sentence start, or after ", but", ", however",
  ", while", ", although", a semicolon or a colon) to the end of the sentence, and on over the
  next sentences that a semicolon joins to it when they start in lower case or with an
  imperative.

Recommendations are not facts about the situation: the extractor blanks out every span this
module returns before it reads roles, forms, flows, the tier or effort findings, so "Increase
efforts to identify forced labour victims among <nationality> migrant workers" names no origin
and no form of the country. At most ``MAX_ITEMS`` recommendations are drafted per text (the rest
are still blanked out, and a note says how many were left out).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from kg.extract.actions import Reading, TreatyName, paraphrase, read_item
from kg.extract.forms import PARENT, with_parents
from kg.extract.recsections import HEADING, IMPERATIVES, imperative, section_end, section_items
from kg.extract.segment import Sentence

MAX_ITEMS = 100
_MODAL = re.compile(
    r"\bshould\b(?!\s+(?:not\s+)?have\b)|"
    r"\b(?:is|are)\s+(?:strongly\s+)?(?:urged|encouraged|called\s+upon)\s+to\b|"
    r"\burges?\s+(?:[\w-]+\s+){0,3}?to\b|\brecommend(?:s|ed)?\s+that\b|\bit\s+is\s+recommended\b",
    re.I,
)
#: (Starting where white space starts, so that a long run of it is read once, not once per
#: character: the matches are the same.)
_CLAUSE_START = re.compile(
    r",?(?<!\s)\s+(?:but|however|while|although|though|whereas)\b,?\s*|[;:]\s*", re.I
)


@dataclass(frozen=True)
class RecommendationFinding:
    """One recommendation: its character span, sentence, priority and what it asks for."""

    start: int
    end: int
    sentence: int
    ordinal: int | None
    reading: Reading
    forms: tuple[str, ...]  # most specific with coarse parents, or trafficking-in-persons
    text: str  # the fixed paraphrase (never the source's words)

    @property
    def locator(self) -> str:
        """``sN [start:end]``: the sentence the item starts in and the item's span."""
        return f"s{self.sentence} [{self.start}:{self.end}]"


@dataclass
class Recommendations:
    """The recommendations of a text and every span of text they cover."""

    found: list[RecommendationFinding] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _sentence_at(starts: list[int], pos: int) -> int:
    return max(1, bisect.bisect_right(starts, pos))


def find_recommendations(
    text: str, sentences: list[Sentence], treaties: list[TreatyName]
) -> Recommendations:
    """The recommendations of ``text`` (sections and sentences) and the spans they cover."""
    out = Recommendations()
    starts = [s.start for s in sentences]
    items: list[tuple[int, int, int | None]] = []
    for m in HEADING.finditer(text):
        if out.spans and m.start() < out.spans[-1][1]:
            continue  # a heading inside the previous section's items
        body = m.end()
        end = section_end(text, body)
        found = section_items(text, body, end)
        if not found:
            out.notes.append(
                f"s{_sentence_at(starts, m.start())}: a recommendations heading with no item "
                "after it"
            )
        items += [(a, b, k) for k, (a, b) in enumerate(found, 1)]
        out.spans.append((m.start(), max(end, body)))
    sections = list(out.spans)  # in order, not overlapping
    section_starts = [a for a, _ in sections]
    covered = 0  # end of the last recommendation sentence
    for s in sentences:
        i = bisect.bisect_left(section_starts, s.end) - 1
        if s.start < covered or (i >= 0 and sections[i][1] > s.start):
            continue
        modal = _MODAL.search(text, s.start, s.end)
        if modal is None:
            continue
        cut = [c.end() for c in _CLAUSE_START.finditer(text, s.start, modal.start())]
        a, b = (cut[-1] if cut else s.start), s.end
        for k in range(s.index, len(sentences)):  # the sentences after s (not a copy of them)
            nxt = sentences[k]
            gap = text[b : nxt.start]
            if ";" not in gap or "\n\n" in gap:
                break
            if not (nxt.text[:1].islower() or imperative(nxt.text)):
                break
            b = nxt.end
        covered = b
        out.spans.append((a, b))
        items.append((a, b, None))
    items.sort()
    labels = {t.id: t.label for t in treaties}
    for a, b, ordinal in items[:MAX_ITEMS]:
        sentence = _sentence_at(starts, a)
        reading = read_item(text[a:b], treaties)
        forms = set(reading.forms)
        full = sorted(forms | {p for p in with_parents(forms) if p not in PARENT})
        if not full and not reading.treaties:
            full = ["trafficking-in-persons"]
        if reading.pillar_guessed:
            out.notes.append(
                f"s{sentence}: a recommendation names no pillar; drafted as prevention"
            )
        out.found.append(
            RecommendationFinding(
                a, b, sentence, ordinal, reading, tuple(full), paraphrase(reading, full, labels)
            )
        )
    if len(items) > MAX_ITEMS:
        out.notes.append(
            f"{len(items) - MAX_ITEMS} recommendations after the first {MAX_ITEMS} were left "
            "out of the draft (their text is still not read as facts)"
        )
    out.spans.sort()
    return out


def blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with every span replaced by spaces (line breaks kept): same length, so every
    character position, sentence span and locator stays valid."""
    if not spans:
        return text
    out, pos = [], 0
    for a, b in sorted(spans):
        a = max(a, pos)
        if b <= a:
            continue
        out.append(text[pos:a])
        out.append(re.sub(r"[^\n]", " ", text[a:b]))
        pos = b
    out.append(text[pos:])
    return "".join(out)


__all__ = [
    "IMPERATIVES",
    "MAX_ITEMS",
    "RecommendationFinding",
    "Recommendations",
    "blank_spans",
    "find_recommendations",
]
