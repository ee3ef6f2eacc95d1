"""Countries, demonyms and regions, matched longest-first over tokens.

Built when the extractor starts, from the reference data (names, official and alternative
names, ISO alpha-2/alpha-3 codes of ``data/reference/countries.yaml``; region names of
``regions.yaml`` with West/East/Southeast variants made by rule), the demonyms of the
``countryinfo`` package (plurals made by rule), and the small maintained list in
:mod:`kg.extract.names`. A form that names several countries is kept as ambiguous.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from kg.extract.tokens import Token, split_words

Kind = Literal["country", "demonym", "region"]
#: A shared demonym resolves to the most populous country only when it is this many times
#: more populous than the next ("French": France, not Réunion); otherwise it stays ambiguous
#: ("Congolese": both Congos).
DOMINANCE = 50


@dataclass(frozen=True)
class Entry:
    """What a surface form names: countries (ISO3, several if ambiguous) or a region."""

    kind: Kind
    codes: tuple[str, ...] = ()
    region: str | None = None  # M49 region id, None for a region outside M49
    label: str = ""
    plural: bool = False  # a demonym used as a noun ("Bolivians")

    @property
    def ambiguous(self) -> bool:
        """True when the form names more than one country."""
        return len(self.codes) > 1


@dataclass(frozen=True)
class Mention:
    """A gazetteer hit: token range ``[first, last)`` and character span in the text."""

    entry: Entry
    first: int
    last: int
    start: int
    end: int
    surface: str


@dataclass
class Gazetteer:
    """Surface forms (as folded token tuples) → entries, with a first-token index."""

    countries: dict[str, str] = field(default_factory=dict)  # ISO3 → name
    regions: dict[str, str] = field(default_factory=dict)  # region id → name
    demonyms: dict[str, str] = field(default_factory=dict)  # ISO3 → main demonym
    forms: dict[tuple[str, ...], Entry] = field(default_factory=dict)
    _index: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)

    def add(self, surface: str, entry: Entry, *, override: bool = False) -> None:
        """Add a surface form unless a form of higher precedence already holds it."""
        key = split_words(surface)
        if not key:
            return
        old = self.forms.get(key)
        if old is not None and not override:
            if old.kind == entry.kind == "demonym" and set(old.codes) != set(entry.codes):
                entry = Entry(
                    "demonym",
                    tuple(sorted({*old.codes, *entry.codes})),
                    None,
                    old.label,
                    old.plural,
                )
            else:
                return
        self.forms[key] = entry

    def freeze(self) -> Gazetteer:
        """Build the first-token index (longest forms first); call once after adding."""
        self._index = {}
        for key in self.forms:
            self._index.setdefault(key[0], []).append(key)
        for keys in self._index.values():
            keys.sort(key=len, reverse=True)
        return self

    def find(self, tokens: list[Token]) -> list[Mention]:
        """Longest-first, left-to-right, non-overlapping matches over ``tokens``."""
        out: list[Mention] = []
        i = 0
        while i < len(tokens):
            hit = None
            for key in self._index.get(tokens[i].text, ()):
                n = len(key)
                if tuple(t.text for t in tokens[i : i + n]) == key:
                    hit = key
                    break
            if hit is None or not self._is_code_ok(hit, tokens, i):
                i += 1
                continue
            n = len(hit)
            out.append(
                Mention(
                    self.forms[hit], i, i + n, tokens[i].start, tokens[i + n - 1].end, " ".join(hit)
                )
            )
            i += n
        return out

    @staticmethod
    def _is_code_ok(key: tuple[str, ...], tokens: list[Token], i: int) -> bool:
        """An all-caps code inside an all-caps run (a heading) is not a country."""
        if len(key) != 1 or not key[0].isupper() or len(key[0]) > 3:
            return True
        for j in (i - 1, i + 1):
            if 0 <= j < len(tokens) and tokens[j].text.isupper() and len(tokens[j].text) > 3:
                return False
        return True


def plurals(demonym: str) -> tuple[str, ...]:
    """Plural noun forms of a demonym, by English rule ("Bolivian" → "Bolivians")."""
    if demonym.endswith(("ese", "ss", "sh", "ch", "z", "x", "men", "i-Kiribati")):
        return (demonym,)
    if demonym.endswith("man"):
        return (demonym[:-3] + "men",)
    return (demonym + "s",)


__all__ = ["DOMINANCE", "Entry", "Gazetteer", "Kind", "Mention", "plurals"]
