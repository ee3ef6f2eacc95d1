"""``kg init`` (issue 14 §3): a data project that builds with nothing else; never overwrites."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.api.project import TEMPLATE, init_project
from kg.cli import cli
from kg.importers import read_import_list
from kg.importers.kinds import DEFAULT_IDS, KINDS

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "imports"


def test_init_then_build_and_query_inside(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    made = runner.invoke(cli, ["init", "proj"])
    assert made.exit_code == 0, made.output
    assert made.stdout.splitlines() == [f"proj/{name}" for name in TEMPLATE.values()]
    assert made.stderr == "started a kg project in proj/; next: cd proj && kg build\n"
    monkeypatch.chdir(tmp_path / "proj")
    checked = runner.invoke(cli, ["validate"])
    assert checked.exit_code == 0, checked.stderr
    assert checked.stderr == "conforms: 0 violations, 0 warnings\n"
    built = runner.invoke(cli, ["build"])
    assert built.exit_code == 0, built.stderr
    assert re.match(r"built build/ from 7 YAML files in [\d.]+ s: \d+ triples", built.stderr)
    tiers = runner.invoke(cli, ["query", "tiers", "--format", "csv"])
    assert tiers.exit_code == 0, tiers.stderr
    rows = tiers.stdout.splitlines()
    assert len(rows) == 2
    assert "country-xex,XEX,https://w3id.org/kg-tip/vocab/tier-2wl,2024" in rows[1]
    flows = runner.invoke(cli, ["query", "largest-flows", "--format", "csv"])
    assert len(flows.stdout.splitlines()) == 4  # header + 3 (flow x form)


def test_the_example_says_it_is_an_example(tmp_path: Path) -> None:
    init_project(tmp_path / "p")
    readme = (tmp_path / "p" / "README.md").read_text()
    assert len(readme.splitlines()) == 5
    assert "fictional" in readme
    for name in ("sources.yaml", "example-reference.yaml", "assessments/xex-example.yaml"):
        assert "EXAMPLE" in (tmp_path / "p" / "data" / name).read_text(), name
    assert (tmp_path / "p" / ".gitignore").read_text() == "build/\n.build-cache/\n"


def test_refuses_a_non_empty_directory(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    result = runner.invoke(cli, ["init", str(target)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: {target}: is not empty; kg init writes only into a new or empty directory "
        "(choose another DIR)\n"
    )
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    file = tmp_path / "file"
    file.write_text("x")
    assert runner.invoke(cli, ["init", str(file)]).exit_code == 1


def test_fills_an_empty_directory_in_place(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    files = init_project(tmp_path / "empty")
    assert all(p.is_file() for p in files)
    assert sorted(p.name for p in (tmp_path / "empty").iterdir()) == [
        ".gitignore",
        "README.md",
        "data",
        "imports.yaml",
    ]


def test_the_commented_imports_become_a_valid_list(tmp_path: Path) -> None:
    init_project(tmp_path / "p")
    config = tmp_path / "p" / "imports.yaml"
    assert read_import_list(config) == []
    text = config.read_text().replace("imports: []", "imports:")
    config.write_text(re.sub(r"^#  ", "  ", text, flags=re.M))
    specs = [(s.kind, s.path.name, s.id) for s in _with_files(config)]
    assert specs == [
        ("glotip", "data_glotip.csv", "unodc-glotip-2023"),
        ("tiers", "tip_tiers_orig.csv", "tip-tiers-2001-2015"),
        ("factbook", "factbook_tip", "cia-factbook-tip"),
        ("ctdc", "ctdc_global_dataset.csv", "ctdc-global-2020"),
    ]
    # every kind kg imports is offered, with its default id
    assert sorted(kind for kind, _, _ in specs) == list(KINDS)
    assert all(DEFAULT_IDS[kind] == id_ for kind, _, id_ in specs)


def _with_files(config: Path) -> list:  # type: ignore[type-arg]
    (config.parent / "datasets").mkdir()
    for name in ("data_glotip.csv", "tip_tiers_orig.csv", "ctdc_global_dataset.csv"):
        (config.parent / "datasets" / name).touch()
    (config.parent / "datasets" / "factbook_tip").mkdir()
    return read_import_list(config)


def test_build_reads_the_project_import_list(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    init_project(tmp_path / "p")
    shutil.copy(FIXTURES / "tiers.csv", tmp_path / "p" / "tiers.csv")
    (tmp_path / "p" / "imports.yaml").write_text(
        "imports:\n  - kind: tiers\n    path: tiers.csv\n    id: tiers-fixture\n"
    )
    monkeypatch.chdir(tmp_path / "p")
    built = runner.invoke(cli, ["build"])
    assert built.exit_code == 0, built.stderr
    assert "graph tkg:source-tiers-fixture" in built.stderr
    other = runner.invoke(cli, ["build", "--imports", "none.yaml"])
    assert other.exit_code == 1
    assert "import list none.yaml does not exist" in other.stderr
