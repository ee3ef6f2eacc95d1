"""GEXF 1.2 for Gephi: typed attribute declarations, GEXF's own ``label``/``weight`` fields, and
the ``viz`` module: each node's position in a projected plane, its size by total flow and its
colour by tier (:mod:`kg.network.look`); each numbered edge's thickness by its number.

Streamed: no element tree is built; the lines are exactly the bytes ElementTree gave
(``tests/network/etree_reference.py`` keeps that writer and the tests compare)."""

from __future__ import annotations

import io
import math
import re
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
    xml_text,
)
from kg.network.look import NodeLook, looks

if TYPE_CHECKING:  # networkx loads only where a networkx graph is made
    import networkx as nx

GEXF_NS = "http://www.gexf.net/1.2draft"
GEXF_VIZ = "http://www.gexf.net/1.2draft/viz"
#: Anything in an attribute value that ``xml_text`` drops or ``escape_attr`` escapes.
_ATTR_PLAIN = re.compile('[&<>"\r\n\t\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]').search
#: Edge thickness range (Gephi's units) for numbered edges; others get the minimum.
THICKNESS_MIN, THICKNESS_MAX = 1.0, 10.0


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _attvalues(indent: str, types: list[Declared], d: dict[str, Any]) -> str:
    """The ``<attvalues>`` block of a node or edge ('' when it has no values)."""
    get = d.get
    values = []
    for name, i, typ, seen in types:
        value = get(name)
        if value is None:
            continue
        kind = type(value)
        if kind is str:
            line = seen.get(value)
            if line is None:
                if typ != "boolean" and _ATTR_PLAIN(value) is None:  # nothing to drop or escape
                    line = f'{indent} <attvalue for="{i}" value="{value}" />'
                else:
                    text = escape_attr(xml_text(value, typ))
                    line = f'{indent} <attvalue for="{i}" value="{text}" />'
                if len(seen) < CACHED:
                    seen[value] = line
        elif (kind is int or kind is float) and typ != "boolean":  # digits, '.', '-', 'e'
            line = f'{indent} <attvalue for="{i}" value="{value!s}" />'
        else:
            line = f'{indent} <attvalue for="{i}" value="{escape_attr(xml_text(value, typ))}" />'
        values.append(line)
    if not values:
        return ""
    return f"{indent}<attvalues>{''.join(values)}{indent}</attvalues>"


def _declare(out: XmlOut, cls: str, types: dict[str, str]) -> list[Declared]:
    """Write the ``<attributes>`` declarations of a class; return them as the writer uses them."""
    head = f'\n  <attributes class="{cls}" mode="static"'
    if not types:
        out.add(f"{head} />")
        return []
    out.add(f"{head}>")
    for i, (name, typ) in enumerate(types.items()):
        out.add(f'\n   <attribute id="{i}" title="{escape_attr(name)}" type="{typ}" />')
    out.add("\n  </attributes>")
    return [(name, str(i), typ, {}) for i, (name, typ) in enumerate(types.items())]


def _node(node: str, d: dict[str, Any], x: NodeLook, declared: list[Declared]) -> str:
    label = escape_attr(str(d.get("label", node)))
    values = _attvalues("\n    ", declared, {**d, "flow_total": x.total, "flow_total_unit": x.unit})
    r, g, b = x.colour
    inner = f'{values}\n    <viz:color r="{r}" g="{g}" b="{b}" a="1.0" />'
    if x.x is not None and x.y is not None:
        inner += f'\n    <viz:position x="{x.x!r}" y="{x.y!r}" z="0.0" />'
    inner += f'\n    <viz:size value="{x.size!r}" />'
    return f'\n   <node id="{escape_attr(node)}" label="{label}">{inner}\n   </node>'


def write_gexf(graph: nx.MultiDiGraph | Network, stream: IO[bytes]) -> None:
    """Write the network as GEXF 1.2 with ``viz:position``, ``viz:size`` and ``viz:color``,
    streamed in exactly the bytes of kg's former ElementTree writer (tests/network)."""
    nodes, edges = sorted_nodes(graph), sorted_edges(graph)
    look = looks(graph)
    own = {"label", "weight"}
    node_types = {k: t for k, t in attr_types(d for _, d in nodes).items() if k != "label"}
    if any(x.total is not None for x in look.values()):
        node_types |= {"flow_total": "long", "flow_total_unit": "string"}
        node_types = dict(sorted(node_types.items()))
    edge_types = {k: t for k, t in attr_types(d for *_, d in edges).items() if k not in own}
    largest = max((_number(d.get("weight")) or 0.0 for *_, d in edges), default=0.0)
    out = XmlOut(stream)
    uses_viz = bool(nodes) or (largest > 0 and bool(edges))
    viz = f' xmlns:viz="{GEXF_VIZ}"' if uses_viz else ""
    out.add(f'{DECLARATION}<gexf xmlns="{GEXF_NS}"{viz} version="1.2">')
    out.add("\n <meta>\n  <creator>kg</creator>")
    title = graph.graph.get("title")
    if title:
        text = element_text(xml_text(title, "string"), "string")
        out.add(element("\n  ", "<description", text, "</description>"))
    out.add('\n </meta>\n <graph defaultedgetype="directed" mode="static">')
    node_decl = _declare(out, "node", node_types)
    edge_decl = _declare(out, "edge", edge_types)
    if not nodes:
        out.add("\n  <nodes />")
    else:
        out.add("\n  <nodes>")
        for node, d in nodes:
            out.add(_node(node, d, look[node], node_decl))
        out.add("\n  </nodes>")
    if not edges:
        out.add("\n  <edges />")
    else:
        out.add("\n  <edges>")
        for i, (u, v, _, d) in enumerate(edges):
            head = f'\n   <edge id="e{i}" source="{escape_attr(u)}" target="{escape_attr(v)}"'
            if d.get("label") is not None:
                head += f' label="{escape_attr(xml_text(d["label"], "string"))}"'
            weight = _number(d.get("weight"))
            if weight is not None:
                head += f' weight="{weight!r}"'
            inner = _attvalues("\n    ", edge_decl, d)
            if largest > 0:
                share = math.sqrt(max(weight or 0.0, 0.0) / largest)
                thick = round(THICKNESS_MIN + (THICKNESS_MAX - THICKNESS_MIN) * share, 2)
                inner += f'\n    <viz:thickness value="{thick!r}" />'
            out.add(f"{head}>{inner}\n   </edge>" if inner else f"{head} />")
        out.add("\n  </edges>")
    out.add("\n </graph>\n</gexf>\n")
    out.flush()


def gexf_bytes(graph: nx.MultiDiGraph | Network) -> bytes:
    """The network as GEXF 1.2 bytes (see :func:`write_gexf`)."""
    buf = io.BytesIO()
    write_gexf(graph, buf)
    return buf.getvalue()


__all__ = ["GEXF_NS", "GEXF_VIZ", "gexf_bytes", "write_gexf"]
