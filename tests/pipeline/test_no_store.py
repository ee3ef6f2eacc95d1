"""kg build --no-store: a build without its on-disk store (nor the kept flow network), on
purpose. Read-only commands answer from graph.nq without a warning, a rebuild by a read-only
command stays without a store, and a later plain kg build writes the store again."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
from kg.api import sources
from kg.cli import cli
from kg.pipeline import opening

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    return tmp_path


def kg_cli(root: Path, *args: str) -> object:
    base = ["--data", str(root / "data"), "--ontology", str(root / "ontology")]
    return CliRunner().invoke(cli, [*base, *args])


def test_no_store_build_and_reads(project: Path, caplog: pytest.LogCaptureFixture) -> None:
    build = project / "build"
    done = kg_cli(project, "build", "--out", str(build), "--no-store")
    assert done.exit_code == 0, done.output  # type: ignore[attr-defined]
    assert not (build / "store").exists()
    assert not (build / ".network-flows.json").exists()
    assert json.loads((build / "manifest.json").read_text())["store"] is None
    assert not list(project.glob(".build.*"))  # no helper work left behind

    with caplog.at_level(logging.INFO):
        answer = kg_cli(project, "query", "tiers", "--build", str(build), "--format", "csv")
    assert answer.exit_code == 0, answer.output  # type: ignore[attr-defined]
    assert "country-prk" in answer.output  # type: ignore[attr-defined]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("without its store" in r.getMessage() for r in caplog.records)

    with_store = kg_cli(project, "build", "--out", str(project / "full"))
    assert with_store.exit_code == 0, with_store.output  # type: ignore[attr-defined]
    full = kg_cli(project, "query", "tiers", "--build", str(project / "full"), "--format", "csv")
    assert full.output == answer.output  # type: ignore[attr-defined]
    assert (build / "graph.nq").read_bytes() == (project / "full" / "graph.nq").read_bytes()


def test_a_rebuild_by_a_reader_keeps_no_store(project: Path) -> None:
    build = project / "build"
    assert kg_cli(project, "build", "--out", str(build), "--no-store").exit_code == 0  # type: ignore[attr-defined]
    seed = next((project / "data").rglob("*.yaml"))
    seed.write_text(seed.read_text() + "\n# touched\n")
    settings = sources.settings(project / "data", build, ontology=project / "ontology")
    assert opening.is_stale(settings)
    opening.ensure_build(settings)
    assert not (build / "store").exists()
    assert json.loads((build / "manifest.json").read_text())["store"] is None

    assert kg_cli(project, "build", "--out", str(build)).exit_code == 0  # type: ignore[attr-defined]
    assert (build / "store").is_dir()
    assert json.loads((build / "manifest.json").read_text())["store"]["build"]


def test_the_python_api_builds_without_a_store(project: Path) -> None:
    built = kg.build(
        project / "data", out=project / "b", ontology=project / "ontology", store=False
    )
    assert built.conforms
    assert not (project / "b" / "store").exists()
    assert (project / "b" / "graph.nq").is_file()
