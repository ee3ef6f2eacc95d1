"""kg serve: the SPARQL 1.1 Protocol answered by ``handle`` (every negotiation branch, the
read-only and no-SERVICE guards, limits) and by real servers on loopback ports, queried with
SPARQLWrapper, rdflib's SPARQLStore, plain http.client and headless Chromium."""

from __future__ import annotations

import contextlib
import http.client
import http.server
import json
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from kg import pipeline
from kg.cli import cli
from kg.core import vocab as V
from kg.server.guard import ForbiddenQueryError, check_query
from kg.server.http import App, ServerConfig, handle, is_loopback, make_server
from kg.server.scheduler import ProcessEngine

ROOT = Path(__file__).resolve().parents[2]
PFX = "\n".join(f"PREFIX {k}: <{v}>" for k, v in V.PREFIXES.items())
COUNTRIES = f"{PFX}\nSELECT ?c ?iso WHERE {{ ?c tk:iso3166Alpha3 ?iso }} ORDER BY ?iso LIMIT 7"
EX = "http://example.org/"


def get(app: App | ox.Store, query: str, accept: str | None = None, **params: str) -> object:
    headers = {"Accept": accept} if accept else {}
    return handle(
        app, "GET", "/sparql", {"query": [query], **{k: [v] for k, v in params.items()}}, headers
    )


@pytest.fixture(scope="module")
def store(shipped_build: pipeline.BuildResult) -> ox.Store:
    return shipped_build.store


@pytest.fixture(scope="module")
def tiny() -> ox.Store:
    """Terms of every kind, with characters that CSV, TSV, XML and JSON must escape."""
    s = ox.Store()
    g = ox.NamedNode(EX + "g")
    subject, p = ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p")
    for obj in (
        ox.Literal('plain, "quoted"\ttab\nnewline <&>'),
        ox.Literal("chat", language="fr"),
        ox.Literal("42", datatype=ox.NamedNode(V.XSD + "integer")),
        ox.BlankNode("b1"),
        ox.NamedNode(EX + "o?x=1&y=2"),
    ):
        s.add(ox.Quad(subject, p, obj, g))
    return s


# --- content negotiation ---------------------------------------------------------------------

SELECT_CASES = [
    (None, None, ox.QueryResultsFormat.JSON),
    ("application/sparql-results+json", None, ox.QueryResultsFormat.JSON),
    ("application/json", None, ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", None, ox.QueryResultsFormat.XML),
    ("text/xml", None, ox.QueryResultsFormat.XML),
    ("text/csv", None, ox.QueryResultsFormat.CSV),
    ("text/tab-separated-values", None, ox.QueryResultsFormat.TSV),
    ("text/csv;q=0.4, application/sparql-results+xml;q=0.9", None, ox.QueryResultsFormat.XML),
    ("text/html, text/*;q=0.5", None, ox.QueryResultsFormat.CSV),
    ("*/*", None, ox.QueryResultsFormat.JSON),
    ("text/html", "tsv", ox.QueryResultsFormat.TSV),
    ("text/html", "text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ("text/csv", "rdf+xml", ox.QueryResultsFormat.CSV),  # a format meant for other servers
]


@pytest.mark.parametrize(("accept", "fmt", "expected"), SELECT_CASES)
def test_select_negotiation_matches_pyoxigraph_writer(
    tiny: ox.Store, accept: str | None, fmt: str | None, expected: ox.QueryResultsFormat
) -> None:
    query = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?o"
    params = {"format": fmt} if fmt else {}
    response = get(tiny, query, accept, **params)
    assert response.status == 200, response.text
    assert response.header("Content-Type").startswith(expected.media_type)
    direct = tiny.query(query, use_default_graph_as_union=True).serialize(format=expected)
    assert response.body == direct


@pytest.mark.parametrize(
    "accept", ["application/sparql-results+json", "application/sparql-results+xml"]
)
@pytest.mark.parametrize("query", ["ASK { ?s ?p 42 }", "ASK { ?s ?p 43 }"])
def test_ask(tiny: ox.Store, accept: str, query: str) -> None:
    response = get(tiny, query, accept)
    assert response.status == 200
    parsed = ox.parse_query_results(
        response.body, format=ox.QueryResultsFormat.from_media_type(accept)
    )
    assert bool(parsed) == bool(tiny.query(query, use_default_graph_as_union=True))


GRAPH_CASES = [
    (None, "turtle"),
    ("text/turtle", "turtle"),
    ("application/n-triples", "nt"),
    ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml"),
    ("application/sparql-results+json, text/turtle;q=0.9", "turtle"),
]


@pytest.mark.parametrize(("accept", "rdflib_format"), GRAPH_CASES)
@pytest.mark.parametrize("form", ["CONSTRUCT WHERE { ?s ?p ?o }", f"DESCRIBE <{EX}s>"])
def test_graph_results(tiny: ox.Store, accept: str | None, rdflib_format: str, form: str) -> None:
    response = get(tiny, form, accept)
    assert response.status == 200, response.text
    got = rdflib.Graph().parse(data=response.body, format=rdflib_format)
    want = rdflib.Graph().parse(
        data=ox.serialize(
            tiny.query(form, use_default_graph_as_union=True), format=ox.RdfFormat.N_TRIPLES
        ),
        format="nt",
    )
    assert len(want) == 5
    assert isomorphic(got, want)


def test_not_acceptable_lists_the_formats(tiny: ox.Store) -> None:
    response = get(tiny, "SELECT * { ?s ?p ?o }", "image/png")
    assert response.status == 406
    assert "text/csv" in response.text
    assert "application/sparql-results+xml" in response.text
    unusable = get(tiny, "CONSTRUCT WHERE { ?s ?p ?o }", "text/csv", format="csv")
    assert unusable.status == 406


def test_dataset_parameters_and_union_default(store: ox.Store) -> None:
    count = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    counts = pipeline.graph_counts(store)

    def n(**params: str) -> int:
        response = get(store, count, "application/sparql-results+json", **params)
        return int(json.loads(response.body)["results"]["bindings"][0]["n"]["value"])

    assert n(**{"default-graph-uri": V.GRAPH_REFERENCE}) == counts[V.GRAPH_REFERENCE]
    assert n() == len(store)  # the default graph is the union of the named graphs
    assert get(store, count, **{"default-graph-uri": "not an iri"}).status == 400


# --- read-only, no SERVICE -----------------------------------------------------------------

UPDATES = [
    "INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }",
    "PREFIX ex: <http://example.org/>\nDELETE WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "CLEAR ALL",
    "DROP GRAPH <https://w3id.org/kg-tip/graph/reference>",
    "with <http://g> delete { ?s ?p ?o } where { ?s ?p ?o }",
]


@pytest.mark.parametrize("update", UPDATES)
def test_updates_are_refused_every_way(tiny: ox.Store, update: str) -> None:
    before = len(tiny)
    form = urlencode({"update": update}).encode()
    answers = [
        get(tiny, update),
        handle(tiny, "GET", "/sparql", {"update": [update]}, {}),
        handle(
            tiny, "POST", "/sparql", {}, {"Content-Type": "application/x-www-form-urlencoded"}, form
        ),
        handle(
            tiny,
            "POST",
            "/sparql",
            {},
            {"Content-Type": "application/sparql-update"},
            update.encode(),
        ),
        handle(
            tiny,
            "POST",
            "/sparql",
            {},
            {"Content-Type": "application/sparql-query"},
            update.encode(),
        ),
    ]
    for response in answers:
        assert response.status == 403, response.text
        assert "read-only" in response.text
    assert handle(tiny, "PUT", "/sparql", {}, {}, b"").status == 403
    assert len(tiny) == before


SERVICE_QUERIES = [
    "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "select * where { service silent <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { ?a ?b ?c .SERVICE<{url}>{ ?s ?p ?o } }",
    "SELECT * WHERE { ?a ?b 'x' SERVICE#comment\n<{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { BIND(<{url}> AS ?u) SERVICE ?u { ?s ?p ?o } }",
    "SELECT * WHERE { FILTER(?a<?b&&?c>?d) SERVICE <{url}> { ?s ?p ?o } }",
]


@pytest.fixture(scope="module")
def canary() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server that records every request it gets (it must get none)."""
    hits: list[str] = []

    class Canary(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(500)
            self.end_headers()

        do_POST = do_GET

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Canary)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql", hits
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("template", SERVICE_QUERIES)
def test_service_is_refused_and_never_called(
    tiny: ox.Store, canary: tuple[str, list[str]], template: str
) -> None:
    url, hits = canary
    response = get(tiny, template.replace("{url}", url))
    assert response.status == 403, response.text
    assert "SERVICE" in response.text
    assert hits == []


@pytest.mark.parametrize(
    "query",
    [
        'SELECT ?o WHERE { ?s ?p ?o FILTER(?o != "SERVICE <http://127.0.0.1:9/> { }") }',
        "SELECT ?o WHERE { ?s ?p ?o FILTER(?o != '''a\nSERVICE <x> {}''') } # SERVICE <x> {}",
        f"PREFIX service: <{EX}> SELECT ?service WHERE {{ ?service service:p ?o }}",
        f"SELECT ?o WHERE {{ <{EX}s> ?p ?o FILTER(?o != <{EX}SERVICE>) }}",
    ],
)
def test_the_word_service_elsewhere_is_fine(tiny: ox.Store, query: str) -> None:
    response = get(tiny, query)
    assert response.status == 200, response.text
    expected = tiny.query(query, use_default_graph_as_union=True).serialize(
        format=ox.QueryResultsFormat.JSON
    )
    assert response.body == expected
    assert json.loads(response.body)["results"]["bindings"]


def test_guard_needs_the_parser_to_refuse() -> None:
    check_query(f"PREFIX ex: <{EX}> SELECT * WHERE {{ ?s <{EX}p> ex:a-SERVICE }}")  # a name
    with pytest.raises(ForbiddenQueryError, match="SERVICE"):
        check_query("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }")


# --- errors and limits ---------------------------------------------------------------------


def test_syntax_error_is_400_with_the_parsers_position(tiny: ox.Store) -> None:
    bad = "SELECT ?s WHERE {\n  ?s ?p }"
    with pytest.raises(SyntaxError):
        tiny.query(bad)
    response = get(tiny, bad)
    assert response.status == 400
    assert response.text.startswith("query syntax error: error at 2:9: found '}', expected ")
    assert response.text.count("\n") == 1


def test_row_cap(store: ox.Store) -> None:
    app = App(store, ServerConfig(max_rows=7))
    at_cap = get(app, COUNTRIES, "text/csv")
    assert at_cap.status == 200
    assert len(at_cap.text.strip().splitlines()) == 1 + 7
    over = get(app, COUNTRIES.replace("LIMIT 7", "LIMIT 8"))
    assert over.status == 400
    assert "more than 7 rows" in over.text
    assert "LIMIT" in over.text
    triples = get(app, "CONSTRUCT WHERE { ?s tk:iso3166Alpha3 ?o }")
    assert triples.status == 400
    assert "more than 7 triples" in triples.text
    assert get(app, "ASK { ?s ?p ?o }").status == 200


def test_inline_timeout_answers_503(tiny: ox.Store) -> None:
    many = ox.Store()
    many.extend(
        ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "p"), ox.Literal(i))
        for i in range(200)
    )
    slow = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 8 million rows: bounded
    response = get(App(many, ServerConfig(timeout=0.01)), slow)
    assert response.status == 503
    assert "timed out after 0.01 s" in response.text


def test_process_engine_kills_an_overrunning_query(store: ox.Store) -> None:
    engine = ProcessEngine(store, workers=1)
    try:
        app = App(store, ServerConfig(timeout=0.5), engine)
        (victim,) = engine.pids
        endless = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
        response = get(app, endless)
        assert response.status == 503
        assert "timed out" in response.text
        assert victim not in engine.pids
        app.config = ServerConfig(timeout=60)
        after = get(app, COUNTRIES, "text/csv")  # a fresh worker answers
        assert after.status == 200
        assert "PRK" not in after.text
        assert "ABW" in after.text
        assert engine.pids
        assert victim not in engine.pids
    finally:
        engine.close()
    assert engine.pids == []


# --- protocol details ----------------------------------------------------------------------


def test_post_form_and_direct(store: ox.Store) -> None:
    form = urlencode({"query": COUNTRIES}).encode()
    ctype = "application/x-www-form-urlencoded; charset=utf-8"
    by_form = handle(store, "POST", "/sparql", {}, {"Content-Type": ctype}, form)
    direct = handle(
        store,
        "POST",
        "/sparql",
        {},
        {"content-type": "application/sparql-query"},
        COUNTRIES.encode(),
    )
    assert by_form.status == direct.status == 200
    assert by_form.body == direct.body == get(store, COUNTRIES).body
    wrong = handle(store, "POST", "/sparql", {}, {"Content-Type": "text/plain"}, b"ASK {}")
    assert wrong.status == 415
    twice = handle(store, "GET", "/sparql", {"query": ["ASK {}", "ASK {}"]}, {})
    assert twice.status == 400


def test_head_options_and_unknown(store: ox.Store) -> None:
    for path, params in (("/sparql", {"query": [COUNTRIES]}), ("/", {})):
        full = handle(store, "GET", path, params, {})
        head = handle(store, "HEAD", path, params, {})
        assert head.status == full.status == 200
        assert head.body == b""
        assert head.header("Content-Length") == str(len(full.body))
        assert head.header("Content-Type") == full.header("Content-Type")
    options = handle(store, "OPTIONS", "/sparql", {}, {})
    assert options.status == 204
    assert "POST" in (options.header("Allow") or "")
    assert handle(store, "POST", "/", {}, {}, b"").status == 405
    missing = handle(store, "GET", "/nothing", {}, {})
    assert missing.status == 404
    assert "/sparql" in missing.text


def test_service_description(store: ox.Store) -> None:
    response = handle(store, "GET", "/sparql", {}, {"Host": "127.0.0.1:7878"})
    assert response.status == 200
    graph = rdflib.Graph().parse(data=response.body, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (None, sd.endpoint, rdflib.URIRef("http://127.0.0.1:7878/sparql")) in graph
    names = {str(o) for o in graph.objects(None, sd.name)}
    assert names == set(pipeline.graph_counts(store))


def test_query_page_is_offline_and_lists_named_queries(store: ox.Store, tmp_path: Path) -> None:
    (tmp_path / "alpha.rq").write_text(
        "# title: Alpha </script><b>\nSELECT * { ?s ?p ?o } LIMIT 1\n"
    )
    (tmp_path / "beta.rq").write_text("# title: Beta query\nASK { ?s ?p ?o }\n")
    response = handle(App(store, ServerConfig(queries_dir=tmp_path)), "GET", "/editor", {}, {})
    assert response.status == 200
    page = response.text
    assert "Beta query" in page
    assert "Alpha &lt;/script&gt;&lt;b&gt;" in page
    assert page.count("</script>") == 3  # the title cannot close a script element
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing from other hosts
    csp = response.header("Content-Security-Policy") or ""
    assert "default-src 'none'" in csp
    assert "connect-src 'self'" in csp
    assert 'href="/country/PRK"' in page


def test_flow_map_and_dossier_routes(store: ox.Store) -> None:
    import importlib.util

    flows = handle(store, "GET", "/flows.html", {}, {})
    if importlib.util.find_spec("kg.viz.render") is None:
        assert flows.status == 404
        assert "flow map" in flows.text
    else:
        assert flows.status == 200
        assert flows.header(
            "Content-Type",
        ).startswith("text/html")
    unknown = handle(store, "GET", "/report/XYZ.html", {}, {})
    assert unknown.status == 404


def test_is_loopback() -> None:
    assert is_loopback("127.0.0.1")
    assert is_loopback("::1")
    assert is_loopback("localhost")
    assert not is_loopback("0.0.0.0")
    assert not is_loopback("192.168.1.10")


def test_cli_get(runner: object, shipped_build_dir: Path) -> None:
    query = 'SELECT ?c WHERE { ?c tk:iso3166Alpha3 "PRK" }'
    ok = runner.invoke(
        cli,
        [
            "serve",
            "--build",
            str(shipped_build_dir),
            "--get",
            f"/sparql?format=csv&query={quote(query)}",
        ],
    )
    assert ok.exit_code == 0, ok.output
    assert ok.stdout_bytes == b"c\r\nhttps://w3id.org/kg-tip/id/country-prk\r\n"
    bad = runner.invoke(
        cli, ["serve", "--build", str(shipped_build_dir), "--get", "/sparql?query=SELEC"]
    )
    assert bad.exit_code == 1
    assert "query syntax error" in bad.stdout
    assert bad.stderr == "HTTP 400\n"


def test_cli_get_serves_a_data_directory_in_memory(
    runner: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    args = ["serve", "--data", str(ROOT / "data"), "--get"]
    query = "ASK { tkd:country-prk a tk:SourceCountry }"
    answer = runner.invoke(cli, [*args, f"/sparql?query={quote(query)}"])
    assert answer.exit_code == 0, answer.output
    assert json.loads(answer.stdout)["boolean"] is True
    assert list(tmp_path.iterdir()) == []


# --- real servers on loopback ports --------------------------------------------------------


@contextlib.contextmanager
def kg_serve(build_dir: Path, timeout: float) -> Iterator[str]:
    """``kg serve`` in its own process on a free loopback port (stopped by PID)."""
    command = [sys.executable, "-m", "kg", "serve", "--build", str(build_dir), "--port", "0"]
    command += ["--timeout", str(timeout), "--workers", "1", "--max-rows", "300"]
    proc = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    line = proc.stderr.readline()
    match = re.search(r"serving (http://127\.0\.0\.1:\d+/)", line)
    if not match:
        proc.kill()
        pytest.fail(f"kg serve did not start: {line}{proc.stderr.read()}")
    threading.Thread(target=proc.stderr.read, daemon=True).start()
    yield match.group(1)
    proc.terminate()
    assert proc.wait(20) == 0


@pytest.fixture(scope="module")
def served(shipped_build_dir: Path) -> Iterator[str]:
    """A server whose --timeout (60 s) no answer in these tests comes near, however loaded the
    machine: every status they check is the server's verdict, never a timeout's 503."""
    with kg_serve(shipped_build_dir, 60) as url:
        yield url


@pytest.fixture(scope="module")
def served_impatient(shipped_build_dir: Path) -> Iterator[str]:
    """A server with --timeout 1, for the test of the timeout itself."""
    with kg_serve(shipped_build_dir, 1) as url:
        yield url


@pytest.fixture(scope="module")
def in_process(store: ox.Store) -> Iterator[str]:
    """The same server run by ``make_server`` in a thread of the test process (port 0)."""
    server = make_server(App(store), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.mark.server
@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_sparqlwrapper_select(served: str, store: ox.Store, method: str, fmt: str) -> None:
    from SPARQLWrapper import CSV, JSON, TSV, XML, SPARQLWrapper

    client = SPARQLWrapper(served + "sparql")
    client.setQuery(COUNTRIES)
    client.setMethod(method)
    client.setReturnFormat({"json": JSON, "xml": XML, "csv": CSV, "tsv": TSV}[fmt])
    result = client.query()
    kind = {"json": "JSON", "xml": "XML", "csv": "CSV", "tsv": "TSV"}[fmt]
    want = getattr(ox.QueryResultsFormat, kind)
    body = result.response.read()
    assert body == store.query(COUNTRIES, use_default_graph_as_union=True).serialize(format=want)


@pytest.mark.server
def test_sparqlwrapper_construct_and_ask(served: str, store: ox.Store) -> None:
    from SPARQLWrapper import JSON, RDFXML, SPARQLWrapper

    client = SPARQLWrapper(served + "sparql")
    construct = f"{PFX}\nCONSTRUCT WHERE {{ tkd:country-prk ?p ?o }}"
    client.setQuery(construct)
    client.setReturnFormat(RDFXML)
    got = client.query().convert()
    local = store.query(construct, use_default_graph_as_union=True)
    want = rdflib.Graph().parse(
        data=ox.serialize(local, format=ox.RdfFormat.N_TRIPLES), format="nt"
    )
    assert len(want) > 5
    assert isomorphic(got, want)
    client.setQuery(f"{PFX}\nASK {{ tkd:country-prk a tk:SourceCountry }}")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


@pytest.mark.server
def test_rdflib_sparqlstore(in_process: str, store: ox.Store) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    remote = rdflib.Graph(store=SPARQLStore(in_process + "sparql", returnFormat="json"))
    rows = {(str(r.c), str(r.iso)) for r in remote.query(COUNTRIES)}
    local = store.query(COUNTRIES, use_default_graph_as_union=True)
    assert rows == {(s["c"].value, s["iso"].value) for s in local}
    assert len(rows) == 7


@pytest.mark.server
def test_plain_http_keep_alive_and_refusals(served: str) -> None:
    host, port = re.match(r"http://([\d.]+):(\d+)/", served).groups()
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    for _ in range(2):  # the same connection answers twice (HTTP/1.1 keep-alive)
        conn.request("GET", "/sparql?query=" + quote(COUNTRIES), headers={"Accept": "text/csv"})
        response = conn.getresponse()
        assert (response.status, response.version) == (200, 11)
        assert response.read().decode().startswith("c,iso\r\n")
    conn.request("HEAD", "/")
    head = conn.getresponse()
    assert head.status == 200
    assert head.read() == b""
    assert int(head.headers["Content-Length"]) > 1000
    update = b"INSERT DATA { <http://e/a> <http://e/b> 1 }"
    conn.request("POST", "/sparql", update, {"Content-Type": "application/sparql-update"})
    refused = conn.getresponse()
    assert refused.status == 403
    assert b"read-only" in refused.read()
    conn.request(
        "GET", "/sparql?query=" + quote("SELECT * { SERVICE <http://127.0.0.1:9/> {?s ?p ?o} }")
    )
    service = conn.getresponse()
    assert service.status == 403
    assert b"SERVICE" in service.read()
    conn.request("GET", "/sparql?query=" + quote(f"{PFX} SELECT * {{ ?s ?p ?o }}"))
    capped = conn.getresponse()
    assert capped.status == 400
    assert b"more than 300 rows" in capped.read()
    conn.close()
    big = http.client.HTTPConnection(host, int(port), timeout=30)
    big.request("POST", "/sparql", b"x" * (2 << 20), {"Content-Type": "application/sparql-query"})
    assert big.getresponse().status == 413
    big.close()


@pytest.mark.server
def test_served_timeout_kills_the_query_and_keeps_serving(served_impatient: str) -> None:
    endless = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    host, port = re.match(r"http://([\d.]+):(\d+)/", served_impatient).groups()
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    conn.request("GET", "/sparql?query=" + quote(endless))
    response = conn.getresponse()
    assert response.status == 503
    assert b"timed out after 1 s" in response.read()
    answers = []
    for _ in range(10):  # a loaded machine may stretch even ASK past 1 s: ask again
        conn.request("GET", "/sparql?query=" + quote("ASK { ?s ?p ?o }"))
        again = conn.getresponse()
        body = again.read()
        answers.append(again.status)
        if again.status == 200:
            assert json.loads(body)["boolean"] is True
            break
        assert again.status == 503, body
        assert body.startswith(b"query timed out after 1 s"), body
    assert answers[-1] == 200, answers


@pytest.mark.server
@pytest.mark.browser
@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs headless chromium")
def test_query_page_renders_results_in_chromium(served: str, tmp_path: Path) -> None:
    query = f"""{PFX}
    SELECT ?iso ?label {{ ?c tk:iso3166Alpha3 ?iso ; rdfs:label ?label
      FILTER(?iso IN ("PRK", "CHN")) }} ORDER BY ?iso"""
    url = f"{served}editor?query={quote(query)}"
    command = [
        "chromium",
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        f"--user-data-dir={tmp_path}",
    ]
    command += ["--virtual-time-budget=15000", "--dump-dom", url]
    dom = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", dom)
    assert cells == ["CHN", "China", "PRK", "North Korea"], dom[-2000:]
    assert re.findall(r'<td title="@en">', dom)  # the language tag is one hover away
    assert "2 rows in" in dom
