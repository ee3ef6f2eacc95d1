"""A flow network's sorted rows (``kg.network.common.Network``) as bytes and back, so a
reader can keep the network of a build beside it and write GraphML, GEXF or CSV from it
without reading the flows from the store again (``kg.pipeline.netcache``).

The bytes are one JSON header line (format version and whatever key the caller gives, checked
before the rest is parsed), then the network as one JSON line. Values keep their types (str,
int, float, bool), so the writers give the same bytes from the rows read back.
"""

from __future__ import annotations

import json
from typing import Any

from kg.core.fileio import loads_json
from kg.network.common import Network

#: Changes whenever the rows' shape or meaning changes (a kept network of another shape is
#: then not used).
ROWS_FORMAT = 1


def network_head(key: dict[str, Any]) -> bytes:
    """The header line of ``network_bytes`` for ``key``."""
    return (json.dumps({"kg-network-rows": ROWS_FORMAT, **key}, sort_keys=True) + "\n").encode()


def network_body(network: Network) -> bytes:
    """The rows of ``network`` as the line after the header of ``network_bytes``."""
    body = json.dumps(
        [network.graph, network.node_rows, network.edge_rows],
        ensure_ascii=False,
        separators=(",", ":"),
        check_circular=False,
        allow_nan=False,
    )
    return (body + "\n").encode()


def network_bytes(network: Network, key: dict[str, Any]) -> bytes:
    """``network`` as bytes, headed by ``key`` (JSON-serialisable: what it was made from)."""
    return network_head(key) + network_body(network)


def read_key(data: bytes) -> dict[str, Any] | None:
    """The header of bytes made by ``network_bytes`` (None when they are not such bytes)."""
    head = data[: data.find(b"\n")] if b"\n" in data else b""
    try:
        key = loads_json(head)
    except ValueError:
        return None
    if not isinstance(key, dict) or key.get("kg-network-rows") != ROWS_FORMAT:
        return None
    return {k: v for k, v in key.items() if k != "kg-network-rows"}


def network_from_bytes(data: bytes) -> Network:
    """The network of bytes made by ``network_bytes`` (ValueError if they are not)."""
    body = data[data.find(b"\n") + 1 :]
    rows: Any = loads_json(body)
    graph, nodes, edges = rows
    if not (isinstance(graph, dict) and isinstance(nodes, list) and isinstance(edges, list)):
        raise ValueError("not a network's rows")
    # rows stay the lists JSON gives: the writers only unpack them
    return Network(graph, nodes, edges)


__all__ = [
    "ROWS_FORMAT",
    "network_body",
    "network_bytes",
    "network_from_bytes",
    "network_head",
    "read_key",
]
