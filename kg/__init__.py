"""kg: a validated, provenance-tracked knowledge graph of human-trafficking assessments.

Importing kg does no I/O. The stages live in subpackages, in pipeline order (see the README's
"Architecture"): ``core`` → ``source`` → ``importers`` → ``graph`` → ``shacl`` → ``query`` →
``network`` → ``viz`` → ``report`` → ``server`` → ``remote``; :mod:`kg.pipeline` alone knows
their order and :mod:`kg.cli` is the command line.
"""

from kg.core.version import __version__

__all__ = ["__version__"]
