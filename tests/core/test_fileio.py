"""Atomic writes (kg.core.fileio): an output that cannot be written is one line, exit 1, and
nothing is left behind, for every command that writes a file with -o."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.core.errors import ConfigError
from kg.core.fileio import atomic_file

ROOT = Path(__file__).resolve().parents[2]
NARRATIVE = (
    "Laos is a source country for men, women, and children subjected to forced labor and sex "
    "trafficking; Lao women are exploited in Thailand's commercial sex trade.\n"
)


def test_writes_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b.txt"
    with atomic_file(target) as stream:
        stream.write(b"one")
    with atomic_file(target) as stream:
        stream.write(b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["b.txt"]


def test_a_failing_block_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "b.txt"
    target.write_bytes(b"old")

    def half_written() -> None:
        with atomic_file(target) as stream:
            stream.write(b"half")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        half_written()
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["b.txt"]


def test_a_directory_is_not_a_file(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    opened = atomic_file(tmp_path / "d")
    with pytest.raises(ConfigError, match=r"d: is a directory, not a file to write \(give a file"):
        opened.__enter__()
    assert list((tmp_path / "d").iterdir()) == []


def test_a_file_where_a_folder_belongs(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    opened = atomic_file(tmp_path / "f" / "sub" / "out.html")
    with pytest.raises(ConfigError, match=r"cannot write the file: .*f is a file, not a folder"):
        opened.__enter__()


@pytest.mark.parametrize(
    "args",
    [
        ["report", "PRK"],
        ["export", "--format", "turtle"],
        ["extract", "narrative.txt", "--country", "LAO"],
    ],
    ids=["report", "export", "extract"],
)
def test_commands_refuse_an_output_they_cannot_write(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "narrative.txt").write_text(NARRATIVE)
    (tmp_path / "out").mkdir()
    data = ["--data", str(ROOT / "data")] if args[0] != "extract" else []
    for target, message in [
        ("out", "Error: out: is a directory, not a file to write (give a file name)\n"),
        (
            "narrative.txt/x/y.out",
            "Error: narrative.txt/x/y.out: cannot write the file: narrative.txt is a file, not a "
            "folder (choose a file in a folder you can write)\n",
        ),
    ]:
        result = CliRunner().invoke(cli, [*args, *data, "-o", target])
        assert result.exit_code == 1, result.output
        assert result.stderr == message
        assert result.stdout == ""
    assert list((tmp_path / "out").iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["narrative.txt", "out"]
