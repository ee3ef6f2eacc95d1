"""The error a bad extraction input raises (shown as one line by the CLI)."""

from __future__ import annotations

from kg.core.errors import KGError


class ExtractError(KGError):
    """A text cannot be drafted: empty, binary, not a trafficking narrative, unknown country."""


__all__ = ["ExtractError"]
