"""kg: a validated, provenance-tracked knowledge graph of human-trafficking assessments.

Importing kg does no I/O; the stage functions live in their modules and the order of the
stages in :mod:`kg.pipeline`.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kg-tip")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = ["__version__"]
