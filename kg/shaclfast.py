"""The fast validation engine: the shapes compiled to SPARQL (kg.shaclsparql), run on pyoxigraph.

Every reporting shape (one with targets, or a property shape of one) becomes a few SELECT
queries over the union of all named graphs; their rows become the same
:class:`~kg.validate.Violation` values that the pySHACL engine produces.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from kg import vocab as V
from kg.errors import Location
from kg.shaclsparql import (
    SH,
    TYPE_PATH,
    VALUE_KEYS,
    Compiler,
    ShapesGraph,
    Term,
    UnsupportedShape,
    compile_path,
)
from kg.validate import ValidationReport, Violation, sort_violations

_TARGETS = {
    "targetClass": "?this {tp} {arg} .",
    "targetNode": "VALUES ?this {{ {arg} }}",
    "targetSubjectsOf": "?this {arg} ?any_s .",
    "targetObjectsOf": "?any_o {arg} ?this .",
}
_SUBST = re.compile(r"\{[?$](\w+)\}")
_WHERE = re.compile(r"\bSELECT\b(?P<proj>.*?)(?P<brace>\bWHERE\s*\{|\{)", re.I | re.S)


@dataclass(frozen=True)
class Check:
    """One compiled query; each row (``?this``, ``?value``, ``?path``) is a result of ``shape``."""

    shape: str
    severity: str
    path: str | None
    message: str
    query: str
    component: str
    substitute: bool = False


def _message(g: ShapesGraph, node: Term) -> str | None:
    msgs = [m for m in g.objects(node, SH + "message") if isinstance(m, ox.Literal)]
    msgs.sort(key=lambda m: (m.language not in ("en", None), m.language or "", m.value))
    return msgs[0].value if msgs else None


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


def focus_patterns(g: ShapesGraph) -> dict[Term, list[str]]:
    """For each reporting shape, graph patterns binding ``?this`` to its focus nodes."""
    focus: dict[Term, list[str]] = {}
    rdfs_class = {V.RDFS + "Class", V.OWL + "Class"}
    for s in list(g.spo):
        pats = [
            fmt.format(tp=TYPE_PATH, arg=arg)
            for key, fmt in _TARGETS.items()
            for arg in g.objects(s, SH + key)
        ]
        types = {t.value for t in g.objects(s, V.RDF + "type") if isinstance(t, ox.NamedNode)}
        if types & rdfs_class and types & {SH + "NodeShape", SH + "PropertyShape"}:
            pats.append(f"?this {TYPE_PATH} {s} .")
        if pats and not _deactivated(g, s):
            focus[s] = pats
    for node in list(focus):
        for prop in g.objects(node, SH + "property"):
            if not _deactivated(g, prop):
                focus.setdefault(prop, []).extend(focus[node])
    return focus


def _deactivated(g: ShapesGraph, s: Term) -> bool:
    value = g.one(s, "deactivated")
    return isinstance(value, ox.Literal) and value.value == "true"


def compile_checks(triples: Iterable[ox.Triple]) -> list[Check]:
    """Compile every reporting shape of the shapes graph into checks."""
    return list(_compile(tuple(triples)))


@functools.lru_cache(maxsize=4)
def _compile(triples: tuple[ox.Triple, ...]) -> tuple[Check, ...]:
    g = ShapesGraph(triples)
    c = Compiler(g)
    parents = _parents(g)
    checks: list[Check] = []
    for shape, pats in sorted(focus_patterns(g).items(), key=lambda kv: str(kv[0])):
        focus = pats[0] if len(pats) == 1 else " UNION ".join(f"{{ {p} }}" for p in pats)
        checks += _shape_checks(c, shape, f"{{ {focus} }}", named_shape(g, shape, parents))
    return tuple(checks)


def _shape_checks(c: Compiler, shape: Term, focus: str, name: str) -> list[Check]:
    g = c.g
    keys = c.check_keys(shape)
    sev = g.one(shape, "severity")
    severity = sev.value.rsplit("#", 1)[-1] if sev is not None else "Violation"
    message = _message(g, shape)
    path_term = g.one(shape, "path")
    path = compile_path(g, path_term) if path_term is not None else None
    shown = path_term.value if isinstance(path_term, ox.NamedNode) else None
    out: list[Check] = []

    def add(component: str, body: str, default: str, proj: str = "?this ?value") -> None:
        query = f"SELECT DISTINCT {proj} WHERE {{ {focus} {body} }}"
        out.append(Check(name, severity, shown, message or default, query, component))

    value_keys = [k for k in VALUE_KEYS if k in keys]
    if path is None:
        if value_keys:
            bad = " || ".join(f"!({c.value_ok(shape, k, '?this')})" for k in value_keys)
            add("value", f"BIND(?this AS ?value) FILTER({bad})", "Value does not conform")
        has = g.one(shape, "hasValue")
        if has is not None:
            add("hasValue", f"BIND(?this AS ?value) FILTER(!sameTerm(?this, {has}))", "hasValue")
        for key in ("minCount", "maxCount", "equals", "disjoint", "lessThan", "lessThanOrEquals"):
            if key in keys:
                raise UnsupportedShape(f"sh:{key} on node shape {name} is not supported")
    else:
        if value_keys:
            bad = " || ".join(f"!({c.value_ok(shape, k, '?value')})" for k in value_keys)
            add("value", f"?this {path} ?value . FILTER({bad})", "Value does not conform")
        out += _count_checks(c, shape, focus, path, name, severity, shown, message)
        has = g.one(shape, "hasValue")
        if has is not None:
            add("hasValue", f"FILTER NOT EXISTS {{ ?this {path} {has} }}", "Missing value", "?this")
        for key in ("equals", "disjoint", "lessThan", "lessThanOrEquals", "uniqueLang"):
            if key in keys:
                body = c.pair_violation(shape, key, path, "?this", "?value")
                proj = "?this" if key == "uniqueLang" else "?this ?value"
                add(key, body, f"sh:{key} not satisfied", proj)
    for constraint in g.objects(shape, SH + "sparql"):
        if not _deactivated(g, constraint):
            out.append(_sparql_check(g, shape, constraint, focus, name, severity, path, message))
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
) -> list[Check]:
    g = c.g
    out: list[Check] = []
    specs: list[tuple[str, int | None, int | None, str]] = []
    low, high = g.one(shape, "minCount"), g.one(shape, "maxCount")
    if low is not None or high is not None:
        lo = int(low.value) if isinstance(low, ox.Literal) else None
        hi = int(high.value) if isinstance(high, ox.Literal) else None
        specs.append(("count", lo, hi, ""))
    qshape = g.one(shape, "qualifiedValueShape")
    if qshape is not None:
        ql, qh = g.one(shape, "qualifiedMinCount"), g.one(shape, "qualifiedMaxCount")
        lo = int(ql.value) if isinstance(ql, ox.Literal) else None
        hi = int(qh.value) if isinstance(qh, ox.Literal) else None
        specs.append(("qualified", lo, hi, f" FILTER({c.conforms(qshape, '?v')})"))
    for component, lo, hi, cond in specs:
        for bound, op in ((lo, "<"), (hi, ">")):
            if bound is None or (op == "<" and bound == 0):
                continue
            if op == "<" and bound == 1:
                body = f"FILTER NOT EXISTS {{ ?this {path} ?v .{cond} }}"
                query = f"SELECT DISTINCT ?this WHERE {{ {focus} {body} }}"
            elif op == ">" and bound == 0:
                query = f"SELECT DISTINCT ?this WHERE {{ {focus} ?this {path} ?v .{cond} }}"
            else:
                inner = (
                    f"OPTIONAL {{ ?this {path} ?v .{cond} }}"
                    if op == "<"
                    else (f"?this {path} ?v .{cond}")
                )
                query = (
                    f"SELECT ?this WHERE {{ {focus} {inner} }} GROUP BY ?this "
                    f"HAVING (COUNT(DISTINCT ?v) {op} {bound})"
                )
            default = f"{'Less' if op == '<' else 'More'} than {bound} values"
            out.append(Check(name, severity, shown, message or default, query, component))
    return out


def _sparql_check(
    g: ShapesGraph,
    shape: Term,
    constraint: Term,
    focus: str,
    name: str,
    severity: str,
    path: str | None,
    message: str | None,
) -> Check:
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
    msg = _message(g, constraint) or message or "SPARQL constraint violated"
    return Check(name, severity, None, msg, prefixes + query, "sparql", substitute=True)


def validate_fast(
    store: ox.Store, shapes: Iterable[ox.Triple], origins: Mapping[str, Location]
) -> ValidationReport:
    """Validate the union of all graphs of ``store`` with the compiled shapes."""
    found: set[Violation] = set()
    for check in compile_checks(shapes):
        found.update(run_check(store, check, origins))
    return ValidationReport(results=sort_violations(found), engine="fast")


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
