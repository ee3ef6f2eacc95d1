"""``kg extract`` reads regular files only: a FIFO, a device or a symbolic link loop given as
the narrative (or as the Factbook CSV) is one line on stderr and exit 1, and the size limit
counts the bytes read, whatever ``stat`` says."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.core.errors import ExitCode
from kg.extract import textfile
from kg.extract.errors import ExtractError
from tests.conftest import ROOT

NARRATIVE = "Thai women are subjected to forced labor in Japan."


def kg_extract(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m kg extract ARGS`` in a new process, in at most 1 GB of address space (as
    ``prlimit --as``), killed after a minute: a refused input must neither wait nor fill
    memory."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1_000_000_000, 1_000_000_000))

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "kg", "extract", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=60, preexec_fn=limit,
    )  # fmt: skip


def one_line(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode == ExitCode.ERROR, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    "args",
    [
        ["fifo.txt", "--country", "THA", "-o", "draft.yaml"],
        ["--factbook", "fifo.txt", "-o", "drafts"],
    ],
)
def test_a_fifo_is_refused_without_waiting_for_a_writer(sample_repo: Path, args: list[str]) -> None:
    """Reading a FIFO waited for a writer for ever."""
    os.mkfifo(sample_repo / "fifo.txt")
    result = kg_extract(sample_repo, *args)
    fifo = "it is a named pipe (FIFO); give a text file"
    one_line(result, f"Error: fifo.txt: not a regular file ({fifo})\n")
    assert not (sample_repo / "draft.yaml").exists()
    assert not (sample_repo / "drafts").exists()


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
@pytest.mark.parametrize("through_a_link", [False, True])
def test_a_device_is_refused(sample_repo: Path, through_a_link: bool) -> None:
    """/dev/zero has size 0, so the size check passed and reading it ran out of memory (a
    MemoryError traceback)."""
    name = "/dev/zero"
    if through_a_link:
        (sample_repo / "zero.txt").symlink_to("/dev/zero")
        name = "zero.txt"
    result = kg_extract(sample_repo, name, "--country", "THA")
    one_line(result, f"{name}: not a regular file (it is a character device; give a text file)")


def test_a_symlink_loop_is_one_line(runner: CliRunner, sample_repo: Path) -> None:
    """The name shown in the message was resolved first: a RuntimeError traceback."""
    (sample_repo / "loop.txt").symlink_to("loop.txt")
    for args in (["loop.txt", "--country", "THA"], ["--factbook", "loop.txt", "-o", "d"]):
        result = runner.invoke(cli, ["extract", *args])
        assert result.exit_code == ExitCode.ERROR
        assert result.stderr == (  # type: ignore[attr-defined]
            "Error: loop.txt: cannot read the file (Too many levels of symbolic links)\n"
        )
    (sample_repo / "narrative.txt").write_text(NARRATIVE)
    (sample_repo / "link.txt").symlink_to("narrative.txt")
    result = runner.invoke(cli, ["extract", "link.txt", "--country", "THA", "--summary", "json"])
    assert result.exit_code == 0
    assert '"destinations": ["JPN"]' in result.stdout


def test_the_size_limit_counts_the_bytes_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The limit was checked against the size ``stat`` gives, which is 0 for /proc files."""
    monkeypatch.setattr(textfile, "MAX_BYTES", 100)
    big = tmp_path / "big.txt"
    big.write_text(NARRATIVE * 3)
    with pytest.raises(ExtractError, match=r"big.txt: the file has 150 bytes, more than 100"):
        textfile.read_narrative(big)
    status = Path("/proc/self/status")
    if not status.is_file() or status.stat().st_size != 0 or len(status.read_bytes()) <= 100:
        pytest.skip("no /proc file of size 0 here")
    with pytest.raises(ExtractError, match=r"status: the file has more than 100 bytes \(split"):
        textfile.read_narrative(status)


def test_the_factbook_history_has_a_size_limit(sample_repo: Path) -> None:
    """The history CSV is read whole; it had no limit, so a 20 GB file (or a sparse one) was
    read until memory ran out. A file over the limit is refused by its size, unread."""
    with open(sample_repo / "history.csv", "wb") as sparse:
        sparse.truncate(20 * 1024**3)
    result = kg_extract(sample_repo, "--factbook", "history.csv", "-o", "drafts")
    one_line(result, "history.csv: the file has 21474836480 bytes, more than 67108864")
    assert "(give the Factbook's factbook_tip_history.csv)" in result.stderr
    assert not (sample_repo / "drafts").exists()
