"""The only package that knows the order of the stages: sources → records → graph → rules →
validation → outputs (``run``), with a per-source build cache (``cache``). The CLI, the server
and push all get their store through here.

May import: the stages it runs (``kg.core``, ``kg.source``, ``kg.importers``, ``kg.graph``,
``kg.shacl``) and any other subpackage below it; never ``kg.cli``.
"""

from kg.pipeline.opening import ensure_build, load_build, open_build
from kg.pipeline.run import (
    MANIFEST,
    OUTPUTS,
    REPORT,
    BuildResult,
    Progress,
    Settings,
    graph_counts,
    jsonld_context,
    run,
)

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
