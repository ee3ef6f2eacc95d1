"""Start-up stays cheap (issue 14, Performance): which modules ``import kg`` and ``kg --help``
load is checked here (deterministic); how long they take is measured by bench/startup.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench import startup
from kg.importers import IMPORTERS, KINDS

ROOT = Path(__file__).resolve().parent.parent

#: Libraries and stages that only a command that runs needs.
HEAVY = {"pyoxigraph", "rdflib", "pyshacl", "networkx", "yaml", "pandas", "importlib.metadata"}
#: The kg modules ``kg --help`` may load: the command line, errors, the importer kinds.
HELP_MODULES = {"kg", "kg.cli", "kg.core", "kg.core.errors", "kg.importers", "kg.importers.kinds"}


def modules_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint('@@', *sorted(sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(out.stdout.rsplit("@@", 1)[1].split())


def test_import_kg_loads_nothing_but_itself() -> None:
    loaded = modules_after("import kg")
    assert {m for m in loaded if m.startswith("kg.") or m == "kg"} == {"kg"}
    assert not HEAVY & loaded
    assert "typing" not in loaded - modules_after("pass")


def test_kg_help_loads_no_stage() -> None:
    loaded = modules_after("from kg.cli import cli\ncli(['--help'], standalone_mode=False)")
    kg_modules = {m for m in loaded if m == "kg" or m.startswith("kg.")}
    assert {m for m in kg_modules if not m.startswith("kg.cli.")} <= HELP_MODULES
    assert not HEAVY & loaded, HEAVY & loaded


def test_import_help_lists_the_kinds_without_loading_importers() -> None:
    code = "from kg.cli import cli\ncli(['import', '--help'], standalone_mode=False)"
    assert "kg.importers.registry" not in modules_after(code)
    assert tuple(sorted(IMPORTERS)) == KINDS


def test_constants_written_out_for_the_command_line_agree() -> None:
    from kg.cli import query
    from kg.query import endpoint

    assert query.GRAPH_MODES == endpoint.GRAPH_MODES
    assert query.PAGE_SIZE == endpoint.PAGE_SIZE


def test_version_is_the_installed_packages_without_a_metadata_look_up() -> None:
    from importlib.metadata import version

    from kg.core.version import __version__

    code = "from kg.cli import cli\ncli(['--version'], standalone_mode=False)"
    assert "importlib.metadata" not in modules_after(code)
    assert __version__ == version("kg-tip")  # pyproject.toml reads it from kg.core.version


def test_a_query_on_a_build_loads_neither_the_build_stages_nor_yaml(
    shipped_build_dir: Path,
) -> None:
    """``kg query`` on an up-to-date build opens its store: it checks the inputs (by their
    sizes and times, hashing only a changed one) without loading the YAML reader or a stage."""
    args = ["--data", str(ROOT / "data"), "query", "tiers", "--build", str(shipped_build_dir)]
    code = f"from kg.cli import cli\ncli({args!r}, standalone_mode=False)"
    loaded = modules_after(code)
    stages = {"kg.pipeline.run", "kg.source.loader", "kg.graph", "kg.shacl.fast", "kg.network"}
    assert not {"yaml", "rdflib", "pyshacl", "networkx", "importlib.metadata"} & loaded
    assert not stages & loaded


def test_the_startup_benchmark_runs(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    assert startup.main(["--rounds", "1", "--results", str(results)]) == 0
    text = results.read_text()
    assert "<!-- startup:start -->" in text
    assert "| `kg --help`, whole process |" in text
    rows = startup.parse_importtime(
        "import time: self [us] | cumulative | imported package\n"
        "import time:       442 |        442 |   kg.core\n"
        "import time:      1000 |       1442 | kg\n"
    )
    assert rows == [(1, "kg.core", 442, 442), (0, "kg", 1000, 1442)]
