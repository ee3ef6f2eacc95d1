"""The README's console sessions show real output: each ``$ command`` of a section is run in a
shell, in order, in a copy of the repository's data (with ``../shared`` beside it), and what it
prints must be what the README shows.

Only what changes from run to run is masked: seconds (``in 0.98 s``) and byte sizes
(``(75,745 bytes)``). A row count (``20 rows``) that kg prints on stderr may be left out of the
README where a pipe follows the command.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import needs_shared_data

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
_SECONDS = re.compile(r"\b\d+(?:\.\d+)? s\b")
_BYTES = re.compile(r"\([\d,]+ bytes\)")
_COUNT = re.compile(r"^\d+ rows?$")


def section(title: str) -> str:
    """The text of the README section whose heading starts with ``title``."""
    return README.split(f"\n## {title}", 1)[1].split("\n## ", 1)[0]


def sessions(text: str) -> list[tuple[str, list[str]]]:
    """(command, shown output lines) of every ``$ `` line of the console blocks of ``text``."""
    steps: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif steps:
                steps[-1][1].append(line)
    return steps


def mask(line: str) -> str:
    return _BYTES.sub("(N bytes)", _SECONDS.sub("N s", line.rstrip()))


def run_session(text: str, workdir: Path, skip: tuple[str, ...] = ()) -> None:
    """Run every command of ``text`` in ``workdir`` and compare with the shown output."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env["COLUMNS"] = "200"
    for step, shown in sessions(text):
        moved = re.fullmatch(r"cd (\S+)(?: && (.*))?", step)  # the session's directory moves
        if moved:
            workdir = workdir / moved.group(1)
        command = moved.group(2) if moved else step
        if not command or command.startswith(skip):
            continue
        done = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, f"$ {step}\n{done.stderr}"
        want = [mask(x) for x in shown]
        got = [mask(x) for x in (done.stdout + done.stderr).splitlines()]
        if not any(_COUNT.match(x) for x in want):
            got = [x for x in got if not _COUNT.match(x)]
        assert got == want, f"$ {step}"


def workspace(tmp_path: Path) -> Path:
    """A copy of the repository's data, queries, examples and import list, with ../shared beside
    it."""
    repo = tmp_path / "kg"
    repo.mkdir()
    for name in ("data", "queries", "ontology", "examples"):
        shutil.copytree(ROOT / name, repo / name)
    shutil.copy(ROOT / "imports.example.yaml", repo)
    shared = ROOT.parent / "shared"
    if shared.is_dir():
        (tmp_path / "shared").symlink_to(shared)
    return repo


@pytest.mark.slow
def test_the_tour_shows_real_output(tmp_path: Path) -> None:
    run_session(section("A tour"), workspace(tmp_path), skip=("kg serve",))


@pytest.mark.slow
def test_kg_init_shows_real_output(tmp_path: Path) -> None:
    run_session(section("Your own data project"), workspace(tmp_path))


@pytest.mark.slow
@needs_shared_data
def test_from_a_narrative_to_the_graph_shows_real_output(tmp_path: Path) -> None:
    run_session(section("From a narrative to the graph"), workspace(tmp_path))


def test_sessions_are_read_from_the_readme() -> None:
    steps = sessions(section("From a narrative to the graph"))
    assert [c.split()[:2] for c, _ in steps][1:3] == [["kg", "extract"], ["kg", "extract"]]
    assert mask("built build/ in 0.98 s: x (75,745 bytes)") == "built build/ in N s: x (N bytes)"
