"""Property paths (``Path``: alternatives of sequences of steps, inverses, negated sets), and the
ordered-choice and nesting helpers every rule above the expressions uses."""

from __future__ import annotations

from collections.abc import Callable

from kg.server.sparql import lexical as L
from kg.server.sparql.expressions import Expressions

Rule = Callable[[int], int]


class Paths(Expressions):
    """``Path`` and everything below it."""

    def _first(self, pos: int, *rules: Rule) -> int:
        """The first of ``rules`` that matches at ``pos`` (an ordered choice)."""
        for rule in rules:
            end = rule(pos)
            if end >= 0:
                return end
        return -1

    def _nested(self, pos: int, open_: str, inner: Rule, close: str) -> int:
        """``open_ _ inner _ close`` one level deeper."""
        if not self.s.startswith(open_, pos):
            return self.fail(pos, f"'{open_}'")
        self.enter(pos)
        end = inner(self.ws(pos + len(open_)))
        self.leave()
        return self.lit(self.ws(end), close) if end >= 0 else -1

    def _a(self, pos: int) -> int:
        return pos + 1 if self.s.startswith("a", pos) else self.fail(pos, "'a'")

    def path(self, pos: int) -> int:
        """``Path``: alternatives (``|``) of sequences (``/``) of steps."""
        return self._chain(pos, self._path_sequence, ("|",))

    def _path_sequence(self, pos: int) -> int:
        return self._chain(pos, self._path_elt_or_inverse, ("/",))

    def _path_elt_or_inverse(self, pos: int) -> int:
        if self.s.startswith("^", pos):
            end = self._path_elt(self.ws(pos + 1))
            if end >= 0:
                return end
        return self._path_elt(pos)

    def _path_elt(self, pos: int) -> int:
        end = self._path_primary(pos)
        if end < 0:
            return -1
        end = self.ws(end)
        if self.s.startswith(("*", "+"), end):
            return end + 1
        if self.s.startswith("?", end) and not L.VARNAME_START.match(self.s, end + 1):
            return end + 1
        return end

    def _path_primary(self, pos: int) -> int:
        end = self._first(pos, self.iri, self._a)
        if end >= 0:
            return end
        if self.s.startswith("!", pos):
            end = self._negated_set(self.ws(pos + 1))
            if end >= 0:
                return end
        return self._nested(pos, "(", self.path, ")")

    def _negated_set(self, pos: int) -> int:
        if self.s.startswith("(", pos):
            self.enter(pos)
            end = self._one_in_set(self.ws(pos + 1))
            if end >= 0:
                end = self.ws(end)
                while self.s.startswith("|", end):
                    nxt = self._one_in_set(self.ws(end + 1))
                    if nxt < 0:
                        break
                    end = self.ws(nxt)
                end = self.lit(end, ")")
            self.leave()
            if end >= 0:
                return end
        return self._one_in_set(pos)

    def _one_in_set(self, pos: int) -> int:
        if self.s.startswith("^", pos):
            end = self._first(self.ws(pos + 1), self.iri, self._a)
            if end >= 0:
                return end
        return self._first(pos, self.iri, self._a)


__all__ = ["Paths", "Rule"]
