"""GraphML, streamed: typed ``<key>`` declarations for graph, node and edge attributes, then the
nodes by id and the edges by source, target and key (ids ``e0``, ``e1``, … in that order).

No element tree is built: lines are written as they are made, in exactly the bytes kg's
ElementTree writer gave (tests/network compares them), so a million-edge network is written in
about a second and in constant extra memory.
"""

from __future__ import annotations

import io
from typing import IO, TYPE_CHECKING, Any

from kg.network.common import (
    CACHED,
    DECLARATION,
    Declared,
    Network,
    XmlOut,
    attr_types,
    element,
    element_text,
    escape_attr,
    sorted_edges,
    sorted_nodes,
)

if TYPE_CHECKING:  # networkx loads only where a networkx graph is made
    import networkx as nx

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"


def _data_line(indent: str, key_id: str, value: Any, typ: str) -> str:
    return element(indent, f'<data key="{key_id}"', element_text(value, typ), "</data>")


def _data_lines(indent: str, keys: list[Declared], values: dict[str, Any], out: list[str]) -> None:
    """Append the ``<data>`` lines of ``values`` for the declared ``keys`` to ``out``. The
    writer's hot loop: a string value seen before costs one dictionary look-up."""
    get, append = values.get, out.append
    for name, key_id, typ, seen in keys:
        value = get(name)
        if value is None:
            continue
        kind = type(value)
        if kind is str:
            line = seen.get(value)
            if line is None:
                line = _data_line(indent, key_id, value, typ)
                if len(seen) < CACHED:
                    seen[value] = line
            append(line)
        elif (kind is int or kind is float) and typ != "boolean":
            append(f'{indent}<data key="{key_id}">{value!s}</data>')
        else:
            append(_data_line(indent, key_id, value, typ))


def write_graphml(graph: nx.MultiDiGraph | Network, stream: IO[bytes]) -> None:
    """Write ``graph`` as GraphML to ``stream``."""
    nodes, edges = sorted_nodes(graph), sorted_edges(graph)
    domains = {
        "graph": attr_types([graph.graph]),
        "node": attr_types(d for _, d in nodes),
        "edge": attr_types(d for *_, d in edges),
    }
    out = XmlOut(stream)
    out.add(f'{DECLARATION}<graphml xmlns="{GRAPHML_NS}">')
    keys: dict[str, list[Declared]] = {}
    for domain, types in domains.items():
        keys[domain] = []
        for i, (name, typ) in enumerate(types.items()):
            key_id = f"{domain[0]}{i}"
            keys[domain].append((name, key_id, typ, {}))
            out.add(
                f'\n <key id="{key_id}" for="{domain}" attr.name="{escape_attr(name)}" '
                f'attr.type="{typ}" />'
            )
    lines: list[str] = []
    _data_lines("\n  ", keys["graph"], graph.graph, lines)
    if not (lines or nodes or edges):
        out.add('\n <graph id="G" edgedefault="directed" />\n</graphml>\n')
        out.flush()
        return
    out.add('\n <graph id="G" edgedefault="directed">')
    for line in lines:
        out.add(line)
    node_keys, edge_keys = keys["node"], keys["edge"]
    for node, d in nodes:
        lines = []
        _data_lines("\n   ", node_keys, d, lines)
        head = f'\n  <node id="{escape_attr(node)}"'
        out.add(f"{head}>{''.join(lines)}\n  </node>" if lines else f"{head} />")
    for i, (u, v, _, d) in enumerate(edges):
        lines = []
        _data_lines("\n   ", edge_keys, d, lines)
        head = f'\n  <edge id="e{i}" source="{escape_attr(u)}" target="{escape_attr(v)}"'
        out.add(f"{head}>{''.join(lines)}\n  </edge>" if lines else f"{head} />")
    out.add("\n </graph>\n</graphml>\n")
    out.flush()


def graphml_bytes(graph: nx.MultiDiGraph | Network) -> bytes:
    """``graph`` as GraphML bytes."""
    buf = io.BytesIO()
    write_graphml(graph, buf)
    return buf.getvalue()


__all__ = ["GRAPHML_NS", "graphml_bytes", "write_graphml"]
