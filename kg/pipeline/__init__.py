"""The only package that knows the order of the stages: sources → records → graph → rules →
validation → outputs (``run``), with a per-source build cache (``cache``) and the on-disk store
beside a build (written: ``ondisk``; read: ``storeread``), and the flow network a build keeps
for its exports (``netcache``). The CLI, the server and push all get their store through here
(``opening``); the stages themselves load only when a build runs.

May import: the stages it runs (``kg.core``, ``kg.source``, ``kg.importers``, ``kg.graph``,
``kg.shacl``), ``kg.network`` (the flow network it keeps) and any other subpackage below it;
never ``kg.cli``.
"""

from __future__ import annotations

import importlib

from kg.pipeline.opening import ensure_build, load_build, open_build
from kg.pipeline.settings import MANIFEST, OUTPUTS, REPORT, Progress, Settings

#: False at run time; type checkers read the imports below. The build's stages (``run``)
#: load on first use, so that a read-only command opening a build does not load them.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from kg.pipeline.run import BuildResult, graph_counts, jsonld_context, run

__all__ = [
    "MANIFEST",
    "OUTPUTS",
    "REPORT",
    "BuildResult",
    "Progress",
    "Settings",
    "ensure_build",
    "graph_counts",
    "jsonld_context",
    "load_build",
    "open_build",
    "run",
]

_LAZY = ("BuildResult", "graph_counts", "jsonld_context", "run")


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'kg.pipeline' has no attribute {name!r}")
    value = getattr(importlib.import_module("kg.pipeline.run"), name)
    globals()[name] = value
    return value
