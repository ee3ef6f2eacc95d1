"""A non-editable install works without the repository (issue 14 §4): build the wheel from the
tracked files, install it into a fresh virtual environment, and use kg from a directory outside
the checkout: kg init, kg build, kg query, and the Python API."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def tracked_files() -> list[str]:
    """The files a fresh clone has (git ls-files), or every file when this is no checkout."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", ".venv", "build", ".build-cache", "__pycache__"}
        return [
            p.relative_to(ROOT).as_posix()
            for p in ROOT.rglob("*")
            if p.is_file() and not skip & set(p.relative_to(ROOT).parts)
        ]
    return [f for f in out.decode().split("\0") if f and (ROOT / f).is_file()]


def run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 900) -> str:
    proc = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert proc.returncode == 0, f"{' '.join(args)}\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A fresh venv with kg installed from its wheel, and the environment to run it in."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    for name in tracked_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PYTHONDONTWRITEBYTECODE="1")
    wheels = base / "wheels"
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(source)],
        base, env)  # fmt: skip
    (wheel,) = wheels.glob("kg_tip-*.whl")
    target = base / "venv"
    venv.EnvBuilder(with_pip=True).create(target)
    env["PATH"] = f"{target / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    run([str(target / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], base, env)
    shutil.rmtree(source)  # nothing of the repository is left to lean on
    return target, env


def test_the_wheel_carries_the_resources(installed: tuple[Path, dict[str, str]]) -> None:
    target, env = installed
    out = run(
        [str(target / "bin" / "python"), "-c",
         "import kg, kg.core.resources as r; print(kg.__file__); "
         "print(*(r.shipped(n) for n in ('ontology', 'queries', 'reference')), sep='\\n')"],
        target, env,
    )  # fmt: skip
    lines = out.splitlines()
    site = str(target)
    assert all(line.startswith(site) for line in lines), lines
    assert lines[1].endswith("kg/_resources/ontology")
    assert sorted(p.name for p in Path(lines[1]).iterdir()) == [
        "context.jsonld", "kg.ttl", "shapes.ttl", "vocab.ttl",
    ]  # fmt: skip
    assert {p.name for p in Path(lines[2]).glob("*.rq")} == {
        p.name for p in (ROOT / "queries").glob("*.rq")
    }
    assert {p.name for p in Path(lines[3]).glob("*.yaml")} == {
        p.name for p in (ROOT / "data" / "reference").glob("*.yaml")
    }


def test_init_build_query_and_api_outside_the_checkout(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    target, env = installed
    kg = str(target / "bin" / "kg")
    listed = run([kg, "query", "--list", "--format", "csv"], tmp_path, env)
    assert "tier-history," in listed
    assert "unsourced-facts," in listed
    made = run([kg, "init", "proj"], tmp_path, env)
    assert "started a kg project in proj/" in made
    project = tmp_path / "proj"
    built = run([kg, "build"], project, env)
    assert "; conforms" in built
    tiers = run([kg, "query", "tiers", "--format", "csv"], project, env)
    assert "country-xex,XEX,https://w3id.org/kg-tip/vocab/tier-2wl,2024" in tiers
    run([kg, "report", "XEX", "-o", "xex.html"], project, env)
    assert (project / "xex.html").read_text().startswith("<!DOCTYPE html>")
    script = textwrap.dedent(
        """
        import kg
        g = kg.open("build")
        row = g.query("tiers")[0]
        print(row.iso3, row.tier_label, row.year)
        print(sorted(g.flows(origin="XEX").successors("XEX")))
        print(kg.build(data="data").conforms)
        try:
            g.query("tiers").to_pandas()
        except kg.KGError as exc:
            print(exc)
        """
    )
    out = run([str(target / "bin" / "python"), "-c", script], project, env)
    assert out.splitlines() == [
        "XEX Tier 2 Watch List 2024",
        "['XEX', 'XSA']",
        "True",
        "Result.to_pandas needs pandas (pip install 'kg-tip[pandas]')",
    ]
