"""The layout is the architecture: subpackages in pipeline order, checked on the source.

A lower layer never imports a higher one, no module or subpackage imports itself back through
others, only ``kg/cli`` imports click, and library code never prints or exits. Every failure
names the importing file and line. The README's "Architecture" section describes the layers.
"""

from __future__ import annotations

import ast
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "kg"

#: Subpackages from the bottom up: each may import only itself and those before it.
LAYERS = (
    "core",
    "source",
    "importers",
    "extract",
    "graph",
    "shacl",
    "query",
    "network",
    "viz",
    "report",
    "server",
    "remote",
    "pipeline",
    "api",
    "cli",
)
#: Modules at the top of the package: ``kg/__init__.py`` (the public API) and ``__main__``.
TOP = {"kg": len(LAYERS), "kg.__main__": len(LAYERS)}


@dataclass(frozen=True)
class Import:
    """One ``import``/``from … import`` of a kg module, with where it is written."""

    source: str  # importing module, dotted
    target: str  # imported module, dotted
    where: str  # path:line

    def __str__(self) -> str:
        return f"{self.where}: {self.source} imports {self.target}"


def module_name(root: Path, path: Path) -> str:
    """``kg/graph/build.py`` → ``kg.graph.build``; ``kg/graph/__init__.py`` → ``kg.graph``."""
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def scan(root: Path) -> tuple[set[str], list[Import], dict[str, set[str]]]:
    """Every module under ``root``, every import between them (lazy ones too), and the
    third-party top-level names each module imports."""
    modules = {module_name(root, p) for p in root.rglob("*.py")}
    found: list[Import] = []
    external: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        name = module_name(root, path)
        where = path.relative_to(root.parent).as_posix()
        external[name] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                sub = [f"{node.module}.{a.name}" for a in node.names]
                targets = [t for t in sub if t in modules] or [node.module]
            for target in targets:
                if target.split(".")[0] != root.name:
                    external[name].add(target.split(".")[0])
                    continue
                while target not in modules and "." in target:
                    target = target.rsplit(".", 1)[0]
                if target != name:
                    found.append(Import(name, target, f"{where}:{node.lineno}"))
    return modules, found, external


def layer_of(module: str) -> tuple[str, int] | None:
    """The subpackage of a module and its rank in LAYERS (None for an unknown subpackage)."""
    if module in TOP:
        return module, TOP[module]
    part = module.split(".")[1]
    return (part, LAYERS.index(part)) if part in LAYERS else None


def upward_imports(imports: list[Import]) -> list[str]:
    """Imports of a higher layer by a lower one (or of a subpackage missing from LAYERS)."""
    bad = []
    for imp in imports:
        src, dst = layer_of(imp.source), layer_of(imp.target)
        if src is None or dst is None:
            bad.append(f"{imp} (subpackage not in LAYERS: add it to the table)")
        elif dst[1] > src[1]:
            bad.append(f"{imp} ({src[0]} is below {dst[0]})")
    return bad


def find_cycle(edges: dict[str, dict[str, str]]) -> list[str]:
    """One cycle of ``edges`` as ``where: a imports b`` steps, or [] (iterative DFS)."""
    state: dict[str, int] = {}
    for start in sorted(edges):
        if state.get(start):
            continue
        stack: list[tuple[str, list[str]]] = [(start, sorted(edges.get(start, {})))]
        path = [start]
        state[start] = 1
        while stack:
            node, todo = stack[-1]
            if not todo:
                stack.pop()
                path.pop()
                state[node] = 2
                continue
            nxt = todo.pop(0)
            if state.get(nxt) == 1:
                loop = [*path[path.index(nxt) :], nxt]
                return [f"{edges[a][b]}: {a} imports {b}" for a, b in itertools.pairwise(loop)]
            if not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, sorted(edges.get(nxt, {}))))
    return []


def module_edges(imports: list[Import]) -> dict[str, dict[str, str]]:
    edges: dict[str, dict[str, str]] = {}
    for imp in imports:
        edges.setdefault(imp.source, {}).setdefault(imp.target, imp.where)
    return edges


def package_edges(imports: list[Import]) -> dict[str, dict[str, str]]:
    edges: dict[str, dict[str, str]] = {}
    for imp in imports:
        a, b = (".".join(m.split(".")[:2]) for m in (imp.source, imp.target))
        if a != b:
            edges.setdefault(a, {}).setdefault(b, imp.where)
    return edges


MODULES, IMPORTS, EXTERNAL = scan(PKG)


def test_layers_only_import_downwards() -> None:
    assert upward_imports(IMPORTS) == []


def test_no_cycle_between_modules() -> None:
    assert find_cycle(module_edges(IMPORTS)) == []


def test_no_cycle_between_subpackages() -> None:
    assert find_cycle(package_edges(IMPORTS)) == []


def test_every_subpackage_is_a_layer_with_a_docstring_that_tells_the_truth() -> None:
    packages = sorted(p.parent.name for p in PKG.glob("*/__init__.py"))
    assert set(packages) <= set(LAYERS), "add new subpackages to LAYERS (and the README)"
    for name in packages:
        doc = ast.get_docstring(ast.parse((PKG / name / "__init__.py").read_text())) or ""
        assert doc, f"kg/{name}/__init__.py: no docstring"
        if name == "cli":
            continue
        declared = set(re.findall(r"``kg\.(\w+)``", doc.split("May import:", 1)[-1]))
        used = {layer_of(i.target)[0] for i in IMPORTS if layer_of(i.source)[0] == name}  # type: ignore[index]
        assert "May import:" in doc, f"kg/{name}/__init__.py: say which subpackages it may import"
        assert used - {name} <= declared, f"kg/{name} imports {sorted(used - declared - {name})}"


def test_only_cli_imports_click() -> None:
    users = sorted(m for m, ext in EXTERNAL.items() if "click" in ext)
    assert all(m == "kg.cli" or m.startswith("kg.cli.") for m in users), users


def test_pyshacl_only_in_the_reference_engine() -> None:
    assert {m for m, ext in EXTERNAL.items() if "pyshacl" in ext} <= {"kg.shacl.reference"}


@pytest.mark.parametrize("path", sorted(PKG.rglob("*.py")), ids=lambda p: str(p.relative_to(PKG)))
def test_library_code_never_prints_or_exits(path: Path) -> None:
    if path.relative_to(PKG).parts[0] in ("cli", "__main__.py"):
        return
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            owner = getattr(getattr(func, "value", None), "id", "")
            assert name != "print", f"{path.name}:{node.lineno} prints"
            assert not (owner == "sys" and name == "exit"), f"{path.name}:{node.lineno} exits"


# The checks themselves, on planted mistakes in a throw-away package.


def _plant(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "kg"
    for rel, text in {"__init__.py": "", **files}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_a_planted_upward_import_is_named_with_file_and_line(tmp_path: Path) -> None:
    root = _plant(
        tmp_path,
        {
            "core/__init__.py": "",
            "core/vocab.py": "import os\n\nfrom kg.graph.build import x\n",
            "graph/__init__.py": "",
            "graph/build.py": "from kg.core import vocab\n",
        },
    )
    _, imports, _ = scan(root)
    assert upward_imports(imports) == [
        "kg/core/vocab.py:3: kg.core.vocab imports kg.graph.build (core is below graph)"
    ]


def test_a_planted_cycle_is_named_with_files_and_lines(tmp_path: Path) -> None:
    root = _plant(
        tmp_path,
        {
            "report/__init__.py": "",
            "report/dossier.py": "def f():\n    from kg.report.html import g\n",
            "report/html.py": "from kg.report.sections import h\n",
            "report/sections.py": "from kg.report import dossier\n",
        },
    )
    _, imports, _ = scan(root)
    assert find_cycle(module_edges(imports)) == [
        "kg/report/dossier.py:2: kg.report.dossier imports kg.report.html",
        "kg/report/html.py:1: kg.report.html imports kg.report.sections",
        "kg/report/sections.py:1: kg.report.sections imports kg.report.dossier",
    ]
    assert find_cycle(package_edges(imports)) == []
