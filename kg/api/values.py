"""RDF terms as Python values: IRIs as :class:`IRI` strings, literals by their datatype."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

from kg.core.errors import QueryError
from kg.core.vocab import RDF, XSD


class IRI(str):
    """An IRI from a query result: a ``str`` that says it names something (not plain text)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"IRI({str.__repr__(self)})"


def _boolean(text: str) -> bool:
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise ValueError(text)


def _year(text: str) -> int:
    # xsd:gYear may carry a time zone (2020Z, 2020+01:00) and a sign; the year is what counts
    body = text[1:] if text.startswith("-") else text
    digits = body[: len(body) - len(body.lstrip("0123456789"))]
    if len(digits) < 4:
        raise ValueError(text)
    return -int(digits) if text.startswith("-") else int(digits)


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text[:10])  # a time zone suffix says nothing about the day


_INTEGER = (
    "integer",
    "int",
    "long",
    "short",
    "byte",
    "nonNegativeInteger",
    "positiveInteger",
    "negativeInteger",
    "nonPositiveInteger",
    "unsignedInt",
    "unsignedLong",
    "unsignedShort",
    "unsignedByte",
)
#: Literal datatype → the Python type its lexical form is read as.
CONVERTERS: dict[str, Callable[[str], Any]] = {
    **{XSD + t: int for t in _INTEGER},
    XSD + "decimal": Decimal,
    XSD + "double": float,
    XSD + "float": float,
    XSD + "boolean": _boolean,
    XSD + "date": _date,
    XSD + "dateTime": dt.datetime.fromisoformat,
    XSD + "gYear": _year,
    XSD + "string": str,
    RDF + "langString": str,
}


def python_value(term: object) -> Any:
    """The Python value of a pyoxigraph term (None stays None).

    IRIs become :class:`IRI`, blank nodes ``"_:label"``; literals are converted by datatype
    (int, Decimal, float, bool, date, datetime, a gYear as its int year, str). A literal whose
    text is not valid for its datatype, or of another datatype, stays its text.
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return IRI(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        convert = CONVERTERS.get(term.datatype.value, str)
        try:
            return convert(term.value)
        except (ValueError, InvalidOperation):
            return term.value
    return str(term)


def param_value(name: str, value: object) -> str | ox.NamedNode | ox.Literal:
    """A Python value given for query parameter ``name``, as the text ``kg query -p name=TEXT``
    takes (bool as true/false, numbers as digits, a date as YYYY-MM-DD, an IRI as its text, so
    the parameter's type still checks it); a pyoxigraph term is bound as it is.

    Raises:
        QueryError: for a value of another type (a list, a dict, None).
    """
    if isinstance(value, ox.NamedNode | ox.Literal):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal | float | str):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    raise QueryError(
        f"parameter {name!r}: cannot bind a {type(value).__name__}",
        hint="give a str, int, bool, Decimal, date or IRI; '*' means any value",
    )


__all__ = ["CONVERTERS", "IRI", "param_value", "python_value"]
