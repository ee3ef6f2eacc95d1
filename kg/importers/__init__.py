"""Beside stage 1: public datasets (GLOTIP, TIP tiers, CTDC) turned into the quads of their own
named graph plus an import report. ``run_import`` imports one file; ``run_imports`` repeats a
build's import list; ``write_import`` writes one dataset's graph and report (``registry``).

May import: ``kg.core``, ``kg.source``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.importers.common import ImportReport, ImportResult
    from kg.importers.config import ImportSpec
    from kg.importers.kinds import DEFAULT_IDS, KINDS
    from kg.importers.registry import (
        IMPORTERS,
        SHARED_FILES,
        bench_imports,
        build_imports,
        dataset_inputs,
        import_inputs,
        load_matcher,
        load_project,
        read_import_list,
        run_import,
        run_imports,
        write_import,
        yaml_source_ids,
    )

__all__ = [
    "DEFAULT_IDS",
    "IMPORTERS",
    "KINDS",
    "SHARED_FILES",
    "ImportReport",
    "ImportResult",
    "ImportSpec",
    "bench_imports",
    "build_imports",
    "dataset_inputs",
    "import_inputs",
    "load_matcher",
    "load_project",
    "read_import_list",
    "run_import",
    "run_imports",
    "write_import",
    "yaml_source_ids",
]

#: Where each public name lives; loaded on first use, so ``kg import --help`` and the kinds
#: (``kinds``) cost no importer.
_HOME = {
    "ImportReport": "common",
    "ImportResult": "common",
    "ImportSpec": "config",
    "DEFAULT_IDS": "kinds",
    "KINDS": "kinds",
}


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'kg.importers' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"kg.importers.{_HOME.get(name, 'registry')}"), name)
    globals()[name] = value
    return value
