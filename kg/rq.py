"""Run the package's own SPARQL files (``kg/sparql/*.rq``) and turn answers into Python values.

These queries feed the flow network, the flow map and the country dossier. They are package
data, not part of the user-facing query library in ``queries/``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources

import pyoxigraph as ox

from kg import vocab as V
from kg.errors import QueryError

#: A Python value of an RDF term: IRI or blank node as str, typed literals as int/float/bool/str.
Value = str | int | float | bool
Row = dict[str, Value | None]

_INTEGERS = {
    V.XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedInt",
        "unsignedLong",
    )
}
_FLOATS = {V.XSD + "decimal", V.XSD + "double", V.XSD + "float"}


@cache
def load(name: str) -> str:
    """Return the text of ``kg/sparql/<name>.rq``."""
    path = resources.files("kg") / "sparql" / f"{name}.rq"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:  # a packaging error, not a user error
        raise QueryError(f"missing package query kg/sparql/{name}.rq") from exc


def value(term: object) -> Value | None:
    """Convert a pyoxigraph term to a plain Python value (None stays None)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        try:
            if dt in _INTEGERS:
                return int(term.value)
            if dt in _FLOATS:
                return float(Decimal(term.value))
        except (ValueError, InvalidOperation):
            return term.value
        if dt == V.XSD + "boolean":
            return term.value in ("true", "1")
        return term.value
    return str(term)


def select(store: ox.Store, name: str, **bindings: str) -> list[Row]:
    """Run ``kg/sparql/<name>.rq`` over the union of all graphs; IRI ``bindings`` pre-bind
    variables. Rows come back as dicts of Python values, in the query's order."""
    subs: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
        ox.Variable(k): ox.NamedNode(v) for k, v in bindings.items()
    }
    result = store.query(load(name), use_default_graph_as_union=True, substitutions=subs or None)
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError(f"kg/sparql/{name}.rq is not a SELECT query")
    names = [v.value for v in result.variables]
    return [{n: value(row[n]) for n in names} for row in result]


def text(row: Row, key: str) -> str:
    """Return ``row[key]`` as a string ('' when unbound)."""
    v = row.get(key)
    return "" if v is None else str(v)


def integer(row: Row, key: str) -> int | None:
    """Return ``row[key]`` as an int, or None when unbound or not a number."""
    v = row.get(key)
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, int):
        return v
    try:
        return int(str(v))
    except ValueError:
        return None


__all__ = ["Row", "Value", "integer", "load", "select", "text", "value"]
