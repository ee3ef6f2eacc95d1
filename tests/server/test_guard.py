"""The query guard: every query parsed as pyoxigraph parses it; SERVICE and updates refused
wherever and however they are written; bounds on size and nesting; benign queries unchanged.

The corpus (``data/guard_corpus.txt``) holds hand-written tricky cases, each checked both ways:
the guard's verdict, and that a SERVICE disguise is real (pyoxigraph, given the same text,
calls the canary endpoint). Hypothesis then writes queries over the SPARQL lexical forms
(case, codepoint escapes, comments ending in CR or LF, strings, prefixed names with
PN_LOCAL_ESC, nesting) with SERVICE hidden in them or only as a word, and mutates valid queries
at random: whatever the guard lets through must not make pyoxigraph call the network.
"""

from __future__ import annotations

import contextlib
import json
import random
from collections.abc import Callable
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.core import vocab as V
from kg.server.guard import (
    ForbiddenQueryError,
    QueryLimits,
    QueryRefusedError,
    QueryTooLargeError,
    apply_codepoint_escapes,
    check_query,
)
from kg.server.http import App, handle
from kg.server.sparql.query import SparqlSyntaxError, parse_query
from tests.server.support import (  # the canary fixture, by name
    EX,
    Canary,
    Entry,
    canary_fixture,  # noqa: F401
    corpus,
    guard_store,
)

ENTRIES = corpus()
STORE = guard_store()


def direct(text: str) -> object:
    """Run ``text`` in pyoxigraph as the endpoint would, without the guard (all rows read)."""
    result = STORE.query(text, prefixes=V.PREFIXES, use_default_graph_as_union=True)
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    return list(result)


def calls_canary(text: str, canary: Canary) -> bool:
    """Whether pyoxigraph, running ``text`` itself, sends a request to the canary."""
    before = len(canary.hits)
    with contextlib.suppress(OSError, SyntaxError, ValueError, RuntimeError):
        direct(text)
    return len(canary.hits) > before


def ask_server(query: str) -> tuple[int, str]:
    response = handle(App(STORE), "GET", "/sparql", {"query": [query]}, {})
    return response.status, response.text


# --- the corpus --------------------------------------------------------------------------


def test_the_corpus_has_every_verdict() -> None:
    kinds = {e.verdict for e in ENTRIES}
    assert kinds == {"service", "update", "syntax", "accept"}
    assert len([e for e in ENTRIES if e.verdict == "service"]) >= 30


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: f"{e.verdict}: {e.title}"[:70])
def test_corpus_verdict(entry: Entry, canary: Canary) -> None:
    text = entry.text(canary)
    before = len(canary.hits)
    status, body = ask_server(text)
    assert canary.hits[before:] == []  # the server never calls out
    expected = {"service": 403, "update": 403, "syntax": 400, "accept": 200}[entry.verdict]
    assert status == expected, body
    if status != 200:
        assert body.count("\n") == 1, body  # one line
    if entry.verdict == "service":
        assert "SERVICE" in body
        real = calls_canary(apply_codepoint_escapes(text), canary)
        assert real != entry.title.startswith("(inert"), "not a real disguise"
    elif entry.verdict == "update":
        assert "read-only" in body
    elif entry.verdict == "accept":
        expected_rows = STORE.query(
            apply_codepoint_escapes(text), prefixes=V.PREFIXES, use_default_graph_as_union=True
        ).serialize(format=ox.QueryResultsFormat.JSON)
        assert json.loads(body) == json.loads(expected_rows)
        assert json.loads(body).get("results", {}).get("bindings", True)


def test_the_issue_example_is_refused_before_any_request(canary: Canary) -> None:
    query = (
        "PREFIX ex: <http://example.org/>\nSELECT ?leak WHERE { OPTIONAL { ?s ex:a\\#b ?o } "
        f"SERVICE <{canary.url}> {{ ?x ?y ?leak }} }}"
    )
    before = len(canary.hits)
    with pytest.raises(ForbiddenQueryError, match="SERVICE"):
        check_query(query)
    assert ask_server(query)[0] == 403
    assert canary.hits[before:] == []


# --- codepoint escapes -------------------------------------------------------------------


def test_codepoint_escapes_are_applied_before_parsing() -> None:
    assert apply_codepoint_escapes(r"SEL\u0045CT \U0001F600") == "SELECT \U0001f600"
    assert check_query(r"ASK { ?s <http://example.org/\u0070> ?o }").text == (
        "ASK { ?s <http://example.org/p> ?o }"
    )
    with pytest.raises(QueryRefusedError, match="not a character"):
        check_query(r'ASK { ?s ?p "\uDC00" }')
    with pytest.raises(QueryRefusedError) as refused:
        check_query(r'ASK { ?s ?p "say \u0022hi\u0022" }')
    assert 'write \\"' in str(refused.value)


# --- bounds ------------------------------------------------------------------------------


def test_size_bound() -> None:
    limits = QueryLimits(max_bytes=100)
    check_query("ASK {}" + " " * 94, limits=limits)
    with pytest.raises(QueryTooLargeError, match="101 bytes, more than this server's 100"):
        check_query("ASK {}" + " " * 95, limits=limits)
    status, body = ask_server("ASK {}" + "#" * (300 * 1024))
    assert status == 413
    assert "--max-query-size" in body


def test_nesting_bound() -> None:
    nested = "ASK { FILTER(" + "(" * 60 + "1" + ")" * 60 + ") }"
    check_query(nested)
    with pytest.raises(QueryRefusedError, match="more than 64 levels"):
        check_query(nested.replace("(" * 60, "(" * 70).replace(")" * 60, ")" * 70))
    with pytest.raises(QueryRefusedError, match="more than 10 levels"):
        check_query("ASK " + "{" * 11 + "}" * 11, limits=QueryLimits(max_depth=10))


@pytest.mark.parametrize(
    "template",
    ["ASK {{ <http://e/{long}> ?p ?o }}", "BASE <http://e/> ASK {{ <{long}> ?p ?o }}",
     "PREFIX e: <http://p/> ASK {{ e:{long} ?p ?o }}"],
    ids=["absolute", "relative", "prefixed"],
)  # fmt: skip
def test_checking_long_iris_keeps_no_memory(template: str) -> None:
    """The IRI checks were cached on the IRI's text (4,096 of them): 100 queries with a
    distinct 200 KB IRI each kept 20 MB in every query worker, and a worker could keep 1 GB."""
    import gc
    import tracemalloc

    limits = QueryLimits(max_bytes=1 << 20)
    check_query(template.format(long="warm"), limits=limits)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for number in range(100):
            check_query(template.format(long=f"{number:06d}" + "a" * 200_000), limits=limits)
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert kept < 1 << 20, kept


CHAINS: dict[str, Callable[[int], str]] = {
    "UNION": lambda n: "SELECT * {" + " UNION ".join("{ ?s ?p ?o }" for _ in range(n)) + "}",
    "BIND": lambda n: (
        "SELECT * { ?s ?p ?o " + " ".join(f"BIND({i} AS ?b{i})" for i in range(n)) + "}"
    ),
    "||": lambda n: "ASK { FILTER(" + " || ".join("?o = 1" for _ in range(n)) + ") }",
    "+": lambda n: "ASK { FILTER(" + " + ".join("1" for _ in range(n)) + " = 1) }",
    "path": lambda n: "ASK { ?s " + "/".join("<http://e/p>" for _ in range(n)) + " ?o }",
    "MINUS": lambda n: "ASK { ?s ?p ?o " + " ".join("MINUS { ?s ?p 1 }" for _ in range(n)) + "}",
}


@pytest.mark.parametrize("kind", CHAINS)
def test_chains_past_the_tree_bound_are_refused_not_crashed(kind: str) -> None:
    limits = QueryLimits(max_bytes=4 << 20)
    check_query(CHAINS[kind](1500), limits=limits)
    with pytest.raises(QueryRefusedError, match="operations deep"):
        check_query(CHAINS[kind](2100), limits=limits)


@pytest.mark.parametrize("kind", [*CHAINS, "&&"])
def test_a_refusal_names_the_bound_the_query_passed(kind: str) -> None:
    """Too many operations chained was refused "(the bounds are --max-depth 64)", the one
    bound such a query had not reached."""
    chain = CHAINS.get(kind) or (lambda n: "ASK { FILTER(" + " && ".join(["?o"] * n) + ") }")
    with pytest.raises(QueryRefusedError) as refused:
        check_query(chain(3000), limits=QueryLimits(max_bytes=4 << 20))
    message = str(refused.value)
    assert "more than 2000 operations deep" in message
    assert "this bound is fixed" in message
    assert "--max-depth" not in message
    nested = "ASK { FILTER(" + "(" * 70 + "1" + ")" * 70 + ") }"
    status, body = ask_server(nested)
    assert status == 400
    assert body.endswith("nests more than 64 levels deep (at 1:76) (split it into simpler "
                         "queries (the bound is --max-depth 64))\n")  # fmt: skip


def test_the_40000_union_query_is_refused() -> None:
    query = CHAINS["UNION"](40_000).replace("?s ?p ?o", "?s <http://example.org/p> ?o")
    assert len(query) > 800_000
    status, _body = ask_server(query)  # over --max-query-size
    assert status == 413
    with pytest.raises(QueryRefusedError, match="operations deep"):
        check_query(query, limits=QueryLimits(max_bytes=4 << 20))


# --- Hypothesis: SERVICE in disguise, and benign look-alikes ----------------------------


def spell(draw: st.DrawFn, word: str) -> str:
    """``word`` in random case, some letters as \\u or \\U codepoint escapes."""
    out = []
    for char in word:
        char = draw(st.sampled_from([char.upper(), char.lower()]))
        style = draw(st.sampled_from(["", "", "", "u", "U"]))
        out.append({"": char, "u": f"\\u{ord(char):04X}", "U": f"\\U{ord(char):08X}"}[style])
    return "".join(out)


SEPARATORS = ["", " ", "\t", "\n", "\r", "\r\n", "# } SERVICE {\n", "# x\r", "#c\\u000A "]
DECOYS = [
    "",
    "?s ?p ?o .",
    'FILTER(?o != "} # SERVICE <x> {")',
    "FILTER(?o != '''it's ''')",
    'FILTER(?o != """a " b "" c""")',
    'FILTER(?o != "a\\" }")',
    "OPTIONAL { ?s ex:a\\#b ?x1 }",
    "OPTIONAL { ?s ex:SERVICE ?x2 }",
    "BIND(?service AS ?x3)",
    "FILTER(?a<?b&&?c>?d)",
    "# SERVICE <x> { ?a ?b ?c }\n",
    "# SERVICE <x> { ?a ?b ?c }\r",
    "VALUES ?v { 'x\\'y' }",
    "{}",
]
WRAPPERS = [
    "{0}",
    "OPTIONAL {{ {0} }}",
    "{{ ?s ?p ?o }} UNION {{ {0} }}",
    "FILTER EXISTS {{ {0} }}",
    "FILTER NOT EXISTS {{ {0} }}",
    "MINUS {{ {0} }}",
    "GRAPH ?g {{ {0} }}",
    "{{ SELECT * WHERE {{ {0} }} }}",
    "LATERAL {{ {0} }}",
    "BIND(EXISTS {{ {0} }} AS ?e)",
]


@st.composite
def disguised_service(draw: st.DrawFn, url: str) -> str:
    sep = lambda: draw(st.sampled_from(SEPARATORS))  # noqa: E731
    endpoint = draw(st.sampled_from(["iri", "escaped", "prefixed", "variable"]))
    bind = ""
    if endpoint == "iri":
        target = f"<{url}>"
    elif endpoint == "escaped":
        target = "<" + "".join(f"\\u{ord(c):04X}" if draw(st.booleans()) else c for c in url) + ">"
    elif endpoint == "prefixed":
        target = "svc:x"
    else:
        target, bind = "?u", f"BIND(<{url}> AS ?u) "
    silent = spell(draw, "SILENT") + sep() if draw(st.booleans()) else ""
    pattern = f"{spell(draw, 'SERVICE')}{sep()}{silent}{target}{sep()}{{ ?a ?b ?c }}"
    for _ in range(draw(st.integers(0, 3))):
        pattern = draw(st.sampled_from(WRAPPERS)).format(pattern)
    decoys = " ".join(draw(st.lists(st.sampled_from(DECOYS), max_size=3, unique=True)))
    prologue = f"PREFIX ex: <{EX}> PREFIX svc: <{url}/> "
    form = draw(st.sampled_from(["SELECT * WHERE", "ASK", "CONSTRUCT WHERE", "DESCRIBE ?s WHERE"]))
    if form == "CONSTRUCT WHERE":  # CONSTRUCT WHERE takes triples only
        form = "CONSTRUCT { ?s ?p ?o } WHERE"
    return f"{prologue}{form} {{ ?s ?p ?o . {decoys} {bind}{pattern} }}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_service_in_disguise_is_refused(data: st.DataObject, canary: Canary) -> None:
    query = data.draw(disguised_service(canary.url))
    with pytest.raises(ForbiddenQueryError, match="SERVICE"):
        check_query(query)
    # a real query: pyoxigraph parses the text the guard saw (it would run the SERVICE)
    try:
        direct(apply_codepoint_escapes(query))
    except SyntaxError as exc:
        raise AssertionError(f"the generator wrote a query pyoxigraph rejects: {exc}") from exc
    except (OSError, RuntimeError):
        pass


@st.composite
def look_alike(draw: st.DrawFn) -> str:
    """A benign query with SERVICE only as a word, in every lexical form around it."""
    word = "".join(draw(st.sampled_from([c, c.lower()])) for c in "SERVICE")
    words = [
        f'"{spell(draw, "SERVICE")} <x> {{ }}"',
        f"'''{word}\n'''",
        f"?{word}",
        f"ex:{word}",
        f"<{EX}{word}>",
        f'"x"@{word.lower()}',
    ]
    term = draw(st.sampled_from(words))
    comparison = f"FILTER(?o != {term})" if not term.startswith("?") else f"BIND(1 AS {term})"
    inner = f"?s ?p ?o . {draw(st.sampled_from(DECOYS))} {comparison}"
    for _ in range(draw(st.integers(0, 2))):
        inner = draw(st.sampled_from(WRAPPERS[:4] + WRAPPERS[6:8])).format(inner)
    comment = draw(st.sampled_from(["", f"# {word} <{EX}>\n", f"# {word}\r"]))
    return f"PREFIX ex: <{EX}> {comment}SELECT * WHERE {{ ?s ?p ?o . {inner} }}"


@settings(max_examples=200, deadline=None)
@given(query=look_alike())
def test_look_alikes_answer_as_pyoxigraph_does(query: str) -> None:
    status, body = ask_server(query)
    assert status == 200, body
    expected = STORE.query(
        apply_codepoint_escapes(query), prefixes=V.PREFIXES, use_default_graph_as_union=True
    )
    assert json.loads(body) == json.loads(expected.serialize(format=ox.QueryResultsFormat.JSON))


# --- Hypothesis: random mutations of valid queries ---------------------------------------

SEEDS = [e for e in ENTRIES if e.verdict in ("service", "accept")]
TOKENS = [
    "{", "}", "(", ")", "<", ">", "<<(", ")>>", "?x", ":", "ex:a", "\\#", "[", "]", '"s"',
    "'t'", '"""l"""', ".", ";", ",", "|", "/", "^", "*", "!", "=", "&&", "a", "#c\n", "#c\r",
    "\r", " ", "\n", "1", "true", "@en", "SELECT", "WHERE", "SERVICE", "SILENT", "OPTIONAL",
    "UNION", "MINUS", "GRAPH", "FILTER", "BIND", "AS", "VALUES", "EXISTS", "NOT", "LATERAL",
    "{canary}", "\\u0053", "PREFIX s: <{canary}> ",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(seed=st.sampled_from(SEEDS), cuts=st.lists(st.tuples(st.integers(0, 10**6),
       st.sampled_from(["delete", "insert", "replace"]), st.sampled_from(TOKENS)), min_size=1,
       max_size=4))  # fmt: skip
def test_what_the_guard_passes_never_reaches_the_network(
    seed: Entry, cuts: list[tuple[int, str, str]], canary: Canary
) -> None:
    text = list(seed.text(canary))
    for where, how, token in cuts:
        i = where % (len(text) + 1)
        token = token.replace("{canary}", canary.url)
        if how == "delete" and text:
            del text[min(i, len(text) - 1)]
        elif how == "insert":
            text.insert(i, token)
        else:
            text[i : i + 1] = [token]
    query = "".join(text)
    try:
        checked = check_query(query)
    except (ForbiddenQueryError, QueryRefusedError):
        return
    assert not calls_canary(checked.text, canary), f"the guard passed a network call: {query!r}"


# --- the parser against pyoxigraph -------------------------------------------------------


def test_parser_and_pyoxigraph_agree_on_quirks() -> None:
    """Cases where pyoxigraph 0.5's grammar differs from the SPARQL text (keywords without a
    boundary, one dot group in a local name, CONCAT glued to its parenthesis…): the guard
    must accept exactly what pyoxigraph accepts, or it would refuse valid queries."""
    cases = [
        "ASKWHERE{?s ?p ?o}",
        "SELECT*WHERE{?s ?p ?o}",
        "SELECT (- #c\n 5 AS ?x) {}",
        "SELECT ?x {BIND(?a <?b&&?c>?d AS ?x)}",
        "SELECT * {?s <relative> ?o}",
        "PREFIX p: <http://e/> SELECT * {?s p:a.b ?o}",
        "PREFIX p: <http://e/> SELECT * {?s ?p p:a.b.c}",
        'SELECT (CONCAT ("a") AS ?x) {}',
        'SELECT (CONCAT("a") AS ?x) {}',
        "SELECT (BNODE () AS ?x) {}",
        "SELECT * { ?s ?p ?o FILTER NOTEXISTS{?s ?p 2} }",
        "SELECT * { ?s ?p ?o FILTER(?o NOTIN(1)) }",
        "SELECT * { ?s ?p ?o FILTER(\u212aRUE) }",
        'SELECT ?x WHERE { BIND("x"@en--ltr AS ?x) }',
        'SELECT ?x WHERE { BIND("x"@en--LTR AS ?x) }',
        "ASK { FILTER(COUNT(*) > 0) }",
        "SELECT * { _:a ?p ?o { _:a ?q ?r } }",
        "SELECT * { ?s ?p ?o } LIMIT 99999999999999999999999",
        "BASE <http://x/y/> PREFIX z: <c/> SELECT * { z:a ?p <../b> }",
        "CONSTRUCT { . } WHERE { }",
        "SELECT * FROM <http://g/> FROM NAMED <http://h/> { GRAPH ?g { ?s ?p ?o } }",
        "SELECT * { VALUES (?a ?b) { (1 2) (3) } }",
        "SELECT * { <<( <http://a/> <http://b/> 'c' )>> ?p ?o . ?s ?p ?o ~ ?r {| ?a ?b |} }",
        "VERSION '1.2' SELECT * { LATERAL { ?s ?p ?o } }",
    ]
    for text in cases:
        try:
            parse_query(text, V.PREFIXES)
            mine = True
        except SparqlSyntaxError:
            mine = False
        try:
            ox.Store().query(text, prefixes=V.PREFIXES)
            theirs = True
        except SyntaxError:
            theirs = False
        assert mine == theirs, text


def test_every_named_query_passes_the_guard() -> None:
    from tests.conftest import QUERIES

    for path in sorted(QUERIES.glob("*.rq")):
        checked = check_query(path.read_text(encoding="utf-8"))
        assert checked.form in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"), path


def test_a_random_corpus_of_mutations_agrees_with_pyoxigraph(canary: Canary) -> None:
    """A fixed-seed sample of 3,000 mutated queries: wherever pyoxigraph parses one, so does
    the guard (the few it refuses that pyoxigraph takes are semantic errors pyoxigraph
    reports at the end of a SELECT, such as an unbound variable beside GROUP BY)."""
    rng = random.Random(11)
    seeds = [e.text(canary) for e in SEEDS]
    only_theirs = []
    for _ in range(3000):
        text = list(rng.choice(seeds))
        for _ in range(rng.randint(1, 3)):
            i = rng.randint(0, len(text))
            token = rng.choice(TOKENS).replace("{canary}", canary.url)
            text[i : i + rng.randint(0, 1)] = [token]
        query = "".join(text)
        try:
            parse_query(query, V.PREFIXES)
            continue
        except SparqlSyntaxError:
            pass
        try:
            ox.Store().query(query, prefixes=V.PREFIXES)
        except SyntaxError:
            continue
        except Exception:
            pass
        only_theirs.append(query)
    assert only_theirs == []


def test_service_position_is_reported() -> None:
    with pytest.raises(ForbiddenQueryError, match=r"at 2:3\)"):
        check_query("ASK {\n  SERVICE <http://x/> {} }")


def test_url_encoded_get_is_checked_like_any_other(canary: Canary) -> None:
    query = f"SELECT * {{ ?s ?p ?o SERVICE <{canary.url}> {{}} }}"
    assert quote(query)  # what a browser would send; handle() gets it decoded
    before = len(canary.hits)
    assert ask_server(query)[0] == 403
    assert canary.hits[before:] == []


def test_the_dataset_is_read_from_the_parse() -> None:
    """FROM, however written (an escape, a comment between), gives the query its dataset; the
    word elsewhere does not."""
    store = guard_store()
    store.add(ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal("other")))
    for query, rows in [
        (f"SELECT ?o FR\\u004FM <{EX}g> {{ ?s ?p ?o }}", 2),
        (f"SELECT ?o #c\rFROM <{EX}g> {{ ?s ?p ?o }}", 2),
        (f"SELECT ?o FROM <{EX}nothing> {{ ?s ?p ?o }}", 0),
        ('SELECT ?o { ?s ?p ?o FILTER(?o != "FROM <x>") }', 3),
    ]:
        response = handle(App(store), "GET", "/sparql", {"query": [query]}, {})
        assert response.status == 200, response.text
        assert len(json.loads(response.body)["results"]["bindings"]) == rows, query


def test_exponential_retries_are_bounded() -> None:
    """pyoxigraph's grammar tries SUBSTR with three arguments, then two: nested 30 deep that
    is 2**30 attempts (for pyoxigraph too); the check gives up after a bounded number."""
    query = "ASK { FILTER(" + "SUBSTR(" * 30 + '"a"' + ", 1)" * 30 + ") }"
    with pytest.raises(QueryRefusedError, match="too complex to check"):
        check_query(query)
    check_query("ASK { FILTER(" + "SUBSTR(" * 6 + '"a"' + ", 1)" * 6 + ") }")


def test_syntax_errors_are_one_printable_line() -> None:
    with pytest.raises(QueryRefusedError) as refused:
        check_query("ASK { ?s ?p \x1b[31m\r\x07 }")
    message = str(refused.value)
    assert "\\x1b[31m\\x0d\\x07" in message
    assert message.isprintable()


def test_http_iris_naming_the_dataset_are_never_fetched(canary: Canary) -> None:
    """FROM, FROM NAMED and the protocol's default-graph-uri/named-graph-uri name graphs of
    the store: an http IRI there is a name, not something to download."""
    before = len(canary.hits)
    query = f"SELECT * FROM <{canary.url}> FROM NAMED <{canary.url}> {{ ?s ?p ?o }}"
    assert ask_server(query) == (200, '{"head":{"vars":["o","p","s"]},"results":{"bindings":[]}}')
    params = {"query": ["SELECT * { ?s ?p ?o }"], "default-graph-uri": [canary.url],
              "named-graph-uri": [canary.url]}  # fmt: skip
    response = handle(App(STORE), "GET", "/sparql", params, {})
    assert response.status == 200, response.text
    assert json.loads(response.body)["results"]["bindings"] == []
    assert canary.hits[before:] == []
