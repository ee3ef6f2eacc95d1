"""Installed resources (issue 14 §2): kg's ontology, named queries and reference data are found
from any directory, and a project folder adds to or overrides them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.core.resources import shipped
from kg.query.named import discover, list_queries, query_dirs
from kg.source.loader import find_sources, shipped_reference

ROOT = Path(__file__).resolve().parents[2]


def test_an_editable_install_reads_the_repository_folders() -> None:
    assert shipped("ontology") == ROOT / "ontology"
    assert shipped("queries") == ROOT / "queries"
    assert shipped("reference") == ROOT / "data" / "reference"


def test_project_queries_add_to_and_replace_the_shipped_ones(tmp_path: Path) -> None:
    own = tmp_path / "queries"
    own.mkdir()
    (own / "mine.rq").write_text("# title: Mine\nSELECT ?s WHERE { ?s ?p ?o } LIMIT 1\n")
    (own / "tiers.rq").write_text("# title: My tiers\nSELECT ?s WHERE { ?s ?p ?o } LIMIT 1\n")
    found = discover(query_dirs(own))
    assert found["mine"] == own / "mine.rq"
    assert found["tiers"] == own / "tiers.rq"
    assert found["forms"] == shipped("queries") / "forms.rq"
    assert list(found) == sorted(found)
    titles = {q.name: q.title for q in list_queries(query_dirs(own))}
    assert titles["tiers"] == "My tiers"
    assert query_dirs(tmp_path / "absent")[0] == shipped("queries")


def test_the_repository_queries_folder_is_not_counted_twice() -> None:
    assert query_dirs(ROOT / "queries") == [shipped("queries")]


def test_query_list_outside_any_project(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    listed = runner.invoke(cli, ["query", "--list", "--format", "csv"])
    assert listed.exit_code == 0, listed.output
    names = [line.split(",")[0] for line in listed.stdout.splitlines()[1:]]
    assert names == sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    missing = runner.invoke(cli, ["query", "tiers"])
    assert missing.exit_code == 1
    assert missing.stderr == (
        "Error: data directory data does not exist "
        "(pass --data DIR, or start a project with 'kg init DIR')\n"
    )


def test_shipped_reference_data_unless_the_project_has_its_own(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "assessments").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "sources.yaml", data / "sources.yaml")
    shutil.copy(ROOT / "data" / "assessments" / "prk-essay.yaml", data / "assessments")
    files = find_sources(data)
    assert files[:2] == [data / "assessments" / "prk-essay.yaml", data / "sources.yaml"]
    assert files[2:] == shipped_reference()
    assert {p.name for p in shipped_reference()} == {
        "agents.yaml",
        "countries.yaml",
        "regions.yaml",
        "treaties.yaml",
    }
    shutil.copytree(ROOT / "data" / "reference", data / "reference")
    own = find_sources(data)
    assert all(p.is_relative_to(data) for p in own)
    assert len(own) == 6


def test_a_project_builds_with_the_shipped_ontology_and_reference(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    (data / "assessments").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "sources.yaml", data / "sources.yaml")
    shutil.copy(ROOT / "data" / "assessments" / "prk-essay.yaml", data / "assessments")
    monkeypatch.chdir(tmp_path)
    built = runner.invoke(cli, ["build"])
    assert built.exit_code == 0, built.stderr
    assert "built build/ from 6 YAML files" in built.stderr
    tiers = runner.invoke(cli, ["query", "tiers", "--format", "csv"])
    assert tiers.exit_code == 0, tiers.stderr
    assert "country-prk" in tiers.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == [".build-cache", "build", "data"]
