"""The fast validation engine: the shapes compiled to SPARQL (kg.shaclsparql), run on pyoxigraph.

Every reporting shape (one with targets, or a property shape of one) becomes a few SELECT
queries over the union of all named graphs; their rows become the same
:class:`~kg.validate.Violation` values that the pySHACL engine produces.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox

from kg.core import vocab as V
from kg.core.errors import Location
from kg.shacl.check import Check, has_row, run_check, sparql_check, value_guard
from kg.shacl.compile import VALUE_KEYS, Compiler
from kg.shacl.instances import instance_types
from kg.shacl.report import ValidationReport, Violation, sort_violations
from kg.shacl.shapes import (
    SH,
    ShapesGraph,
    Term,
    UnsupportedShape,
    class_terms,
    compile_path,
    deactivated,
    message_of,
)
from kg.shacl.star import StarCheck, star_check, star_member

_TARGETS = {
    "targetNode": "VALUES ?this {{ {arg} }}",
    "targetSubjectsOf": "?this {arg} ?any_s .",
    "targetObjectsOf": "?any_o {arg} ?this .",
}
#: Value components checked with a FILTER (sh:class gets its own anti-join query).
VALUES_FILTERED = tuple(k for k in VALUE_KEYS if k != "class")


Runnable = Check | StarCheck


def _parents(g: ShapesGraph) -> dict[Term, list[Term]]:
    parents: dict[Term, list[Term]] = {}
    for s, po in g.spo.items():
        for child in po.get(SH + "property", []):
            parents.setdefault(child, []).append(s)
    return parents


def named_shape(g: ShapesGraph, shape: Term, parents: Mapping[Term, list[Term]]) -> str:
    """The shape's IRI, or for a blank-node shape that of its nearest named ancestor."""
    seen: set[Term] = set()
    while not isinstance(shape, ox.NamedNode):
        ups = [p for p in parents.get(shape, []) if p not in seen]
        if not ups:
            return ""
        seen.add(shape)
        shape = ups[0]
    return shape.value


def focus_patterns(c: Compiler) -> dict[Term, list[str]]:
    """For each reporting shape, graph patterns binding ``?this`` to its focus nodes."""
    g = c.g
    focus: dict[Term, list[str]] = {}
    rdfs_class = {V.RDFS + "Class", V.OWL + "Class"}
    for s in list(g.spo):
        pats = [c.is_a("?this", arg) for arg in g.objects(s, SH + "targetClass")]
        pats += [
            fmt.format(arg=arg) for key, fmt in _TARGETS.items() for arg in g.objects(s, SH + key)
        ]
        types = {t.value for t in g.objects(s, V.RDF + "type") if isinstance(t, ox.NamedNode)}
        if types & rdfs_class and types & {SH + "NodeShape", SH + "PropertyShape"}:
            pats.append(c.is_a("?this", s))
        if pats and not deactivated(g, s):
            focus[s] = pats
    for node in list(focus):
        for prop in g.objects(node, SH + "property"):
            if not deactivated(g, prop):
                focus.setdefault(prop, []).extend(focus[node])
    return focus


def compile_checks(
    triples: Iterable[ox.Triple], types: Mapping[str, tuple[str, ...]] | None = None
) -> list[Runnable]:
    """Compile every reporting shape of the shapes graph into checks (see ``Compiler``)."""
    frozen = tuple(sorted(types.items())) if types is not None else None
    return list(_compile(tuple(triples), frozen))


@functools.lru_cache(maxsize=8)
def _compile(
    triples: tuple[ox.Triple, ...], types: tuple[tuple[str, tuple[str, ...]], ...] | None
) -> tuple[Runnable, ...]:
    g = ShapesGraph(triples)
    c = Compiler(g, dict(types) if types is not None else None)
    parents = _parents(g)
    focus = focus_patterns(c)

    def pattern(shape: Term) -> str:
        pats = focus[shape]
        return (
            "{ "
            + (pats[0] if len(pats) == 1 else " UNION ".join(f"{{ {p} }}" for p in pats))
            + " }"
        )

    stars: dict[Term, list[tuple[Term, str, str, str, int, int]]] = {}
    covered: set[Term] = set()
    for node in sorted(focus, key=str):
        for prop in g.objects(node, SH + "property"):
            spec = star_member(c, prop) if focus.get(prop) == focus[node] else None
            if spec is None or prop in covered:
                continue
            covered.add(prop)
            severity, message = _meta(g, prop)
            name = named_shape(g, prop, parents)
            stars.setdefault(node, []).append((prop, name, severity, message or "", *spec))
    checks: list[Runnable] = []
    for shape in sorted(focus, key=str):
        name = named_shape(g, shape, parents)
        checks += _shape_checks(c, shape, pattern(shape), name, batched=shape in covered)
    checks += [star_check(c, pattern(node), members) for node, members in stars.items()]
    return tuple(checks)


def _meta(g: ShapesGraph, shape: Term) -> tuple[str, str | None]:
    sev = g.one(shape, "severity")
    severity = sev.value.rsplit("#", 1)[-1] if sev is not None else "Violation"
    return severity, message_of(g, shape)


def _shape_checks(
    c: Compiler, shape: Term, focus: str, name: str, *, batched: bool = False
) -> list[Check]:
    """The queries of one shape; with ``batched``, counts and value filters are left to the
    node shape's star check (kg.shaclstar)."""
    g = c.g
    keys = c.check_keys(shape)
    severity, message = _meta(g, shape)
    path_term = g.one(shape, "path")
    path = compile_path(g, path_term) if path_term is not None else None
    shown = path_term.value if isinstance(path_term, ox.NamedNode) else None
    out: list[Check] = []

    def add(
        component: str, body: str, default: str, proj: str = "?this ?value", guard: str = ""
    ) -> None:
        query = f"SELECT DISTINCT {proj} WHERE {{ {focus} {body} }}"
        out.append(Check(name, severity, shown, message or default, query, component, guard=guard))

    value_keys = [k for k in VALUES_FILTERED if k in keys]
    values = "BIND(?this AS ?value)" if path is None else f"?this {path} ?value ."
    cls = g.one(shape, "class")
    if cls is not None:  # an anti-join (hash MINUS) is far faster than EXISTS per value
        test = f"MINUS {{ {c.is_a('?value', cls)} }}"
        guard = value_guard(path_term, test)
        add("class", f"{values} {test}", "Value has not the class", guard=guard)
    if value_keys and not batched:
        bad = " || ".join(f"!({c.value_ok(shape, k, '?value')})" for k in value_keys)
        test = f"FILTER({bad})"
        add(
            "value",
            f"{values} {test}",
            "Value does not conform",
            guard=value_guard(path_term, test),
        )
    if path is None:
        has = g.one(shape, "hasValue")
        if has is not None:
            add("hasValue", f"BIND(?this AS ?value) FILTER(!sameTerm(?this, {has}))", "hasValue")
        for key in ("minCount", "maxCount", "equals", "disjoint", "lessThan", "lessThanOrEquals"):
            if key in keys:
                raise UnsupportedShape(f"sh:{key} on node shape {name} is not supported")
    else:
        out += _count_checks(c, shape, focus, path, name, severity, shown, message, batched)
        has = g.one(shape, "hasValue")
        if has is not None:
            add("hasValue", f"FILTER NOT EXISTS {{ ?this {path} {has} }}", "Missing value", "?this")
        for key in ("equals", "disjoint", "lessThan", "lessThanOrEquals", "uniqueLang"):
            if key in keys:
                body = c.pair_violation(shape, key, path, "?this", "?value")
                proj = "?this" if key == "uniqueLang" else "?this ?value"
                add(key, body, f"sh:{key} not satisfied", proj)
    for constraint in g.objects(shape, SH + "sparql"):
        if not deactivated(g, constraint):
            out.append(sparql_check(g, shape, constraint, focus, name, severity, path, message))
    return out


def _count_checks(
    c: Compiler,
    shape: Term,
    focus: str,
    path: str,
    name: str,
    severity: str,
    shown: str | None,
    message: str | None,
    batched: bool = False,
) -> list[Check]:
    """min/maxCount and qualified counts: one query per (qualified) count constraint."""
    g = c.g
    out: list[Check] = []
    specs: list[tuple[str, str, str, str]] = (
        [] if batched else [("count", "minCount", "maxCount", "")]
    )
    qshape = g.one(shape, "qualifiedValueShape")
    if qshape is not None:
        cond = f" FILTER({c.conforms(qshape, '?v')})"
        specs.append(("qualified", "qualifiedMinCount", "qualifiedMaxCount", cond))
    for component, low_key, high_key, cond in specs:
        low, high = g.one(shape, low_key), g.one(shape, high_key)
        lo = int(low.value) if isinstance(low, ox.Literal) else 0
        hi = int(high.value) if isinstance(high, ox.Literal) else None
        if lo <= 0 and hi is None:
            continue
        if hi is None and lo == 1:  # focus nodes without any (conforming) value
            body = f"FILTER NOT EXISTS {{ ?this {path} ?v .{cond} }}"
            query = f"SELECT DISTINCT ?this WHERE {{ {focus} {body} }}"
        elif hi == 0 and lo <= 0:
            query = f"SELECT DISTINCT ?this WHERE {{ {focus} ?this {path} ?v .{cond} }}"
        else:
            having = " || ".join(
                part
                for part in (
                    f"COUNT(DISTINCT ?v) < {lo}" if lo > 0 else "",
                    f"COUNT(DISTINCT ?v) > {hi}" if hi is not None else "",
                )
                if part
            )
            inner = (
                f"OPTIONAL {{ ?this {path} ?v .{cond} }}" if lo > 0 else f"?this {path} ?v .{cond}"
            )
            query = f"SELECT ?this WHERE {{ {focus} {inner} }} GROUP BY ?this HAVING ({having})"
        default = f"Number of values outside [{lo}, {'*' if hi is None else hi}]"
        out.append(Check(name, severity, shown, message or default, query, component))
    return out


def validate_fast(
    store: ox.Store,
    shapes: Iterable[ox.Triple],
    origins: Mapping[str, Location],
    *,
    workers: int = 2,
) -> ValidationReport:
    """Validate the union of all graphs of ``store`` with the compiled shapes.

    Checks run on ``workers`` threads: pyoxigraph releases the GIL while it evaluates a query.
    Guards run first (``Check.guard``, ``StarCheck.guards``: each distinct one once), then the
    checks they do not rule out, or the lean form of a star check they leave it to.
    """
    shapes = tuple(shapes)
    checks = compile_checks(shapes, instance_types(store, class_terms(ShapesGraph(shapes))))
    guards = sorted({guard for check in checks for guard in check.guards})
    found: set[Violation] = set()
    with ThreadPoolExecutor(max_workers=max(workers, 1)) as pool:
        rows = pool.map(lambda guard: has_row(store, guard), guards)
        hits = {guard for guard, hit in zip(guards, rows, strict=True) if hit}
        chosen = [run for check in checks if (run := check.given(hits)) is not None]
        for results in pool.map(lambda check: check.run(store, origins), chosen):
            found.update(results)
    return ValidationReport(results=sort_violations(found), engine="fast")


__all__ = ["Check", "Runnable", "compile_checks", "instance_types", "run_check", "validate_fast"]
