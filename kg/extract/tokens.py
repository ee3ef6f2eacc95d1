"""A small span-keeping tokenizer: words and single punctuation marks, with a folded form.

The folded form drops accents and unifies apostrophes and dashes ("Côte d’Ivoire" and
"Cote d'Ivoire" fold alike), so that gazetteer look-ups ignore typography; the spans always
index the original text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_TOKEN = re.compile(r"\w+|[^\w\s]")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "‒": "-", "−": "-"})


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Drop accents and unify apostrophes and dashes; keep case."""
    word = word.translate(_APOSTROPHES).translate(_DASHES)
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True, slots=True)
class Token:
    """One token: folded text, lower-cased folded text, and its span in the original."""

    text: str
    lower: str
    start: int
    end: int

    @property
    def is_word(self) -> bool:
        """True for a word (letters or digits), false for punctuation."""
        return self.text[:1].isalnum() or self.text[:1] == "_"


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Tokenize ``text[start:end]``; spans are offsets into ``text``."""
    stop = len(text) if end is None else end
    out: list[Token] = []
    for m in _TOKEN.finditer(text, start, stop):
        folded = fold(m.group(0))
        out.append(Token(folded, folded.lower(), m.start(), m.end()))
    return out


def split_words(surface: str) -> tuple[str, ...]:
    """The folded token texts of a gazetteer surface form."""
    return tuple(fold(m.group(0)) for m in _TOKEN.finditer(surface))


__all__ = ["Token", "fold", "split_words", "tokenize"]
