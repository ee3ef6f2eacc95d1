"""Helpers shared by the network writers (GraphML, GEXF, CSV): sorted nodes and edges, declared
attribute types, XML-safe text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import Any

import networkx as nx

_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}

Edge = tuple[str, str, str, dict[str, Any]]


def sorted_edges(graph: nx.MultiDiGraph) -> list[Edge]:
    """(source, target, key, attributes) of every edge, by source, target and key."""
    rows = [(str(u), str(v), str(k), d) for u, v, k, d in graph.edges(keys=True, data=True)]
    return sorted(rows, key=lambda e: (e[0], e[1], e[2]))


def sorted_nodes(graph: nx.MultiDiGraph) -> list[tuple[str, dict[str, Any]]]:
    """(id, attributes) of every node, by id."""
    return sorted(((str(n), d) for n, d in graph.nodes(data=True)), key=lambda x: x[0])


def attr_types(items: list[dict[str, Any]]) -> dict[str, str]:
    """Attribute name → declared type (string if values disagree), sorted by name."""
    seen: dict[str, set[str]] = defaultdict(set)
    for data in items:
        for k, v in data.items():
            if v is not None:
                seen[k].add(_TYPES.get(type(v), "string"))
    return {k: (t.pop() if len(t) == 1 else "string") for k, t in sorted(seen.items())}


def xml_text(value: Any, typ: str) -> str:
    """A value as the text of an attribute of declared type ``typ`` (XML-safe)."""
    if typ == "boolean":
        return "true" if value else "false"
    if typ == "string" and isinstance(value, bool):
        return "true" if value else "false"
    return _BAD_XML.sub("", str(value))


def xml_bytes(root: ET.Element) -> bytes:
    """An indented XML document with its declaration, UTF-8, ending in a newline."""
    ET.indent(root, space=" ")
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True)) + b"\n"


def cell(value: Any) -> str:
    """A CSV cell: empty for None, true/false for booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


__all__ = ["Edge", "attr_types", "cell", "sorted_edges", "sorted_nodes", "xml_bytes", "xml_text"]
