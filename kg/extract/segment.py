"""Split a narrative into sentences with character spans.

TIP-style narratives join independent clauses with semicolons ("X is a source country for …;
Xn women are exploited in …; …"), so a semicolon outside brackets ends a sentence as a full
stop does. A full stop ends one unless it closes an abbreviation ("U.S.", "e.g.", "No. 29"), a
blank line always does, and so does the line break after a heading or before a bullet.
``s3`` in a draft's locator is the third sentence in this sense, counted from 1.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from kg.extract.lexicon import words


@dataclass(frozen=True)
class Sentence:
    """One sentence: its 1-based number, character span ``[start, end)`` and text."""

    index: int
    start: int
    end: int
    text: str
    paragraph: int

    @property
    def locator(self) -> str:
        """The short locator of the sentence, e.g. ``s3``."""
        return f"s{self.index}"

    @property
    def span_locator(self) -> str:
        """The locator with its character span, e.g. ``s3 [120:184]``."""
        return f"s{self.index} [{self.start}:{self.end}]"


#: Words that end with a full stop without ending the sentence.
ABBREVIATIONS = words(
    "mr mrs ms dr st no nos vs e.g i.e approx est inc ltd co corp jan feb mar apr jun jul aug "
    "sep sept oct nov dec gen col lt sgt gov rep sen fig art para ch vol pp p cf al"
)
#: Capitalised words that start a new sentence even after an initialism such as "U.S.".
SENTENCE_STARTERS = words(
    "The A An In It Its This These Those Some Many Most However Authorities Officials "
    "Government Traffickers Victims There They He She We Each During Since Although While "
    "After Before Despite"
)
_INITIALISM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]$")
_LETTERS = re.compile(r"[A-Za-z]+")
_PARA = re.compile(r"\n[ \t\r\f\v]*\n")
_BULLET = re.compile(r"[ \t]*(?:[-•*–]|\d{1,2}[.)])\s")
_CLOSERS = "\"'”’)]»"
_OPENERS = "\"'“‘([«"


def _bracket_depths(text: str) -> list[int]:
    """Depth of round/square brackets at each character, counting only brackets that close."""
    depth = [0] * (len(text) + 1)
    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if ch in "([":
            stack.append(i)
        elif ch in ")]" and stack:
            pairs.append((stack.pop(), i))
        elif ch == "\n" and text[i + 1 : i + 2] == "\n":
            stack.clear()  # a paragraph break closes nothing: forget unclosed brackets
    delta = [0] * (len(text) + 2)
    for open_at, close_at in pairs:
        delta[open_at + 1] += 1
        delta[close_at] -= 1
    level = 0
    for i in range(len(text) + 1):
        level += delta[i]
        depth[i] = level
    return depth


def _word_before(text: str, i: int) -> str:
    """The word characters and full stops just before ``i`` ("U.S" before the stop of "U.S.").

    Read backwards from ``i`` (a regex searched up to ``i`` would scan from the start of the
    text at every stop): a stop that can end a sentence is followed by white space, so the words
    read for two such stops never overlap and segmenting stays linear in the text's length.
    """
    j = i
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] in "._"):
        j -= 1
    return text[j:i]


def _ends_sentence(text: str, i: int) -> int | None:
    """If the stop at ``i`` ends a sentence, return where the separator ends, else None."""
    j = i + 1
    while j < len(text) and text[j] in _CLOSERS:
        j += 1
    if j < len(text) and not text[j].isspace():
        return None  # "3.5", "U.S.A", "e.g.," …
    k = j
    while k < len(text) and text[k].isspace():
        k += 1
    if k >= len(text):
        return j
    nxt = text[k]
    if text[i] in "!?":
        return j
    if not (nxt.isupper() or nxt.isdigit() or nxt in _OPENERS):
        return None
    word = _word_before(text, i)
    if word.lower() in ABBREVIATIONS:
        return None
    if _INITIALISM.fullmatch(word) or (len(word) == 1 and word.isupper()):
        following = _LETTERS.match(text, k)
        if not (following and following.group(0) in SENTENCE_STARTERS):
            return None
    return j


def _line_break_ends(text: str, i: int) -> bool:
    """A single line break ends a sentence after a heading or before a bullet."""
    line_start = text.rfind("\n", 0, i) + 1
    line = text[line_start:i].strip()
    if line and (line.endswith(":") or (line.isupper() and len(line) <= 80)):
        return True
    return bool(_BULLET.match(text, i + 1))


def _cuts(text: str) -> list[tuple[int, int]]:
    """Return (end of sentence, start of the next) pairs in order."""
    depth = _bracket_depths(text)
    cuts: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if ch == ";" and depth[i] == 0:
            cuts.append((i, i + 1))
        elif ch in ".!?" and depth[i] == 0:
            after = _ends_sentence(text, i)
            if after is not None:
                cuts.append((after, after))
        elif ch == "\n" and (_PARA.match(text, i) or _line_break_ends(text, i)):
            cuts.append((i, i + 1))
    return cuts


def segment(text: str) -> list[Sentence]:
    """Split ``text`` into sentences; spans index ``text`` and exclude outer whitespace."""
    breaks = [m.start() for m in _PARA.finditer(text)]
    out: list[Sentence] = []
    start = 0
    for end, nxt in [*_cuts(text), (len(text), len(text))]:
        piece = text[start:end]
        lead = len(piece) - len(piece.lstrip())
        body = piece.strip()
        if body:
            s = start + lead
            out.append(Sentence(len(out) + 1, s, s + len(body), body, bisect.bisect(breaks, s) + 1))
        start = max(nxt, end)
    return out


__all__ = ["ABBREVIATIONS", "Sentence", "segment"]
