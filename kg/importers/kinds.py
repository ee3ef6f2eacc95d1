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
#: The id of the Factbook's per-country texts: the import's id and this suffix.
TEXTS_SUFFIX: Final = "-country-texts"
#: Kind → the ids an import mints besides its own (suffix → what they name).
MORE_IDS: Final[dict[str, dict[str, str]]] = {"factbook": {TEXTS_SUFFIX: "per-country texts"}}


def minted_ids(kind: str, source_id: str) -> dict[str, str]:
    """Every source id an import of ``kind`` with ``source_id`` mints → what it names ('' for
    the import's own). Each names a SourceDocument ``tkd:source-ID`` (``kg.core.vocab.mint_iri``)
    whose facts are minted under it, and may name a graph ``tkg:source-ID``
    (``kg.core.vocab.source_graph``): no YAML source and no other import may have it."""
    more = MORE_IDS.get(kind, {})
    return {source_id: "", **{source_id + suffix: what for suffix, what in more.items()}}


__all__ = ["DEFAULT_IDS", "KINDS", "MORE_IDS", "TEXTS_SUFFIX", "minted_ids"]
