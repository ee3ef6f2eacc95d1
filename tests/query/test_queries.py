"""The named queries in queries/, their parameters, and ``kg query``.

Golden rows for every named query on the shipped data live in tests/golden/queries/<name>.json
(SPARQL 1.1 JSON results, compared as sets of rows); regenerate them with
``pytest tests/query/test_queries.py --update-golden`` (or KG_UPDATE_GOLDEN=1) and review the diff.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg import pipeline
from kg.cli import cli
from kg.core.errors import QueryError
from kg.core.vocab import GRAPH_INFERRED, TKD, TKV
from kg.graph.rules import apply_rules
from kg.query.named import (
    QueryResult,
    StoreTarget,
    discover,
    list_queries,
    load_query,
    parse_assignments,
    parse_spec,
    resolve,
    run_query,
)
from kg.query.output import to_json
from kg.query.params import inject_values, where_braces

ROOT = Path(__file__).resolve().parents[2]
QUERIES = ROOT / "queries"
GOLDEN = ROOT / "tests" / "golden" / "queries"
IMPORTED = ROOT / "tests" / "data" / "queries" / "imported.trig"
NAMES = sorted(discover(QUERIES))

INJECTIONS = ("PRK> } ; DROP ALL ; #", '" } UNION { ?s ?p ?o } #', "x' } UNION { ?s ?p ?o } #")


def row_set(result: QueryResult) -> set[tuple[str, ...]]:
    """Rows as N-Triples strings, so results compare as sets."""
    return {tuple("" if t is None else str(t) for t in row) for row in result.rows}


def values(result: QueryResult, var: str) -> list[str]:
    """The plain values (IRI text or literal lexical form) of one column."""
    i = result.vars.index(var)
    return ["" if row[i] is None else row[i].value for row in result.rows]  # type: ignore[union-attr]


def records(result: QueryResult) -> list[dict[str, str]]:
    """Rows as dicts of plain values, unbound cells left out."""
    return [
        {v: t.value for v, t in zip(result.vars, row, strict=True) if t is not None}  # type: ignore[union-attr]
        for row in result.rows
    ]


@pytest.fixture(scope="session")
def shipped_store(shipped_build: pipeline.BuildResult) -> ox.Store:
    return shipped_build.store


@pytest.fixture(scope="session")
def imported_store(imported_graph: ox.Store) -> ox.Store:
    """The shipped build plus a small graph shaped like the importers' output (derived)."""
    return imported_graph


def run(store: ox.Store, name: str, **params: str) -> QueryResult:
    return run_query(store, load_query(QUERIES, name), params)


# --- the library: every file has a header, every parameter a default ---------------------


def test_there_are_at_least_fourteen_named_queries() -> None:
    assert len(NAMES) >= 14


@pytest.mark.parametrize("name", NAMES)
def test_every_query_has_a_header_and_defaults(name: str) -> None:
    spec = load_query(QUERIES, name)
    assert spec.title
    assert spec.description
    assert spec.question
    for param in spec.params:
        assert param.default is not None, f"{name}: parameter {param.name} has no default"
        assert param.description, f"{name}: parameter {param.name} has no description"
        assert re.search(rf"\?{param.name}\b", spec.text), f"{name}: ?{param.name} unused"


@pytest.mark.parametrize("name", NAMES)
def test_golden_rows_on_the_shipped_data(
    name: str, shipped_store: ox.Store, update_golden: bool
) -> None:
    result = run(shipped_store, name)
    path = GOLDEN / f"{name}.json"
    if update_golden:
        path.parent.mkdir(parents=True, exist_ok=True)
        ordered = QueryResult(result.vars, sorted(result.rows, key=lambda r: [str(t) for t in r]))
        path.write_text(to_json(ordered), encoding="utf-8")
    expected = ox.parse_query_results(path.read_bytes(), format=ox.QueryResultsFormat.JSON)
    assert isinstance(expected, ox.QuerySolutions)
    golden_vars = [v.value for v in expected.variables]
    golden = QueryResult(golden_vars, [tuple(s[v] for v in golden_vars) for s in expected])
    assert result.vars == golden.vars
    assert row_set(result) == row_set(golden)


def test_unsourced_facts_is_empty_on_the_shipped_data(shipped_store: ox.Store) -> None:
    assert run(shipped_store, "unsourced-facts").rows == []


def test_unsourced_facts_finds_a_fact_without_source(shipped_build_dir: Path) -> None:
    store = pipeline.load_build(shipped_build_dir)
    claim = ox.NamedNode(TKD + "claim-test_orphan")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    store.add(ox.Quad(claim, rdf_type, ox.NamedNode("https://w3id.org/kg-tip/ontology#Claim")))
    expected = {(claim.value, "source"), (claim.value, "locator")}
    # Asserted facts only (no inferred graph): the query checks every fact itself.
    store.remove_graph(ox.NamedNode(GRAPH_INFERRED))
    assert {(r["fact"], r["missing"]) for r in records(run(store, "unsourced-facts"))} == expected
    # Derived as a build derives it: the query reads the rule's tk:provenanceGap.
    apply_rules(store)
    assert {(r["fact"], r["missing"]) for r in records(run(store, "unsourced-facts"))} == expected


# --- what the questions answer (shipped data plus an importer-shaped fixture) -------------


def test_tiers_show_the_latest_placement_per_assessor(imported_store: ox.Store) -> None:
    rows = {(r["iso3"], r["assessor"]): r for r in records(run(imported_store, "tiers"))}
    jtip = TKD + "agent-us-dos-jtip"
    # The essay restates J/TIP's Tier 3 without a year: J/TIP's dated placement comes first.
    assert set(rows) == {("PRK", jtip), ("CHN", jtip)}
    assert rows["PRK", jtip]["year"] == "2019"
    assert (rows["PRK", jtip]["authoritative"], rows["PRK", jtip]["restated"]) == ("true", "false")
    # China's newest tier is J/TIP's 2020 placement, restated by a Factbook-like document.
    china = rows["CHN", jtip]
    assert (china["year"], china["tier"]) == ("2020", TKV + "tier-3")
    assert (china["authoritative"], china["restated"]) == ("false", "true")
    assert china["source"] == TKD + "source-test-factbook"
    only_jtip = run(imported_store, "tiers", assessor="us-dos-jtip")
    assert set(values(only_jtip, "assessor")) == {jtip}
    assert run(imported_store, "tiers", assessor="essay-author").rows == []


def test_tiers_show_the_restated_essay_tier_on_the_shipped_data(shipped_store: ox.Store) -> None:
    (row,) = records(run(shipped_store, "tiers"))
    assert row["assessor"] == TKD + "agent-us-dos-jtip"
    assert (row["restated"], row["authoritative"]) == ("true", "false")
    assert row["source"] == TKD + "source-essay-prk"
    assert "year" not in row


def test_tier_history_keeps_placements_by_the_tier_issuing_assessor(
    imported_store: ox.Store,
) -> None:
    rows = records(run(imported_store, "tier-history"))
    assert [r["year"] for r in rows] == ["2018", "2019"]  # the undated essay tier has no year
    assert {r["assessor"] for r in rows} == {TKD + "agent-us-dos-jtip"}
    assert rows[1]["previousTier"] == TKV + "tier-3"
    assert "previousTier" not in rows[0]
    china = records(run(imported_store, "tier-history", country="CHN"))
    assert sorted({r["year"] for r in china}) == ["2010", "2012", "2013", "2014", "2020"]
    gap = next(r for r in china if r["year"] == "2012")
    assert (gap["previousYear"], gap["yearsMissing"]) == ("2010", "2011")
    latest = [r for r in china if r["year"] == "2020"]
    assert len(latest) == 1  # two documents agree on 2014: one previous tier
    assert (latest[0]["previousYear"], latest[0]["previousTier"]) == ("2014", TKV + "tier-2wl")
    assert (latest[0]["yearsMissing"], latest[0]["restated"]) == ("2015-2019", "true")
    # 2013: J/TIP's own Tier 3 and the restating document's Watch List, each with its source.
    assert {(r["tier"], r["restated"]) for r in china if r["year"] == "2013"} == {
        (TKV + "tier-3", "false"),
        (TKV + "tier-2wl", "true"),
    }


def test_tier_worsened_names_the_years_missing_in_between(imported_store: ox.Store) -> None:
    rows = records(run(imported_store, "tier-worsened"))
    got = [
        (r["fromYear"], r["fromTier"], r["toYear"], r["toTier"], r["yearsMissing"]) for r in rows
    ]
    assert got == [
        ("2010", TKV + "tier-2", "2012", TKV + "tier-2wl", "2011"),
        ("2012", TKV + "tier-2wl", "2013", TKV + "tier-3", ""),
        ("2014", TKV + "tier-2wl", "2020", TKV + "tier-3", "2015-2019"),
    ]
    assert {r["country"] for r in rows} == {TKD + "country-chn"}
    assert rows[2]["restated"] == "true"
    assert rows[2]["source"] == TKD + "source-test-factbook"
    assert [r["toYear"] for r in records(run(imported_store, "tier-worsened", year="2020"))] == [
        "2020"
    ]
    assert run(imported_store, "tier-worsened", year="2014").rows == []


def test_tier_disagreements_are_contradictions(imported_store: ox.Store) -> None:
    rows = [r for r in records(run(imported_store, "contradictions")) if "tier" in r["claim"]]
    assert len(rows) == 1
    (row,) = rows
    assert (row["subject"], row["aspect"]) == (TKD + "country-chn", TKV + "tiers")
    assert (row["scope"], row["status"]) == ("cross-document", "unresolved")
    assert {row["claim"], row["otherClaim"]} == {
        TKD + "tier-test-factbook_chn_2013",
        TKD + "tier-test-tiers_chn_2013",
    }
    assert {row["locator"], row["otherLocator"]} == {"list 2013", "row 4"}
    law = run(imported_store, "contradictions", aspect="comprehensive-law", subject="CHN")
    assert law.rows == []


def test_destinations_say_whose_number_it_is(imported_store: ox.Store) -> None:
    rows = records(run(imported_store, "destinations-of"))
    status = {r["destination"].rpartition("/")[2]: r["number"] for r in rows}
    assert status == {
        "country-chn": "shared with aggregate (split unknown)",
        "country-rus": "shared with aggregate (split unknown)",
        "region-150": "own",
        "region-142": "own",
        "country-prk": "absent",
        "country-gbr": "own",
        "country-nld": "own",
    }
    gbr = next(r for r in rows if r["destination"].endswith("country-gbr"))
    assert (gbr["lower"], gbr["upper"], gbr["censored"]) == ("1", "4", "true")
    assert "value" not in next(r for r in rows if r["number"] == "absent")
    in_2020 = records(run(imported_store, "destinations-of", year="2020"))
    assert [r["destination"] for r in in_2020] == [TKD + "country-gbr"]


def test_destination_countries_are_countries_with_sources(imported_store: ox.Store) -> None:
    rows = records(run(imported_store, "destination-countries"))
    got = {(r["country"].rpartition("-")[2], r["source"].rpartition("-")[2]) for r in rows}
    assert got == {("chn", "prk"), ("rus", "prk"), ("gbr", "glotip"), ("nld", "glotip")}


def test_forms_follow_the_hierarchy(shipped_store: ox.Store) -> None:
    forced = set(values(run(shipped_store, "forms", form="forced-labour"), "reported"))
    assert TKV + "form-state-imposed-forced-labour" in forced
    assert TKV + "form-forced-labour-in-detention" in forced
    narrow = set(
        values(run(shipped_store, "forms", form="state-imposed-forced-labour"), "reported")
    )
    assert TKV + "form-forced-labour" not in narrow
    assert run(shipped_store, "forms", form="sex-trafficking").rows == []


def test_recommendations_filter_by_form_pillar_and_policy(shipped_store: ox.Store) -> None:
    by_form = run(shipped_store, "recommendations", form="state-imposed-forced-labour")
    assert sorted(values(by_form, "ordinal")) == ["1", "4"]
    by_pillar = run(shipped_store, "recommendations", pillar="partnership")
    assert sorted(values(by_pillar, "ordinal")) == ["4", "5"]
    policy = TKD + "policy-essay-prk_prk_punishment-of-victims"
    by_policy = run(shipped_store, "recommendations", policy=f"<{policy}>")
    assert values(by_policy, "ordinal") == ["2"]
    assert len(run(shipped_store, "recommendations").rows) == 6


def test_evidence_trail_flags_numbers_resting_on_unverified_sources(
    imported_store: ox.Store,
) -> None:
    flags = {
        r["about"]: r["onlyUnverified"] for r in records(run(imported_store, "evidence-trail"))
    }
    assert flags[TKD + "flow-essay-prk_prk_overseas-labour"] == "true"
    assert flags[TKD + "flow-test-glotip_prk_gbr_2020"] == "false"


def test_contradictions_same_and_cross_document(imported_store: ox.Store) -> None:
    rows = records(run(imported_store, "contradictions", aspect="comprehensive-law"))
    scopes = sorted((r["scope"], r["status"].split(";")[0]) for r in rows)
    assert scopes == [
        ("cross-document", "unresolved"),
        ("same document", "resolved"),
        ("same document", "resolved"),
    ]
    resolved = [r for r in rows if r["status"] == "resolved"]
    assert {r["preferred"] for r in resolved} == {r["otherClaim"] for r in resolved}


def test_no_law_respects_the_resolution(imported_store: ox.Store) -> None:
    rows = records(run(imported_store, "no-law"))
    assert {r["claim"]: r["status"] for r in rows} == {
        TKD + "claim-essay-prk_prk_no-law": "preferred by a resolution",
        TKD + "claim-essay-prk_prk_no-law-summary": "preferred by a resolution",
        # the only positive claim was set aside by the essay's resolution
        TKD + "claim-test-tip-2019_prk_no-law": "uncontested",
    }
    assert {r["assessor"] for r in rows} == {TKD + "agent-essay-author", TKD + "agent-us-dos-jtip"}


def test_largest_flows_rank_own_numbers_and_filter_by_year(imported_store: ox.Store) -> None:
    rows = records(run(imported_store, "largest-flows"))
    assert [r["size"] for r in rows] == ["50000", "50000", "8", "1"]
    in_2014 = records(run(imported_store, "largest-flows", year="2014"))
    assert [r["destination"] for r in in_2014] == [TKD + "country-nld"]


def test_facilitating_policies_and_pillar_coverage(shipped_store: ox.Store) -> None:
    policies = records(run(shipped_store, "facilitating-policies"))
    assert {r["policy"].rpartition("_")[2] for r in policies} == {
        "labour-export",
        "prison-camp-system",
    }
    coverage = records(run(shipped_store, "pillar-coverage"))
    assert len(coverage) == 4
    assert sum(int(r["recommendations"]) for r in coverage) == 6


# --- parameters and errors ----------------------------------------------------------------


def test_unknown_query_names_the_choices() -> None:
    with pytest.raises(QueryError) as err:
        load_query(QUERIES, "tier")
    assert "unknown query 'tier'" in str(err.value)
    assert "did you mean 'tiers'" in str(err.value)


def test_unknown_parameter_names_the_choices(shipped_store: ox.Store) -> None:
    with pytest.raises(QueryError) as err:
        run(shipped_store, "tier-history", contry="PRK")
    assert "has no parameter 'contry'" in str(err.value)
    assert "'country'" in str(err.value)


def test_bad_values_are_errors_naming_the_parameter(shipped_store: ox.Store) -> None:
    with pytest.raises(QueryError, match="parameter 'country' expects an ISO 3166"):
        run(shipped_store, "tier-history", country="North Korea")
    with pytest.raises(QueryError, match="expects a four-digit year"):
        run(shipped_store, "tier-worsened", year="last")
    with pytest.raises(QueryError, match="the graph has no country tkd:country-xyz"):
        run(shipped_store, "tier-history", country="XYZ")
    with pytest.raises(QueryError, match="did you mean 'prevention'"):
        run(shipped_store, "recommendations", pillar="preventon")


def test_missing_parameter_and_bad_assignment(shipped_store: ox.Store) -> None:
    spec = parse_spec(
        "# title: t\n# param: country (country) — no default\nSELECT ?country {}", "t"
    )
    with pytest.raises(QueryError, match="needs parameter 'country'"):
        run_query(shipped_store, spec, {})
    with pytest.raises(QueryError, match="bad parameter 'country'"):
        parse_assignments(["country"])
    assert parse_assignments(["a=1", "b = x=y"]) == {"a": "1", "b": "x=y"}


def test_syntax_error_points_into_the_file(tmp_path: Path, shipped_store: ox.Store) -> None:
    path = tmp_path / "broken.rq"
    path.write_text("# title: broken\nSELECT ?x WHERE {\n  ?x ?y\n}\n")
    with pytest.raises(QueryError) as err:
        run_query(shipped_store, resolve(QUERIES, str(path), None), {})
    where = re.search(r"broken\.rq:(\d+):(\d+): SPARQL syntax error: ", str(err.value))
    assert where
    assert int(where.group(1)) >= 3  # a position in the query body, below the header


def test_only_select_queries(shipped_store: ox.Store) -> None:
    with pytest.raises(QueryError, match="SELECT queries only"):
        run_query(shipped_store, "ASK { ?s ?p ?o }")
    with pytest.raises(QueryError, match="SPARQL syntax error"):
        run_query(shipped_store, "DROP ALL")


def test_star_leaves_a_parameter_unbound(shipped_store: ox.Store) -> None:
    assert run(shipped_store, "tiers", country="*").rows == run(shipped_store, "tiers").rows
    assert run(shipped_store, "tiers", country="PRK").rows == run(shipped_store, "tiers").rows
    assert run(shipped_store, "tiers", country="CHN").rows == []


# --- injection: a value is one RDF term, never query text ---------------------------------

STRING_QUERY = """# title: countries by name
# param: name (string) = "North Korea" — a country name
# param: anything = 1 — an untyped parameter
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?country WHERE {
  ?country rdfs:label ?label .
  FILTER(STR(?label) = STR(?name) && STR(?anything) != "")
}
"""


@pytest.mark.parametrize("value", INJECTIONS)
@pytest.mark.parametrize("param", ["name", "anything"])
def test_injection_through_a_string_parameter(
    shipped_build_dir: Path, param: str, value: str
) -> None:
    store = pipeline.load_build(shipped_build_dir)
    before = len(store)
    spec = parse_spec(STRING_QUERY, "by-name")
    assert len(run_query(store, spec, {}).rows) == 1  # the query works …
    assert run_query(store, spec, {param: value}).rows == (
        [] if param == "name" else run_query(store, spec, {}).rows
    )  # … and the value is only ever compared as a literal
    assert len(store) == before


@pytest.mark.parametrize("value", INJECTIONS)
@pytest.mark.parametrize("name", NAMES)
def test_injection_through_named_query_parameters(
    shipped_store: ox.Store, name: str, value: str
) -> None:
    spec = load_query(QUERIES, name)
    for param in spec.params:
        outcome: QueryResult | QueryError
        try:
            outcome = run_query(shipped_store, spec, {param.name: value})
        except QueryError as err:
            outcome = err
        if isinstance(outcome, QueryError):
            assert f"'{param.name}'" in str(outcome)  # a clear error naming the parameter
        else:
            assert outcome.rows == []  # or the no-match result


def test_values_block_lands_in_every_where_group() -> None:
    text = (
        '# WHERE { in a comment\nSELECT ?x WHERE { ?x <urn:p> "WHERE {" . '
        "{ SELECT ?x WHERE { ?x ?p ?o } } FILTER(?x < ?y) }"
    )
    assert len(where_braces(text)) == 2
    bound = inject_values(text, {"x": ox.Literal('" } UNION { ?s ?p ?o } #')})
    assert bound.count("VALUES (?x)") == 2
    assert ox.Store().query(bound) is not None  # still one valid query
    assert '\\" } UNION' in bound


# --- the command line -----------------------------------------------------------------------


def invoke(build_dir: Path, *args: str) -> object:
    """``kg query ARGS`` on ``build_dir`` unless ARGS choose another source."""
    other = {"--data", "--graph", "--endpoint"} & set(args)
    source = [] if other else ["--build", str(build_dir)]
    return CliRunner().invoke(cli, ["query", *args, *source, "--queries", str(QUERIES)])


def test_cli_list_shows_every_file_and_title() -> None:
    result = CliRunner().invoke(cli, ["query", "--list", "--queries", str(QUERIES)])
    assert result.exit_code == 0, result.output
    for spec in list_queries(QUERIES):
        assert spec.name in result.stdout
        assert spec.title in result.stdout
    files = sorted(p.stem for p in QUERIES.glob("*.rq"))
    listed = json.loads(
        CliRunner()
        .invoke(cli, ["query", "--list", "--format", "json", "--queries", str(QUERIES)])
        .stdout
    )
    assert [b["name"]["value"] for b in listed["results"]["bindings"]] == files


def test_cli_table_on_the_build(shipped_build_dir: Path) -> None:
    result = invoke(shipped_build_dir, "tiers")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    lines = result.stdout.splitlines()  # type: ignore[attr-defined]
    assert lines[0].split() == [
        "country",
        "iso3",
        "tier",
        "year",
        "assessor",
        "authoritative",
        "restated",
        "source",
        "review",
    ]
    assert "North Korea" in lines[2]
    assert "Tier 3" in lines[2]
    assert result.stderr == "1 row\n"  # type: ignore[attr-defined]


def test_cli_params_files_and_inline_text(shipped_build_dir: Path, tmp_path: Path) -> None:
    result = invoke(
        shipped_build_dir, "recommendations", "-p", "pillar=partnership", "--format", "csv"
    )
    assert result.exit_code == 0  # type: ignore[attr-defined]
    assert len(result.stdout.strip().splitlines()) == 3  # type: ignore[attr-defined]
    path = tmp_path / "count.rq"
    path.write_text("# title: count\nSELECT (COUNT(*) AS ?n) WHERE { ?s a ?t }\n")
    by_file = invoke(shipped_build_dir, str(path), "--format", "csv")
    inline = invoke(shipped_build_dir, "-e", path.read_text(), "--format", "csv")
    assert by_file.stdout == inline.stdout
    assert int(by_file.stdout.split()[1]) > 1000


def test_cli_errors_are_one_line(shipped_build_dir: Path) -> None:
    result = invoke(shipped_build_dir, "tier")
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert result.stdout == ""  # type: ignore[attr-defined]
    assert result.stderr.count("\n") == 1
    assert "did you mean 'tiers'" in result.stderr
    bad = invoke(shipped_build_dir, "tiers", "-p", "country=PRK> } ; DROP ALL ; #")
    assert bad.exit_code == 1
    assert "parameter 'country'" in bad.stderr
    both = invoke(shipped_build_dir, "tiers", "--endpoint", "http://x", "--graph", __file__)
    assert both.exit_code == 2  # type: ignore[attr-defined]


def test_cli_graph_file(shipped_build_dir: Path) -> None:
    on_file = invoke(
        shipped_build_dir,
        "no-law",
        "--graph",
        str(shipped_build_dir / "graph.trig"),
        "--format",
        "tsv",
    )
    on_build = invoke(shipped_build_dir, "no-law", "--format", "tsv")
    assert on_file.exit_code == 0
    assert on_file.stdout == on_build.stdout


def test_labels_for_the_table(shipped_store: ox.Store) -> None:
    from kg.query.named import fetch_labels

    result = run(shipped_store, "tiers")
    labels = fetch_labels(StoreTarget(shipped_store), result)
    assert labels[TKD + "country-prk"] == "North Korea"
    assert labels[TKV + "tier-3"] == "Tier 3"


def test_cli_data_dir_is_built_in_memory(
    shipped_build_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = invoke(shipped_build_dir, "tiers", "--format", "csv").stdout  # type: ignore[attr-defined]
    monkeypatch.chdir(tmp_path)
    on_data = CliRunner().invoke(
        cli,
        ["query", "tiers", "--data", str(ROOT / "data"), "--format", "csv"],
    )  # kg's own ontology and queries, from any directory
    assert on_data.exit_code == 0, on_data.output
    assert on_data.stdout == expected
    assert list(tmp_path.iterdir()) == []  # nothing written, no cache either


# --- standard SPARQL: rdflib's engine gives the same rows ---------------------------------


@pytest.fixture(scope="module")
def rdflib_dataset(imported_nquads: Path) -> object:
    import rdflib

    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(str(imported_nquads), format="nquads")
    return dataset


def _plain(value: object) -> str:
    text = "" if value is None else str(value)
    return "|".join(sorted(re.split(r"; |, ", text)))  # GROUP_CONCAT order is the engine's


# forms is left out: rdflib takes seconds on its alternative property paths even here.
@pytest.mark.parametrize("name", [n for n in NAMES if n != "forms"])
def test_rdflib_agrees_with_pyoxigraph(
    name: str, imported_store: ox.Store, rdflib_dataset: object
) -> None:
    from kg.query.params import bind_params

    spec = load_query(QUERIES, name)
    text = inject_values(spec.text, bind_params(name, spec.params, {}))
    theirs = {tuple(_plain(v) for v in row) for row in rdflib_dataset.query(text)}  # type: ignore[attr-defined]
    ours = {
        tuple(_plain(None if t is None else t.value) for t in row)  # type: ignore[union-attr]
        for row in run_query(imported_store, spec).rows
    }
    assert theirs == ours
