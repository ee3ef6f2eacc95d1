"""The store's seeds (kg.core.storeseed): a build whose input N-Quads files did not change
starts its on-disk store from the seed kept in the build cache, and the store answers as one
loaded from the files; a seed that was tampered with, sealed with another key, or holds other
files is never used."""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import pipeline
from kg.core import storeseed
from kg.core import vocab as V
from kg.core.ondisk import Start
from kg.pipeline.cachekeys import user_key

ROOT = Path(__file__).resolve().parents[2]
SECRET = b"k" * 32
OTHER = b"o" * 32
NQ = ox.RdfFormat.N_QUADS


def quads(store: ox.Store) -> list[str]:
    return sorted(map(str, store))


def small_store(path: Path, n: int = 50) -> ox.Store:
    store = ox.Store(str(path))
    graph = ox.NamedNode("http://e/g")
    store.bulk_extend(
        ox.Quad(ox.NamedNode(f"http://e/s{i}"), ox.NamedNode("http://e/p"), ox.Literal(i), graph)
        for i in range(n)
    )
    return store


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[Path, list[str]]:
    """A cache directory holding the seed of key "k" (made with SECRET), and its quads."""
    root = tmp_path / "cache"
    root.mkdir()
    store = small_store(tmp_path / "made")
    assert storeseed.keep(store, root, "k", SECRET, ["dataset"]) is None
    return root, quads(store)


def test_a_seed_plants_the_store_it_was_kept_from(seeded: tuple[Path, list[str]], tmp_path: Path):
    root, expected = seeded
    target = tmp_path / "planted"
    assert storeseed.plant(root, "k", SECRET, target) == (None, ["dataset"])
    seed = root / storeseed.seed_name("k")
    for name in os.listdir(seed):
        if name.endswith(".sst"):  # data files shared, not copied
            assert (target / name).stat().st_ino == (seed / name).stat().st_ino
    store = ox.Store(str(target))
    assert quads(store) == expected
    store.add(ox.Quad(ox.NamedNode("http://e/new"), ox.NamedNode("http://e/p"), ox.Literal(1)))
    store.flush()
    del store
    again = tmp_path / "again"  # writing to the planted store left the seed as it was
    assert storeseed.plant(root, "k", SECRET, again)[0] is None
    assert quads(ox.Store(str(again))) == expected


def test_across_file_systems_the_seed_is_copied(
    seeded: tuple[Path, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, expected = seeded

    def cross_device(source: object, target: object) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(storeseed.os, "link", cross_device)
    target = tmp_path / "planted"
    assert storeseed.plant(root, "k", SECRET, target)[0] is None
    seed = root / storeseed.seed_name("k")
    for name in os.listdir(target):
        assert (target / name).stat().st_ino != (seed / name).stat().st_ino
    assert quads(ox.Store(str(target))) == expected


def test_a_missing_seed(tmp_path: Path) -> None:
    assert storeseed.plant(tmp_path, "nothing", SECRET, tmp_path / "t") == ("absent", [])


def largest_data_file(seed: Path) -> Path:
    return max(seed.glob("*.sst"), key=lambda p: p.stat().st_size)


def seal_of(seed: Path) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((seed / storeseed.SEAL).read_text())
    return loaded


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        ("another key", "authentication code does not match"),
        ("flipped byte", "is not the file it lists"),
        ("extra file", "not the ones it lists"),
        ("missing file", "not the ones it lists"),
        ("relisted", "authentication code does not match"),
        ("other datasets", "authentication code does not match"),
        ("seal", "unreadable"),
        ("symlink", "not a regular file"),
    ],
)
def test_a_seed_that_is_not_as_kept_is_refused(
    seeded: tuple[Path, list[str]], tmp_path: Path, damage: str, problem: str
) -> None:
    root, _ = seeded
    seed = root / storeseed.seed_name("k")
    secret = SECRET
    data = largest_data_file(seed)
    if damage == "another key":
        secret = OTHER
    elif damage == "flipped byte":  # same size and name, one byte changed
        raw = bytearray(data.read_bytes())
        raw[len(raw) // 2] ^= 0xFF
        data.unlink()  # a new inode: the file the seed's store was made from stays intact
        data.write_bytes(bytes(raw))
    elif damage == "extra file":
        (seed / "000999.sst").write_bytes(b"x")
    elif damage == "missing file":
        data.unlink()
    elif damage == "relisted":  # the seal edited to list the changed file's digest
        sealed = seal_of(seed)
        files = sealed["files"]
        assert isinstance(files, dict)
        files[data.name] = "0" * 64
        (seed / storeseed.SEAL).write_text(json.dumps(sealed))
    elif damage == "other datasets":  # the seal edited to hold the build's datasets
        sealed = seal_of(seed)
        sealed["imports"] = ["another dataset"]
        (seed / storeseed.SEAL).write_text(json.dumps(sealed))
    elif damage == "seal":
        (seed / storeseed.SEAL).write_text("{not json")
    elif damage == "symlink":
        outside = tmp_path / "outside.sst"
        shutil.copy(data, outside)
        data.unlink()
        data.symlink_to(outside)
    target = tmp_path / "planted"
    found, held = storeseed.plant(root, "k", secret, target)
    assert held == []
    assert found is not None
    assert problem in found
    assert not target.exists() or not list(target.iterdir())  # nothing half-planted
    assert not seed.exists()  # it can never be used: removed, a build keeps a new one


def test_keeping_replaces_a_broken_seed_or_one_of_other_datasets(
    seeded: tuple[Path, list[str]], tmp_path: Path
) -> None:
    root, expected = seeded
    seed = root / storeseed.seed_name("k")
    before = seal_of(seed)
    other = small_store(tmp_path / "other", 10)  # another build kept the same seed first
    assert storeseed.keep(other, root, "k", SECRET, ["dataset"]) is None
    assert seal_of(seed) == before
    assert storeseed.keep(other, root, "k", SECRET, ["another"]) is None  # other datasets
    assert storeseed.plant(root, "k", SECRET, tmp_path / "p1") == (None, ["another"])
    assert quads(ox.Store(str(tmp_path / "p1"))) == quads(other) != expected
    largest_data_file(seed).unlink()
    (seed / storeseed.SEAL).write_text("{}")
    assert storeseed.keep(small_store(tmp_path / "third", 5), root, "k", SECRET, []) is None
    assert storeseed.plant(root, "k", SECRET, tmp_path / "p2") == (None, [])
    assert len(quads(ox.Store(str(tmp_path / "p2")))) == 5
    assert not list(root.glob(".seed-*"))


def nquads_file(path: Path, name: str, n: int) -> Path:
    graph = ox.NamedNode(f"http://e/{name}")
    items = [
        ox.Quad(
            ox.NamedNode(f"http://e/{name}{i}"), ox.NamedNode("http://e/p"), ox.Literal(i), graph
        )
        for i in range(n)
    ]
    path.write_bytes(ox.serialize(items, format=NQ) or b"")
    return path


def test_the_helper_grows_a_store_from_a_seed_only_with_the_same_datasets(tmp_path: Path) -> None:
    """kg.core.ondisk.Start, in this process: the N-Quads inputs, then the datasets."""
    root = tmp_path / "cache"
    root.mkdir()
    nq = nquads_file(tmp_path / "in.nq", "input", 30)
    a, b = nquads_file(tmp_path / "a.nq", "a", 20), nquads_file(tmp_path / "b.nq", "b", 10)
    job = {"paths": [str(nq)], "root": str(root), "secret": SECRET.hex(), "context": "c"}

    def start(name: str, keys: list[str], parts: list[Path]) -> tuple[list[str], dict[str, object]]:
        begun = Start(tmp_path / name, job)
        store = begun.imports({"keys": keys, "parts": [str(p) for p in parts]})
        return quads(store), begun.report

    first, report = start("first", ["a"], [a])
    assert report["used"] is False
    assert report["problem"] is None
    assert len(first) == 50
    second, report = start("second", ["a"], [a])
    assert report["used"] is True
    assert second == first
    third, report = start("third", ["b"], [b])  # other datasets: from the files again
    assert report["used"] is False
    assert len(third) == 40
    assert not any("http://e/a" in q for q in third)
    fourth, report = start("fourth", ["b"], [b])  # and the seed now holds those
    assert report["used"] is True
    assert fourth == third


# --- in a build ------------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """data/, ontology/ and an input N-Quads file (a build's graph.nq, blank nodes included)."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    first = pipeline.run(settings(tmp_path, out_dir=tmp_path / "first", use_cache=False, nquads=()))
    assert first.report.conforms
    shutil.copy(tmp_path / "first" / "graph.nq", tmp_path / "input.nq")
    return tmp_path


def settings(root: Path, **extra: object) -> pipeline.Settings:
    values: dict[str, object] = {
        "data_dir": root / "data",
        "ontology_dir": root / "ontology",
        "out_dir": root / "build",
        "nquads": (root / "input.nq",),
        "network": False,
    }
    return pipeline.Settings(**(values | extra))  # type: ignore[arg-type]


def seeds(root: Path) -> list[str]:
    return sorted(p.name for p in (root / ".build-cache").glob("store-*"))


def answers_like_its_graph(build: Path) -> None:
    written = ox.parse(path=build / "graph.nq", format=NQ)
    assert quads(pipeline.open_build(build)) == sorted(map(str, written))


def test_the_second_build_starts_its_store_from_the_seed(project: Path) -> None:
    first = pipeline.run(settings(project))
    assert first.report.conforms
    assert len(seeds(project)) == 1
    answers_like_its_graph(project / "build")
    assert first.store_seed == 1  # kept
    second = pipeline.run(settings(project))
    assert second.store_seed == 2  # grown from it
    answers_like_its_graph(project / "build")
    seed = project / ".build-cache" / seeds(project)[0]
    shared = [p.name for p in seed.glob("*.sst") if (project / "build" / "store" / p.name).exists()]
    assert shared  # the build's store holds the seed's data files
    with (project / "input.nq").open("a") as stream:  # a changed input: a new seed
        stream.write(f'<http://e/s> <http://e/p> "new" <{V.source_graph("extra")}> .\n')
    before = seeds(project)
    third = pipeline.run(settings(project))
    assert third.report.conforms
    assert len(seeds(project)) == 1
    assert seeds(project) != before
    answers_like_its_graph(project / "build")
    assert '"new"' in (project / "build" / "graph.nq").read_text()


def test_a_damaged_seed_is_not_used_and_is_made_again(
    project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    pipeline.run(settings(project))
    seed = project / ".build-cache" / seeds(project)[0]
    data = largest_data_file(seed)
    raw = bytearray(data.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    data.unlink()
    data.write_bytes(bytes(raw))
    with caplog.at_level(logging.WARNING):
        result = pipeline.run(settings(project))
    assert result.report.conforms
    assert "is not the file it lists" in caplog.text
    answers_like_its_graph(project / "build")
    key = seed.name.removeprefix(storeseed.PREFIX).removesuffix(storeseed.SUFFIX)
    assert storeseed.plant(seed.parent, key, user_key(), project / "fresh")[0] is None
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        pipeline.run(settings(project))
    assert "seed" not in caplog.text  # made again: used without a word


def test_builds_without_a_store_or_that_fail_keep_the_seeds(project: Path, tmp_path: Path) -> None:
    pipeline.run(settings(project))
    kept = seeds(project)
    assert pipeline.run(settings(project, store=False)).report.conforms
    bad = tmp_path / "bad.nq"  # a country without its codes: the graph does not conform
    bad.write_text(
        f"<{V.TKD}country-xxx> <{V.RDF}type> <{V.TK}Country> <{V.source_graph('bad')}> .\n"
    )
    assert not pipeline.run(settings(project, nquads=(bad,))).report.conforms
    assert set(kept) <= set(seeds(project))  # and the failed build's own, if it was kept
    assert pipeline.run(settings(project)).report.conforms
    assert seeds(project) == kept  # pruned by the next build that wrote its store


def test_without_the_cache_no_seed_is_kept(project: Path) -> None:
    assert pipeline.run(settings(project, use_cache=False)).report.conforms
    assert not (project / ".build-cache").exists() or seeds(project) == []
    answers_like_its_graph(project / "build")


def test_imported_datasets_are_in_the_seed(project: Path) -> None:
    """A build with datasets and no N-Quads file (as from the command line): an edit of an
    assessment keeps the seed; a changed dataset makes a new one."""
    imports = ROOT / "tests" / "data" / "imports"
    for name in ("tiers.csv", "ctdc.csv"):
        shutil.copy(imports / name, project / name)
    (project / "imports.yaml").write_text(
        "imports:\n  - kind: tiers\n    path: tiers.csv\n  - kind: ctdc\n    path: ctdc.csv\n"
    )
    with_imports = {"imports": project / "imports.yaml", "nquads": ()}
    assert pipeline.run(settings(project, **with_imports)).store_seed == 1
    essay = project / "data" / "assessments" / "prk-essay.yaml"
    essay.write_text(essay.read_text() + "# edited\n")
    again = pipeline.run(settings(project, **with_imports))
    assert again.store_seed == 2
    answers_like_its_graph(project / "build")
    tiers = project / "tiers.csv"
    tiers.write_text(tiers.read_text() + "\n")  # same rows, other bytes: another dataset key
    changed = pipeline.run(settings(project, **with_imports))
    assert changed.store_seed == 1
    answers_like_its_graph(project / "build")
    assert pipeline.run(settings(project, **with_imports)).store_seed == 2
    assert len(seeds(project)) == 1
