"""Network exports: GraphML, GEXF and CSV edge lists of the flow network or of the whole graph.

Writers are kg's own (not networkx's) so that files are byte-stable (nodes by id, edges by
source, target and key, attribute keys by name; GEXF carries no date), every attribute has a
declared type (string, long, double or boolean) and absent values are simply left out.
Edge ids are ``e0``, ``e1``, … in that sorted order; the flow or predicate IRI is an attribute.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

import pyoxigraph as ox

from kg.core.errors import QueryError, choices_hint
from kg.core.rdfio import serialize, sorted_quads, sorted_triples
from kg.network.common import Network
from kg.network.gexf import GEXF_NS, GEXF_VIZ, gexf_bytes, write_gexf
from kg.network.graphml import GRAPHML_NS, graphml_bytes, write_graphml
from kg.network.tables import CSV_FIRST, csv_bytes, csv_zip, edges_csv, nodes_csv

if TYPE_CHECKING:  # networkx loads only where a networkx graph is made
    import networkx as nx

RDF_FORMATS = ("turtle", "ntriples", "jsonld", "trig")
NETWORK_FORMATS = ("graphml", "gexf", "csv")
FORMATS = RDF_FORMATS + NETWORK_FORMATS
NETWORKS = ("flows", "full")


def network_of(store: ox.Store, network: str = "flows") -> nx.MultiDiGraph | Network:
    """The ``flows`` network (as sorted rows, ``kg.network.common.Network``: the writers need
    no networkx graph) or the ``full`` RDF graph as a network."""
    if network not in NETWORKS:
        raise QueryError(f"unknown network {network!r}", hint=choices_hint(network, NETWORKS))
    if network == "flows":
        from kg.network.flows import flow_rows

        return flow_rows(store)
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
    graph: nx.MultiDiGraph | Network,
    fmt: str,
    stream: IO[bytes],
    *,
    table: str = "both",
    excel: bool = False,
) -> None:
    """Write a (multi)digraph as ``graphml``, ``gexf`` or ``csv`` (see :func:`export`)."""
    if fmt == "graphml":
        write_graphml(graph, stream)
    elif fmt == "gexf":
        write_gexf(graph, stream)
    elif fmt == "csv":
        stream.write(csv_bytes(graph, table, excel=excel))
    else:
        raise QueryError(f"unknown network format {fmt!r}", hint=choices_hint(fmt, NETWORK_FORMATS))


__all__ = [
    "CSV_FIRST",
    "FORMATS",
    "GEXF_NS",
    "GEXF_VIZ",
    "GRAPHML_NS",
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
