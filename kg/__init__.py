"""kg: a validated, provenance-tracked knowledge graph of human-trafficking assessments.

The Python API (see the README's "Python" section)::

    import kg

    g = kg.open("build")                 # a build, an RDF file, a data directory, a URL
    for row in g.query("tiers"):         # named queries, .rq files or SPARQL text
        print(row.country_label, row.tier_label, row.year)
    g.query("tier-history", country="CHN").to_pandas()
    g.flows(origin="PRK")                # networkx.MultiDiGraph
    result = kg.build(data="data")       # .report, .graph, .written

Importing kg does no I/O and loads none of its stages: each name below is imported on first
use. The stages live in subpackages, in pipeline order (the README's "Architecture"):
``core`` → ``source`` → ``importers`` → ``graph`` → ``shacl`` → ``query`` → ``network`` →
``viz`` → ``report`` → ``server`` → ``remote``; :mod:`kg.pipeline` alone knows their order,
:mod:`kg.api` is the Python API and :mod:`kg.cli` the command line.
"""

from __future__ import annotations

import importlib

#: False at run time (importing typing would cost ``import kg`` a few ms); type checkers
#: treat a ``TYPE_CHECKING`` constant as true and read the imports below.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from kg.api import IRI, Built, Graph, Result, Row, build, init_project, open
    from kg.core.errors import KGError
    from kg.core.version import __version__

__all__ = [
    "IRI",
    "Built",
    "Graph",
    "KGError",
    "Result",
    "Row",
    "__version__",
    "build",
    "init_project",
    "open",
]

#: Public name → the module it lives in (imported on first use).
_LAZY = {
    **dict.fromkeys(
        ("IRI", "Built", "Graph", "Result", "Row", "build", "init_project", "open"), "kg.api"
    ),
    "KGError": "kg.core.errors",
    "__version__": "kg.core.version",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kg' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
