"""Beside stage 1: public datasets (GLOTIP, TIP tiers, CTDC) turned into the quads of their own
named graph plus an import report. ``run_import`` imports one file; ``run_imports`` repeats a
build's import list; ``write_import`` writes one dataset's graph and report (``registry``).

May import: ``kg.core``, ``kg.source``.
"""

from kg.importers.common import ImportReport, ImportResult
from kg.importers.config import ImportSpec
from kg.importers.registry import (
    DEFAULT_IDS,
    IMPORTERS,
    SHARED_FILES,
    bench_imports,
    build_imports,
    import_inputs,
    load_matcher,
    read_import_list,
    run_import,
    run_imports,
    write_import,
)

__all__ = [
    "DEFAULT_IDS",
    "IMPORTERS",
    "SHARED_FILES",
    "ImportReport",
    "ImportResult",
    "ImportSpec",
    "bench_imports",
    "build_imports",
    "import_inputs",
    "load_matcher",
    "read_import_list",
    "run_import",
    "run_imports",
    "write_import",
]
