"""Compile the SHACL shapes into SPARQL SELECT queries that pyoxigraph runs (the fast engine).

The shapes in ``ontology/shapes.ttl`` stay the single source of truth: every constraint is
translated mechanically, and a constraint this compiler does not understand raises
:class:`UnsupportedShape` instead of being skipped. This module turns constraint components
into SPARQL boolean expressions and graph patterns; kg.shaclfast assembles them into queries
over the union of all named graphs, whose rows are validation results.
``tests/shacl/test_shaclsparql.py`` proves that this engine and pySHACL report the same results.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import pyoxigraph as ox

from kg.core import vocab as V
from kg.shacl.shapes import (
    SH,
    ShapesGraph,
    Term,
    UnsupportedShape,
    class_terms,
    compile_path,
    show,
)

TYPE_PATH = f"<{V.RDF}type>/<{V.RDFS}subClassOf>*"

#: Components checked on each value node (the result carries the value).
VALUE_KEYS = (
    "class", "datatype", "nodeKind", "in", "pattern", "minInclusive", "maxInclusive",
    "minExclusive", "maxExclusive", "minLength", "maxLength", "languageIn", "node", "or",
    "xone", "not",
)  # fmt: skip
#: Parameters that belong to a component above or are harmless annotations.
OTHER_KEYS = frozenset(
    {
        "path", "property", "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf",
        "message", "severity", "name", "description", "order", "group", "deactivated",
        "flags", "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint",
        "defaultValue", "declare", "prefixes", "minCount", "maxCount", "hasValue", "equals",
        "disjoint", "lessThan", "lessThanOrEquals", "uniqueLang", "qualifiedValueShape",
        "sparql", "select", "closed", "ignoredProperties",
    }
)  # fmt: skip
#: Datatypes whose lexical forms rdflib (hence pySHACL) checks; the same casts are used here.
CHECKED_DATATYPES = frozenset(
    V.XSD + t for t in ("integer", "decimal", "boolean", "date", "dateTime", "double", "float")
)


class Compiler:
    """Turns shapes into boolean SPARQL expressions and graph patterns.

    ``types`` maps a class IRI to the classes whose ``rdf:type`` makes a node a SHACL instance
    of it (the class and its sub-classes in the data, or only the class when every instance
    of a sub-class is already typed with it). Without it the generic
    ``rdf:type/rdfs:subClassOf*`` path is used, which pyoxigraph evaluates far more slowly.
    """

    def __init__(self, g: ShapesGraph, types: Mapping[str, tuple[str, ...]] | None = None) -> None:
        self.g = g
        self.types = types
        self._ids = itertools.count()

    def is_a(self, x: str, cls: Term) -> str:
        """A graph pattern matching when node ``x`` is a SHACL instance of ``cls``."""
        if self.types is None or not isinstance(cls, ox.NamedNode) or cls.value not in self.types:
            return f"{x} {TYPE_PATH} {cls} ."
        classes = self.types[cls.value]
        if len(classes) == 1:
            return f"{x} <{V.RDF}type> <{classes[0]}> ."
        t = self.var("t")
        return f"VALUES {t} {{ {' '.join(f'<{c}>' for c in classes)} }} {x} <{V.RDF}type> {t} ."

    def var(self, stem: str = "v") -> str:
        """A fresh SPARQL variable."""
        return f"?{stem}{next(self._ids)}"

    def check_keys(self, shape: Term) -> set[str]:
        """The shape's parameters; raise on a component the engine cannot compile."""
        keys = self.g.keys(shape)
        unknown = sorted(k for k in keys if k not in OTHER_KEYS and k not in VALUE_KEYS)
        if unknown:
            raise UnsupportedShape(
                f"shape {show(shape)} uses sh:{unknown[0]}, which the fast engine cannot compile",
                hint="use --engine pyshacl, or add the component to kg/shaclsparql.py",
            )
        for key in ("closed", "qualifiedValueShapesDisjoint"):
            value = self.g.one(shape, key)
            if isinstance(value, ox.Literal) and value.value == "true":
                raise UnsupportedShape(f"shape {show(shape)} uses sh:{key} true, not supported")
        return keys

    # --- per value node -------------------------------------------------------------------

    def value_ok(self, shape: Term, key: str, v: str) -> str:
        """An expression that is true when value node ``v`` satisfies ``sh:key`` of ``shape``."""
        g = self.g
        arg = g.one(shape, key)
        assert arg is not None
        if key == "class":
            return f"EXISTS {{ {self.is_a(v, arg)} }}"
        if key == "datatype":
            return self._datatype_ok(arg, v)
        if key == "nodeKind":
            return _NODE_KINDS[_local(arg)].format(v=v)
        if key == "in":
            members = g.items(arg)
            return (
                "(" + " || ".join(f"sameTerm({v}, {m})" for m in members) + ")"
                if members
                else ("false")
            )
        if key == "pattern":
            flags = g.one(shape, "flags")
            extra = f", {flags}" if flags is not None else ""
            return f"(!isBlank({v}) && REGEX(STR({v}), {_plain(arg)}{extra}))"
        if key in _COMPARE:
            return f"COALESCE({v} {_COMPARE[key]} {arg}, false)"
        if key in ("minLength", "maxLength"):
            op = ">=" if key == "minLength" else "<="
            return f"(!isBlank({v}) && STRLEN(STR({v})) {op} {int(_lit(arg))})"
        if key == "languageIn":
            tags = [str(_lit(t)).lower() for t in g.items(arg)]
            if "*" in tags:
                return f'(isLiteral({v}) && LANG({v}) != "")'
            alts = " || ".join(f'langMatches(LANG({v}), "{t}")' for t in tags) or "false"
            return f'(isLiteral({v}) && LANG({v}) != "" && ({alts}))'
        if key == "node":
            return self.conforms(arg, v)
        if key == "not":
            return f"!({self.conforms(arg, v)})"
        members = g.items(arg)
        if key == "or":
            return (
                "(" + " || ".join(self.conforms(m, v) for m in members) + ")"
                if members
                else ("false")
            )
        assert key == "xone"
        counts = " + ".join(f"IF({self.conforms(m, v)}, 1, 0)" for m in members) or "0"
        return f"(({counts}) = 1)"

    def _datatype_ok(self, dt: Term, v: str) -> str:
        if not isinstance(dt, ox.NamedNode):
            raise UnsupportedShape(f"sh:datatype {dt} is not an IRI")
        if dt.value == V.RDFS + "Literal":
            return f"isLiteral({v})"
        base = f"(isLiteral({v}) && sameTerm(DATATYPE({v}), {dt}))"
        if dt.value in CHECKED_DATATYPES:
            return f"({base} && COALESCE(sameTerm({dt}(STR({v})), {dt}(STR({v}))), false))"
        return base

    # --- per focus node -------------------------------------------------------------------

    def conforms(self, shape: Term, x: str) -> str:
        """An expression that is true when node ``x`` conforms to ``shape`` (nested shapes)."""
        g = self.g
        keys = self.check_keys(shape)
        if "sparql" in keys:
            raise UnsupportedShape(f"nested shape {show(shape)} uses sh:sparql, not supported")
        parts: list[str] = []
        path_term = g.one(shape, "path")
        if path_term is None:
            parts += [self.value_ok(shape, k, x) for k in VALUE_KEYS if k in keys]
            has = g.one(shape, "hasValue")
            if has is not None:
                parts.append(f"sameTerm({x}, {has})")
            for key in ("equals", "disjoint", "lessThan", "lessThanOrEquals", "uniqueLang"):
                if key in keys:
                    raise UnsupportedShape(f"sh:{key} on node shape {show(shape)}")
        else:
            path = compile_path(g, path_term)
            parts += self._property_parts(shape, keys, path, x)
        parts += [self.conforms(p, x) for p in g.objects(shape, SH + "property")]
        return "(" + " && ".join(parts) + ")" if parts else "true"

    def _property_parts(self, shape: Term, keys: set[str], path: str, x: str) -> list[str]:
        g = self.g
        parts: list[str] = []
        value_keys = [k for k in VALUE_KEYS if k in keys]
        if value_keys:
            v = self.var()
            bad = " || ".join(f"!({self.value_ok(shape, k, v)})" for k in value_keys)
            parts.append(f"NOT EXISTS {{ {x} {path} {v} FILTER({bad}) }}")
        low, high = _int(g.one(shape, "minCount")), _int(g.one(shape, "maxCount"))
        if low:
            parts.append(self._at_least(x, path, low, "true"))
        if high is not None:
            parts.append(f"!{self._at_least(x, path, high + 1, 'true')}")
        has = g.one(shape, "hasValue")
        if has is not None:
            parts.append(f"EXISTS {{ {x} {path} {has} }}")
        qshape = g.one(shape, "qualifiedValueShape")
        if qshape is not None:
            qlow = _int(g.one(shape, "qualifiedMinCount"))
            qhigh = _int(g.one(shape, "qualifiedMaxCount"))
            if qlow:
                parts.append(self._at_least(x, path, qlow, qshape))
            if qhigh is not None:
                parts.append(f"!{self._at_least(x, path, qhigh + 1, qshape)}")
        for key in ("equals", "disjoint", "lessThan", "lessThanOrEquals", "uniqueLang"):
            if key in keys:
                pattern = self.pair_violation(shape, key, path, x, self.var())
                parts.append(f"NOT EXISTS {{ {pattern} }}")
        return parts

    def _at_least(self, x: str, path: str, n: int, qualifier: Term | str) -> str:
        """True when ``x`` has at least ``n`` distinct values (conforming to ``qualifier``)."""
        if n > 4:
            raise UnsupportedShape(f"nested count constraints above 4 are not supported ({n})")
        vs = [self.var() for _ in range(n)]
        triples = " ".join(f"{x} {path} {v} ." for v in vs)
        conds = [f"!sameTerm({a}, {b})" for a, b in itertools.combinations(vs, 2)]
        if not isinstance(qualifier, str):
            conds += [self.conforms(qualifier, v) for v in vs]
        cond = f" FILTER({' && '.join(conds)})" if conds else ""
        return f"EXISTS {{ {triples}{cond} }}"

    def pair_violation(self, shape: Term, key: str, path: str, x: str, v: str) -> str:
        """A graph pattern matching each offending value ``v`` of a property-pair component."""
        arg = self.g.one(shape, key)
        if key == "uniqueLang":
            if not (isinstance(arg, ox.Literal) and arg.value == "true"):
                return "FILTER(false)"
            w = self.var()
            return (
                f"{x} {path} {v} . {x} {path} {w} . FILTER(!sameTerm({v}, {w}) && "
                f'LANG({v}) != "" && LCASE(LANG({v})) = LCASE(LANG({w})))'
            )
        if not isinstance(arg, ox.NamedNode):
            raise UnsupportedShape(f"sh:{key} of {show(shape)} must be an IRI")
        if key == "equals":
            return (
                f"{{ {x} {path} {v} FILTER NOT EXISTS {{ {x} {arg} {v} }} }} UNION "
                f"{{ {x} {arg} {v} FILTER NOT EXISTS {{ {x} {path} {v} }} }}"
            )
        if key == "disjoint":
            return f"{x} {path} {v} . {x} {arg} {v} ."
        w = self.var()
        op = "<" if key == "lessThan" else "<="
        return f"{x} {path} {v} . {x} {arg} {w} . FILTER(!COALESCE({v} {op} {w}, false))"


_NODE_KINDS = {
    "IRI": "isIRI({v})",
    "BlankNode": "isBlank({v})",
    "Literal": "isLiteral({v})",
    "BlankNodeOrIRI": "(isIRI({v}) || isBlank({v}))",
    "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
    "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
}
_COMPARE = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}


def _local(term: Term) -> str:
    return term.value.rsplit("#", 1)[-1]


def _lit(term: Term | None) -> str:
    if not isinstance(term, ox.Literal):
        raise UnsupportedShape(f"expected a literal, not {term}")
    return term.value


def _plain(term: Term) -> str:
    return str(ox.Literal(_lit(term)))


def _int(term: Term | None) -> int | None:
    return None if term is None else int(_lit(term))


__all__ = [
    "SH",
    "Compiler",
    "ShapesGraph",
    "Term",
    "UnsupportedShape",
    "class_terms",
    "compile_path",
]
