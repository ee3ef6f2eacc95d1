"""The ``kg`` process ends without tearing itself down (``kg.cli.ending``), yet
exactly as ``sys.exit`` would: the same status, every byte written to its streams."""

from __future__ import annotations

import os
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


def test_a_closed_pipe_ends_with_120_and_no_traceback() -> None:
    """Output nobody reads any more cannot be flushed: status 120, as Python's own exit."""
    proc = python(
        "import sys, time; from kg.cli.ending import quick_exit; time.sleep(0.2); "
        "sys.stdout.write('x' * 100); quick_exit(0)",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # the reader goes away before the writer flushes
    _, err = proc.communicate()
    assert proc.returncode == 120
    assert b"Traceback" not in err


def test_only_the_kg_command_keeps_what_it_holds() -> None:
    """A command's objects are kept to the end of the process only when ``main`` ends it
    with ``quick_exit``: the CLI called as a library (or by a test runner) keeps nothing."""
    code = (
        "from kg.cli import ending; ending.keep(1); print(ending._kept); "
        "ending.start(); ending.keep(2, 3); print(ending._kept)"
    )
    proc = python(code, stdout=subprocess.PIPE)
    out, _ = proc.communicate()
    assert out.decode().split() == ["None", "[2,", "3]"]
