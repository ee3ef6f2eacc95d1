"""kg's version: the one place it is written (pyproject.toml reads it from here, as
``[tool.setuptools.dynamic]``), so that knowing it costs no package-metadata look-up at start-up."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
