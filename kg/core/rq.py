"""Run kg's own SPARQL files and turn answers into Python values.

Each stage keeps the queries it runs beside its code, in ``kg/<stage>/sparql/*.rq`` (the build's
rules, the flow network, the country dossier), and reads them through a :class:`Library`. They
are package data, not part of the user-facing query library in ``queries/``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources

import pyoxigraph as ox

from kg.core import vocab as V
from kg.core.errors import QueryError
from kg.core.kept import Queryable, union_tsv

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
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
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

    def bound(self, name: str, **bindings: str | Sequence[str]) -> str:
        """The text of the query ``name`` with ``bindings`` (variable → IRI, or several IRIs)
        given by a VALUES block at the start of its first WHERE group, so the engine plans with
        them (pyoxigraph's ``substitutions`` are applied after planning, and cost a whole-store
        evaluation). Each IRI is checked by pyoxigraph, so a value cannot change the query."""
        text = self.load(name)
        if not bindings:
            return text
        blocks = []
        for var, iris in sorted(bindings.items()):
            values = [iris] if isinstance(iris, str) else list(iris)
            terms = " ".join(str(ox.NamedNode(v)) for v in values)
            blocks.append(f"VALUES ?{ox.Variable(var).value} {{ {terms} }}")
        where = next(
            (m for m in _WHERE.finditer(text) if "#" not in text[: m.start()].rsplit("\n", 1)[-1]),
            None,
        )
        if where is None:
            raise QueryError(f"{self.path(name)} has no WHERE group to bind variables in")
        at = where.end()
        return f"{text[:at]} {' '.join(blocks)}{text[at:]}"

    def select(self, store: Queryable, name: str, **bindings: str | Sequence[str]) -> list[Row]:
        """Run the query ``name`` over the union of all graphs with ``bindings`` (see
        :meth:`bound`). Rows come back as dicts of Python values, in the query's order."""
        result = store.query(self.bound(name, **bindings), use_default_graph_as_union=True)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError(f"{self.path(name)} is not a SELECT query")
        names = [v.value for v in result.variables]
        return [{n: value(row[n]) for n in names} for row in result]

    def table(
        self, store: Queryable, name: str, text: str | None = None, columns: str = ""
    ) -> list[list[str]]:
        """Run the query ``name`` (or ``text``, a variant of it) over the union of all graphs
        and return its rows as lists of SPARQL TSV cells (``cell_value`` and friends read
        them): the fast path for large answers, no Python object per term. ``columns``
        (space-separated names) is checked against the query's projection."""
        query = self.load(name) if text is None else text
        head, rows = tsv_rows(store, query, self.path(name))
        if columns and head != [f"?{c}" for c in columns.split()]:
            raise QueryError(f"{self.path(name)} selects {' '.join(head)}, not {columns}")
        return rows


def tsv_rows(
    store: Queryable, query: str, where: str = "query"
) -> tuple[list[str], list[list[str]]]:
    """The variables and rows of a SELECT query over the union of all graphs, as TSV cells
    (kept ones where ``store`` keeps them: ``kg.core.kept``)."""
    answer = union_tsv(store, query)
    if answer is None:
        raise QueryError(f"{where} is not a SELECT query")
    data = answer.decode("utf-8")
    lines = data.split("\n")  # raw newlines only end rows (they are escaped in literals)
    return lines[0].split("\t"), [line.split("\t") for line in lines[1:] if line]


_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_CHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1) or match.group(2)
    if code:
        return chr(int(code, 16))
    return _CHARS.get(match.group(3), match.group(0))


def _literal_parts(cell: str) -> tuple[str, str]:
    """(lexical form, what follows the closing quote) of a quoted TSV literal."""
    end = cell.rfind('"')
    lexical = cell[1:end]
    if "\\" in lexical:
        lexical = _ESCAPE.sub(_unescape, lexical)
    return lexical, cell[end + 1 :]


def cell_text(cell: str) -> str:
    """A TSV cell as ``text(row, key)`` would give it: IRI, ``_:label`` or lexical form."""
    if not cell:
        return ""
    first = cell[0]
    if first == "<":
        return cell[1:-1]
    if first == '"':
        return _literal_parts(cell)[0]
    return cell  # a blank node or a number or boolean written bare


def cell_value(cell: str) -> Value | None:
    """A TSV cell as ``value`` gives the term: None when unbound, IRIs and blank nodes as
    strings, typed numbers and booleans as Python values, other literals as lexical forms."""
    if not cell:
        return None
    first = cell[0]
    if first == "<":
        return cell[1:-1]
    if first == "_":
        return cell
    if first == '"':
        lexical, rest = _literal_parts(cell)
        if rest.startswith("^^<"):
            return value(ox.Literal(lexical, datatype=ox.NamedNode(rest[3:-1])))
        return lexical
    if cell in ("true", "false"):
        return cell == "true"
    if "." in cell or "e" in cell or "E" in cell:
        return float(Decimal(cell))
    return int(cell)


def cell_int(cell: str) -> int | None:
    """A TSV cell as ``integer(row, key)`` gives it: an int, or None when unbound or not one."""
    if not cell or cell[0] in "<_":
        return None if not cell or cell[0] == "_" else _int(cell[1:-1])
    if cell[0] != '"':  # a number or boolean written bare
        bare_float = "." in cell or "e" in cell or "E" in cell
        return None if cell in ("true", "false") or bare_float else int(cell)
    lexical, rest = _literal_parts(cell)
    if rest.startswith("^^<"):
        datatype = rest[3:-1]
        if datatype in _FLOATS or datatype == V.XSD + "boolean":
            v = value(ox.Literal(lexical, datatype=ox.NamedNode(datatype)))
            return v if isinstance(v, int) and not isinstance(v, bool) else _int(str(v))
    return _int(lexical)


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


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


__all__ = [
    "Library",
    "Row",
    "Value",
    "cell_int",
    "cell_text",
    "cell_value",
    "integer",
    "text",
    "tsv_rows",
    "value",
]
