"""Expressions: operators, function calls, built-in functions and aggregates."""

from __future__ import annotations

from collections.abc import Callable

from kg.server.sparql import lexical as L
from kg.server.sparql.base import Base
from kg.server.sparql.functions import AGGREGATES, BUILTINS


class Expressions(Base):
    """``Expression`` and everything below it."""

    def group_graph_pattern(self, pos: int) -> int:
        """``GroupGraphPattern`` (defined with the graph patterns)."""
        raise NotImplementedError

    def _chain(self, pos: int, rule: Callable[[int], int], operators: tuple[str, ...]) -> int:
        """``(rule _) **<1,> (operator _)``: operands joined by any of ``operators``."""
        end = rule(pos)
        if end < 0:
            return -1
        end, count = self.ws(end), 0
        while True:
            op = next((o for o in operators if self.s.startswith(o, end)), None)
            if op is None:
                break
            self.grow(end, 1)
            count += 1
            nxt = rule(self.ws(end + len(op)))
            if nxt < 0:
                break
            end = self.ws(nxt)
        self.tree -= count
        return end

    def expression(self, pos: int) -> int:
        """``Expression`` = ``ConditionalOrExpression`` (ends after trailing spaces)."""
        return self._chain(pos, self.conditional_and, ("||",))

    def conditional_and(self, pos: int) -> int:
        """``ConditionalAndExpression``."""
        return self._chain(pos, self.relational, ("&&",))

    def relational(self, pos: int) -> int:
        """``RelationalExpression``: a comparison, ``IN`` or ``NOT IN``, or just a number."""
        end = self.additive(pos)
        if end < 0:
            return -1
        end = self.ws(end)
        op = next((o for o in ("=", "!=", ">=", ">", "<=", "<") if self.s.startswith(o, end)), "")
        if op:
            right = self.additive(self.ws(end + len(op)))
            if right >= 0:
                return right
        after_in = self.kw(end, "IN")
        if after_in >= 0:
            listed = self.expression_list(self.ws(after_in))
            if listed >= 0:
                return listed
        after_not = self.kw(end, "NOT")
        if after_not >= 0:
            after_in = self.kw(self.ws(after_not), "IN")
            if after_in >= 0:
                listed = self.expression_list(self.ws(after_in))
                if listed >= 0:
                    return listed
        return end

    def additive(self, pos: int) -> int:
        """``AdditiveExpression`` (as pyoxigraph writes it: operands joined by + and -)."""
        return self._chain(pos, self.multiplicative, ("+", "-"))

    def multiplicative(self, pos: int) -> int:
        """``MultiplicativeExpression``."""
        return self._chain(pos, self.unary, ("*", "/"))

    def unary(self, pos: int) -> int:
        """``UnaryExpression``: ``! Unary`` / an optional sign, then ``PrimaryExpression``."""
        if self.s.startswith("!", pos):
            self.enter(pos)
            end = self.unary(self.ws(pos + 1))
            self.leave()
            if end >= 0:
                return end
        start = pos + 1 if self.s.startswith(("!", "+", "-"), pos) else pos
        return self.primary(self.ws(start))

    def primary(self, pos: int) -> int:
        """``PrimaryExpression``."""
        for rule in (
            self.bracketted,
            self.expr_triple_term,
            self.iri_or_function,
            self.var,
            self.rdf_literal,
            self.numeric_literal,
            self.boolean_literal,
            self.builtin_call,
        ):
            end = rule(pos)
            if end >= 0:
                return end
        return -1

    def bracketted(self, pos: int) -> int:
        """``BrackettedExpression``: ``( Expression )``."""
        if not self.s.startswith("(", pos):
            return self.fail(pos, "'('")
        self.enter(pos)
        end = self.expression(self.ws(pos + 1))
        self.leave()
        return self.lit(self.ws(end), ")") if end >= 0 else -1

    def expr_triple_term(self, pos: int) -> int:
        """``ExprTripleTerm``: ``<<( subject verb object )>>`` of expressions."""
        if not self.s.startswith("<<(", pos):
            return self.fail(pos, "'<<('")
        self.enter(pos)
        end = self._expr_triple_term_object(self.ws(pos + 3))
        if end >= 0:
            end = self.verb(self.ws(end))
        if end >= 0:
            end = self._expr_triple_term_object(self.ws(end))
        self.leave()
        return self.lit(self.ws(end), ")>>") if end >= 0 else -1

    def _expr_triple_term_object(self, pos: int) -> int:
        for rule in (
            self.expr_triple_term,
            self.iri,
            self.rdf_literal,
            self.numeric_literal,
            self.boolean_literal,
            self.var,
        ):
            end = rule(pos)
            if end >= 0:
                return end
        return -1

    def iri_or_function(self, pos: int) -> int:
        """``iriOrFunction``: an IRI, with an argument list when it is a function call."""
        end = self.iri(pos)
        if end < 0:
            return -1
        end = self.ws(end)
        args = self.arg_list(end)
        return args if args >= 0 else end

    def function_call(self, pos: int) -> int:
        """``FunctionCall``: ``iri ArgList``."""
        end = self.iri(pos)
        return self.arg_list(self.ws(end)) if end >= 0 else -1

    def arg_list(self, pos: int) -> int:
        """``ArgList``: ``( Expression, … )`` / ``NIL``."""
        return self.expression_list(pos)

    def expression_list(self, pos: int) -> int:
        """``ExpressionList``: ``( Expression, … )`` / ``NIL``."""
        if self.s.startswith("(", pos):
            self.enter(pos)
            end = self._expressions(self.ws(pos + 1), 0)
            self.leave()
            if end >= 0:
                end = self.lit(end, ")")
                if end >= 0:
                    return end
        return self.nil(pos)

    def _expressions(self, pos: int, count: int) -> int:
        """``n`` or more comma-separated expressions (``count`` 0: at least one, any number)."""
        end = self.expression(pos)
        if end < 0:
            return -1
        seen = 1
        while count == 0 or seen < count:
            if not self.s.startswith(",", end):
                break
            nxt = self.expression(self.ws(end + 1))
            if nxt < 0:
                break
            end, seen = nxt, seen + 1
        return end if count == 0 or seen == count else -1

    def constraint(self, pos: int) -> int:
        """``Constraint``: ``BrackettedExpression`` / ``FunctionCall`` / ``BuiltInCall``."""
        for rule in (self.bracketted, self.function_call, self.builtin_call):
            end = rule(pos)
            if end >= 0:
                return end
        return -1

    def builtin_call(self, pos: int) -> int:
        """``BuiltInCall``: aggregates, the built-in functions, ``EXISTS``, ``NOT EXISTS``.

        Every built-in name is followed by spaces and ``(`` (or ``{``), so the name is the
        whole word at ``pos``; ``NOT`` may be followed by ``EXISTS`` without a space.
        """
        match = L.WORD.match(self.s, pos)
        assert match is not None
        word = match.group().upper()
        if word in AGGREGATES:
            return self.aggregate(pos, word)
        if word == "EXISTS":
            return self.group_graph_pattern(self.ws(match.end()))
        if word.startswith("NOT"):
            after = self.kw(self.ws(pos + 3), "EXISTS")
            return self.group_graph_pattern(self.ws(after)) if after >= 0 else -1
        shapes = BUILTINS.get(word)
        if shapes is None:
            return self.fail(pos, "a function")
        for shape in shapes:
            end = self._builtin_args(match.end(), shape)
            if end >= 0:
                return end
        return -1

    def _builtin_args(self, pos: int, shape: str) -> int:
        if shape == "nil!":
            return self.nil(pos)
        if shape == "list!":
            return self.expression_list(pos)
        pos = self.ws(pos)
        if shape == "nil":
            return self.nil(pos)
        if not self.s.startswith("(", pos):
            return self.fail(pos, "'('")
        self.enter(pos)
        start = self.ws(pos + 1)
        if shape == "var":
            end = self.var(start)
            end = self.ws(end) if end >= 0 else -1
        else:
            end = self._expressions(start, int(shape))
        self.leave()
        return self.lit(end, ")") if end >= 0 else -1

    def aggregate(self, pos: int, word: str) -> int:
        """``Aggregate``; fails outside a SELECT, as in pyoxigraph (no aggregate to add to)."""
        start = self.ws(pos + len(word))
        if not self.s.startswith("(", start):
            return self.fail(start, "'('")
        self.enter(start)
        end = self._aggregate_args(self.ws(start + 1), word)
        self.leave()
        if end < 0 or not self.aggregates:
            return -1
        return end

    def _aggregate_args(self, pos: int, word: str) -> int:
        distinct = self.kw(pos, "DISTINCT")
        starts = ([self.ws(distinct)] if distinct >= 0 else []) + [pos]
        for start in starts:  # with DISTINCT first, then without
            if word == "COUNT" and self.s.startswith("*", start):
                end = self.lit(self.ws(start + 1), ")")
                if end >= 0:
                    return end
            end = self.expression(start)
            if end < 0:
                continue
            if word == "GROUP_CONCAT":
                separated = self._separator(end)
                if separated >= 0:
                    return separated
            end = self.lit(end, ")")
            if end >= 0:
                return end
        return -1

    def _separator(self, pos: int) -> int:
        if not self.s.startswith(";", pos):
            return -1
        end = self.kw(self.ws(pos + 1), "SEPARATOR")
        if end < 0:
            return -1
        end = self.lit(self.ws(end), "=")
        if end < 0:
            return -1
        end = self.string(self.ws(end))
        return self.lit(self.ws(end), ")") if end >= 0 else -1
