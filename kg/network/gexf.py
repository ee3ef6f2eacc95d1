"""GEXF 1.2 for Gephi: typed attribute declarations, GEXF's own ``label``/``weight`` fields, and
the ``viz`` module: each node's position in a projected plane, its size by total flow and its
colour by tier (:mod:`kg.network.look`); each numbered edge's thickness by its number."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from typing import Any

import networkx as nx

from kg.network.common import attr_types, sorted_edges, sorted_nodes, xml_bytes, xml_text
from kg.network.look import looks

GEXF_NS = "http://www.gexf.net/1.2draft"
GEXF_VIZ = "http://www.gexf.net/1.2draft/viz"
#: Edge thickness range (Gephi's units) for numbered edges; others get the minimum.
THICKNESS_MIN, THICKNESS_MAX = 1.0, 10.0


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


__all__ = ["GEXF_NS", "GEXF_VIZ", "gexf_bytes"]
