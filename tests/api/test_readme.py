"""The README's "Python" section is run as written (doctest), from a copy of the repository."""

from __future__ import annotations

import doctest
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def python_section() -> str:
    readme = (ROOT / "README.md").read_text()
    return readme.split("\n## Python\n", 1)[1].split("\n## ", 1)[0]


def test_the_python_section_has_examples() -> None:
    blocks = re.findall(r"```pycon\n(.*?)```", python_section(), flags=re.S)
    assert len(blocks) >= 3
    assert all(b.startswith(">>> ") for b in blocks)


def test_readme_python_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pandas")
    shutil.copytree(ROOT / "data", tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```pycon\n(.*?)```", python_section(), flags=re.S)
    parser = doctest.DocTestParser()
    test = parser.get_doctest("\n".join(blocks), {}, "README.md#python", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    failures: list[str] = []

    def report(out: str) -> None:
        failures.append(out)

    runner.run(test, out=report)
    assert runner.failures == 0, "".join(failures)
    assert (tmp_path / "build" / "graph.nq").is_file()
