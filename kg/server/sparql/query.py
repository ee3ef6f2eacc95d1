"""The query forms, solution modifiers, and :func:`parse_query`, the entry point."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kg.server.sparql import lexical as L
from kg.server.sparql.base import Bound, ParseAbort
from kg.server.sparql.modifiers import Modifiers

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
    """The query nests deeper than the bounds allow (it is refused unparsed); ``bound`` says
    which one it passed."""

    def __init__(self, message: str, bound: Bound) -> None:
        super().__init__(message)
        self.bound = bound


class Query(Modifiers):
    """The four query forms and their solution modifiers, over the graph patterns."""

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
        return self.expression_as(pos, pos + 1)

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
    parser = Query(text, prefixes, max_depth, max_tree)
    try:
        form = parser.query()
    except ParseAbort as exc:
        line, col = L.line_col(text, exc.pos)
        raise QueryTooComplexError(f"{exc} (at {line}:{col})", exc.bound) from None
    except RecursionError:
        raise QueryTooComplexError("the query nests too deeply to be checked", "stack") from None
    services = tuple(L.line_col(text, p) for p in parser.services)
    return ParsedQuery(form, services, parser.deepest, parser.dataset)
