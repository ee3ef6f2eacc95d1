"""Helpers shared by the network writers (GraphML, GEXF, CSV): sorted nodes and edges, declared
attribute types, XML-safe text, and what the streaming XML writers need to give the exact bytes
ElementTree gave (``ET.indent(root, space=" ")``, ``ET.tostring(..., xml_declaration=True)``):
its escaping of text and attribute values and a chunked UTF-8 writer that turns what UTF-8
cannot encode into character references."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from operator import itemgetter
from types import NoneType
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:  # networkx loads only where a networkx graph is made
    import networkx as nx


_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}
#: Anything in a text value that needs dropping or escaping (the common case has none).
_TEXT_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ATTR_SPECIAL = re.compile('[&<>"\r\n\t]')
DECLARATION = "<?xml version='1.0' encoding='utf-8'?>\n"

Edge = tuple[str, str, str, dict[str, Any]]


class Network:
    """A network as the writers read it, already in their order: the graph's attributes, the
    nodes by id and the edges by source, target and key. ``kg.network.flows.flow_rows`` makes
    one straight from the flows it read, without building a networkx graph and copying it into
    sorted lists again; every writer takes a MultiDiGraph in its place and writes the same
    bytes."""

    def __init__(
        self, attrs: dict[str, Any], nodes: list[tuple[str, dict[str, Any]]], edges: list[Edge]
    ) -> None:
        self.graph = attrs
        self.node_rows = nodes
        self.edge_rows = edges

    def nodes(self, data: bool = True) -> list[tuple[str, dict[str, Any]]]:
        """(id, attributes) of every node, by id (as ``MultiDiGraph.nodes(data=True)``)."""
        return self.node_rows

    def edges(self, keys: bool = False, data: bool = True) -> Iterator[Any]:
        """The edges as ``MultiDiGraph.edges(keys=..., data=True)`` gives them."""
        if keys:
            return iter(self.edge_rows)
        return ((u, v, d) for u, v, _, d in self.edge_rows)

    def to_networkx(self) -> nx.MultiDiGraph:
        """The same network as a networkx MultiDiGraph."""
        import networkx as nx

        g = nx.MultiDiGraph(**self.graph)
        g.add_nodes_from(self.node_rows)
        g.add_edges_from(self.edge_rows)
        return g


def sorted_edges(graph: nx.MultiDiGraph | Network) -> list[Edge]:
    """(source, target, key, attributes) of every edge, by source, target and key."""
    if isinstance(graph, Network):
        return graph.edge_rows
    rows = [(str(u), str(v), str(k), d) for u, v, k, d in graph.edges(keys=True, data=True)]
    rows.sort(key=itemgetter(0, 1, 2))
    return rows


def sorted_nodes(graph: nx.MultiDiGraph | Network) -> list[tuple[str, dict[str, Any]]]:
    """(id, attributes) of every node, by id."""
    if isinstance(graph, Network):
        return graph.node_rows
    return sorted(((str(n), d) for n, d in graph.nodes(data=True)), key=itemgetter(0))


def attr_types(items: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Attribute name → declared type (string if values disagree), sorted by name."""
    pairs: set[tuple[str, type]] = set()
    for data in items:
        pairs.update(zip(data, map(type, data.values()), strict=True))
    seen: dict[str, set[str]] = defaultdict(set)
    for name, kind in pairs:
        if kind is not NoneType:
            seen[name].add(_TYPES.get(kind, "string"))
    return {k: (t.pop() if len(t) == 1 else "string") for k, t in sorted(seen.items())}


def xml_text(value: Any, typ: str) -> str:
    """A value as the text of an attribute of declared type ``typ`` (XML-safe)."""
    if typ == "boolean":
        return "true" if value else "false"
    if typ == "string" and isinstance(value, bool):
        return "true" if value else "false"
    return _BAD_XML.sub("", str(value))


def cell(value: Any) -> str:
    """A CSV cell: empty for None, true/false for booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def escape_text(value: str) -> str:
    """ElementTree's escaping of character data."""
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    return value


def escape_attr(value: str) -> str:
    """ElementTree's escaping of attribute values."""
    if _ATTR_SPECIAL.search(value) is None:
        return value
    value = escape_text(value)
    if '"' in value:
        value = value.replace('"', "&quot;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    if "\n" in value:
        value = value.replace("\n", "&#10;")
    if "\t" in value:
        value = value.replace("\t", "&#09;")
    return value


def element_text(value: Any, typ: str) -> str:
    """``xml_text`` escaped as element content; plain strings and numbers take a short path."""
    kind = type(value)
    if kind is str:
        if _TEXT_SPECIAL.search(value) is None:
            return value  # type: ignore[no-any-return]
        return escape_text(_BAD_XML.sub("", value))
    if (kind is int or kind is float) and typ != "boolean":
        return str(value)
    return escape_text(xml_text(value, typ))


def element(indent: str, open_tag: str, content: str, close: str) -> str:
    """``<tag attrs>content</tag>``, or ``<tag attrs />`` without content, as ElementTree
    writes an element without children."""
    return f"{indent}{open_tag}>{content}{close}" if content else f"{indent}{open_tag} />"


#: Rendered lines kept per attribute for its repeated string values (forms, units, sources).
CACHED = 4096
#: A declared attribute as the writers use it: name, id, type, rendered lines seen so far.
Declared = tuple[str, str, str, dict[str, str]]


class XmlOut:
    """Collects text and writes it UTF-8 encoded (characters UTF-8 cannot encode as character
    references, as ElementTree does) a chunk at a time."""

    def __init__(self, stream: IO[bytes], chunk: int = 4096) -> None:
        self.stream = stream
        self.parts: list[str] = []
        self.chunk = chunk

    def add(self, part: str) -> None:
        """Append ``part``; write out once a chunk is full."""
        self.parts.append(part)
        if len(self.parts) >= self.chunk:
            self.flush()

    def flush(self) -> None:
        """Write out what was collected."""
        if self.parts:
            self.stream.write("".join(self.parts).encode("utf-8", "xmlcharrefreplace"))
            self.parts = []


__all__ = [
    "CACHED",
    "DECLARATION",
    "Declared",
    "Edge",
    "Network",
    "XmlOut",
    "attr_types",
    "cell",
    "element",
    "element_text",
    "escape_attr",
    "escape_text",
    "sorted_edges",
    "sorted_nodes",
    "xml_text",
]
