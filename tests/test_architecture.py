"""Import rules and library hygiene, checked on the source (see README "Layout")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "kg"
MODULES = sorted(PKG.rglob("*.py"))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
            if node.module == "kg":
                found.update(f"kg.{alias.name}" for alias in node.names)
            elif node.module.startswith("kg."):
                found.add(node.module)
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PKG)))
def test_only_cli_imports_click(path: Path) -> None:
    if path.name != "cli.py":
        assert "click" not in _imports(path)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PKG)))
def test_nothing_imports_cli_or_pipeline_backwards(path: Path) -> None:
    imports = _imports(path)
    if path.name not in ("cli.py", "__main__.py"):
        assert "kg.cli" not in imports
    stages = {"sources.py", "reader.py", "records.py", "parse.py", "parse_assessment.py",
              "build.py", "rules.py", "terms.py", "vocab.py", "errors.py", "export.py"}  # fmt: skip
    if path.name in stages:
        assert "kg.pipeline" not in imports, "stages never import the pipeline"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PKG)))
def test_library_code_never_prints_or_exits(path: Path) -> None:
    if path.name in ("cli.py", "__main__.py"):
        return
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            owner = getattr(getattr(func, "value", None), "id", "")
            assert name != "print", f"{path.name}:{node.lineno} prints"
            assert not (owner == "sys" and name == "exit"), f"{path.name}:{node.lineno} exits"


def test_pyshacl_only_in_validate() -> None:
    users = {p.name for p in MODULES if "pyshacl" in _imports(p)}
    assert users <= {"validate.py"}
