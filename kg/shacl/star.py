"""Star checks for single-valued properties: one pass per node shape instead of one per rule.

Most property shapes say "at most one value, of this kind" (``sh:maxCount 1`` with datatype,
``sh:in``, ranges...). Checked one by one, each of them scans every focus node of its class
again. Here all such property shapes of a node shape share one *star* query: one row per focus
node with an OPTIONAL per property, flags telling which property is missing or has a bad value.
A second OPTIONAL per property finds a second, different value (``sh:maxCount 1``). Results
are the same
:class:`~kg.validate.Violation` values the one-by-one checks give (a property shape's own
``sh:message`` is required, so every component of it reports the same message).
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass, replace

import pyoxigraph as ox

from kg.core.errors import Location
from kg.shacl.check import value_guard
from kg.shacl.compile import VALUE_KEYS, Compiler
from kg.shacl.report import Violation
from kg.shacl.shapes import SH, Term

#: Value components the star checks with expressions (sh:class keeps its anti-join query).
STAR_VALUE_KEYS = tuple(k for k in VALUE_KEYS if k != "class")
#: Components a star member may have besides those (checked elsewhere or harmless).
_ALLOWED = frozenset(
    {"path", "message", "severity", "name", "description", "order", "group", "minCount",
     "maxCount", "class", "deactivated", "flags", *STAR_VALUE_KEYS}
)  # fmt: skip


@dataclass(frozen=True)
class Member:
    """One property shape inside a star query."""

    shape: str
    severity: str
    path: str
    message: str
    missing: str = ""  # flag variable: the number of values is outside [minCount, maxCount]
    bad: str = ""  # flag variable: the value breaks a value component
    value: str = ""  # the value variable


def star_member(c: Compiler, shape: Term) -> tuple[int, int] | None:
    """(minCount, maxCount) when ``shape`` can join a star query, else None."""
    g = c.g
    path = g.one(shape, "path")
    if not isinstance(path, ox.NamedNode) or not g.objects(shape, SH + "message"):
        return None
    if not c.check_keys(shape) <= _ALLOWED:
        return None
    low, high = g.one(shape, "minCount"), g.one(shape, "maxCount")
    lo = int(low.value) if isinstance(low, ox.Literal) else 0
    hi = int(high.value) if isinstance(high, ox.Literal) else None
    if hi is None or hi > 1 or lo > 1 or (hi == 0 and lo > 0):
        return None
    return lo, hi


@dataclass(frozen=True)
class StarCheck:
    """One query checking several single-valued property shapes of the same focus nodes.

    ``guards`` are cheaper queries over the whole graph (``kg.shacl.check.Check.guard``):
    one per member with ``sh:maxCount 1`` for a second value of its predicate, one per member
    with value components for a value that breaks them. When none of them has a row, no focus
    node can break those constraints and ``lean`` stands in: the query for the members'
    ``sh:minCount`` and ``sh:maxCount 0`` alone (None: no member has either)."""

    query: str
    members: tuple[Member, ...]
    guards: tuple[str, ...] = ()
    lean: StarCheck | None = None

    def given(self, hits: Set[str]) -> StarCheck | None:
        """The check to run once ``hits`` (the guards that have a row) are known."""
        if not self.guards or any(guard in hits for guard in self.guards):
            return self  # without guards, the star checks counts alone: it is its lean form
        return self.lean

    def run(self, store: ox.Store, origins: Mapping[str, Location]) -> list[Violation]:
        """Rows are focus nodes with at least one flag set."""
        rows = store.query(self.query, use_default_graph_as_union=True)
        assert isinstance(rows, ox.QuerySolutions)
        out: list[Violation] = []
        for row in rows:
            this = row["this"]
            focus = this.value if isinstance(this, ox.NamedNode) else ""
            for m in self.members:
                for flag, with_value in ((m.missing, False), (m.bad, True)):
                    if not flag or not _true(row[flag[1:]]):
                        continue
                    value = row[m.value[1:]] if with_value else None
                    shown = value.value if isinstance(value, ox.NamedNode | ox.Literal) else None
                    out.append(
                        Violation(origins.get(focus), focus, m.path, m.message, m.severity,
                                  m.shape, shown)
                    )  # fmt: skip
        return out


def _true(term: object) -> bool:
    return isinstance(term, ox.Literal) and term.value == "true"


def star_check(
    c: Compiler, focus: str, members: list[tuple[Term, str, str, str, int, int]]
) -> StarCheck:
    """Build the star query; ``members`` are (shape, name, severity, message, min, max)."""
    g = c.g
    optionals, binds, flags, out, guards, lean = [], [], [], [], [], []
    for i, (shape, name, severity, message, lo, hi) in enumerate(members):
        path = g.one(shape, "path")
        assert isinstance(path, ox.NamedNode)
        v, w = f"?v{i}", f"?w{i}"
        optionals.append(f"OPTIONAL {{ ?this {path} {v} }}")
        tests = [f"!BOUND({v})"] if lo >= 1 else []
        if hi == 0:
            tests.append(f"BOUND({v})")
        else:  # a second, different value breaks maxCount 1
            optionals.append(f"OPTIONAL {{ ?this {path} {w} FILTER(!sameTerm({v}, {w})) }}")
            tests.append(f"BOUND({w})")
            guards.append(_second_value(path))
        missing, bad = f"?m{i}", ""
        binds.append(f"BIND({' || '.join(tests)} AS {missing})")
        flags.append(missing)
        keys = [k for k in STAR_VALUE_KEYS if g.one(shape, k) is not None]
        if keys:
            bad = f"?b{i}"
            expr = " || ".join(f"!({c.value_ok(shape, k, v)})" for k in keys)
            binds.append(f"BIND(BOUND({v}) && COALESCE({expr}, true) AS {bad})")
            flags.append(bad)
            every = " || ".join(f"!({c.value_ok(shape, k, '?value')})" for k in keys)
            guards.append(value_guard(path, f"FILTER(COALESCE({every}, true))"))
        out.append(Member(name, severity, path.value, message, missing, bad, v))
        if lo >= 1 or hi == 0:  # the count tests that no guard rules out
            test = f"{'!' if lo >= 1 else ''}BOUND({v})"
            lean.append((f"OPTIONAL {{ ?this {path} {v} }} BIND({test} AS {missing})", out[-1]))
    return StarCheck(
        _star_query(focus, [*optionals, *binds], flags),
        tuple(out),
        tuple(guards),
        _lean(focus, lean),
    )


def _star_query(focus: str, parts: list[str], flags: list[str]) -> str:
    condition = " || ".join(flags) or "false"
    return f"SELECT * WHERE {{ {focus} {' '.join(parts)} FILTER({condition}) }}"


def _lean(focus: str, members: list[tuple[str, Member]]) -> StarCheck | None:
    """The star query of the members' ``sh:minCount`` and ``sh:maxCount 0`` alone (their
    values are not checked)."""
    if not members:
        return None
    lean = tuple(replace(m, bad="") for _, m in members)
    return StarCheck(_star_query(focus, [p for p, _ in members], [m.missing for m in lean]), lean)


def _second_value(path: ox.NamedNode) -> str:
    """A guard with a row when some subject has two values of ``path`` (or the same one in
    two graphs): the count of its triples differs from that of their subjects. Counting
    reads no term, so it costs a fraction of looking for the second value itself."""
    return (
        "SELECT ?n WHERE { { SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?any_s) AS ?d) "
        f"WHERE {{ ?any_s {path} ?v }} }} FILTER(?n != ?d) }}"
    )
