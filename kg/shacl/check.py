"""One compiled SPARQL query whose rows are validation results, and how rows become results.

Also compiles SHACL-SPARQL constraints (``sh:sparql`` with ``sh:select``): pySHACL pre-binds
``$this`` to each focus node and runs the query once per node; here the focus pattern is
joined into the query's WHERE clause instead, so one query serves every focus node.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Set
from dataclasses import dataclass

import pyoxigraph as ox

from kg.core.errors import Location
from kg.shacl.report import Violation
from kg.shacl.shapes import SH, ShapesGraph, Term, UnsupportedShape, message_of

_SUBST = re.compile(r"\{[?$](\w+)\}")
_WHERE = re.compile(r"\bSELECT\b(?P<proj>.*?)(?P<brace>\bWHERE\s*\{|\{)", re.I | re.S)


@dataclass(frozen=True)
class Check:
    """One compiled query; each row (``?this``, ``?value``, ``?path``) is a result of ``shape``.

    ``guard``, when set, is a cheaper query over the whole graph that has a row whenever the
    check could have one (the same values, of every subject rather than of the focus nodes
    alone): where it has none, the check is not run (see ``kg.shacl.fast``)."""

    shape: str
    severity: str
    path: str | None
    message: str
    query: str
    component: str
    substitute: bool = False
    guard: str = ""

    @property
    def guards(self) -> tuple[str, ...]:
        """The guard queries to evaluate before deciding whether to run the check."""
        return (self.guard,) if self.guard else ()

    def given(self, hits: Set[str]) -> Check | None:
        """The check to run once ``hits`` (the guards that have a row) are known."""
        return self if not self.guard or self.guard in hits else None

    def run(self, store: ox.Store, origins: Mapping[str, Location]) -> list[Violation]:
        """Run the query; each row is one result."""
        return run_check(store, self, origins)


def sparql_check(
    g: ShapesGraph,
    shape: Term,
    constraint: Term,
    focus: str,
    name: str,
    severity: str,
    path: str | None,
    message: str | None,
) -> Check:
    """A SHACL-SPARQL constraint: its SELECT with the focus pattern joined in for ``$this``."""
    select = g.one(constraint, "select")
    if not isinstance(select, ox.Literal):
        raise UnsupportedShape(f"the sh:sparql constraint of {name} has no sh:select")
    text = select.value
    for banned in ("$shapesGraph", "$currentShape"):
        if banned in text:
            raise UnsupportedShape(f"{banned} in the sh:sparql constraint of {name}")
    if path is not None:
        text = text.replace("$PATH", path)
    match = _WHERE.search(text)
    if match is None:
        raise UnsupportedShape(f"cannot find the WHERE clause of the sh:sparql query of {name}")
    proj = match["proj"]
    if not re.search(r"[?$]this\b|\*", proj):
        proj = f"{proj} ?this"
    query = (
        text[: match.start("proj")]
        + proj
        + text[match.start("brace") : match.end("brace")]
        + f" {focus} "
        + text[match.end("brace") :]
    )
    prefixes = "".join(
        f"PREFIX {p.value}: <{n.value}>\n"
        for decl_owner in g.objects(constraint, SH + "prefixes")
        for decl in g.objects(decl_owner, SH + "declare")
        for p, n in [(g.one(decl, "prefix"), g.one(decl, "namespace"))]
        if p is not None and n is not None
    )
    msg = message_of(g, constraint) or message or "SPARQL constraint violated"
    return Check(name, severity, None, msg, prefixes + query, "sparql", substitute=True)


def value_guard(path: Term | None, test: str) -> str:
    """A guard (``Check.guard``) for a check of the values of a predicate: the values of
    every subject that fail ``test`` (a FILTER or MINUS on ``?value``), one row at most. Only
    for a plain predicate path: a complex one (``p*``, ``^p``) from every node could cost more
    than the check it guards."""
    if not isinstance(path, ox.NamedNode):
        return ""
    return f"SELECT ?value WHERE {{ ?any_s {path} ?value . {test} }} LIMIT 1"


def has_row(store: ox.Store, query: str) -> bool:
    """Whether ``query`` (a guard) has a row over the union of all graphs of ``store``."""
    rows = store.query(query, use_default_graph_as_union=True)
    assert isinstance(rows, ox.QuerySolutions)
    return next(iter(rows), None) is not None


def run_check(store: ox.Store, check: Check, origins: Mapping[str, Location]) -> list[Violation]:
    """Run one check and turn its rows into violations."""
    rows = store.query(check.query, use_default_graph_as_union=True)
    assert isinstance(rows, ox.QuerySolutions)
    out: list[Violation] = []
    for row in rows:
        this, value, path = row["this"], row["value"], row["path"]
        if check.component == "sparql" and value is None:
            value = this
        message = check.message
        if check.substitute:
            message = _substitute(message, {v.value: row[v] for v in rows.variables}, this)
        focus = this.value if isinstance(this, ox.NamedNode | ox.Literal) else ""
        shown_path = path.value if isinstance(path, ox.NamedNode) else check.path
        out.append(
            Violation(
                where=origins.get(focus),
                focus=focus,
                path=shown_path,
                message=message,
                severity=check.severity,
                shape=check.shape,
                value=value.value if isinstance(value, ox.NamedNode | ox.Literal) else None,
                value_where=origins.get(value.value) if isinstance(value, ox.NamedNode) else None,
            )
        )
    return out


def _substitute(message: str, values: dict[str, object], this: object) -> str:
    """Fill ``{?var}``/``{$var}`` placeholders the way pySHACL does (lexical forms)."""
    values.setdefault("this", this)
    return _SUBST.sub(lambda m: _plain(values.get(m[1]), m[0]), message)


def _plain(term: object, default: str) -> str:
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    if isinstance(term, ox.BlankNode):
        return term.value
    return default
