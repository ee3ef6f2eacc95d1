"""Guards of the fast SHACL engine: cheap whole-graph queries that rule checks out.

A guard looks at the values of a predicate of every subject, not only of the focus nodes: when
it finds nothing, the check it guards cannot find anything either, so the check is skipped (a
star check shrinks to its ``sh:minCount`` tests). A guard may find a value that is no
violation (a subject outside the shape's class, the same triple in two graphs); the check then
runs in full. Either way the results are those of every check run in full.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg import pipeline
from kg.core import vocab as V
from kg.shacl.check import Check, has_row
from kg.shacl.fast import compile_checks, instance_types, validate_fast
from kg.shacl.reference import validate_pyshacl
from kg.shacl.report import Violation
from kg.shacl.shapes import ShapesGraph, class_terms
from kg.shacl.star import StarCheck
from kg.source.ontology import Ontology
from tests.conftest import ROOT
from tests.shacl.support import FIXTURE, fixture_store

GOOD = ROOT / "tests" / "data" / "shapes" / "good_minimal.ttl"
OTHER = ox.NamedNode(V.source_graph("other"))


def good_store(ontology: Ontology) -> ox.Store:
    return fixture_store(ontology, GOOD, rules=False)


def checks_of(store: ox.Store, ontology: Ontology) -> list[Check | StarCheck]:
    shapes = tuple(ontology.shapes)
    return compile_checks(shapes, instance_types(store, class_terms(ShapesGraph(shapes))))


def in_full(store: ox.Store, ontology: Ontology) -> set[Violation]:
    """What every check finds when no guard rules any out."""
    return {v for check in checks_of(store, ontology) for v in check.run(store, {})}


def hits(store: ox.Store, ontology: Ontology) -> set[str]:
    guards = {g for check in checks_of(store, ontology) for g in check.guards}
    return {g for g in guards if has_row(store, g)}


def test_guards_rule_out_most_checks_of_a_conforming_build(
    shipped_build: pipeline.BuildResult, ontology: Ontology
) -> None:
    store = shipped_build.store
    checks = checks_of(store, ontology)
    found = hits(store, ontology)
    chosen = [check.given(found) for check in checks]
    classes = [c for c in checks if isinstance(c, Check) and c.component == "class"]
    assert sum(c.guard != "" for c in classes) == len(classes)  # all on plain predicates
    assert sum(c.given(found) is None for c in classes) > len(classes) // 2
    stars = [(c, c.given(found)) for c in checks if isinstance(c, StarCheck) and c.guards]
    assert stars
    assert all(run is not c for c, run in stars)  # every guarded star check runs lean
    assert sum(run is None for run in chosen) > len(checks) // 3
    report = validate_fast(store, ontology.shapes, {})
    assert report.conforms
    assert set(report.results) == in_full(store, ontology) == set()


def test_a_bad_value_outside_the_focus_trips_a_guard_and_nothing_else(
    ontology: Ontology,
) -> None:
    """An untyped subject's values are no one's violations: the guards see them, so the
    checks run in full, and report nothing, as pySHACL."""
    store = good_store(ontology)
    stray = ox.NamedNode(V.TKD + "stray")
    for p, o in (
        (V.TK + "pointValue", ox.Literal("-3", datatype=ox.NamedNode(V.XSD + "integer"))),
        (V.TK + "pointValue", ox.Literal("4", datatype=ox.NamedNode(V.XSD + "integer"))),
        (V.TK + "statedIn", ox.NamedNode(V.TKD + "country-XAA")),
        (V.TK + "countUnit", ox.NamedNode(V.TKD + "not-a-unit")),
    ):
        store.add(ox.Quad(stray, ox.NamedNode(p), o, FIXTURE))
    assert len(hits(store, ontology)) >= 3
    fast = validate_fast(store, ontology.shapes, {})
    assert fast.conforms
    assert set(fast.results) == in_full(store, ontology)
    assert validate_pyshacl(store, ontology.shapes, {}).conforms


def test_the_same_value_in_two_graphs_is_one_value(ontology: Ontology) -> None:
    """A triple in two graphs counts twice for the second-value guard (a false alarm): the
    star check then runs in full and finds one value, as pySHACL."""
    store = good_store(ontology)
    rows = store.query(f"SELECT ?s ?o WHERE {{ GRAPH ?g {{ ?s <{V.TK}pointValue> ?o }} }}")
    assert isinstance(rows, ox.QuerySolutions)
    first = next(iter(rows))
    store.add(ox.Quad(first["s"], ox.NamedNode(V.TK + "pointValue"), first["o"], OTHER))
    assert any("COUNT(DISTINCT" in g and "pointValue" in g for g in hits(store, ontology))
    fast = validate_fast(store, ontology.shapes, {})
    assert fast.conforms
    assert validate_pyshacl(store, ontology.shapes, {}).conforms


def test_a_focus_with_two_values_is_reported_once_guarded(ontology: Ontology) -> None:
    store = good_store(ontology)
    rows = store.query(
        f"SELECT ?s WHERE {{ ?s a <{V.TK}Estimate> ; <{V.TK}pointValue> ?o }}",
        use_default_graph_as_union=True,
    )
    assert isinstance(rows, ox.QuerySolutions)
    estimate = next(iter(rows))["s"]
    value = ox.Literal("123456", datatype=ox.NamedNode(V.XSD + "integer"))
    store.add(ox.Quad(estimate, ox.NamedNode(V.TK + "pointValue"), value, FIXTURE))
    fast = validate_fast(store, ontology.shapes, {})
    assert {(v.focus, v.path) for v in fast.violations} >= {(estimate.value, V.TK + "pointValue")}
    assert set(fast.results) == in_full(store, ontology)
    reference = validate_pyshacl(store, ontology.shapes, {})
    assert {(v.focus, v.shape) for v in fast.results} == {
        (v.focus, v.shape) for v in reference.results
    }


_INT = ox.NamedNode(V.XSD + "integer")
_LITERALS = [
    ox.Literal("x"),
    ox.Literal("x", language="en"),
    ox.Literal("5", datatype=_INT),
    ox.Literal("-3", datatype=_INT),
    ox.Literal("05", datatype=_INT),
    ox.Literal("1.5", datatype=ox.NamedNode(V.XSD + "decimal")),
    ox.Literal("true", datatype=ox.NamedNode(V.XSD + "boolean")),
    ox.Literal("yes", datatype=ox.NamedNode(V.XSD + "boolean")),
    ox.Literal("2021", datatype=ox.NamedNode(V.XSD + "gYear")),
]


@pytest.fixture(scope="module")
def pieces(ontology: Ontology) -> tuple[list[ox.Quad], list[ox.Term], list[ox.NamedNode]]:
    quads = sorted(good_store(ontology).quads_for_pattern(None, None, None, FIXTURE), key=str)
    nodes = sorted({q.subject for q in quads} | {ox.NamedNode(V.TKD + "stray")}, key=str)
    predicates = sorted({q.predicate for q in quads}, key=str)
    return quads, [*nodes, *_LITERALS], predicates


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_guarded_validation_equals_every_check_in_full(
    ontology: Ontology,
    pieces: tuple[list[ox.Quad], list[ox.Term], list[ox.NamedNode]],
    data: st.DataObject,
) -> None:
    """Random edits of a conforming graph (values added to any subject, in either graph,
    triples removed): the guarded engine finds exactly what every check finds run in full."""
    quads, terms, predicates = pieces
    store = good_store(ontology)
    subjects = [t for t in terms if isinstance(t, ox.NamedNode)]
    for _ in range(data.draw(st.integers(1, 6))):
        if data.draw(st.booleans()):
            store.remove(data.draw(st.sampled_from(quads)))
        else:
            quad = ox.Quad(
                data.draw(st.sampled_from(subjects)),
                data.draw(st.sampled_from(predicates)),
                data.draw(st.sampled_from(terms)),
                data.draw(st.sampled_from([FIXTURE, OTHER])),
            )
            store.add(quad)
    assert set(validate_fast(store, ontology.shapes, {}).results) == in_full(store, ontology)
