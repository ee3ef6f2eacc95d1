"""The flow network of a build, kept beside it (``build/.network-flows.json``) once a reader has
computed it, so the next GraphML, GEXF or CSV export of the same build skips reading the
flows from the store (seconds at a million triples from the on-disk store: issue 16 §3).

The kept rows name the build they were made from (the checksum of its ``manifest.json``, which
holds the input checksums and graph counts, and kg's version): rows of another build, or of
another kg, are never used but made again. A rebuild replaces the whole build directory, so
it drops them too. Writing them is best effort: a build directory that cannot be written
is read as it is, every time.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import pyoxigraph as ox

from kg.core.errors import KGError
from kg.core.fileio import atomic_file
from kg.core.version import __version__
from kg.network.common import Network
from kg.network.flows import flow_rows
from kg.network.rows import network_bytes, network_from_bytes, read_key

log = logging.getLogger(__name__)

#: The kept flow network, in the build directory.
KEPT = ".network-flows.json"


def build_key(build: Path) -> dict[str, str] | None:
    """What rows kept in ``build`` must have been made from (None when it has no manifest)."""
    try:
        manifest = (build / "manifest.json").read_bytes()
    except OSError:
        return None
    return {"kg_version": __version__, "manifest_sha256": hashlib.sha256(manifest).hexdigest()}


def kept_network(build: Path) -> Network | None:
    """The flow network kept in ``build``, if it was made from this build by this kg."""
    key = build_key(build)
    if key is None:
        return None
    try:
        data = (build / KEPT).read_bytes()
    except OSError:
        return None
    if read_key(data) != key:
        return None
    try:
        return network_from_bytes(data)
    except (ValueError, TypeError):
        return None


def build_flow_network(build: Path, store: ox.Store) -> Network:
    """The flow network (``kg.network.flows.flow_rows``) of the build in ``build``, whose
    store is ``store``: the kept rows when they are this build's, else read from ``store``
    and kept for next time."""
    key = build_key(build)
    if key is not None:
        kept = kept_network(build)
        if kept is not None:
            return kept
    network = flow_rows(store)
    if key is not None:
        try:
            with atomic_file(build / KEPT) as stream:
                stream.write(network_bytes(network, key))
        except (KGError, OSError) as exc:
            log.debug("could not keep the flow network in %s: %s", build, exc)
    return network


__all__ = ["KEPT", "build_flow_network", "build_key", "kept_network"]
