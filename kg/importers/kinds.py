"""The kinds of dataset kg imports and each one's default source id.

Kept apart from the importers so the command line can offer the kinds without loading them.
"""

from __future__ import annotations

from typing import Final

#: Kind → the source id (and graph ``tkg:source-<id>``) an import gets by default.
DEFAULT_IDS: Final[dict[str, str]] = {
    "glotip": "unodc-glotip-2023",
    "tiers": "tip-tiers-2001-2015",
    "ctdc": "ctdc-global-2020",
    "factbook": "cia-factbook-tip",
}
#: The kinds, sorted (``kg import KIND``); ``registry.IMPORTERS`` has one importer for each.
KINDS: Final[tuple[str, ...]] = tuple(sorted(DEFAULT_IDS))

__all__ = ["DEFAULT_IDS", "KINDS"]
