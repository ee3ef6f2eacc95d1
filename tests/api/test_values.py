"""RDF literals as Python values, and Python values as query parameters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyoxigraph as ox
import pytest

from kg.api.values import IRI, param_value, python_value
from kg.core.errors import QueryError
from kg.core.vocab import RDF, XSD


def lit(text: str, datatype: str) -> ox.Literal:
    return ox.Literal(text, datatype=ox.NamedNode(datatype))


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        (lit("42", XSD + "integer"), 42),
        (lit("-7", XSD + "int"), -7),
        (lit("3", XSD + "nonNegativeInteger"), 3),
        (lit("0.1", XSD + "decimal"), Decimal("0.1")),
        (lit("1.5E3", XSD + "double"), 1500.0),
        (lit("true", XSD + "boolean"), True),
        (lit("0", XSD + "boolean"), False),
        (lit("2020-06-25", XSD + "date"), dt.date(2020, 6, 25)),
        (lit("2020-06-25Z", XSD + "date"), dt.date(2020, 6, 25)),
        (lit("2020-06-25T10:00:00", XSD + "dateTime"), dt.datetime(2020, 6, 25, 10)),
        (lit("2019", XSD + "gYear"), 2019),
        (lit("2019Z", XSD + "gYear"), 2019),
        (lit("text", XSD + "string"), "text"),
        (ox.Literal("Tier 3", language="en"), "Tier 3"),
        (lit("POINT(1 2)", "http://www.opengis.net/ont/geosparql#wktLiteral"), "POINT(1 2)"),
        (lit("forty", XSD + "integer"), "forty"),  # invalid text stays text
        (lit("maybe", XSD + "boolean"), "maybe"),
        (lit("2020-13-01", XSD + "date"), "2020-13-01"),
    ],
)
def test_literals(literal: ox.Literal, expected: object) -> None:
    value = python_value(literal)
    assert value == expected
    assert type(value) is type(expected)


def test_lang_strings_are_strings() -> None:
    assert ox.Literal("x", language="en").datatype.value == RDF + "langString"


def test_iris_and_blank_nodes() -> None:
    iri = python_value(ox.NamedNode("https://w3id.org/kg-tip/id/country-prk"))
    assert isinstance(iri, IRI)
    assert isinstance(iri, str)
    assert iri == "https://w3id.org/kg-tip/id/country-prk"
    assert repr(iri) == "IRI('https://w3id.org/kg-tip/id/country-prk')"
    assert python_value(ox.BlankNode("b0")) == "_:b0"
    assert python_value(None) is None


def test_parameters() -> None:
    assert param_value("year", 2020) == "2020"
    assert param_value("flag", True) == "true"
    assert param_value("x", Decimal("1.5")) == "1.5"
    assert param_value("d", dt.date(2020, 1, 2)) == "2020-01-02"
    assert param_value("country", IRI("https://w3id.org/kg-tip/id/country-prk")) == (
        "https://w3id.org/kg-tip/id/country-prk"
    )
    term = ox.NamedNode("http://e/x")
    assert param_value("iri", term) is term
    with pytest.raises(QueryError, match=r"parameter 'year': cannot bind a list"):
        param_value("year", [2020])
