"""The fast SHACL engine (shapes compiled to SPARQL) reports what pySHACL reports.

Both engines run on the same pyoxigraph store: the shipped build, every fixture of
tests/data/shapes/ (the ontology's good and bad examples) and tests/data/shaclsparql/ (values
that trip naive translations), each with and without kg's rules. The contract is identical
(focus, shape, severity) sets; messages, paths and values are compared too.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg import pipeline
from kg.cli import cli
from kg.core import vocab as V
from kg.shacl.compile import UnsupportedShape
from kg.shacl.fast import compile_checks, validate_fast
from kg.shacl.reference import validate_pyshacl
from kg.shacl.report import ValidationReport, Violation
from kg.source.ontology import Ontology, parse_turtle
from tests.conftest import ROOT
from tests.shacl.support import fixture_store

FIXTURES = sorted((ROOT / "tests" / "data" / "shapes").glob("*.ttl")) + sorted(
    (ROOT / "tests" / "data" / "shaclsparql").glob("*.ttl")
)
Key = tuple[str, str, str]


def keys(report: ValidationReport) -> set[Key]:
    return {(v.focus, v.shape, v.severity) for v in report.results}


def details(report: ValidationReport) -> set[tuple[str, str, str, str | None, str]]:
    """Results without their value: rdflib rewrites ill-typed literals ("yes"^^xsd:boolean
    becomes "false"), so values are compared only on well-formed data (the shipped build)."""
    return {(v.focus, v.shape, v.severity, v.path, v.message) for v in report.results}


def both(store: ox.Store, ontology: Ontology) -> tuple[ValidationReport, ValidationReport]:
    return validate_fast(store, ontology.shapes, {}), validate_pyshacl(store, ontology.shapes, {})


def test_fixtures_exist() -> None:
    names = {p.name for p in FIXTURES}
    assert "good_minimal.ttl" in names
    assert sum(n.startswith("bad_") for n in names) >= 20


@pytest.mark.parametrize("rules", [True, False], ids=["rules", "raw"])
@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_engines_agree_on_fixture(ontology: Ontology, path: Path, rules: bool) -> None:
    fast, reference = both(fixture_store(ontology, path, rules), ontology)
    assert keys(fast) == keys(reference)
    assert details(fast) == details(reference)
    if path.name.startswith(("bad_", "edge_")):
        assert reference.results, f"{path.name} should break at least one shape"
    if path.name.startswith("good_"):
        assert fast.conforms
        assert reference.conforms


def test_engines_agree_on_the_shipped_build(
    shipped_build: pipeline.BuildResult, ontology: Ontology
) -> None:
    store, origins = shipped_build.store, shipped_build.origins
    fast = validate_fast(store, ontology.shapes, origins)
    reference = validate_pyshacl(store, ontology.shapes, origins)
    assert fast.engine == "fast"
    assert reference.engine == "pyshacl"
    assert keys(fast) == keys(reference)
    assert set(fast.results) == set(reference.results)
    assert fast.conforms


def test_engines_agree_when_the_shipped_build_is_broken(
    shipped_build: pipeline.BuildResult, ontology: Ontology
) -> None:
    """Break the real graph in several ways at once; both engines must see the same."""
    store = ox.Store()
    store.extend(shipped_build.store)
    g = ox.NamedNode(V.source_graph("essay-prk"))
    essay = V.TKD + "assessment-essay-prk_prk"
    store.update(f"DELETE WHERE {{ GRAPH ?g {{ <{essay}> <{V.TK}assessedCountry> ?c }} }}")
    store.add(ox.Quad(ox.NamedNode(V.TKD + "country-prk"), ox.NamedNode(V.TK + "latitude"),
                      ox.Literal("north"), g))  # fmt: skip
    store.add(ox.Quad(ox.NamedNode(V.TKD + "person-1"), ox.NamedNode(V.RDF + "type"),
                      ox.NamedNode(V.SCHEMA + "Person"), g))  # fmt: skip
    fast, reference = both(store, ontology)
    assert len(reference.violations) >= 3
    assert keys(fast) == keys(reference)
    assert set(fast.results) == set(reference.results)


def test_the_fast_engine_locates_violations_in_yaml(
    shipped_build: pipeline.BuildResult, ontology: Ontology
) -> None:
    store = ox.Store()
    store.extend(shipped_build.store)
    store.update(f"DELETE WHERE {{ GRAPH ?g {{ ?c <{V.TK}locator> ?l . ?c a <{V.TK}Claim> }} }}")
    report = validate_fast(store, ontology.shapes, shipped_build.origins)
    located = [v for v in report.violations if v.where is not None]
    assert located
    assert all(str(v.where).startswith("data/assessments/") for v in located)
    assert all(isinstance(v, Violation) for v in report.results)


UNSUPPORTED = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:{component} .
"""


@pytest.mark.parametrize(
    "component",
    ["closed true", "languageIn ( 'en' ) ; sh:foo 1", "sparql [ sh:ask 'ASK {}' ]"],
    ids=["closed", "unknown", "no-select"],
)
def test_unsupported_components_raise_a_clear_error(tmp_path: Path, component: str) -> None:
    path = tmp_path / "shapes.ttl"
    path.write_text(UNSUPPORTED.format(component=component))
    with pytest.raises(UnsupportedShape) as caught:
        compile_checks(parse_turtle(path, prefix="s"))
    assert (
        "ex:" in str(caught.value)
        or "example.org" in str(caught.value)
        or "sh:" in str(caught.value)
    )


def test_cli_engines_give_the_same_json(sample_repo: Path, runner: CliRunner) -> None:
    bad = sample_repo / "data" / "assessments" / "bad.yaml"
    bad.write_text("assessment:\n  source: essay-prk\n  country: CHN\n  assessor: us-dos-jtip\n")
    outputs = {}
    for engine in ("fast", "pyshacl"):
        result = runner.invoke(cli, ["validate", "--format", "json", "--engine", engine])
        assert result.exit_code == 3, result.output
        outputs[engine] = result.stdout
    fast, reference = (outputs[e].replace('"engine": "pyshacl"', '"engine": "fast"')
                       for e in ("fast", "pyshacl"))  # fmt: skip
    assert fast == reference
    assert '"violations": 0' not in fast


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_duplicate_assessments_case_by_case(ontology: Ontology, engine: str) -> None:
    """The duplicate check pairs assessments by country, assessor, year (or none on both
    sides) and document: exactly the duplicates the fixture names are reported."""
    path = ROOT / "tests" / "data" / "shaclsparql" / "edge_duplicate_assessments.ttl"
    store = fixture_store(ontology, path, rules=True)
    validator = validate_fast if engine == "fast" else validate_pyshacl
    report = validator(store, ontology.shapes, {})
    shape = "https://w3id.org/kg-tip/shapes#AssessmentShape"
    pairs = {
        (v.focus.rsplit("/", 1)[-1], (v.value or "").rsplit("/", 1)[-1])
        for v in report.results
        if v.shape == shape and v.message.startswith("Another assessment")
    }
    duplicates = [("dup-2020-a", "dup-2020-b"), ("dup-noyear-a", "dup-noyear-b")]
    duplicates.append(("dup-2021", "dup-years"))
    assert pairs == {p for a, b in duplicates for p in ((a, b), (b, a))}
