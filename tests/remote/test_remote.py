"""kg push against a real Oxigraph server (started here on a free loopback port, stopped by PID),
with small loopback servers and a failure-injecting proxy for auth, retries, redirects, TLS and
a store that dies or loses a request mid-push."""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from remote_helpers import (  # noqa: F401 (fixtures: used as test parameters)
    AFTER_ONTOLOGY,
    CURATION,
    GRAPHS,
    SOURCE,
    Oxigraph,
    Proxy,
    answering_fixture,
    copy_with,
    local_graph,
    methods,
    oxigraph_fixture,
    same_graph,
    store_fixture,
)

from kg import pipeline
from kg.cli import cli
from kg.core import vocab as V
from kg.core.errors import ConfigError, RemoteError
from kg.remote.diff import sorted_lines
from kg.remote.http import Client, credentials_from_env, may_follow
from kg.remote.push import PushError, diff_lines, push_graphs, report_lines

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(shutil.which("oxigraph") is None, reason="needs the oxigraph server"),
]
PFX = "\n".join(f"PREFIX {k}: <{v}>" for k, v in V.PREFIXES.items())


# --- against Oxigraph ------------------------------------------------------------------------


def test_push_then_query_the_store(oxigraph: Oxigraph, store: ox.Store) -> None:
    result = push_graphs(store, oxigraph.store)
    counts = pipeline.graph_counts(store)
    assert result.pushed == [
        V.GRAPH_ONTOLOGY,
        V.GRAPH_REFERENCE,
        SOURCE,
        CURATION,
        V.GRAPH_INFERRED,
    ]
    assert sorted(result.pushed) == sorted(counts)
    rows = oxigraph.select("SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert {r["g"]: int(r["n"]) for r in rows} == counts
    facts = f"""{PFX}
    ASK {{
      GRAPH tkg:source-essay-prk {{
        ?a tk:assessedCountry tkd:country-prk ; tk:hasTierPlacement/tk:tier tkv:tier-3 ;
           tk:assessor tkd:agent-essay-author .
      }}
      GRAPH tkg:reference {{ tkd:country-prk rdfs:label "North Korea"@en ; tk:iso3166Alpha3 "PRK" }}
      GRAPH tkg:inferred {{ tkd:country-prk a tk:SourceCountry }}
    }}"""
    data = urllib.parse.urlencode({"query": facts}).encode()
    request = urllib.request.Request(
        oxigraph.base + "/query", data=data, headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request) as response:
        assert json.loads(response.read())["boolean"] is True
    for iri in counts:  # blank nodes (OWL restrictions in the ontology) survive as a graph
        assert same_graph(oxigraph.graph(iri), local_graph(store, iri))


def test_second_push_sends_nothing(oxigraph: Oxigraph, store: ox.Store) -> None:
    first = push_graphs(store, oxigraph.store)
    assert methods(first.requests).count("PUT") == GRAPHS
    again = push_graphs(store, oxigraph.store)
    assert methods(again.requests) == ["GET"] * GRAPHS
    assert again.pushed == []
    assert again.unchanged == first.pushed
    assert report_lines(again)[-1] == f"pushed 0 of {GRAPHS} graphs ({GRAPHS} unchanged)"


def test_dry_run_diffs_and_sends_nothing(oxigraph: Oxigraph, store: ox.Store) -> None:
    push_graphs(store, oxigraph.store, graphs=["tkg:reference"])
    changed = copy_with(store, {V.GRAPH_REFERENCE: "added here"})
    changed.remove(
        next(
            iter(
                changed.quads_for_pattern(
                    ox.NamedNode(V.TKD + "country-prk"), ox.NamedNode(V.TK + "iso3166Alpha3"), None
                )
            )
        )
    )
    dry = push_graphs(changed, oxigraph.store, dry_run=True)
    assert methods(dry.requests) == ["GET"] * GRAPHS
    by_iri = {d.iri: d for d in dry.diffs}
    ref = by_iri[V.GRAPH_REFERENCE]
    assert ref.added == (f'<{V.GRAPH_REFERENCE}> <{V.RDFS}label> "added here"',)
    assert ref.removed == (f'<{V.TKD}country-prk> <{V.TK}iso3166Alpha3> "PRK"',)
    assert by_iri[SOURCE].remote is None
    text = "\n".join(report_lines(dry))
    assert (
        f"<{V.GRAPH_REFERENCE}>: {ref.local} triples here, {ref.remote} in the store: +1 -1" in text
    )
    assert f'  - <{V.TKD}country-prk> <{V.TK}iso3166Alpha3> "PRK" .' in text
    assert text.endswith(f"dry run: {GRAPHS} of {GRAPHS} graphs would be sent")
    assert same_graph(oxigraph.graph(V.GRAPH_REFERENCE), local_graph(store, V.GRAPH_REFERENCE))
    assert oxigraph.graph(SOURCE) is None


def test_append_adds_only_what_is_missing(oxigraph: Oxigraph, store: ox.Store) -> None:
    push_graphs(store, oxigraph.store, graphs=[SOURCE])
    extra = copy_with(store, {SOURCE: "only in the store"})
    push_graphs(extra, oxigraph.store, graphs=[SOURCE])  # the store now has one more triple
    bigger = copy_with(store, {SOURCE: "new here"})
    appended = push_graphs(bigger, oxigraph.store, graphs=[SOURCE], mode="append")
    assert methods(appended.requests) == ["GET", "POST"]
    remote = {str(t) for t in oxigraph.graph(SOURCE) or []}
    assert f'<{SOURCE}> <{V.RDFS}label> "only in the store"' in remote
    assert f'<{SOURCE}> <{V.RDFS}label> "new here"' in remote
    assert len(remote) == len(local_graph(store, SOURCE)) + 2
    again = push_graphs(bigger, oxigraph.store, graphs=[SOURCE], mode="append")
    assert methods(again.requests) == ["GET"]


def test_store_dies_mid_push(oxigraph: Oxigraph, store: ox.Store) -> None:
    def crash_after_first(diff: object, sent: bool) -> None:
        oxigraph.stop()

    with pytest.raises(PushError) as err:
        push_graphs(store, oxigraph.store, client=Client(backoff=0.01), on_graph=crash_after_first)
    message = str(err.value)
    assert "pushed: tkg:ontology;" in message
    assert AFTER_ONTOLOGY in message
    assert err.value.result.pushed == [V.GRAPH_ONTOLOGY]
    oxigraph.start()  # same location: what survived the crash
    assert same_graph(oxigraph.graph(V.GRAPH_ONTOLOGY), local_graph(store, V.GRAPH_ONTOLOGY))
    assert [oxigraph.graph(g) for g in (V.GRAPH_REFERENCE, SOURCE, CURATION, V.GRAPH_INFERRED)] == [
        None
    ] * 4
    finish = push_graphs(store, oxigraph.store)
    assert finish.pushed == [V.GRAPH_REFERENCE, SOURCE, CURATION, V.GRAPH_INFERRED]


# --- failure injection ---------------------------------------------------------------------


def test_cut_off_upload_leaves_the_old_graph(oxigraph: Oxigraph, store: ox.Store) -> None:
    push_graphs(store, oxigraph.store)
    newer = copy_with(store, {V.GRAPH_REFERENCE: "v2", SOURCE: "v2"})
    puts = [0]

    def policy(n: int, method: str) -> str:
        puts[0] += method == "PUT"
        return "truncate" if method == "PUT" and puts[0] >= 2 else "forward"

    proxy = Proxy(oxigraph.port, policy)
    try:
        with pytest.raises(PushError) as err:
            push_graphs(newer, proxy.url, client=Client(backoff=0.01), patch=False)
    finally:
        proxy.close()
    assert err.value.result.pushed == [V.GRAPH_REFERENCE]
    assert "not pushed: tkg:source-essay-prk, tkg:curation-essay-prk, tkg:inferred" in str(
        err.value
    )
    assert methods(err.value.result.requests).count("PUT") == 1 + 4  # 4 tries of the cut one
    assert same_graph(oxigraph.graph(V.GRAPH_REFERENCE), local_graph(newer, V.GRAPH_REFERENCE))
    assert same_graph(oxigraph.graph(SOURCE), local_graph(store, SOURCE))  # fully old


def test_retries_5xx_with_backoff(oxigraph: Oxigraph, store: ox.Store) -> None:
    gets = [0]

    def policy(n: int, method: str) -> str:
        gets[0] += method == "GET"
        return "503" if method == "GET" and gets[0] <= 2 else "forward"

    proxy = Proxy(oxigraph.port, policy)
    waits: list[float] = []
    try:
        result = push_graphs(store, proxy.url, graphs=[SOURCE], client=Client(sleep=waits.append))
    finally:
        proxy.close()
    assert methods(result.requests) == ["GET", "GET", "GET", "PUT"]
    assert waits == [0.5, 1.0]
    assert same_graph(oxigraph.graph(SOURCE), local_graph(store, SOURCE))


@pytest.mark.parametrize("auth", ["basic", ""])
def test_basic_credentials_are_sent_and_never_shown(
    oxigraph: Oxigraph, store: ox.Store, auth: str
) -> None:
    """KG_REMOTE_AUTH=basic sends Basic with every request; without it, Basic goes only to a
    store that asks for it (a 401 with a Basic challenge), then with every request."""
    proxy = Proxy(
        oxigraph.port, lambda n, method: "forward", demand="Basic cHVzaGVyOnBhNTUtd29yZA=="
    )
    env = {"KG_REMOTE_USER": "pusher", "KG_REMOTE_PASSWORD": "pa55-word", "KG_REMOTE_AUTH": auth}
    try:
        result = push_graphs(store, proxy.url, graphs=[SOURCE], environ=env)
    finally:
        proxy.close()
    sent = [s.headers.get("Authorization") for s in proxy.seen]
    basic = "Basic cHVzaGVyOnBhNTUtd29yZA=="
    assert sent == [basic] * len(sent) if auth else sent == [None, *[basic] * (len(sent) - 1)]
    assert result.pushed == [SOURCE]
    text = "\n".join(report_lines(result)) + repr(result)
    assert "pa55-word" not in text
    assert "cHVzaGVy" not in text


# --- small loopback servers ----------------------------------------------------------------


def test_401_is_one_clear_line(
    runner: object, shipped_build_dir: Path, answering: Callable[..., str]
) -> None:
    url = answering(401, {"WWW-Authenticate": 'Bearer realm="store"'}, b"no entry")
    result = runner.invoke(
        cli, ["push", url, "--build", str(shipped_build_dir)], env={"KG_REMOTE_TOKEN": "t0ps3cret"}
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"Error: POST {url.removesuffix('/store')}/query")
    assert "HTTP 401 Unauthorized" in lines[0]
    assert "nothing was pushed" in lines[0]
    assert "KG_REMOTE_TOKEN" in lines[0]
    assert "t0ps3cret" not in result.output
    assert answering.seen[0]["Authorization"] == "Bearer t0ps3cret"  # type: ignore[attr-defined]


def test_error_bodies_are_redacted(store: ox.Store, answering: Callable[..., str]) -> None:
    url = answering(400, body=b"bad header Authorization: Bearer t0ps3cret\n")
    with pytest.raises(RemoteError) as err:
        push_graphs(store, url, environ={"KG_REMOTE_TOKEN": "t0ps3cret"})
    assert err.value.status == 400
    assert "Authorization: ***;" in str(err.value)
    assert "t0ps3cret" not in str(err.value)


def test_redirects_are_not_followed(store: ox.Store, answering: Callable[..., str]) -> None:
    elsewhere = answering(200)
    url = answering(307, {"Location": elsewhere})
    with pytest.raises(RemoteError, match=r"redirected to .* kg follows redirects only") as err:
        push_graphs(store, url, environ={"KG_REMOTE_TOKEN": "t0ps3cret"})
    assert err.value.status == 307
    assert len(answering.seen) == 1  # type: ignore[attr-defined]


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a certificate")
def test_https_is_verified(store: ox.Store, answering: Callable[..., str], tmp_path: Path) -> None:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    url = answering(404, tls=tls)
    client = Client(sleep=lambda _: None)
    with pytest.raises(RemoteError, match="TLS certificate is not trusted"):
        push_graphs(store, url, client=client)
    assert len(client.sent) == 1  # not retried


def test_credential_settings() -> None:
    assert credentials_from_env({}) is None
    assert credentials_from_env({"KG_REMOTE_TOKEN": "x"}).header == "Bearer x"  # type: ignore[union-attr]
    with pytest.raises(ConfigError, match="both"):
        credentials_from_env({"KG_REMOTE_TOKEN": "x", "KG_REMOTE_USER": "u"})
    with pytest.raises(ConfigError, match="together"):
        credentials_from_env({"KG_REMOTE_USER": "u"})
    assert "secret" not in repr(credentials_from_env({"KG_REMOTE_TOKEN": "secret"}))


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://host/store", "http://user:pw@host/store"]
)
def test_bad_endpoints(store: ox.Store, url: str) -> None:
    with pytest.raises(ConfigError) as err:
        push_graphs(store, url)
    assert "pw" not in str(err.value).replace("put", "")


def test_unknown_graph(store: ox.Store) -> None:
    with pytest.raises(ConfigError, match="the build has no graph tkg:nothing"):
        push_graphs(store, "http://127.0.0.1:9/store", graphs=["tkg:nothing"])


def test_blank_node_triples_compare_up_to_renaming() -> None:
    ours = sorted_lines(b"_:a <http://e/p> <http://e/o> .\n<http://e/s> <http://e/p> _:a .\n")
    theirs = b"<http://e/s> <http://e/p> _:z9 .\n_:z9 <http://e/p> <http://e/o> .\n"
    assert not diff_lines("http://g", ours, theirs).needs("replace")
    split = b"_:x <http://e/p> <http://e/o> .\n<http://e/s> <http://e/p> _:y .\n"
    assert diff_lines("http://g", ours, split).needs("replace")


def test_cli_dry_run(
    runner: object, shipped_build_dir: Path, oxigraph: Oxigraph, store: ox.Store
) -> None:
    result = runner.invoke(
        cli, ["push", oxigraph.store, "--build", str(shipped_build_dir), "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    counts = pipeline.graph_counts(store)
    for iri, n in counts.items():
        assert f"<{iri}>: {n} triples here, absent in the store: +" in result.stdout
    assert result.stdout.endswith(f"dry run: {GRAPHS} of {GRAPHS} graphs would be sent\n")
    assert oxigraph.graph(V.GRAPH_REFERENCE) is None


def test_cli_named_graph_and_its_deprecated_spelling(
    runner: object, shipped_build_dir: Path, oxigraph: Oxigraph
) -> None:
    base = ["push", oxigraph.store, "--build", str(shipped_build_dir), "--dry-run"]
    new = runner.invoke(cli, [*base, "--named-graph", "tkg:reference"])
    assert new.exit_code == 0, new.output
    assert new.stdout.endswith("dry run: 1 of 1 graphs would be sent\n")
    assert "warning" not in new.stderr
    old = runner.invoke(cli, [*base, "--graph", "tkg:reference"])
    assert old.exit_code == 0, old.output
    assert old.stdout == new.stdout
    assert old.stderr.splitlines()[0] == (
        "warning: kg push --graph IRI is deprecated and will be removed in the next release; "
        "write --named-graph IRI"
    )


@pytest.mark.parametrize(
    ("url", "target", "follow"),
    [
        ("http://h:7878/store", "http://h:7878/other", True),
        ("http://h:7878/store", "https://h/store", True),
        ("https://h/store", "https://h:8443/store", True),
        ("https://h/store", "http://h:443/store", False),  # never a downgrade to plain HTTP
        ("https://h/store", "http://h/store", False),
        ("http://h:7878/store", "http://h:7879/store", False),
        ("http://h:7878/store", "http://evil:7878/store", False),
        ("http://h:7878/store", "ftp://h:7878/store", False),
        ("http://h:7878/store", "file:///etc/passwd", False),
        ("http://H:7878/store", "http://h:7878/x", True),
    ],
)
def test_which_redirects_are_followed(url: str, target: str, follow: bool) -> None:
    assert may_follow(url, target) is follow
