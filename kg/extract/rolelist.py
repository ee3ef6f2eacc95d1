"""Role words said of a country: "a source, transit, and destination country for …".

``ROLE`` is the rule as one regular expression: a role word, then a list of words ("and",
"possible", "to a lesser extent", other role words, any word in -ly …) and a head ("country",
"point", "hub", "for", "of"). Its lookahead made the regex engine read the whole list again
for every role word in it (quadratic in a long list) and try every way of cutting a word such
as "lylyly…" into words in -ly (exponential). :func:`role_words` gives exactly the matches of
``ROLE`` in linear time: whether a head can be reached from a position in the text is worked
out once per position, and the words in -ly of one run of word characters are read once.
"""

from __future__ import annotations

import bisect
import re

_ROLE_WORD = r"\b(source|transit|destination)(?:s)?\b"
_TO_A_LESSER_EXTENT = r"to\s+a\s+(?:much\s+)?(?:lesser|greater)\s+(?:extent|degree)"
_ITEM = (
    r",|and|or|\w+ly|possible|presumed|potential|growing|major|significant|primary|main|minor|"
    rf"{_TO_A_LESSER_EXTENT}|a|an|the|source|transit|destination"
)
_HEAD = r"countr(?:y|ies)|points?|hubs?|for\b|of\b"
#: The rule (kept as its reference: tests compare :func:`role_words` with it).
ROLE = re.compile(rf"{_ROLE_WORD}(?=(?:\s*(?:{_ITEM}))*\s*(?:{_HEAD}))", re.I)

_WORDS = re.compile(_ROLE_WORD, re.I)
_SPACE = re.compile(r"\s*")
_HEAD_AT = re.compile(_HEAD, re.I)
#: "a", "an" and "and": the only items one of which starts another.
_A = re.compile(r"a(n(d)?)?", re.I)
#: The other fixed items: none starts another, so at most one matches at a position.
_FIXED = re.compile(
    r",|or|possible|presumed|potential|growing|major|significant|primary|main|minor|"
    rf"{_TO_A_LESSER_EXTENT}|the|source|transit|destination",
    re.I,
)
_RUN = re.compile(r"\w+")
_LY = re.compile(r"ly", re.I)


class _Lists:
    """Which positions of one text lead to a head through list items (``ROLE``'s lookahead).

    A node is a position with no white space at it (white space before an item or the head
    is skipped whole, as none starts with white space), or ``-1 - k`` for "one of the words
    in -ly that end at the k-th "ly" of the text or a later one in the same run of word
    characters" (``\\w+ly`` from a position can end at any "ly" of its run at least three
    characters on). Items always move forward, so the nodes form an acyclic graph, walked
    depth first with an explicit stack; each node is decided once.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.known: dict[int, bool] = {}
        self._runs: tuple[list[int], list[int]] | None = None
        self._ly: list[int] | None = None

    def leads(self, at: int) -> bool:
        """Whether ``(?:\\s*ITEM)*\\s*HEAD`` matches at ``at``."""
        start = self._skip(at)
        todo: list[tuple[int, list[int]]] = []
        node = start
        while True:
            if node not in self.known:
                nexts = self._nexts(node)
                if nexts is None:
                    self.known[node] = True
                else:
                    todo.append((node, nexts))
            while todo:
                parent, nexts = todo[-1]
                while nexts and nexts[-1] in self.known and not self.known[nexts[-1]]:
                    nexts.pop()
                if nexts and nexts[-1] in self.known:  # a successor leads to a head
                    self.known[parent] = True
                    todo.pop()
                elif not nexts:
                    self.known[parent] = False
                    todo.pop()
                else:
                    node = nexts[-1]
                    break
            else:
                return self.known[start]

    def _skip(self, at: int) -> int:
        return _SPACE.match(self.text, at).end()  # type: ignore[union-attr]

    def _nexts(self, node: int) -> list[int] | None:
        """The nodes ``node`` leads to, or None when a head is at it."""
        if node < 0:  # words in -ly ending at the k-th "ly" or a later one of its run
            k = -1 - node
            ly = self._ly_ends()
            out = [self._skip(ly[k])]
            if k + 1 < len(ly) and ly[k + 1] <= self._run_end(ly[k] - 1):
                out.append(-2 - k)
            return out
        text = self.text
        if node >= len(text):
            return []
        if _HEAD_AT.match(text, node):
            return None
        ends = []
        a = _A.match(text, node)
        if a:
            ends += [node + 1] + [node + 2] * bool(a.group(1)) + [node + 3] * bool(a.group(2))
        fixed = _FIXED.match(text, node)
        if fixed:
            ends.append(fixed.end())
        out = [self._skip(e) for e in ends]
        run_end = self._run_end(node)
        if run_end > node:  # \w+ly: a "ly" ending at least three characters on, in this run
            ly = self._ly_ends()
            k = bisect.bisect_left(ly, node + 3)
            if k < len(ly) and ly[k] <= run_end:
                out.append(-1 - k)
        return out

    def _run_end(self, at: int) -> int:
        """The end of the run of word characters that holds ``at`` (``at`` if there is none)."""
        if self._runs is None:
            runs = [m.span() for m in _RUN.finditer(self.text)]
            self._runs = ([a for a, _ in runs], [b for _, b in runs])
        starts, ends = self._runs
        i = bisect.bisect_right(starts, at) - 1
        return ends[i] if i >= 0 and at < ends[i] else at

    def _ly_ends(self) -> list[int]:
        if self._ly is None:
            self._ly = [m.end() for m in _LY.finditer(self.text)]
        return self._ly


def role_words(text: str) -> list[re.Match[str]]:
    """The matches of ``ROLE.finditer(text)``, in time linear in the text.

    A match of ``ROLE`` is a role word (which no other role word overlaps) whose lookahead
    holds; the lookahead is decided by :class:`_Lists`, once per position."""
    lists = _Lists(text)
    return [m for m in _WORDS.finditer(text) if lists.leads(m.end())]


__all__ = ["ROLE", "role_words"]
