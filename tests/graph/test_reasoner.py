"""The ontology with its data is OWL 2 DL, and a complete OWL 2 DL reasoner accepts it.

HermiT (the copy that ships with owlready2) runs on a Java runtime (Debian's
default-jre-headless, installed by .ci/run); without Java the reasoner tests skip and say so.
Checked on the shipped build and on the full import build (../shared/data): consistent, no
unsatisfiable class, every property declared as one kind, data values in the OWL 2 datatype
map, and every use of a kg property inside its declared domain and range.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import pipeline
from tests.conftest import DATA, ONTOLOGY, ROOT, needs_shared_data
from tests.owlcheck import dl_problems, domain_range_problems, hermit, java, write_ntriples

needs_java = pytest.mark.skipif(
    java() is None,
    reason="no Java runtime: HermiT needs one (apt-get install default-jre-headless; .ci/run does)",
)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    """The full import build of imports.example.yaml (needs ../shared/data)."""
    out = tmp_path_factory.mktemp("imported") / "build"
    settings = pipeline.Settings(
        data_dir=DATA,
        ontology_dir=ONTOLOGY,
        out_dir=out,
        imports=ROOT / "imports.example.yaml",
        use_cache=False,
    )
    result = pipeline.run(settings, write=False)
    assert result.report.conforms
    return result.store


def test_shipped_build_is_owl2_dl(shipped_build: pipeline.BuildResult) -> None:
    assert dl_problems(shipped_build.store) == []


def test_shipped_build_respects_domains_and_ranges(shipped_build: pipeline.BuildResult) -> None:
    assert domain_range_problems(shipped_build.store) == []


@needs_java
def test_hermit_accepts_the_shipped_build(
    shipped_build: pipeline.BuildResult, tmp_path: Path
) -> None:
    path = tmp_path / "graph.nt"
    write_ntriples(shipped_build.store, path)
    assert hermit(path) == []  # consistent (else it raises), no unsatisfiable class


def test_the_checks_find_what_a_reasoner_rejects(
    shipped_build: pipeline.BuildResult, tmp_path: Path
) -> None:
    """A gYear, an undeclared property and a fact outside a domain are all reported."""
    store = ox.Store()
    store.extend(shipped_build.store)
    tk = "https://w3id.org/kg-tip/ontology#"
    xsd = "http://www.w3.org/2001/XMLSchema#"
    flow = ox.NamedNode("https://w3id.org/kg-tip/id/flow-essay-prk_prk_overseas-labour")
    country = ox.NamedNode("https://w3id.org/kg-tip/id/country-chn")
    store.add(
        ox.Quad(
            flow,
            ox.NamedNode(tk + "year"),
            ox.Literal("2019", datatype=ox.NamedNode(xsd + "gYear")),
        )
    )
    store.add(ox.Quad(flow, ox.NamedNode("urn:x:undeclared"), ox.Literal("x")))
    store.add(ox.Quad(country, ox.NamedNode(tk + "statedIn"), flow))
    problems = dl_problems(store)
    assert (
        "data property tk:year has a xsd:gYear literal, not in the OWL 2 datatype map" in problems
    )
    assert "property urn:x:undeclared is not declared" in problems
    wrong = domain_range_problems(store)
    assert any(p.startswith("tk:statedIn on a tk:Country") for p in wrong), wrong
    assert any(p.startswith("tk:statedIn pointing at a tk:") for p in wrong), wrong


@needs_java
def test_hermit_rejects_a_gyear(tmp_path: Path) -> None:
    """The reasoner is real: it refuses what the OWL 2 datatype map does not hold."""
    import owlready2

    path = tmp_path / "bad.nt"
    path.write_text(
        "<urn:x:y> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<http://www.w3.org/2002/07/owl#DatatypeProperty> .\n"
        '<urn:x:a> <urn:x:y> "2019"^^<http://www.w3.org/2001/XMLSchema#gYear> .\n'
    )
    with pytest.raises(owlready2.OwlReadyJavaError, match="gYear"):
        hermit(path)


@needs_shared_data
@pytest.mark.shared_data
def test_import_build_is_owl2_dl(imported: ox.Store) -> None:
    assert dl_problems(imported) == []
    assert domain_range_problems(imported) == []


@needs_shared_data
@needs_java
@pytest.mark.shared_data
def test_hermit_accepts_the_import_build(imported: ox.Store, tmp_path: Path) -> None:
    path = tmp_path / "graph.nt"
    assert write_ntriples(imported, path) > 100_000
    assert hermit(path) == []
