"""Reading an endpoint's answer (kg.query.results): an ASK answered as a SPARQL JSON boolean or
as Virtuoso's one-row ``__ASK_RETVAL`` table is that boolean, and nothing else is; booleans in
rows come back canonical ("1"^^xsd:boolean is true); every other body is one RemoteError line."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.core.errors import RemoteError
from kg.query.endpoint import EMPTY_DEFAULT_GRAPH, Endpoint, parse_boolean, parse_results
from kg.query.named import parse_spec

URL = "http://endpoint.test/sparql"
XSD = "http://www.w3.org/2001/XMLSchema#"


def table(variables: list[str], *rows: dict[str, object]) -> bytes:
    body = {"head": {"vars": variables}, "results": {"bindings": list(rows)}}
    return json.dumps(body).encode()


def typed(value: str, datatype: str) -> dict[str, str]:
    return {"type": "typed-literal", "datatype": XSD + datatype, "value": value}


#: What Virtuoso 7.2 answers to ASK with Accept: application/sparql-results+json.
VIRTUOSO_TRUE = table(["__ASK_RETVAL"], {"__ASK_RETVAL": typed("1", "integer")})
VIRTUOSO_FALSE = table(["__ASK_RETVAL"])


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"head":{},"boolean":true}', True),
        (b'{"head":{},"boolean":false}', False),
        (VIRTUOSO_TRUE, True),
        (VIRTUOSO_FALSE, False),
        (table(["__ASK_RETVAL"], {"__ASK_RETVAL": typed("0", "integer")}), False),
        (table(["answer"], {"answer": typed("1", "boolean")}), True),
        (table(["answer"], {"answer": typed("0", "boolean")}), False),
        (table(["answer"], {"answer": typed("true", "boolean")}), True),
        (table(["answer"], {"answer": typed("false", "boolean")}), False),
    ],
)
def test_an_ask_answer_is_its_boolean(body: bytes, expected: bool) -> None:
    assert parse_boolean(body, URL) is expected


ODD = {
    "two columns": (
        table(["a", "b"], {"a": typed("1", "integer"), "b": typed("1", "integer")}),
        "returned rows (2 columns, 1 rows), not a boolean",
    ),
    "no column": (table([]), "returned rows (0 columns, 0 rows), not a boolean"),
    "two rows": (
        table(["a"], {"a": typed("1", "integer")}, {"a": typed("1", "integer")}),
        "returned rows (1 column, 2 rows), not a boolean",
    ),
    "a two": (table(["a"], {"a": typed("2", "integer")}), "not a boolean: 'a' is '\"2\"^^<"),
    "a minus one": (table(["a"], {"a": typed("-1", "integer")}), "not a boolean: 'a' is"),
    "a string one": (table(["a"], {"a": {"type": "literal", "value": "1"}}), "'a' is '\"1\"'"),
    "a decimal one": (table(["a"], {"a": typed("1.0", "decimal")}), "not a boolean"),
    "an IRI": (table(["a"], {"a": {"type": "uri", "value": "http://x/1"}}), "'<http://x/1>'"),
    "unbound": (table(["a"], {}), "not a boolean: 'a' is unbound"),
    "a bad name": (
        table(["a\u202e"], {"a\u202e": typed("7", "integer")}),
        "did not return a SPARQL JSON boolean: Invalid variable name",
    ),
    "a name not in ASCII": (
        table(["\u00e4"], {"\u00e4": typed("7", "integer")}),
        "not a boolean: '\\xe4' is",
    ),
    "escapes in the value": (
        table(["a"], {"a": {"type": "literal", "value": "\x1b[2J" + "x" * 500}}),
        "'a' is '\"\\\\u001B[2J" + "x" * 50 + "\\u2026'",
    ),
    "not JSON": (b"<html>ok</html>", "did not return a SPARQL JSON boolean"),
    "boolean string": (b'{"head":{},"boolean":"true"}', "did not return a SPARQL JSON boolean"),
    "deep JSON": (b"[" * 100_000, "the JSON is nested too deeply"),
    "empty": (b"", "did not return a SPARQL JSON boolean"),
}


@pytest.mark.parametrize("case", sorted(ODD))
def test_anything_else_is_one_error_line(case: str) -> None:
    body, expected = ODD[case]
    with pytest.raises(RemoteError) as err:
        parse_boolean(body, URL)
    message = str(err.value)
    assert expected in message
    assert message.startswith(URL)
    assert "\n" not in message
    assert "\x1b" not in message
    assert "\u202e" not in message


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=200).map(str.encode))
def test_any_body_is_a_boolean_or_a_remote_error(body: bytes) -> None:
    message = ""
    try:
        assert isinstance(parse_boolean(body, URL), bool)
    except RemoteError as exc:
        message = str(exc)
    assert "\n" not in message


JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "b", "__ASK_RETVAL"]), max_size=2, unique=True),
    st.lists(
        st.dictionaries(
            st.sampled_from(["a", "b", "__ASK_RETVAL"]),
            st.fixed_dictionaries(
                {
                    "type": st.sampled_from(["literal", "typed-literal", "uri", "bnode", "x"]),
                    "value": st.sampled_from(["0", "1", "true", "false", "2", " 1", "", "é"]),
                },
                optional={"datatype": st.sampled_from([XSD + "integer", XSD + "boolean", "x"])},
            )
            | JSON_VALUE,
        ),
        max_size=3,
    ),
)
def test_any_table_is_a_boolean_or_a_remote_error(variables: list[str], rows: list[dict]) -> None:  # type: ignore[type-arg]
    body = json.dumps({"head": {"vars": variables}, "results": {"bindings": rows}}).encode()
    try:
        parse_boolean(body, URL)
    except RemoteError as exc:
        message = str(exc)
    else:
        message = ""
        assert len(variables) == 1
        assert len(rows) <= 1
    assert "\n" not in message


def test_booleans_in_rows_are_canonical() -> None:
    body = table(
        ["b", "i", "s"],
        {"b": typed("1", "boolean"), "i": typed("1", "integer"), "s": typed("0", "boolean")},
        {"b": typed("true", "boolean"), "i": typed("0", "integer")},
        {"b": typed("0", "boolean"), "s": {"type": "literal", "value": "1"}},
    )
    variables, rows = parse_results(body, URL)
    boolean = ox.NamedNode(XSD + "boolean")
    integer = ox.NamedNode(XSD + "integer")
    assert variables == ["b", "i", "s"]
    assert rows == [
        (
            ox.Literal("true", datatype=boolean),
            ox.Literal("1", datatype=integer),
            ox.Literal("false", datatype=boolean),
        ),
        (ox.Literal("true", datatype=boolean), ox.Literal("0", datatype=integer), None),
        (ox.Literal("false", datatype=boolean), None, ox.Literal("1")),
    ]


def test_a_boolean_spelled_with_json_escapes_is_canonical_too() -> None:
    body = b'{"head":{"vars":["b"]},"results":{"bindings":[{"b":{"type":"literal",' + (
        b'"datatype":"http://www.w3.org/2001/XMLSchema#\\u0062oolean","value":"1"}}]}}'
    )
    assert b"boolean" not in body
    _, rows = parse_results(body, URL)
    assert rows == [(ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")),)]


class _Virtuosoish(http.server.BaseHTTPRequestHandler):
    """Answers a SELECT with no rows and an ASK as Virtuoso 7.2 does (one __ASK_RETVAL row when
    true): its default graph is empty only for ASK { ?s ?p ?o } (the dataset-free one has data)."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        form = self.rfile.read(length).decode()
        if "ASK" in form:
            body = VIRTUOSO_TRUE if "GRAPH" in form else VIRTUOSO_FALSE
        else:
            body = table(["x"])
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def virtuosoish() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Virtuosoish)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    finally:
        server.shutdown()
        server.server_close()


def test_an_empty_union_answer_asks_in_virtuosos_form(virtuosoish: str) -> None:
    endpoint = Endpoint(virtuosoish, timeout=10)
    assert endpoint.ask("ASK { GRAPH ?g { ?s ?p ?o } }") is True
    assert endpoint.ask("ASK { ?s ?p ?o }") is False
    result = endpoint.select(parse_spec("SELECT ?x WHERE { ?x ?p ?o }", "q"), {})
    assert result.rows == []
    assert result.warnings == (f"{virtuosoish}: {EMPTY_DEFAULT_GRAPH}",)
