"""Import ids are checked against the YAML sources and the other imports (audit item 3): an
entry ``id: essay-prk`` (a YAML source's id) gave exit 3 with six violations blamed on
data/sources.yaml, and a Factbook import ``a`` beside a tiers import ``a-country-texts`` (the id
the Factbook import gives its per-country texts) gave 13 violations blamed on the CSV."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import NamedNode

from kg.cli import cli
from kg.core import vocab as V
from kg.core.errors import KGError, Location
from kg.importers import KINDS, load_matcher, read_import_list, run_import
from kg.importers.kinds import minted_ids
from tests.conftest import DATA, ONTOLOGY, ROOT

FIX = ROOT / "tests" / "data" / "imports"
FILES = {
    "glotip": FIX / "glotip.csv",
    "tiers": FIX / "tiers.csv",
    "ctdc": FIX / "ctdc.csv",
    "factbook": FIX / "factbook_tip",
}
HINT = (
    "(choose another id: an import's SourceDocument tkd:source-ID and graph tkg:source-ID are "
    "its own)"
)


def entry(kind: str, source_id: str) -> str:
    return f"  - kind: {kind}\n    path: {FILES[kind]}\n    id: {source_id}\n"


def read(tmp_path: Path, body: str, taken: dict[str, Location] | None = None) -> str:
    config = tmp_path / "imports.yaml"
    config.write_text("imports:\n" + body)
    with pytest.raises(KGError) as caught:
        read_import_list(config, taken)
    return str(caught.value).removeprefix(f"{config}:")


def test_an_import_may_not_take_a_yaml_sources_id(tmp_path: Path) -> None:
    taken = {"essay-prk": Location("data/sources.yaml", 3, 5)}
    assert read(tmp_path, entry("glotip", "essay-prk"), taken) == (
        "4:9: import id 'essay-prk' is already the id of the YAML source 'essay-prk' "
        f"(data/sources.yaml:3:5) {HINT}"
    )
    texts = {"essay-country-texts": taken["essay-prk"]}
    assert read(tmp_path, entry("factbook", "essay"), texts) == (
        "4:9: import id 'essay' gives its per-country texts the id 'essay-country-texts', "
        f"already the id of the YAML source 'essay-country-texts' (data/sources.yaml:3:5) {HINT}"
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            entry("factbook", "a") + entry("tiers", "a-country-texts"),
            "7:9: import id 'a-country-texts' is already the id of the per-country texts of the "
            "factbook import 'a' (IMPORTS:2:5)",
        ),
        (
            entry("tiers", "a-country-texts") + entry("factbook", "a"),
            "7:9: import id 'a' gives its per-country texts the id 'a-country-texts', already the "
            "id of the tiers import 'a-country-texts' (IMPORTS:2:5)",
        ),
        (entry("tiers", "a") + entry("ctdc", "a"), "7:9: duplicate import id 'a' (first used at"),
    ],
    ids=["factbook-first", "factbook-second", "same-id"],
)
def test_an_import_may_not_take_an_id_another_import_mints(
    body: str, message: str, tmp_path: Path
) -> None:
    got = read(tmp_path, body)
    assert got.startswith(message.replace("IMPORTS", str(tmp_path / "imports.yaml")))
    assert got.count("\n") == 0


def test_kg_build_says_it_in_one_line_and_keeps_the_last_build(
    sample_repo: Path, runner: CliRunner
) -> None:
    shutil.copy(FIX / "tiers.csv", "tiers.csv")
    Path("imports.yaml").write_text("imports:\n  - kind: tiers\n    path: tiers.csv\n")
    assert runner.invoke(cli, ["build", "--imports", "imports.yaml"]).exit_code == 0
    before = {p: p.read_bytes() for p in Path("build").rglob("*") if p.is_file()}
    Path("imports.yaml").write_text(
        "imports:\n  - kind: tiers\n    path: tiers.csv\n    id: essay-prk\n"
    )
    result = runner.invoke(cli, ["build", "--imports", "imports.yaml"])
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        "Error: imports.yaml:4:9: import id 'essay-prk' is already the id of the YAML source "
        f"'essay-prk' (data/sources.yaml:3:5) {HINT}\n"
    )
    assert {p: p.read_bytes() for p in Path("build").rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("kind", KINDS)
def test_every_source_id_an_import_mints_is_checked(kind: str) -> None:
    """Each SourceDocument and graph an importer makes is named by ``minted_ids``."""
    result = run_import(kind, FILES[kind], load_matcher(DATA, ONTOLOGY), source_id="x")
    docs = {q.subject.value for q in result.quads if q.subject.value.startswith(V.TKD + "source-")}
    ids = minted_ids(kind, "x")
    assert docs == {V.mint_iri("source", i) for i in ids}
    assert {q.graph_name for q in result.quads} <= {NamedNode(V.source_graph(i)) for i in ids}


@pytest.mark.parametrize(
    ("kind", "given", "said"),
    [
        ("tiers", "essay-prk", "source id 'essay-prk' is already the id of the YAML source"),
        (
            "factbook",
            "essay",
            "source id 'essay' gives its per-country texts the id 'essay-country-texts', already "
            "the id of the YAML source",
        ),
    ],
)
def test_kg_import_id_is_checked_against_the_yaml_sources(
    sample_repo: Path, runner: CliRunner, kind: str, given: str, said: str
) -> None:
    """``kg import --id`` alone was not checked (an import list was): its graph and its
    SourceDocument took the IRIs of a YAML source's."""
    if kind == "factbook":  # a YAML source named as the Factbook import's texts would be
        text = Path("data/sources.yaml").read_text()
        Path("data/sources.yaml").write_text(
            text.replace("sources:\n", "sources:\n  - id: essay-country-texts\n    title: T\n"
                         "    doc_type: dataset\n    reliability: official\n", 1)
        )  # fmt: skip
    result = runner.invoke(cli, ["import", kind, str(FILES[kind]), "--id", given])
    assert result.exit_code == 1, result.output
    assert result.stderr.count("\n") == 1, result.stderr
    assert said in result.stderr
    assert "(data/sources.yaml:" in result.stderr
    assert result.stderr.endswith(f"{HINT.replace('another id', 'another --id')}\n")
    assert not Path("build/imports").exists()
