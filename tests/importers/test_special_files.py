"""Importer inputs that are not regular files (audit item 1): a named pipe (FIFO) hung
``kg import``, and an import list entry naming a FIFO or /dev/null said "does not exist".
Every input is refused in one line, and a FIFO is never opened in a way that waits for a
writer."""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kg.cli import cli
from kg.core.errors import KGError
from kg.importers import load_matcher, read_import_list, run_import
from kg.importers.common import ImportReport, no_progress
from kg.importers.csvstream import CsvStream
from tests.conftest import DATA, ONTOLOGY, ROOT

FIX = ROOT / "tests" / "data" / "imports"
FIFO = "not a regular file: it is a named pipe (FIFO)"

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


def finishes(fifo: Path, call: Callable[[], object]) -> BaseException | None:
    """Run ``call`` and return what it raised; fail, instead of hanging, when it waits on
    ``fifo`` (a writer is then opened to let it go)."""
    raised: list[BaseException] = []

    def run() -> None:
        try:
            call()
        except BaseException as exc:  # handed to the test
            raised.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(10)
    if thread.is_alive():
        with contextlib.suppress(OSError):  # release the blocked reader: a writer that leaves
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        thread.join(10)
        pytest.fail(f"reading {fifo.name} blocked on the named pipe")
    return raised[0] if raised else None


@pytest.mark.parametrize("kind", ["glotip", "tiers", "ctdc", "factbook"])
def test_a_fifo_as_dataset_is_refused_without_waiting(kind: str, tmp_path: Path) -> None:
    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)
    matcher = load_matcher(DATA, ONTOLOGY)
    raised = finishes(fifo, lambda: run_import(kind, fifo, matcher))
    assert isinstance(raised, KGError)
    assert str(raised).endswith(f"data.csv: {FIFO} (kg reads datasets from regular files only, "
                                "never from pipes, devices or sockets)")  # fmt: skip


def test_the_cli_says_it_in_one_line(sample_repo: Path, runner: CliRunner) -> None:
    os.mkfifo(sample_repo / "fifo.csv")
    done: list[Result] = []
    finishes(
        sample_repo / "fifo.csv",
        lambda: done.append(runner.invoke(cli, ["import", "glotip", "fifo.csv"])),
    )
    (result,) = done
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"Error: fifo.csv: {FIFO} (")
    assert not (sample_repo / "build").exists()


def test_a_file_swapped_for_a_fifo_after_the_check_is_refused_when_opened(
    tmp_path: Path,
) -> None:
    """Between the look (stat) and the open, the file may change: the open never waits."""
    path = tmp_path / "tiers.csv"
    shutil.copy(FIX / "tiers.csv", path)
    stream = CsvStream(path, ("iso",), no_progress)
    path.unlink()
    os.mkfifo(path)
    raised = finishes(path, lambda: list(stream.rows(ImportReport("tiers", "t", "t"))))
    assert isinstance(raised, KGError)
    assert FIFO in str(raised)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("fifo", "dataset file fifo.csv is not a regular file: it is a named pipe (FIFO)"),
        ("/dev/null", "dataset file /dev/null is not a regular file: it is a character device"),
    ],
)
def test_an_import_list_entry_naming_a_fifo_or_a_device_says_so(
    target: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    if target == "fifo":
        os.mkfifo(tmp_path / "fifo.csv")
        target = "fifo.csv"
    config = Path("imports.yaml")
    config.write_text(f"imports:\n  - kind: glotip\n    path: {target}\n")
    with pytest.raises(KGError) as caught:
        read_import_list(config)
    assert str(caught.value).startswith(f"imports.yaml:3:11: {message} (kg reads datasets from ")
    assert "does not exist" not in str(caught.value)


def test_an_import_list_that_is_a_fifo_says_so(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "imports.yaml")
    raised = finishes(
        tmp_path / "imports.yaml", lambda: read_import_list(tmp_path / "imports.yaml")
    )
    assert isinstance(raised, KGError)
    assert "is not a regular file: it is a named pipe (FIFO)" in str(raised)


@pytest.mark.parametrize(
    ("kind", "folder", "beside"),
    [
        ("factbook", "factbook_tip", "../country_centroids/countrycode_codelist_without_cldr.csv"),
        ("factbook", "factbook_tip", "factbook_tip_history.csv"),
        ("tiers", "tiers", "criminalization_cho_tiers_2015-08-10.csv"),
    ],
)
def test_a_fifo_beside_the_dataset_is_refused(
    kind: str, folder: str, beside: str, tmp_path: Path
) -> None:
    """The crosswalk, the per-country texts and Cho's table are read from beside a dataset."""
    if kind == "factbook":
        shutil.copytree(FIX / "factbook_tip", tmp_path / folder)
        shutil.copytree(FIX / "country_centroids", tmp_path / "country_centroids")
        dataset = tmp_path / folder
    else:
        (tmp_path / folder).mkdir()
        dataset = tmp_path / folder / "tiers.csv"
        shutil.copy(FIX / "tiers.csv", dataset)
    fifo = tmp_path / folder / beside
    fifo.unlink(missing_ok=True)
    os.mkfifo(fifo)
    matcher = load_matcher(DATA, ONTOLOGY)
    raised = finishes(fifo, lambda: run_import(kind, dataset, matcher))
    assert isinstance(raised, KGError)
    assert f"{Path(beside).name}: {FIFO} (" in str(raised)
    assert str(raised).count("\n") == 0
