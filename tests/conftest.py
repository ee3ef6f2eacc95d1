"""Shared fixtures: the repository paths, one session build of the shipped data, a CLI runner."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg import pipeline
from kg.graph.rules import apply_rules

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
ONTOLOGY = ROOT / "ontology"
QUERIES = ROOT / "queries"
IMPORTED = ROOT / "tests" / "data" / "queries" / "imported.trig"
SHARED_DATA = ROOT.parent / "shared" / "data"

needs_shared_data = pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data is absent")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden files from the current output instead of comparing",
    )


@pytest.fixture(autouse=True, scope="session")
def _private_cache_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """kg's per-user cache files (the key of the build cache) go to a temporary home."""
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("XDG_CACHE_HOME", None)
        else:
            os.environ["XDG_CACHE_HOME"] = old


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when golden files should be rewritten (--update-golden or KG_UPDATE_GOLDEN=1)."""
    return (
        bool(request.config.getoption("--update-golden"))
        or os.environ.get("KG_UPDATE_GOLDEN") == "1"
    )


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory: pytest.TempPathFactory) -> pipeline.BuildResult:
    """One build of the shipped data/ into a temporary directory, shared by the session."""
    out = tmp_path_factory.mktemp("build") / "build"
    settings = pipeline.Settings(data_dir=DATA, ontology_dir=ONTOLOGY, out_dir=out)
    result = pipeline.run(settings)
    assert result.report.conforms, [v.line() for v in result.report.violations]
    return result


@pytest.fixture(scope="session")
def shipped_build_dir(shipped_build: pipeline.BuildResult) -> Path:
    """The output directory of the session build."""
    return shipped_build.written[0].parent


@pytest.fixture(scope="session")
def imported_nquads(shipped_build_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped build plus tests/data/queries/imported.trig (a small graph shaped like the
    importers' output), derived again as a build derives it, as one N-Quads file."""
    store = pipeline.load_build(shipped_build_dir)
    store.bulk_load(path=str(IMPORTED), format=ox.RdfFormat.TRIG)
    apply_rules(store)
    path = tmp_path_factory.mktemp("imported") / "graph.nq"
    with path.open("wb") as stream:
        store.dump(stream, ox.RdfFormat.N_QUADS)
    return path


@pytest.fixture(scope="session")
def imported_graph(imported_nquads: Path) -> ox.Store:
    """``imported_nquads`` loaded (for reading only: the tests of a session share it)."""
    return _loaded(imported_nquads)


@pytest.fixture(scope="session")
def rich_nquads(imported_graph: ox.Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``imported_nquads`` plus 400 synthetic flows and 25 years of synthetic tiers of 40
    countries (with gaps and restatements), derived again, as one N-Quads file."""
    from flowdata import rich_store

    store = rich_store(imported_graph)
    path = tmp_path_factory.mktemp("rich") / "graph.nq"
    with path.open("wb") as stream:
        store.dump(stream, ox.RdfFormat.N_QUADS)
    return path


@pytest.fixture(scope="session")
def rich_graph(rich_nquads: Path) -> ox.Store:
    """``rich_nquads`` loaded (for reading only: the tests of a session share it)."""
    return _loaded(rich_nquads)


def _loaded(path: Path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return store


@pytest.fixture(scope="session")
def victims_graph(rich_graph: ox.Store) -> ox.Store:
    """``rich_graph`` with victim groups on assessments, on flows and on other facts of an
    assessment (``flowdata.with_victim_groups``). For reading only."""
    from flowdata import with_victim_groups

    return with_victim_groups(rich_graph)


@pytest.fixture(scope="session")
def bare_graph(rich_graph: ox.Store) -> ox.Store:
    """``rich_graph`` without its inferred graph: not a kg build, so the named queries compute
    what the rules would have (their other branches). For reading only."""
    inferred = ox.NamedNode("https://w3id.org/kg-tip/graph/inferred")
    store = ox.Store()
    store.extend(q for q in rich_graph if q.graph_name != inferred)
    return store


@pytest.fixture
def sample_repo(tmp_path: Path) -> Iterator[Path]:
    """A writable copy of data/ and ontology/ under tmp_path (cwd set to it)."""
    shutil.copytree(DATA, tmp_path / "data")
    shutil.copytree(ONTOLOGY, tmp_path / "ontology")
    if QUERIES.is_dir():
        shutil.copytree(QUERIES, tmp_path / "queries")
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(old)


@pytest.fixture
def runner() -> CliRunner:
    """A click test runner that keeps stdout and stderr apart."""
    return CliRunner()


@pytest.fixture(scope="session")
def gazetteer() -> Any:
    """kg extract's gazetteer of the shipped reference data (countries, demonyms, regions)."""
    from kg.extract.gazetteer_build import load_gazetteer

    return load_gazetteer(DATA)
