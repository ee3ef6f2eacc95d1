"""The store's cost on the build users make from the command line: ``kg build --imports
imports.example.yaml`` (the real datasets in ../shared/data), its caches warm, without the
store (``--no-store``), with the store grown from its seed (``kg.core.storeseed``), and with
the store loaded afresh (its seed removed before each build). Part of ``bench.store_bench``;
skipped when the datasets are absent."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from bench.proc import timed

ROOT = Path(__file__).resolve().parent.parent
IMPORTS = ROOT / "imports.example.yaml"
DATASETS = ROOT.parent / "shared" / "data"
#: kind → (extra arguments of kg build, whether the seed is removed before each build)
KINDS: dict[str, tuple[list[str], bool]] = {
    "files only (--no-store)": (["--no-store"], False),
    "store, loaded afresh (no seed)": ([], True),
    "store, grown from its seed": ([], False),
}


def _timed(out: Path, extra: list[str]) -> dict[str, float]:
    kg = [sys.executable, "-m", "kg", "build", "--imports", str(IMPORTS), "--out", str(out)]
    return timed([*kg, *extra])


def _unseed(out: Path) -> None:
    for seed in out.parent.glob(f".{out.name}-cache/store-*.kgs"):
        shutil.rmtree(seed)


def import_builds(work: Path, builds: int) -> dict[str, dict[str, float]] | None:
    """The fastest of ``builds`` alternate runs of each kind (after one run each to fill its
    caches), or None without the datasets."""
    if not DATASETS.is_dir():
        return None
    outs = {kind: work / f"import-store-build-{i}" for i, kind in enumerate(KINDS)}
    for kind, (extra, _) in KINDS.items():
        _timed(outs[kind], extra)
    runs: dict[str, list[dict[str, float]]] = {kind: [] for kind in KINDS}
    for _ in range(builds):
        for kind, (extra, unseed) in KINDS.items():
            if unseed:
                _unseed(outs[kind])
            runs[kind].append(_timed(outs[kind], extra))
    return {kind: min(r, key=lambda x: x["wall"]) for kind, r in runs.items()}


def render(rows: dict[str, dict[str, float]] | None, builds: int) -> list[str]:
    """The section's table of the import build (nothing without the datasets)."""
    if rows is None:
        return []
    base = rows["files only (--no-store)"]
    lines = [
        "",
        "The import build (`kg build --imports imports.example.yaml`: the six YAML files and "
        "the four real datasets, 313k triples), whole command, its caches warm (a rebuild "
        f"after an edit of the YAML), alternately, the fastest of {builds} runs each:",
        "",
        "| build | s | growth | CPU s | CPU growth |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind, r in rows.items():
        lines.append(
            f"| {kind} | {r['wall']:.2f} | {(r['wall'] / base['wall'] - 1) * 100:+.0f} % | "
            f"{r['cpu']:.2f} | {(r['cpu'] / base['cpu'] - 1) * 100:+.0f} % |"
        )
    return lines


__all__ = ["import_builds", "render"]
