"""Which regular expressions from a data file kg will run: no catastrophic backtracking.

The Factbook importer matches country names against the English-name patterns of the
*countrycode* crosswalk (``country.name.en.regex``), a CSV file read from beside the data. Python's
``re`` backtracks, so one pattern such as ``^(([a-z]+ ?)+)+#$`` runs for minutes on a 30-letter
name, and no linear-time engine is a dependency of kg (pyoxigraph's ``REGEX`` is one, but has no
look-around, which the crosswalk's patterns use throughout). So a pattern is checked before it
is compiled, and refused unless:

* it is at most ``MAX_PATTERN`` characters long;
* it has no backreference (``\\1``, ``(?P=name)``), conditional (``(?(1)…)``) or verbose flag;
* no quantifier applies to a group that can match in more than one way (nested quantifiers,
  ``(a+)+``, ``(a|ab)*``): only a character, a class or a group of plain characters repeats;
* an upper bound of the steps a backtracking search can take on a name of ``MAX_SUBJECT``
  characters stays under ``MAX_STEPS``, and under ``MAX_TOTAL`` for all the patterns of a file.
  The bound multiplies the ways each quantifier can match along a sequence (``.*a.*b.*c`` grows
  as n⁴), adds look-arounds and alternatives, and counts every start position of an unanchored
  pattern. Measured, ``re.search`` takes about 0.1 s per 5e8 steps of the bound on the worst
  subjects; the countrycode codelist's costliest pattern (North Korea's) is bounded by 1.9e9.

Names longer than ``MAX_SUBJECT`` characters are not matched against the patterns at all (none
of the Factbook's is). Each name is matched once per import, however many rows repeat it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Longest pattern run (the crosswalk's longest is 139 characters).
MAX_PATTERN = 300
#: Longest name matched against the patterns (the Factbook's longest is 104 characters).
MAX_SUBJECT = 128
#: Most backtracking steps (the bound) a pattern may take on a name of MAX_SUBJECT characters:
#: about 0.5 s of ``re.search`` at worst (the crosswalk's costliest pattern is bounded by 1.9e9).
MAX_STEPS = 4e9
#: Most steps all the patterns of a crosswalk may take together on one name (the countrycode
#: codelist's are bounded by 2.8e9).
MAX_TOTAL = 1e10

#: ``{m}``, ``{m,}``, ``{,n}``, ``{m,n}``, ``{,}`` (``{}`` and ``{x}`` are plain characters).
_QUANT = re.compile(r"\{(\d+)\}|\{(\d*),(\d*)\}")


class UnsafePattern(ValueError):
    """A pattern kg does not run, and why."""


@dataclass
class _Node:
    """A parsed piece of a pattern: a character (class), an anchor, a group or a repeat."""

    kind: str  # "char", "anchor", "start" (^, \A), "group", "look", "repeat"
    branches: list[list[_Node]] = field(default_factory=list)  # of a group or a look-around
    lo: int = 1
    hi: int = 1
    greedy_only: bool = False  # a possessive repeat never gives back


class _Parser:
    def __init__(self, pattern: str):
        self.p, self.i = pattern, 0

    def alternation(self, depth: int) -> list[list[_Node]]:
        branches: list[list[_Node]] = [[]]
        while self.i < len(self.p):
            c = self.p[self.i]
            if c == ")":
                if depth == 0:
                    raise UnsafePattern("it has an unbalanced ')'")
                self.i += 1
                return branches
            if c == "|":
                self.i += 1
                branches.append([])
                continue
            atom = self.atom(depth)
            if atom is not None:
                branches[-1].append(self.quantified(atom))
        if depth:
            raise UnsafePattern("it has an unclosed '('")
        return branches

    def atom(self, depth: int) -> _Node | None:
        c = self.p[self.i]
        self.i += 1
        if c == "\\":
            nxt = self.p[self.i : self.i + 1]
            self.i += 1
            if nxt.isdigit() and nxt != "0":
                raise UnsafePattern(f"it has a backreference (\\{nxt})")
            return _Node("start" if nxt == "A" else "anchor" if nxt in "bBZ" else "char")
        if c == "[":
            self.i += 1 if self.p.startswith("^", self.i) else 0
            self.i += 1 if self.p.startswith("]", self.i) else 0
            while self.i < len(self.p) and self.p[self.i] != "]":
                self.i += 2 if self.p[self.i] == "\\" else 1
            self.i += 1
            return _Node("char")
        if c in "^$":
            return _Node("start" if c == "^" else "anchor")
        if c != "(":
            if c in "*+?" or _QUANT.match(self.p, self.i - 1):
                raise UnsafePattern("it has a quantifier with nothing to repeat")
            return _Node("char")
        return self.group(depth)

    def group(self, depth: int) -> _Node | None:
        kind = "group"
        if self.p.startswith("?", self.i):
            head = self.p[self.i + 1 : self.i + 3]
            if head.startswith(("P=", "(")):
                raise UnsafePattern("it has a backreference or a conditional group")
            if head.startswith("#"):
                self.i = self.p.index(")", self.i) + 1
                return None
            if head.startswith(("=", "!")) or head in ("<=", "<!"):
                kind, self.i = "look", self.i + 1 + (2 if head.startswith("<") else 1)
            elif head.startswith(">"):
                kind, self.i = "look", self.i + 2  # atomic: gives back nothing, like a look-around
            elif head.startswith("P<"):
                self.i = self.p.index(">", self.i) + 1
            elif head.startswith(":"):
                self.i += 2
            else:  # inline flags: (?i) for the whole pattern, (?i:…) or (?-i:…) for a group
                flags = re.match(r"\?([aiLmsux]*)(?:-([imsx]*))?([:)])", self.p[self.i :])
                if flags is None or "x" in flags.group(1):
                    raise UnsafePattern("it sets the verbose flag (?x)")
                self.i += flags.end()
                if flags.group(3) == ")":
                    return None
        return _Node(kind, self.alternation(depth + 1))

    def quantified(self, atom: _Node) -> _Node:
        c = self.p[self.i : self.i + 1]
        bound = _QUANT.match(self.p, self.i)
        if c in ("*", "+", "?") and c:
            lo, hi = (0, -1) if c == "*" else (1, -1) if c == "+" else (0, 1)
            self.i += 1
        elif bound is not None:
            exact, low, high = bound.groups()
            lo = int(exact or low or 0)
            hi = lo if exact else int(high or -1)
            self.i = bound.end()
        else:
            return atom
        possessive = self.p.startswith("+", self.i)
        if self.p.startswith(("?", "+"), self.i):
            self.i += 1
        if self.p[self.i : self.i + 1] in ("*", "+", "?") or _QUANT.match(self.p, self.i):
            raise UnsafePattern("it has a quantifier on a quantifier")
        return _Node("repeat", [[atom]], lo, hi, possessive)


def _plain(node: _Node) -> int | None:
    """The width of a node that matches in exactly one way (characters and anchors), or None."""
    if node.kind == "char":
        return 1
    if node.kind in ("anchor", "start"):
        return 0
    if node.kind == "group" and len(node.branches) == 1:
        widths = [_plain(n) for n in node.branches[0]]
        return None if None in widths else sum(w or 0 for w in widths)
    return None


def _cost(branches: list[list[_Node]], n: int) -> tuple[float, float]:
    """(ways to match, steps to try) of alternatives, on a subject of ``n`` characters."""
    ways = steps = 0.0
    for seq in branches:
        w, s = 1.0, 0.0
        for node in seq:
            nw, ns = _node_cost(node, n)
            s += w * ns
            w *= nw
        ways, steps = ways + w, steps + max(s, 1.0)
    return ways, steps


def _node_cost(node: _Node, n: int) -> tuple[float, float]:
    if node.kind in ("char", "anchor", "start"):
        return 1.0, 1.0
    if node.kind == "group":
        return _cost(node.branches, n)
    if node.kind == "look":
        return 1.0, _cost(node.branches, n)[1]
    (body,) = node.branches[0]
    if node.hi == 1:  # optional: the body, or nothing
        ways, steps = _node_cost(body, n)
        return ways + (node.lo == 0), steps + 1.0
    width = _plain(body)
    if width is None:
        raise UnsafePattern(
            "it nests quantifiers (a quantifier on a group that can match in several ways)"
        )
    most = n // max(width, 1) if node.hi < 0 else min(node.hi, n // max(width, 1))
    tries = float(max(most - node.lo + 1, 1))
    return (1.0 if node.greedy_only else tries), float(most + 1) * max(width, 1)


def search_cost(pattern: str, subject: int = MAX_SUBJECT) -> float:
    """An upper bound of the steps ``re.search`` takes with ``pattern`` on a subject of
    ``subject`` characters.

    Raises:
        UnsafePattern: for a pattern whose cost cannot be bounded (nested quantifiers,
            backreferences, conditionals, the verbose flag).
    """
    branches = _Parser(pattern).alternation(0)
    anchored = all(seq and seq[0].kind == "start" for seq in branches)
    return _cost(branches, subject)[1] * (1 if anchored else subject + 1)


def check_pattern(pattern: str) -> float:
    """The bound of :func:`search_cost` of a pattern kg will run (see the module's
    documentation).

    Raises:
        UnsafePattern: for a pattern kg does not run, saying why.
    """
    if len(pattern) > MAX_PATTERN:
        raise UnsafePattern(f"it is longer than {MAX_PATTERN} characters")
    cost = search_cost(pattern)
    if cost > MAX_STEPS:
        raise UnsafePattern(
            f"it may backtrack for too long on a name of {MAX_SUBJECT} characters "
            f"(quantifiers in a row such as .*.*.*.*: over {MAX_STEPS:.0e} steps)"
        )
    return cost


__all__ = [
    "MAX_PATTERN",
    "MAX_STEPS",
    "MAX_SUBJECT",
    "MAX_TOTAL",
    "UnsafePattern",
    "check_pattern",
    "search_cost",
]
