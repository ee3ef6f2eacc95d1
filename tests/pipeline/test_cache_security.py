"""The build cache never runs code from an entry, never trusts an entry it did not write, and
refuses directories that other users can write (issue 11, item 10)."""

from __future__ import annotations

import os
import pickle
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import pipeline
from kg.cli import cli
from kg.core.errors import ConfigError
from kg.importers import ImportResult
from kg.pipeline.cache import SUFFIX, BuildCache, default_cache_dir, user_cache_home
from kg.pipeline.cachecodec import decode, decode_source, encode, encode_source
from kg.source.loader import load_sources
from tests.conftest import DATA, ONTOLOGY, ROOT

IMPORTS = ROOT / "tests" / "data" / "imports"


class Payload:
    """Unpickling this runs ``touch MARKER``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (f"touch {self.marker}",)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    shutil.copytree(DATA, tmp_path / "data")
    shutil.copytree(ONTOLOGY, tmp_path / "ontology")
    shutil.copy(IMPORTS / "tiers.csv", tmp_path / "tiers.csv")
    (tmp_path / "imports.yaml").write_text("imports:\n  - kind: tiers\n    path: tiers.csv\n")
    return tmp_path


def settings(repo: Path, out: str = "build", **extra: object) -> pipeline.Settings:
    return pipeline.Settings(
        data_dir=repo / "data",
        ontology_dir=repo / "ontology",
        out_dir=repo / out,
        imports=repo / "imports.yaml",
        **extra,  # type: ignore[arg-type]
    )


def outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def entries(repo: Path) -> list[Path]:
    root = default_cache_dir(repo / "build")
    assert root is not None
    found = sorted(root.glob(f"*{SUFFIX}"))
    assert found
    return found


def test_a_planted_pickle_never_runs_and_is_rebuilt(repo: Path, tmp_path: Path) -> None:
    first = pipeline.run(settings(repo))
    marker = tmp_path / "pwned"
    evil = pickle.dumps(Payload(marker))
    planted = entries(repo)
    for entry in planted:  # the entry itself, and a pickle where kg once kept it
        entry.write_bytes(evil)
        entry.with_suffix(".pickle").write_bytes(evil)
    result = pipeline.run(settings(repo))
    assert not marker.exists()
    assert result.report.conforms
    assert result.cache_stats == {"hits": 0, "misses": len(planted)}
    assert first.cache_stats["misses"] == len(planted)
    pipeline.run(settings(repo, "clean", use_cache=False))
    assert outputs(repo / "build") == outputs(repo / "clean")
    assert not list(entries(repo)[0].parent.glob("*.pickle"))  # pruned


def test_a_tampered_entry_is_a_miss_and_the_build_equals_a_clean_one(repo: Path) -> None:
    pipeline.run(settings(repo))
    for entry in entries(repo):
        data = entry.read_bytes()
        # An edit that keeps the entry well-formed: other text in a YAML value or a quad.
        forged = data.replace(b"Traffickers", b"Nobody-else").replace(b"Tier", b"Tear")
        if forged == data:
            forged = data[:-2] + b" \n"
        entry.write_bytes(forged)
    result = pipeline.run(settings(repo))
    assert result.cache_stats == {"hits": 0, "misses": len(entries(repo))}
    pipeline.run(settings(repo, "clean", use_cache=False))
    assert outputs(repo / "build") == outputs(repo / "clean")
    again = pipeline.run(settings(repo))  # the rebuilt entries are good again
    assert again.cache_stats["misses"] == 0


def test_an_entry_made_with_another_users_key_or_for_another_key_is_a_miss(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline.run(settings(repo))
    mine = {p.name: p.read_bytes() for p in entries(repo)}
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-user"))
    shutil.rmtree(default_cache_dir(repo / "build") or tmp_path / "x")
    pipeline.run(settings(repo))  # the same entries, authenticated with another key
    theirs = {p.name: p.read_bytes() for p in entries(repo)}
    assert theirs.keys() == mine.keys()
    assert theirs != mine
    monkeypatch.undo()
    result = pipeline.run(settings(repo))
    assert result.cache_stats["hits"] == 0
    names = sorted(mine)  # a genuine entry under another entry's name is no good either
    for a, b in zip(names, [*names[1:], names[0]], strict=True):
        (entries(repo)[0].parent / b).write_bytes(mine[a])
    assert pipeline.run(settings(repo)).cache_stats["hits"] == 0


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o1777])
def test_a_cache_directory_others_can_write_is_refused(
    repo: Path, runner: CliRunner, mode: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    cache = repo / ".build-cache"
    cache.mkdir()
    cache.chmod(mode)
    result = runner.invoke(cli, ["build"])
    assert result.exit_code == 1
    who = "every user" if mode & 0o002 else "its group"
    assert result.stderr == (
        f"Error: refusing cache directory .build-cache: {who} can write it "
        "(run: chmod go-w .build-cache)\n"
    )
    assert not (repo / "build").exists()


def test_a_cache_or_build_directory_of_another_user_is_refused(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / ".build-cache").mkdir(mode=0o700)
    real = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: real + 1)
    with pytest.raises(ConfigError) as caught:
        pipeline.run(settings(repo))
    assert str(caught.value).endswith(
        f"/.build-cache: it belongs to another user (uid {real}) "
        "(remove it, or pass --out DIR to use another directory)"
    )
    shutil.rmtree(repo / ".build-cache")
    (repo / "build").mkdir()
    with pytest.raises(ConfigError, match=r"refusing build directory .*/build: it belongs"):
        pipeline.run(settings(repo))


def test_a_build_directory_others_can_write_is_refused_for_reading_too(
    repo: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    assert runner.invoke(cli, ["build"]).exit_code == 0
    (repo / "build").chmod(0o777)
    for args in (["build"], ["query", "--build", "build", "-e", "ASK {}"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 1, result.output
        assert result.stderr == (
            "Error: refusing build directory build: every user can write it "
            "(run: chmod go-w build)\n"
        )


def test_out_in_a_shared_directory_keeps_the_cache_in_the_users_cache_home(
    repo: Path,
) -> None:
    shared = repo / "tmp"
    shared.mkdir()
    shared.chmod(0o1777)  # like /tmp
    result = pipeline.run(settings(repo, "tmp/x"))
    assert result.report.conforms
    root = default_cache_dir(repo / "tmp" / "x")
    assert root is not None
    assert root.is_relative_to(user_cache_home())
    assert list(root.glob(f"*{SUFFIX}"))
    assert os.listdir(shared) == ["x"]  # nothing but the build itself in the shared directory
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert stat.S_IMODE(user_cache_home().stat().st_mode) & 0o077 == 0
    assert stat.S_IMODE((user_cache_home() / "key").stat().st_mode) == 0o600


def test_build_outputs_are_not_writable_by_others_whatever_the_umask(repo: Path) -> None:
    old = os.umask(0)
    try:
        pipeline.run(settings(repo))
    finally:
        os.umask(old)
    for path in [repo / "build", *(repo / "build").iterdir()]:
        assert not path.stat().st_mode & 0o022, path


def test_a_leaked_key_readable_by_others_disables_the_cache(repo: Path) -> None:
    pipeline.run(settings(repo))
    (user_cache_home() / "key").chmod(0o644)
    try:
        result = pipeline.run(settings(repo))
    finally:
        (user_cache_home() / "key").chmod(0o600)
    assert result.report.conforms
    assert result.cache_stats == {"hits": 0, "misses": 0}


def test_the_codec_round_trips_sources_and_import_results(repo: Path) -> None:
    for doc in load_sources(DATA):
        again = decode_source(encode_source(doc))
        assert (again.path, again.name, again.data) == (doc.path, doc.name, doc.data)
        assert (again.positions, again.key_positions) == (doc.positions, doc.key_positions)
    result = pipeline.run(settings(repo, use_cache=False)).imports[0]
    bare = ImportResult(result.source, [], result.report, result.origins)
    assert decode(encode(bare), ImportResult) == bare


def test_the_cache_refuses_to_store_what_it_cannot_read_back(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "c")
    with pytest.raises(TypeError):
        encode({"x": {1, 2}})
    assert cache.get("yaml", "0" * 64, decode_source) is None


def test_a_build_directory_that_is_a_symlink_never_writes_through_it(
    repo: Path, tmp_path: Path
) -> None:
    """build -> elsewhere: the swap replaces the link; elsewhere is neither written nor emptied."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious.txt").write_text("keep")
    (repo / "build").symlink_to(elsewhere)
    pipeline.run(settings(repo))
    assert not (repo / "build").is_symlink()
    assert (repo / "build" / "graph.nq").is_file()
    assert [p.name for p in elsewhere.iterdir()] == ["precious.txt"]
    assert (elsewhere / "precious.txt").read_text() == "keep"
