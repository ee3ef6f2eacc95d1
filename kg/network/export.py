"""Network exports: GraphML, GEXF and CSV edge lists of the flow network or of the whole graph.

Writers are kg's own (not networkx's) so that files are byte-stable (nodes by id, edges by
source, target and key, attribute keys by name; GEXF carries no date), every attribute has a
declared type (string, long, double or boolean) and absent values are simply left out.
Edge ids are ``e0``, ``e1``, … in that sorted order; the flow or predicate IRI is an attribute.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import IO, Any

import networkx as nx
import pyoxigraph as ox

from kg.core.errors import QueryError, choices_hint
from kg.core.rdfio import serialize, sorted_quads, sorted_triples
from kg.network.common import attr_types
from kg.network.common import sorted_edges as _edges
from kg.network.common import sorted_nodes as _nodes
from kg.network.common import xml_bytes as _xml
from kg.network.common import xml_text as _text
from kg.network.gexf import GEXF_NS, GEXF_VIZ, gexf_bytes
from kg.network.tables import CSV_FIRST, csv_bytes, csv_zip, edges_csv, nodes_csv

RDF_FORMATS = ("turtle", "ntriples", "jsonld", "trig")
NETWORK_FORMATS = ("graphml", "gexf", "csv")
FORMATS = RDF_FORMATS + NETWORK_FORMATS
NETWORKS = ("flows", "full")

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"


def network_of(store: ox.Store, network: str = "flows") -> nx.MultiDiGraph:
    """The ``flows`` network or the ``full`` RDF graph as a network."""
    if network not in NETWORKS:
        raise QueryError(f"unknown network {network!r}", hint=choices_hint(network, NETWORKS))
    if network == "flows":
        from kg.network.flows import flow_network

        return flow_network(store)
    from kg.network.full import full_network

    return full_network(store)


def export(
    store: ox.Store,
    fmt: str,
    stream: IO[bytes],
    *,
    network: str = "flows",
    table: str = "both",
    excel: bool = False,
) -> None:
    """Write ``store`` as RDF (``RDF_FORMATS``) or as a network file (``NETWORK_FORMATS``).

    For ``csv``, ``table`` picks the ``nodes`` table, the ``edges`` table, or ``both`` as a zip
    of ``nodes.csv`` and ``edges.csv``; ``excel`` starts each table with a UTF-8 byte order
    mark, so spreadsheets that otherwise guess a legacy encoding read it as UTF-8.
    """
    if fmt not in FORMATS:
        raise QueryError(f"unknown export format {fmt!r}", hint=choices_hint(fmt, FORMATS))
    if fmt in RDF_FORMATS:
        quads = sorted_quads(store)
        items = quads if fmt == "trig" else sorted_triples(q.triple for q in quads)
        serialize(items, fmt, stream)
        return
    write_network(network_of(store, network), fmt, stream, table=table, excel=excel)


def write_network(
    graph: nx.MultiDiGraph,
    fmt: str,
    stream: IO[bytes],
    *,
    table: str = "both",
    excel: bool = False,
) -> None:
    """Write a (multi)digraph as ``graphml``, ``gexf`` or ``csv`` (see :func:`export`)."""
    if fmt == "graphml":
        stream.write(graphml_bytes(graph))
    elif fmt == "gexf":
        stream.write(gexf_bytes(graph))
    elif fmt == "csv":
        stream.write(csv_bytes(graph, table, excel=excel))
    else:
        raise QueryError(f"unknown network format {fmt!r}", hint=choices_hint(fmt, NETWORK_FORMATS))


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


__all__ = [
    "CSV_FIRST",
    "FORMATS",
    "GEXF_NS",
    "GEXF_VIZ",
    "NETWORKS",
    "NETWORK_FORMATS",
    "RDF_FORMATS",
    "csv_bytes",
    "csv_zip",
    "edges_csv",
    "export",
    "gexf_bytes",
    "graphml_bytes",
    "network_of",
    "nodes_csv",
    "write_network",
]
