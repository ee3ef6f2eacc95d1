"""Run kg's own SPARQL files and turn answers into Python values.

Each stage keeps the queries it runs beside its code, in ``kg/<stage>/sparql/*.rq`` (the build's
rules, the flow network, the country dossier), and reads them through a :class:`Library`. They
are package data, not part of the user-facing query library in ``queries/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources

import pyoxigraph as ox

from kg.core import vocab as V
from kg.core.errors import QueryError

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


@dataclass(frozen=True)
class Library:
    """The SPARQL files of one package: ``kg/<stage>/sparql/<name>.rq``."""

    package: str

    def path(self, name: str) -> str:
        """The file's path inside the package, for messages."""
        return f"{self.package.replace('.', '/')}/sparql/{name}.rq"

    def load(self, name: str) -> str:
        """Return the text of the query ``name``."""
        return _load(self.package, name)

    def select(self, store: ox.Store, name: str, **bindings: str) -> list[Row]:
        """Run the query ``name`` over the union of all graphs; IRI ``bindings`` pre-bind
        variables. Rows come back as dicts of Python values, in the query's order."""
        subs: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(k): ox.NamedNode(v) for k, v in bindings.items()
        }
        result = store.query(
            self.load(name), use_default_graph_as_union=True, substitutions=subs or None
        )
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError(f"{self.path(name)} is not a SELECT query")
        names = [v.value for v in result.variables]
        return [{n: value(row[n]) for n in names} for row in result]


@cache
def _load(package: str, name: str) -> str:
    path = resources.files(package) / "sparql" / f"{name}.rq"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:  # a packaging error, not a user error
        raise QueryError(f"missing package query {Library(package).path(name)}") from exc


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


__all__ = ["Library", "Row", "Value", "integer", "text", "value"]
