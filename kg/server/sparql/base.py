"""Parser state, failure tracking, bounds, and the terms (IRIs, variables, literals, blank nodes).

Every rule is a method taking a position and returning the position after what it matched, or
-1 when it does not match (PEG semantics: the caller then tries its next alternative). State
changes that pyoxigraph makes while parsing (prefixes, blank node labels, the aggregate stack)
are made here in the same order, so later choices see what pyoxigraph's parser sees.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from kg.server.sparql import lexical as L

_SPACE_START = frozenset(" \t\n\r#")
#: Nested rules a parse may enter (or one per 4 characters of a longer query): the largest
#: named query enters 75; pyoxigraph's grammar retries alternatives, so some nestings cost
#: 2**depth (SUBSTR(SUBSTR(…), 1), the same in pyoxigraph): this bounds the check's time.
MAX_ENTRIES = 10_000


#: Which bound a refused query passed: ``depth`` (``max_depth``), ``tree`` (``max_tree``),
#: ``retries`` (``MAX_ENTRIES``) or ``stack`` (Python's recursion limit).
Bound = Literal["depth", "tree", "retries", "stack"]


class ParseAbort(Exception):
    """The query is refused before the parse ends (too deep, too long a chain)."""

    def __init__(self, message: str, pos: int, bound: Bound) -> None:
        super().__init__(message)
        self.pos, self.bound = pos, bound


class Base:
    """State of one parse of ``text`` and the term-level rules."""

    def __init__(
        self, text: str, prefixes: Mapping[str, str], max_depth: int, max_tree: int
    ) -> None:
        self.s = text
        self.prefixes: dict[str, str] = dict(prefixes)
        self.base_iri: str | None = None
        self.used_bnodes: set[str] = set()
        self.current_bnodes: set[str] = set()
        self.aggregates: list[int] = []
        self.services: list[int] = []  # positions of every SERVICE pattern matched
        self.dataset = False  # FROM / FROM NAMED clauses in the query form being parsed
        self.max_depth, self.max_tree = max_depth, max_tree
        self.depth = 0  # brackets currently open
        self.tree = 0  # nodes on the path to the root of the evaluation tree being parsed
        self.deepest = 0
        self.entered = 0
        self.max_entries = max(MAX_ENTRIES, len(text) // 4)
        self.farthest = 0
        self.expected: set[str] = set()

    # --- failure tracking and bounds -----------------------------------------------------

    def fail(self, pos: int, what: str) -> int:
        """Record that ``what`` was expected at ``pos`` (for the error message); return -1."""
        if pos < self.farthest:
            return -1
        if pos > self.farthest:
            self.farthest, self.expected = pos, {what}
        elif pos == self.farthest:
            self.expected.add(what)
        return -1

    def enter(self, pos: int) -> None:
        """One more level of nesting (a bracket, a group, a nested call)."""
        self.entered += 1
        if self.entered > self.max_entries:  # PEG retries can be exponential
            raise ParseAbort(
                "the query is too complex to check (its nesting makes the parser retry "
                f"more than {self.max_entries} times)",
                pos,
                "retries",
            )
        self.depth += 1
        self.tree += 1
        self.deepest = max(self.deepest, self.depth)
        if self.depth > self.max_depth:
            raise ParseAbort(
                f"the query nests more than {self.max_depth} levels deep", pos, "depth"
            )
        if self.tree > self.max_tree:
            raise ParseAbort(self._tree_message(), pos, "tree")

    def leave(self) -> None:
        """Close the level opened by :meth:`enter`."""
        self.depth -= 1
        self.tree -= 1

    def grow(self, pos: int, count: int) -> None:
        """``count`` more operands chained at this level (each one a node of the tree)."""
        self.tree += count
        if self.tree > self.max_tree:
            raise ParseAbort(self._tree_message(), pos, "tree")

    def _tree_message(self) -> str:
        return (
            f"the query is more than {self.max_tree} operations deep (nested groups, UNION, "
            "OPTIONAL, BIND, && || + - * / and path steps chained one after another)"
        )

    # --- lexical helpers -----------------------------------------------------------------

    def ws(self, pos: int) -> int:
        """``_``: skip spaces and comments."""
        if self.s[pos : pos + 1] not in _SPACE_START:
            return pos
        match = L.WS.match(self.s, pos)
        assert match is not None
        return match.end()

    def lit(self, pos: int, token: str) -> int:
        """A literal token (case-sensitive)."""
        if self.s.startswith(token, pos):
            return pos + len(token)
        return self.fail(pos, f"'{token}'")

    def kw(self, pos: int, word: str) -> int:
        """A keyword (``word`` upper case), matched as rust-peg's ``i()`` does."""
        end = L.keyword(self.s, pos, word)
        return end if end >= 0 else self.fail(pos, word)

    def nil(self, pos: int) -> int:
        """``NIL``: ``(`` spaces ``)``."""
        if not self.s.startswith("(", pos):
            return self.fail(pos, "'('")
        end = L.BLANKS.match(self.s, pos + 1)
        assert end is not None
        return self.lit(end.end(), ")")

    # --- terms -------------------------------------------------------------------------

    def iriref(self, pos: int) -> tuple[int, str | None]:
        """``IRIREF`` (validated, resolved against BASE): (end, IRI) or (-1, None)."""
        match = L.IRIREF.match(self.s, pos)
        if match is None:
            return self.fail(pos, "an IRI"), None
        raw = L.unescape_iri(match.group(1))
        if raw is None:
            return self.fail(pos, "a valid IRI"), None
        if self.base_iri is None:
            iri = raw if L.is_absolute_iri(raw) else None
        else:
            iri = L.resolve_iri(self.base_iri, raw)
        if iri is None:
            return self.fail(pos, "a valid IRI"), None
        return match.end(), iri

    def pname_ns(self, pos: int) -> tuple[int, str]:
        """``PNAME_NS`` (not looked up): (end, prefix) or (-1, "")."""
        match = L.PNAME_NS.match(self.s, pos)
        if match is None:
            return self.fail(pos, "a prefix"), ""
        return match.end(), match.group(1)

    def prefixed_name(self, pos: int) -> int:
        """``PrefixedName``: ``PNAME_LN`` (declared prefix, valid IRI) / ``PNAME_NS``."""
        end, prefix = self.pname_ns(pos)
        if end < 0:
            return -1
        local = L.PN_LOCAL.match(self.s, end)
        namespace = self.prefixes.get(prefix)
        if local is not None and namespace is not None:
            iri = namespace + local.group().replace("\\", "")
            if L.is_absolute_iri(iri):
                return local.end()
        if local is not None:
            self.fail(end, "a valid prefixed name")
        if namespace is None:
            return self.fail(pos, f"a declared prefix ('{prefix}:' is not)")
        return end

    def iri(self, pos: int) -> int:
        """``iri``: ``IRIREF`` / ``PrefixedName``."""
        if self.s.startswith("<", pos):
            end, _ = self.iriref(pos)
            if end >= 0:
                return end
        return self.prefixed_name(pos)

    def var(self, pos: int) -> int:
        """``Var``: ``?name`` / ``$name``."""
        match = L.VAR.match(self.s, pos)
        return match.end() if match else self.fail(pos, "a variable")

    def var_or_iri(self, pos: int) -> int:
        """``VarOrIri``."""
        end = self.var(pos)
        return end if end >= 0 else self.iri(pos)

    def verb(self, pos: int) -> int:
        """``Verb``: ``VarOrIri`` / ``a`` (case-sensitive, no word boundary)."""
        end = self.var_or_iri(pos)
        if end >= 0:
            return end
        return pos + 1 if self.s.startswith("a", pos) else self.fail(pos, "'a'")

    def string(self, pos: int) -> int:
        """``String``: long and short string literals, single and double quoted."""
        for pattern in (L.STRING_LONG1, L.STRING_LONG2, L.STRING1, L.STRING2):
            match = pattern.match(self.s, pos)
            if match is not None and L.string_is_valid(match.group()):
                return match.end()  # an invalid escape fails this alternative, not the choice
        return self.fail(pos, "a string")

    def rdf_literal(self, pos: int) -> int:
        """``RDFLiteral``: a string with a datatype, a language (and direction), or neither."""
        end = self.string(pos)
        if end < 0:
            return -1
        after = self.ws(end)
        if self.s.startswith("^^", after):
            typed = self.iri(self.ws(after + 2))
            if typed >= 0:
                return typed
        lang = L.LANGDIR.match(self.s, after)
        if (
            lang is not None
            and L.is_language_tag(lang.group(1).lower())
            and lang.group(2) in ("", "--ltr", "--rtl")
        ):
            return lang.end()
        return end

    def numeric_literal(self, pos: int) -> int:
        """``NumericLiteral``: unsigned, or ``+``/``-`` then spaces then the number."""
        start = pos
        if self.s.startswith(("+", "-"), pos):
            start = self.ws(pos + 1)
        for pattern in (L.DOUBLE, L.DECIMAL, L.INTEGER):
            match = pattern.match(self.s, start)
            if match is not None:
                return match.end()
        return self.fail(pos, "a number")

    def boolean_literal(self, pos: int) -> int:
        """``BooleanLiteral``: ``true`` / ``false`` (case-sensitive, no word boundary)."""
        for word in ("true", "false"):
            if self.s.startswith(word, pos):
                return pos + len(word)
        return self.fail(pos, "true or false")

    def blank_node(self, pos: int) -> int:
        """``BlankNode``: a label not used in an earlier group, or ``[]``."""
        match = L.BLANK_NODE_LABEL.match(self.s, pos)
        if match is not None:
            label = match.group()
            if label not in self.used_bnodes:
                self.current_bnodes.add(label)
                return match.end()
        if self.s.startswith("[", pos):
            end = L.BLANKS.match(self.s, pos + 1)
            assert end is not None
            if self.s.startswith("]", end.end()):
                return end.end() + 1
        return self.fail(pos, "a blank node")

    def clear_bnodes(self) -> None:
        """What pyoxigraph does at group boundaries: labels of a closed group are used up."""
        self.used_bnodes |= self.current_bnodes
        self.current_bnodes = set()
