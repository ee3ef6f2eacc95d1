"""Network exports: GraphML, GEXF and CSV edge lists of the flow network or of the whole graph.

Writers are kg's own (not networkx's) so that files are byte-stable (nodes by id, edges by
source, target and key, attribute keys by name; GEXF carries no date), every attribute has a
declared type (string, long, double or boolean) and absent values are simply left out.
Edge ids are ``e0``, ``e1``, … in that sorted order; the flow or predicate IRI is an attribute.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import IO, Any

import networkx as nx
import pyoxigraph as ox

from kg.core.errors import QueryError, choices_hint
from kg.core.rdfio import serialize, sorted_quads, sorted_triples

RDF_FORMATS = ("turtle", "ntriples", "jsonld", "trig")
NETWORK_FORMATS = ("graphml", "gexf", "csv")
FORMATS = RDF_FORMATS + NETWORK_FORMATS
NETWORKS = ("flows", "full")

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
GEXF_NS = "http://www.gexf.net/1.2draft"
GEXF_VIZ = "http://www.gexf.net/1.2draft/viz"

#: Preferred column order of CSV edge lists; other attributes follow alphabetically.
CSV_FIRST = (
    "flow",
    "predicate",
    "label",
    "forms",
    "flow_class",
    "flow_type",
    "estimate_point",
    "estimate_low",
    "estimate_high",
    "unit",
    "method",
    "censored",
    "estimate_shared_with",
    "year",
    "source_title",
    "graph",
)
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}


def export(store: ox.Store, fmt: str, stream: IO[bytes], *, network: str = "flows") -> None:
    """Write ``store`` as RDF (``RDF_FORMATS``) or as a network file (``NETWORK_FORMATS``)."""
    if fmt not in FORMATS:
        raise QueryError(f"unknown export format {fmt!r}", hint=choices_hint(fmt, FORMATS))
    if fmt in RDF_FORMATS:
        quads = sorted_quads(store)
        items = quads if fmt == "trig" else sorted_triples(q.triple for q in quads)
        serialize(items, fmt, stream)
        return
    if network not in NETWORKS:
        raise QueryError(f"unknown network {network!r}", hint=choices_hint(network, NETWORKS))
    if network == "flows":
        from kg.network.flows import flow_network

        graph = flow_network(store)
    else:
        from kg.network.full import full_network

        graph = full_network(store)
    write_network(graph, fmt, stream)


def write_network(graph: nx.MultiDiGraph, fmt: str, stream: IO[bytes]) -> None:
    """Write a (multi)digraph as ``graphml``, ``gexf`` or ``csv``."""
    if fmt == "graphml":
        stream.write(graphml_bytes(graph))
    elif fmt == "gexf":
        stream.write(gexf_bytes(graph))
    elif fmt == "csv":
        stream.write(csv_bytes(graph))
    else:
        raise QueryError(f"unknown network format {fmt!r}", hint=choices_hint(fmt, NETWORK_FORMATS))


def _edges(graph: nx.MultiDiGraph) -> list[tuple[str, str, str, dict[str, Any]]]:
    rows = [(str(u), str(v), str(k), d) for u, v, k, d in graph.edges(keys=True, data=True)]
    return sorted(rows, key=lambda e: (e[0], e[1], e[2]))


def _nodes(graph: nx.MultiDiGraph) -> list[tuple[str, dict[str, Any]]]:
    return sorted(((str(n), d) for n, d in graph.nodes(data=True)), key=lambda x: x[0])


def attr_types(items: list[dict[str, Any]]) -> dict[str, str]:
    """Attribute name → declared type (string if values disagree), sorted by name."""
    seen: dict[str, set[str]] = defaultdict(set)
    for data in items:
        for k, v in data.items():
            if v is not None:
                seen[k].add(_TYPES.get(type(v), "string"))
    return {k: (t.pop() if len(t) == 1 else "string") for k, t in sorted(seen.items())}


def _text(value: Any, typ: str) -> str:
    if typ == "boolean":
        return "true" if value else "false"
    if typ == "string" and isinstance(value, bool):
        return "true" if value else "false"
    return _BAD_XML.sub("", str(value))


def _xml(root: ET.Element) -> bytes:
    ET.indent(root, space=" ")
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True)) + b"\n"


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


def gexf_bytes(graph: nx.MultiDiGraph) -> bytes:
    """GEXF 1.2 with typed attribute declarations; ``label``/``weight`` as GEXF's own fields,
    and countries placed at (longitude, latitude) with ``viz:position``."""
    ET.register_namespace("", GEXF_NS)
    ET.register_namespace("viz", GEXF_VIZ)
    root = ET.Element(f"{{{GEXF_NS}}}gexf", version="1.2")
    meta = ET.SubElement(root, f"{{{GEXF_NS}}}meta")
    ET.SubElement(meta, f"{{{GEXF_NS}}}creator").text = "kg"
    title = graph.graph.get("title")
    if title:
        ET.SubElement(meta, f"{{{GEXF_NS}}}description").text = _text(title, "string")
    g = ET.SubElement(root, f"{{{GEXF_NS}}}graph", defaultedgetype="directed", mode="static")
    nodes, edges = _nodes(graph), _edges(graph)
    own = {"label", "weight"}
    node_types = {k: t for k, t in attr_types([d for _, d in nodes]).items() if k != "label"}
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
                attrs = {"for": str(i), "value": _text(d[name], typ)}
                ET.SubElement(av, f"{{{GEXF_NS}}}attvalue", attrs)

    nodes_el = ET.SubElement(g, f"{{{GEXF_NS}}}nodes")
    for node, d in nodes:
        el = ET.SubElement(nodes_el, f"{{{GEXF_NS}}}node", id=node, label=str(d.get("label", node)))
        values(el, node_types, d)
        lat, lon = d.get("latitude"), d.get("longitude")
        if isinstance(lat, float) and isinstance(lon, float):
            pos = {"x": repr(lon), "y": repr(lat), "z": "0.0"}
            ET.SubElement(el, f"{{{GEXF_VIZ}}}position", pos)
    edges_el = ET.SubElement(g, f"{{{GEXF_NS}}}edges")
    for i, (u, v, _, d) in enumerate(edges):
        attrs = {"id": f"e{i}", "source": u, "target": v}
        if d.get("label") is not None:
            attrs["label"] = _text(d["label"], "string")
        if isinstance(d.get("weight"), int | float) and not isinstance(d.get("weight"), bool):
            attrs["weight"] = repr(float(d["weight"]))
        values(ET.SubElement(edges_el, f"{{{GEXF_NS}}}edge", attrs), edge_types, d)
    return _xml(root)


def csv_bytes(graph: nx.MultiDiGraph) -> bytes:
    """An edge list with a header: source, target, then the edge attributes."""
    edges = _edges(graph)
    names = list(attr_types([d for *_, d in edges]))
    first = [c for c in CSV_FIRST if c in names]
    columns = ["source", "target", *first, *[n for n in names if n not in first]]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for u, v, _, d in edges:
        row = [u, v] + [_cell(d.get(c)) for c in columns[2:]]
        writer.writerow(row)
    return buf.getvalue().encode("utf-8")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


__all__ = [
    "FORMATS",
    "NETWORKS",
    "NETWORK_FORMATS",
    "RDF_FORMATS",
    "csv_bytes",
    "export",
    "gexf_bytes",
    "graphml_bytes",
    "write_network",
]
