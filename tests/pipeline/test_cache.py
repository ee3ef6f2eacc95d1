"""The per-source cache: same bytes as a clean build, and no stale entry survives an edit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg import pipeline
from kg.core import vocab as V
from kg.pipeline.cache import BuildCache, default_cache_dir, digest, load_sources_cached
from kg.source.loader import load_sources
from tests.conftest import DATA, ONTOLOGY, ROOT

IMPORTS = ROOT / "tests" / "data" / "imports"
ESSAY = Path("assessments") / "prk-essay.yaml"


def outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A writable copy of data/ and ontology/ plus two import fixtures and an import list."""
    shutil.copytree(DATA, tmp_path / "data")
    shutil.copytree(ONTOLOGY, tmp_path / "ontology")
    for name in ("tiers.csv", "ctdc.csv"):
        shutil.copy(IMPORTS / name, tmp_path / name)
    (tmp_path / "imports.yaml").write_text(
        "imports:\n  - kind: tiers\n    path: tiers.csv\n  - kind: ctdc\n    path: ctdc.csv\n"
    )
    return tmp_path


def settings(repo: Path, out: str, *, cache: bool = True) -> pipeline.Settings:
    return pipeline.Settings(
        data_dir=repo / "data",
        ontology_dir=repo / "ontology",
        out_dir=repo / out,
        imports=repo / "imports.yaml",
        use_cache=cache,
    )


class Stats:
    def __init__(self, result: pipeline.BuildResult) -> None:
        self.hits, self.misses = result.cache_stats["hits"], result.cache_stats["misses"]


def build(s: pipeline.Settings) -> tuple[pipeline.BuildResult, Stats]:
    result = pipeline.run(s)
    assert result.report.conforms, [v.line() for v in result.report.violations]
    return result, Stats(result)


def test_cached_builds_are_byte_identical_to_a_clean_build(repo: Path) -> None:
    _, first = build(settings(repo, "cached"))
    assert first.hits == 0
    assert first.misses > 0
    _, second = build(settings(repo, "cached"))
    assert second.misses == 0
    assert second.hits == first.misses  # every YAML file and both datasets came from the cache
    build(settings(repo, "clean", cache=False))
    assert not default_cache_dir(repo / "clean").exists()
    assert outputs(repo / "cached") == outputs(repo / "clean")


def test_editing_one_yaml_file_reparses_only_that_file(repo: Path) -> None:
    build(settings(repo, "cached"))
    essay = repo / "data" / ESSAY
    essay.write_text(
        essay.read_text().replace("Traffickers are not prosecuted.", "Nobody is tried.")
    )
    result, cache = build(settings(repo, "cached"))
    assert cache.misses == 1
    assert '"Nobody is tried."@en' in (repo / "cached" / "graph.nt").read_text()
    build(settings(repo, "clean", cache=False))
    assert outputs(repo / "cached") == outputs(repo / "clean")
    assert result.timings["total"] > 0


def test_a_changed_dataset_or_ontology_invalidates_the_import_entries(repo: Path) -> None:
    build(settings(repo, "cached"))
    tiers = repo / "tiers.csv"
    tiers.write_text(tiers.read_text() + "\n")  # same rows, other bytes
    _, cache = build(settings(repo, "cached"))
    assert cache.misses == 1
    vocab = repo / "ontology" / "vocab.ttl"
    vocab.write_text(vocab.read_text() + "\n# edited\n")
    _, cache = build(settings(repo, "cached"))
    assert cache.misses == 2  # both datasets; YAML parses do not depend on the ontology
    build(settings(repo, "clean", cache=False))
    assert outputs(repo / "cached") == outputs(repo / "clean")


def test_unused_entries_are_pruned_and_broken_entries_are_misses(repo: Path) -> None:
    build(settings(repo, "cached"))
    root = default_cache_dir(repo / "cached")
    before = set(root.iterdir())
    essay = repo / "data" / ESSAY
    essay.write_text(essay.read_text() + "# edited\n")
    build(settings(repo, "cached"))
    after = set(root.iterdir())
    assert len(after) == len(before)
    assert len(after - before) == 1
    for entry in after:
        if entry.is_file():  # the store's seed is a directory (tests/pipeline/test_storeseed.py)
            entry.write_bytes(b"not a pickle")
    _, cache = build(settings(repo, "cached"))
    assert cache.hits == 0
    assert cache.misses == len([entry for entry in after if entry.is_file()])
    build(settings(repo, "clean", cache=False))
    assert outputs(repo / "cached") == outputs(repo / "clean")


def test_cached_sources_equal_parsed_sources(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "cache")
    first = load_sources_cached(DATA, cache)
    again = load_sources_cached(DATA, cache)
    plain = load_sources(DATA)
    assert [(d.name, d.data, d.positions) for d in again] == [
        (d.name, d.data, d.positions) for d in plain
    ]
    assert [d.key_positions for d in first] == [d.key_positions for d in plain]
    assert cache.hits == len(plain)


def test_digest_separates_parts() -> None:
    assert digest("ab", "c") != digest("a", "bc")
    assert digest(b"x") == digest("x")


def test_imported_graphs_are_in_the_cached_build(repo: Path) -> None:
    build(settings(repo, "cached"))
    result, _ = build(settings(repo, "cached"))
    graphs = {q.graph_name.value for q in result.store if hasattr(q.graph_name, "value")}
    assert V.source_graph("tip-tiers-2001-2015") in graphs
    assert V.source_graph("ctdc-global-2020") in graphs
