"""Graph patterns, the query forms, solution modifiers, and :func:`parse_query`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from kg.server.sparql import lexical as L
from kg.server.sparql.base import ParseAbort
from kg.server.sparql.triples import Triples

_USIZE_MAX = 2**64 - 1
_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")


@dataclass(frozen=True)
class ParsedQuery:
    """What the guard needs to know of a query pyoxigraph would accept."""

    form: str  # SELECT, CONSTRUCT, DESCRIBE or ASK
    services: tuple[tuple[int, int], ...]  # (line, column) of each SERVICE pattern
    depth: int  # deepest nesting of brackets and groups
    dataset: bool = False  # the query has FROM or FROM NAMED clauses


class SparqlSyntaxError(ValueError):
    """The text is not a query pyoxigraph 0.5 would parse."""

    def __init__(self, message: str, line: int, col: int) -> None:
        super().__init__(f"error at {line}:{col}: {message}")
        self.line, self.col = line, col


class QueryTooComplexError(ValueError):
    """The query nests deeper than the bounds allow (it is refused unparsed)."""


class Patterns(Triples):
    """Graph patterns and the four query forms."""

    _PATTERN_WORDS: ClassVar[dict[str, tuple[str, str]]] = {
        word[0]: (word, rule)
        for word, rule in (
            ("OPTIONAL", "group_graph_pattern"),
            ("LATERAL", "group_graph_pattern"),
            ("MINUS", "group_graph_pattern"),
            ("GRAPH", "_graph"),
            ("SERVICE", "_service"),
            ("FILTER", "constraint"),
            ("BIND", "_bind"),
            ("VALUES", "data_block"),
        )
    }

    # --- group graph patterns ------------------------------------------------------------

    def group_graph_pattern(self, pos: int) -> int:
        """``GroupGraphPattern``: ``{ GroupGraphPatternSub }`` / ``{ SubSelect }``."""
        if not self.s.startswith("{", pos):
            return self.fail(pos, "'{'")
        self.enter(pos)
        start = self.ws(pos + 1)
        end = -1
        for rule in (self._group_sub, self.sub_select):  # pyoxigraph's two alternatives
            self.clear_bnodes()
            end = rule(start)
            if end >= 0:
                self.clear_bnodes()
                end = self.lit(self.ws(end), "}")
                if end >= 0:
                    break
        self.leave()
        return end

    def _group_sub(self, pos: int) -> int:
        """``GroupGraphPatternSub``: triples, then patterns each followed by triples."""
        end = self.ws(self._optional(pos, self.triples_block))
        count = 0
        while True:
            nxt = self._graph_pattern_not_triples(end)
            if nxt < 0:
                break
            nxt = self.ws(nxt)
            if self.s.startswith(".", nxt):
                nxt = self.ws(nxt + 1)
            end = self.ws(self._optional(nxt, self.triples_block))
            self.grow(end, 1)
            count += 1
        self.tree -= count
        return end

    def triples_block(self, pos: int) -> int:
        """``TriplesBlock``: ``TriplesSameSubjectPath`` separated by ``.``, optional last ``.``."""
        end = self.triples_same_subject(self.ws(pos), path=True)
        if end < 0:
            return -1
        end = self.ws(end)
        while self.s.startswith(".", end):
            nxt = self.triples_same_subject(self.ws(end + 1), path=True)
            if nxt < 0:
                return self.ws(end + 1)  # the trailing "." _
            end = self.ws(nxt)
        return end

    def _graph_pattern_not_triples(self, pos: int) -> int:
        """``GraphPatternNotTriples``, in pyoxigraph's order."""
        if self.s.startswith("{", pos):
            return self._union(pos)
        # The eight keywords start with eight different letters: only one can match here.
        entry = self._PATTERN_WORDS.get(self.s[pos : pos + 1].upper())
        if entry is None:
            return self.fail(pos, "a graph pattern")
        word, rule_name = entry
        after = self.kw(pos, word)
        end = getattr(self, rule_name)(self.ws(after)) if after >= 0 else -1
        if end >= 0 and word == "SERVICE":
            self.services.append(pos)
        return end

    def _union(self, pos: int) -> int:
        end = self.group_graph_pattern(pos)
        if end < 0:
            return -1
        end, count = self.ws(end), 0
        while True:
            after = self.kw(end, "UNION")
            if after < 0:
                break
            self.grow(end, 1)
            count += 1
            nxt = self.group_graph_pattern(self.ws(after))
            if nxt < 0:
                break
            end = self.ws(nxt)
        self.tree -= count
        return end

    def _graph(self, pos: int) -> int:
        end = self.var_or_iri(pos)
        return self.group_graph_pattern(self.ws(end)) if end >= 0 else -1

    def _service(self, pos: int) -> int:
        """``SERVICE SILENT? VarOrIri GroupGraphPattern`` (recorded: the guard refuses it)."""
        silent = self.kw(pos, "SILENT")
        for start in ([self.ws(silent)] if silent >= 0 else []) + [pos]:
            end = self.var_or_iri(start)
            if end >= 0:
                end = self.group_graph_pattern(self.ws(end))
            if end >= 0:
                return end
        return -1

    def _bind(self, pos: int) -> int:
        end = self.lit(pos, "(")
        if end < 0:
            return -1
        self.enter(pos)
        end = self.expression(self.ws(end))
        self.leave()
        if end >= 0:
            end = self.kw(self.ws(end), "AS")
        if end >= 0:
            end = self.var(self.ws(end))
        return self.lit(self.ws(end), ")") if end >= 0 else -1

    def data_block(self, pos: int) -> int:
        """``DataBlock``: ``?x { values }`` / ``( ?x ?y ) { ( values ) … }``."""
        end = self.var(pos)
        if end >= 0:
            end = self.lit(self.ws(end), "{")
            if end >= 0:
                end = self.ws(end)
                while (nxt := self.data_block_value(end)) >= 0:
                    end = self.ws(nxt)
                end = self.lit(end, "}")
                if end >= 0:
                    return end
        return self._data_block_full(pos)

    def _data_block_full(self, pos: int) -> int:
        end = self.lit(pos, "(")
        if end < 0:
            return -1
        end, names = self.ws(end), []
        while (nxt := self.var(end)) >= 0:
            names.append(self.s[end + 1 : nxt])
            end = self.ws(nxt)
        end = self.lit(self.ws(end), ")")
        if end < 0:
            return -1
        end = self.lit(self.ws(end), "{")
        if end < 0:
            return -1
        end = self.ws(end)
        rows_ok = True
        while self.s.startswith("(", end):
            row, count = self.ws(end + 1), 0
            while (nxt := self.data_block_value(row)) >= 0:
                row, count = self.ws(nxt), count + 1
            row = self.lit(self.ws(row), ")")
            if row < 0:
                break
            rows_ok = rows_ok and count == len(names)
            end = self.ws(row)
        end = self.lit(end, "}")
        if end < 0 or not rows_ok or len(set(names)) != len(names):
            return -1  # pyoxigraph: repeated variables or a row of the wrong length
        return end

    # --- query forms -------------------------------------------------------------------

    def query(self) -> str:
        """``QueryUnit``: the prologue, one query form, and nothing after it."""
        pos = self.prologue(self.ws(0))
        pos = self.ws(pos)
        for form, rule in zip(
            _FORMS,
            (self.select_query, self.construct_query, self.describe_query, self.ask),
            strict=True,
        ):
            self.dataset = False
            end = rule(pos)
            if end >= 0:  # an ordered choice: the first form that matches is the only one
                if self.ws(end) == len(self.s):
                    return form
                self.fail(self.ws(end), "the end of the query")
                break
        raise self.syntax_error()

    def syntax_error(self) -> SparqlSyntaxError:
        """The error at the farthest position any rule reached."""
        line, col = L.line_col(self.s, self.farthest)
        found = self.s[self.farthest : self.farthest + 20].split("\n")[0]
        found = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in found)
        shown = f"found '{found}'" if found else "found the end of the query"
        expected = ", ".join(sorted(self.expected)) or "something else"
        return SparqlSyntaxError(f"{shown}, expected {expected}", line, col)

    def prologue(self, pos: int) -> int:
        """``Prologue``: BASE, PREFIX and VERSION declarations (they take effect at once)."""
        while True:
            if (after := self.kw(pos, "BASE")) >= 0:
                end, iri = self.iriref(self.ws(after))
                if end >= 0:
                    self.base_iri, pos = iri, self.ws(end)
                    continue
            if (after := self.kw(pos, "PREFIX")) >= 0:
                end, prefix = self.pname_ns(self.ws(after))
                if end >= 0:
                    end, iri = self.iriref(self.ws(end))
                    if end >= 0 and iri is not None:
                        self.prefixes[prefix], pos = iri, self.ws(end)
                        continue
            if (after := self.kw(pos, "VERSION")) >= 0:
                start = self.ws(after)
                version = L.STRING1.match(self.s, start) or L.STRING2.match(self.s, start)
                if version is not None and L.string_is_valid(version.group()):
                    pos = self.ws(version.end())
                    continue
            return pos

    def select_query(self, pos: int) -> int:
        """``SelectQuery``."""
        end = self.select_clause(pos)
        if end >= 0:
            end = self.ws(self.dataset_clauses(self.ws(end)))
        return self._solution(end, where_optional=False)

    def sub_select(self, pos: int) -> int:
        """``SubSelect`` (no dataset clauses)."""
        end = self.select_clause(pos)
        return self._solution(self.ws(end) if end >= 0 else -1, where_optional=False)

    def select_clause(self, pos: int) -> int:
        """``SelectClause``: ``SELECT DISTINCT|REDUCED? (* | (Var | (Expression AS Var))+)``."""
        end = self.kw(pos, "SELECT")
        if end < 0:
            return -1
        self.aggregates.append(0)
        end = self.ws(end)
        for word in ("DISTINCT", "REDUCED"):
            if (after := self.kw(end, word)) >= 0:
                end = after
                break
        end = self.ws(end)
        if self.s.startswith("*", end):
            return end + 1
        count = 0
        while True:
            nxt = self.var(end)
            if nxt >= 0:
                end, count = self.ws(nxt), count + 1
                continue
            nxt = self._projection(end)
            if nxt < 0:
                break
            end, count = self.ws(nxt), count + 1
        return end if count else -1

    def _projection(self, pos: int) -> int:
        if not self.s.startswith("(", pos):
            return -1
        self.enter(pos)
        end = self.expression(self.ws(pos + 1))
        self.leave()
        if end >= 0:
            end = self.kw(self.ws(end), "AS")
        if end >= 0:
            end = self.var(self.ws(end))
        return self.lit(self.ws(end), ")") if end >= 0 else -1

    def construct_query(self, pos: int) -> int:
        """``ConstructQuery``: with a template, or ``CONSTRUCT WHERE { triples }``."""
        after = self.kw(pos, "CONSTRUCT")
        if after < 0:
            return -1
        start = self.ws(after)
        end = self._nested(start, "{", self._construct_triples, "}")
        if end >= 0:
            self.current_bnodes = set()
            end = self._solution(self._datasets(end), where_optional=False)
            if end >= 0:
                return end
        self.dataset = False  # the second form: only its own FROM clauses count
        end = self.kw(self._datasets(start), "WHERE")
        if end >= 0:
            end = self._nested(self.ws(end), "{", self._construct_where_triples, "}")
        return self._modifiers(self.ws(end)) if end >= 0 else -1

    def _construct_triples(self, pos: int) -> int:
        """``ConstructTriples``: ``TriplesSameSubject`` separated by ``.``."""
        end = self.triples_same_subject(pos)
        if end < 0:
            end = pos
        else:
            end = self.ws(end)
            while self.s.startswith(".", end):
                nxt = self.triples_same_subject(self.ws(end + 1))
                if nxt < 0:
                    break
                end = self.ws(nxt)
        return end + 1 if self.s.startswith(".", end) else end

    def _construct_where_triples(self, pos: int) -> int:
        """``TriplesTemplate`` or nothing."""
        end = self.triples_same_subject(self.ws(pos))
        if end < 0:
            return pos
        end = self.ws(end)
        while self.s.startswith(".", end):
            nxt = self.triples_same_subject(self.ws(end + 1))
            if nxt < 0:
                return self.ws(end + 1)
            end = self.ws(nxt)
        return end

    def describe_query(self, pos: int) -> int:
        """``DescribeQuery``: ``DESCRIBE *`` or resources, then an optional WHERE."""
        after = self.kw(pos, "DESCRIBE")
        if after < 0:
            return -1
        start = self.ws(after)
        if self.s.startswith("*", start):
            end = self._solution(self._datasets(start + 1), where_optional=True)
            if end >= 0:
                return end
        end, count = start, 0
        while (nxt := self.var_or_iri(end)) >= 0:
            end, count = self.ws(nxt), count + 1
        if not count:
            return -1
        return self._solution(self._datasets(end), where_optional=True)

    def ask(self, pos: int) -> int:
        """``AskQuery``."""
        after = self.kw(pos, "ASK")
        if after < 0:
            return -1
        return self._solution(self._datasets(after), where_optional=False)

    def _datasets(self, pos: int) -> int:
        """``_ DatasetClauses _``."""
        return self.ws(self.dataset_clauses(self.ws(pos)))

    def dataset_clauses(self, pos: int) -> int:
        """``FROM iri`` / ``FROM NAMED iri``, any number."""
        end = pos
        while True:
            start = self.ws(end) if end != pos else end
            after = self.kw(start, "FROM")
            if after < 0:
                return end
            clause = self.ws(after)
            nxt = self.iri(clause)
            if nxt < 0 and (named := self.kw(clause, "NAMED")) >= 0:
                nxt = self.iri(self.ws(named))
            if nxt < 0:
                return end
            end = nxt
            self.dataset = True

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


def parse_query(
    text: str, prefixes: Mapping[str, str], *, max_depth: int = 64, max_tree: int = 2000
) -> ParsedQuery:
    """Parse ``text`` as pyoxigraph 0.5 would, with ``prefixes`` predeclared.

    Raises:
        SparqlSyntaxError: pyoxigraph would not parse it (or parses it some way this parser
            does not follow): the guard refuses it either way.
        QueryTooComplexError: it nests deeper than ``max_depth`` brackets or its evaluation
            tree would be deeper than ``max_tree`` operations.
    """
    parser = Patterns(text, prefixes, max_depth, max_tree)
    try:
        form = parser.query()
    except ParseAbort as exc:
        line, col = L.line_col(text, exc.pos)
        raise QueryTooComplexError(f"{exc} (at {line}:{col})") from None
    except RecursionError:
        raise QueryTooComplexError("the query nests too deeply to be checked") from None
    services = tuple(L.line_col(text, p) for p in parser.services)
    return ParsedQuery(form, services, parser.deepest, parser.dataset)
