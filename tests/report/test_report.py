"""The country dossier: every fact from the graph, escaped, self-contained, readable in Chromium."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from kgbrowser import needs_browser, not_blank, visit

from kg import pipeline
from kg.cli import cli
from kg.core import vocab as V
from kg.core.errors import QueryError
from kg.report.dossier import dossier, render_report

PFX = "\n".join(f"PREFIX {k}: <{v}>" for k, v in V.PREFIXES.items())


@pytest.fixture(scope="module")
def store(shipped_build: pipeline.BuildResult) -> ox.Store:
    return shipped_build.store


@pytest.fixture(scope="module")
def page(store: ox.Store) -> str:
    return render_report(store, "PRK").decode("utf-8")


def values(store: ox.Store, query: str) -> list[str]:
    result = store.query(f"{PFX}\n{query}", use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    return [str(r[0].value) for r in result]


class Sections(HTMLParser):
    """Text of each <section id=...> and of each .pair block."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.text: dict[str, str] = {}
        self.pairs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section":
            self.stack.append(str(a.get("id")))
        if tag == "div" and a.get("class") == "pair":
            self.pairs.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack:
            key = self.stack[-1]
            self.text[key] = self.text.get(key, "") + data
            if key == "contradictions" and self.pairs:
                self.pairs[-1] += data


def parsed(page: str) -> Sections:
    p = Sections()
    p.feed(page)
    return p


def test_every_fact_is_on_the_page(store: ox.Store, page: str) -> None:
    text = parsed(page).text
    claims = values(
        store,
        "SELECT ?d { ?c a tk:Claim ; tk:claimSubject tkd:country-prk ; dcterms:description ?d }",
    )
    assert claims
    assert all(c in text["claims"] for c in claims)
    recs = values(
        store, "SELECT ?d { ?r tk:targetsCountry tkd:country-prk ; dcterms:description ?d }"
    )
    assert recs
    assert all(r in text["recommendations"] for r in recs)
    policies = values(store, "SELECT ?l { ?p tk:appliesTo tkd:country-prk ; rdfs:label ?l }")
    assert policies
    assert all(p in text["policies"] for p in policies)
    (assessor,) = values(
        store, "SELECT ?n { ?a tk:assessedCountry tkd:country-prk ; tk:assessor/rdfs:label ?n }"
    )
    assert assessor in text["tiers"]
    assert "not a J/TIP placement" in text["tiers"]
    (title,) = values(store, "SELECT ?t { ?s a tk:SourceDocument ; dcterms:title ?t }")
    assert title in text["sources"]
    assert "unverified" in text["sources"]
    assert "50,000" in text["flows"]


def test_recommendations_grouped_by_pillar(store: ox.Store, page: str) -> None:
    body = parsed(page).text["recommendations"]
    for pillar, rec in [
        tuple(r.split("\t"))
        for r in values(
            store,
            'SELECT (CONCAT(?p, "\\t", ?d) AS ?x) { ?r tk:targetsCountry tkd:country-prk ; '
            "tk:pillar/skos:prefLabel ?p ; dcterms:description ?d }",
        )
    ]:
        heading = body.index(pillar.capitalize())
        following = [
            body.find(p.capitalize(), heading + 1)
            for p in ("Prosecution", "Protection", "Prevention", "Partnership")
        ]
        end = min([f for f in following if f > heading] or [len(body)])
        assert heading < body.index(rec) < end, (pillar, rec)


def test_contradictions_side_by_side_with_resolution(store: ox.Store, page: str) -> None:
    pairs = parsed(page).pairs
    found = values(
        store,
        'SELECT (CONCAT(?da, "\\t", ?db) AS ?x) { ?a tk:contradicts ?b . '
        "?a dcterms:description ?da . ?b dcterms:description ?db FILTER (STR(?a) < STR(?b)) }",
    )
    assert found
    assert len(pairs) == len(found)
    for row in found:
        left, right = row.split("\t")
        assert any(left in p and right in p for p in pairs)
    (rationale,) = values(store, "SELECT ?r { ?x a tk:Resolution ; tk:rationale ?r }")
    assert rationale in pairs[0]


def test_self_contained_and_escaped(store: ox.Store, page: str) -> None:
    assert "default-src 'none'" in page
    assert not re.search(r"<(script|img|link|iframe)\b", page)
    hostile = ox.Store()
    hostile.extend(store)
    described = "SELECT ?c { ?c a tk:Claim ; dcterms:description ?d } ORDER BY ?c"
    claim = ox.NamedNode(values(store, described)[0])
    desc = ox.NamedNode(V.DCTERMS + "description")
    graph = next(q.graph_name for q in hostile.quads_for_pattern(claim, desc, None))
    for q in list(hostile.quads_for_pattern(claim, desc, None)):
        hostile.remove(q)
    evil = '<script>alert("x")</script> & "quotes"'
    hostile.add(ox.Quad(claim, desc, ox.Literal(evil, language="en"), graph))
    out = render_report(hostile, "PRK").decode("utf-8")
    assert "<script>" not in out
    assert html.escape(evil) in out


def test_unknown_country_and_sparql_files(
    store: ox.Store, runner: CliRunner, shipped_build_dir: Path
) -> None:
    with pytest.raises(QueryError, match="did you mean 'PRK'"):
        dossier(store, "PKR")
    with pytest.raises(QueryError, match="region"):
        dossier(store, "150")
    result = runner.invoke(cli, ["report", "PKR", "--build", str(shipped_build_dir)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Error: unknown country code 'PKR' (did you mean 'PRK'?)"
    ]
    names = {p.name for p in (resources.files("kg.report") / "sparql").iterdir()}
    assert {"claims.rq", "policies.rq", "sources.rq"} <= names


def test_cli_writes_the_page(runner: CliRunner, shipped_build_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "PRK.html"
    result = runner.invoke(
        cli, ["report", "prk", "--build", str(shipped_build_dir), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.browser
@needs_browser
def test_dossier_in_chromium(page: str, tmp_path: Path) -> None:
    path = tmp_path / "PRK.html"
    path.write_text(page, encoding="utf-8")
    with visit(path) as seen:
        shot = seen.page.screenshot(full_page=True)
        colours, inked = not_blank(shot)
        assert colours > 20
        assert inked > 0.05
        assert seen.page.locator("section").count() >= 8
        assert seen.page.locator("figure.map svg path.flow").count() >= 1
        assert seen.errors == []
        assert seen.foreign_requests == []


def test_the_dossier_says_who_says_what_and_how_strong(store: ox.Store, page: str) -> None:
    """Curators' readings are shown as theirs, hedges and 'not known' are kept, and a derived
    role shows what it rests on."""
    assert "kg curators" in page  # the re-reading of "laws declare trafficking illegal"
    assert "not known" in page  # information on training is hard to obtain
    assert "reported" in page  # officials' abuse, as the essay reports it
    assert "effort missing" in page
    assert "harm reported" in page
    assert "Resolution (by kg curators, 2026-11-26)" in page
    assert "source country</strong>: 3 flow(s) from 1 source(s)" in page
    china = render_report(store, "CHN").decode()
    assert "destination country</strong>: 1 flow(s)" in china
    assert "no number of its own" in china
