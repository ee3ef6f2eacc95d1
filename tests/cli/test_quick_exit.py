"""The ``kg`` process ends without tearing itself down (``kg.cli.ending``), yet
exactly as ``sys.exit`` would: the same status, every byte written to its streams."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest


def kg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg", *args], capture_output=True, text=True, check=False, cwd=cwd
    )


def python(code: str, **kwargs: object) -> subprocess.Popen[bytes]:
    """Run ``code`` with its standard streams buffered, as they are by default."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.Popen([sys.executable, "-c", code], env=env, **kwargs)  # type: ignore[call-overload]


def test_each_exit_status_is_kept(sample_repo: Path) -> None:
    assert kg("--version").stdout.startswith("kg, version ")
    assert kg("--version").returncode == 0
    unknown = kg("query", "no-such-query")
    assert unknown.returncode == 1
    assert unknown.stderr.count("\n") == 1
    assert unknown.stderr.startswith("Error: unknown query 'no-such-query'")
    assert kg("no-such-command").returncode == 2
    shapes = sample_repo / "data" / "assessments" / "prk-essay.yaml"
    shapes.write_text(shapes.read_text().replace("tier: tier-3", "tier: tier-9", 1))
    assert kg("validate").returncode in (1, 3)  # bad input or not conforming: not 0


def test_a_big_output_is_written_whole(sample_repo: Path) -> None:
    built = kg("build", "--out", "out")
    assert built.returncode == 0, built.stderr
    proc = kg("export", "--format", "ntriples", "--build", "out")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.encode() == (sample_repo / "out" / "graph.nt").read_bytes()


@pytest.mark.parametrize(
    ("code", "status", "stderr"),
    [("None", 0, b""), ("3", 3, b""), ("'gone'", 1, b"gone\n")],
)
def test_quick_exit_is_sys_exit(code: str, status: int, stderr: bytes) -> None:
    """Buffered output is flushed; a message code goes to stderr with status 1."""
    proc = python(
        "import sys; from kg.cli.ending import quick_exit; sys.stdout.write('x' * 100); "
        f"quick_exit({code})",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = proc.communicate()
    assert proc.returncode == status
    assert out == b"x" * 100
    assert err == stderr


def test_a_closed_pipe_ends_with_141_and_no_traceback() -> None:
    """Output nobody reads any more cannot be flushed: status 141, as ``cat`` in a pipe."""
    proc = python(
        "import sys, time; from kg.cli.ending import quick_exit; time.sleep(0.2); "
        "sys.stdout.write('x' * 100); quick_exit(0)",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # the reader goes away before the writer flushes
    _, err = proc.communicate()
    assert proc.returncode == 141
    assert b"Traceback" not in err


def test_a_full_disk_ends_with_120() -> None:
    """Output that cannot be flushed for another reason than a closed pipe: 120, as Python."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "wb") as full:
        proc = python(
            "import sys; from kg.cli.ending import quick_exit; sys.stdout.write('x' * 100); "
            "quick_exit(0)",
            stdout=full,
            stderr=subprocess.PIPE,
        )
        _, err = proc.communicate()
    assert proc.returncode == 120
    assert b"Traceback" not in err


@pytest.mark.parametrize(
    ("args", "statuses"),
    [
        (["export", "--format", "ntriples"], {141}),  # written in pieces: one finds no reader
        (["export", "--format", "turtle"], {141}),
        # one write of every row: Linux takes what fits and drops the rest, as for cat
        (["query", "-e", "SELECT * WHERE { ?s ?p ?o }", "--format", "tsv"], {0, 141}),
    ],
    ids=["ntriples", "turtle", "query"],
)
def test_a_reader_that_stops_early_ends_kg_quietly(
    sample_repo: Path, args: list[str], statuses: set[int]
) -> None:
    """``kg export ... | head``: kg stops writing once its reader is gone, says nothing and
    ends with 141 (128 + SIGPIPE, as ``cat`` would), not 1 (bad input) or a traceback."""
    assert kg("build", "--out", "out").returncode == 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", *args, "--build", "out"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=sample_repo,
    )
    assert proc.stdout is not None
    assert proc.stdout.read(100)  # the first lines, then the reader goes away, as head does
    proc.stdout.close()
    _, err = proc.communicate()
    assert proc.returncode in statuses, err
    assert re.fullmatch(rb"(\d+ rows?\n)?", err), err  # at most the row count
