"""Solution modifiers: the WHERE clause with GROUP BY, HAVING, ORDER BY, LIMIT and OFFSET."""

from __future__ import annotations

from kg.server.sparql import lexical as L
from kg.server.sparql.patterns import Patterns

_USIZE_MAX = 2**64 - 1


class Modifiers(Patterns):
    """A query's ``WHERE`` group and the solution modifiers after it."""

    def _solution(self, pos: int, where_optional: bool) -> int:
        """``WhereClause`` then the solution modifiers; pops the SELECT's aggregates."""
        if pos < 0:
            return -1
        end = self.kw(pos, "WHERE")
        start = self.ws(end) if end >= 0 else pos
        end = self.group_graph_pattern(start)
        if end < 0:
            if not where_optional:
                return -1
            end = pos
        return self._modifiers(self.ws(end))

    def _modifiers(self, pos: int) -> int:
        """GROUP BY, HAVING, ORDER BY, LIMIT/OFFSET, VALUES; then what pyoxigraph's action
        does (pop the aggregates of the SELECT being closed)."""
        end = self.ws(self._group_by(pos))
        end = self.ws(self._having(end))
        end = self.ws(self._order_by(end))
        end = self.ws(self._limit_offset(end))
        values = self.kw(end, "VALUES")
        if values >= 0 and (block := self.data_block(self.ws(values))) >= 0:
            end = block
        if self.aggregates:
            self.aggregates.pop()
        return end

    def _group_by(self, pos: int) -> int:
        after = self.kw(pos, "GROUP")
        after = self.kw(self.ws(after), "BY") if after >= 0 else -1
        if after < 0:
            return pos
        end, count = self.ws(after), 0
        while (nxt := self._group_condition(end)) >= 0:
            end, count = self.ws(nxt), count + 1
        return end if count else pos

    def _group_condition(self, pos: int) -> int:
        end = self._first(pos, self.builtin_call, self.function_call)
        if end >= 0:
            return end
        if self.s.startswith("(", pos):
            self.enter(pos)
            end = self.expression(self.ws(pos + 1))
            self.leave()
            if end >= 0:
                end = self.ws(end)
                named = self.kw(end, "AS")
                if named >= 0 and (var := self.var(self.ws(named))) >= 0:
                    end = self.ws(var)
                end = self.lit(end, ")")
                if end >= 0:
                    return end
        return self.var(pos)

    def _having(self, pos: int) -> int:
        after = self.kw(pos, "HAVING")
        if after < 0:
            return pos
        end, count = self.ws(after), 0
        while (nxt := self.constraint(end)) >= 0:
            end, count = self.ws(nxt), count + 1
        return end if count else pos

    def _order_by(self, pos: int) -> int:
        after = self.kw(pos, "ORDER")
        after = self.kw(self.ws(after), "BY") if after >= 0 else -1
        if after < 0:
            return pos
        end, count = self.ws(after), 0
        while (nxt := self._order_condition(end)) >= 0:
            end, count = self.ws(nxt), count + 1
        return end if count else pos

    def _order_condition(self, pos: int) -> int:
        for word in ("ASC", "DESC"):
            after = self.kw(pos, word)
            if after >= 0 and (end := self.bracketted(self.ws(after))) >= 0:
                return end
        return self._first(pos, self.constraint, self.var)

    def _limit_offset(self, pos: int) -> int:
        for first, second in (("LIMIT", "OFFSET"), ("OFFSET", "LIMIT")):
            end = self._count_clause(pos, first)
            if end >= 0:
                after = self._count_clause(self.ws(end), second)
                return after if after >= 0 else self.ws(end)
        return pos

    def _count_clause(self, pos: int, word: str) -> int:
        after = self.kw(pos, word)
        if after < 0:
            return -1
        number = L.INTEGER.match(self.s, self.ws(after))
        if number is None or int(number.group()) > _USIZE_MAX:
            return -1
        return number.end()
