"""The GraphML and GEXF writers kg had before its streaming writers (``kg.network.graphml``,
``kg.network.gexf``), built on xml.etree.ElementTree: the reference the streaming writers must
match byte for byte (tests/network/test_xmlout.py).

A change to the GraphML/GEXF output changes both: this file says what the bytes are meant to
be in the simplest form, the streaming writer produces them fast.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import Any

import networkx as nx

from kg.network.look import looks

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
GEXF_NS = "http://www.gexf.net/1.2draft"
GEXF_VIZ = "http://www.gexf.net/1.2draft/viz"
THICKNESS_MIN, THICKNESS_MAX = 1.0, 10.0
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}


def sorted_edges(graph: nx.MultiDiGraph) -> list[tuple[str, str, str, dict[str, Any]]]:
    rows = [(str(u), str(v), str(k), d) for u, v, k, d in graph.edges(keys=True, data=True)]
    return sorted(rows, key=lambda e: (e[0], e[1], e[2]))


def sorted_nodes(graph: nx.MultiDiGraph) -> list[tuple[str, dict[str, Any]]]:
    return sorted(((str(n), d) for n, d in graph.nodes(data=True)), key=lambda x: x[0])


def attr_types(items: list[dict[str, Any]]) -> dict[str, str]:
    seen: dict[str, set[str]] = defaultdict(set)
    for data in items:
        for k, v in data.items():
            if v is not None:
                seen[k].add(_TYPES.get(type(v), "string"))
    return {k: (t.pop() if len(t) == 1 else "string") for k, t in sorted(seen.items())}


def xml_text(value: Any, typ: str) -> str:
    if typ == "boolean":
        return "true" if value else "false"
    if typ == "string" and isinstance(value, bool):
        return "true" if value else "false"
    return _BAD_XML.sub("", str(value))


def xml_bytes(root: ET.Element) -> bytes:
    ET.indent(root, space=" ")
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True)) + b"\n"


_nodes, _edges, _text, _xml = sorted_nodes, sorted_edges, xml_text, xml_bytes


def graphml_bytes(graph: nx.MultiDiGraph) -> bytes:
    """GraphML with typed ``<key>`` declarations for graph, node and edge attributes."""
    ET.register_namespace("", GRAPHML_NS)
    root = ET.Element(f"{{{GRAPHML_NS}}}graphml")
    nodes, edges = _nodes(graph), _edges(graph)
    domains = {
        "graph": attr_types([graph.graph]),
        "node": attr_types([d for _, d in nodes]),
        "edge": attr_types([d for *_, d in edges]),
    }
    ids: dict[tuple[str, str], str] = {}
    for domain, types in domains.items():
        for i, (name, typ) in enumerate(types.items()):
            key_id = f"{domain[0]}{i}"
            ids[domain, name] = key_id
            attrs = {"id": key_id, "for": domain, "attr.name": name, "attr.type": typ}
            ET.SubElement(root, f"{{{GRAPHML_NS}}}key", attrs)
    g = ET.SubElement(root, f"{{{GRAPHML_NS}}}graph", id="G", edgedefault="directed")

    def data(parent: ET.Element, domain: str, values: dict[str, Any]) -> None:
        for name, typ in domains[domain].items():
            if values.get(name) is not None:
                el = ET.SubElement(parent, f"{{{GRAPHML_NS}}}data", key=ids[domain, name])
                el.text = _text(values[name], typ)

    data(g, "graph", graph.graph)
    for node, d in nodes:
        data(ET.SubElement(g, f"{{{GRAPHML_NS}}}node", id=node), "node", d)
    for i, (u, v, _, d) in enumerate(edges):
        el = ET.SubElement(g, f"{{{GRAPHML_NS}}}edge", id=f"e{i}", source=u, target=v)
        data(el, "edge", d)
    return _xml(root)


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def gexf_bytes(graph: nx.MultiDiGraph) -> bytes:
    """The network as GEXF 1.2 with ``viz:position``, ``viz:size`` and ``viz:color``."""
    ET.register_namespace("", GEXF_NS)
    ET.register_namespace("viz", GEXF_VIZ)
    root = ET.Element(f"{{{GEXF_NS}}}gexf", version="1.2")
    meta = ET.SubElement(root, f"{{{GEXF_NS}}}meta")
    ET.SubElement(meta, f"{{{GEXF_NS}}}creator").text = "kg"
    title = graph.graph.get("title")
    if title:
        ET.SubElement(meta, f"{{{GEXF_NS}}}description").text = xml_text(title, "string")
    g = ET.SubElement(root, f"{{{GEXF_NS}}}graph", defaultedgetype="directed", mode="static")
    nodes, edges = sorted_nodes(graph), sorted_edges(graph)
    look = looks(graph)
    own = {"label", "weight"}
    node_types = {k: t for k, t in attr_types([d for _, d in nodes]).items() if k != "label"}
    if any(x.total is not None for x in look.values()):
        node_types |= {"flow_total": "long", "flow_total_unit": "string"}
        node_types = dict(sorted(node_types.items()))
    edge_types = {k: t for k, t in attr_types([d for *_, d in edges]).items() if k not in own}
    for cls, types in (("node", node_types), ("edge", edge_types)):
        decl = ET.SubElement(g, f"{{{GEXF_NS}}}attributes", {"class": cls, "mode": "static"})
        for i, (name, typ) in enumerate(types.items()):
            ET.SubElement(decl, f"{{{GEXF_NS}}}attribute", id=str(i), title=name, type=typ)

    def values(parent: ET.Element, types: dict[str, str], d: dict[str, Any]) -> None:
        present = [(i, n, t) for i, (n, t) in enumerate(types.items()) if d.get(n) is not None]
        if present:
            av = ET.SubElement(parent, f"{{{GEXF_NS}}}attvalues")
            for i, name, typ in present:
                attrs = {"for": str(i), "value": xml_text(d[name], typ)}
                ET.SubElement(av, f"{{{GEXF_NS}}}attvalue", attrs)

    nodes_el = ET.SubElement(g, f"{{{GEXF_NS}}}nodes")
    for node, d in nodes:
        el = ET.SubElement(nodes_el, f"{{{GEXF_NS}}}node", id=node, label=str(d.get("label", node)))
        x = look[node]
        values(el, node_types, {**d, "flow_total": x.total, "flow_total_unit": x.unit})
        r, gr, b = x.colour
        colour = {"r": str(r), "g": str(gr), "b": str(b), "a": "1.0"}
        ET.SubElement(el, f"{{{GEXF_VIZ}}}color", colour)
        if x.x is not None and x.y is not None:
            ET.SubElement(el, f"{{{GEXF_VIZ}}}position", x=repr(x.x), y=repr(x.y), z="0.0")
        ET.SubElement(el, f"{{{GEXF_VIZ}}}size", value=repr(x.size))
    largest = max((_number(d.get("weight")) or 0.0 for *_, d in edges), default=0.0)
    edges_el = ET.SubElement(g, f"{{{GEXF_NS}}}edges")
    for i, (u, v, _, d) in enumerate(edges):
        attrs = {"id": f"e{i}", "source": u, "target": v}
        if d.get("label") is not None:
            attrs["label"] = xml_text(d["label"], "string")
        weight = _number(d.get("weight"))
        if weight is not None:
            attrs["weight"] = repr(weight)
        el = ET.SubElement(edges_el, f"{{{GEXF_NS}}}edge", attrs)
        values(el, edge_types, d)
        if largest > 0:
            share = math.sqrt(max(weight or 0.0, 0.0) / largest)
            thick = round(THICKNESS_MIN + (THICKNESS_MAX - THICKNESS_MIN) * share, 2)
            ET.SubElement(el, f"{{{GEXF_VIZ}}}thickness", value=repr(thick))
    return xml_bytes(root)
