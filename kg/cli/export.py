"""``kg export``: the graph as RDF, or as a network file for Gephi, Cytoscape, igraph, networkx."""

from __future__ import annotations

from typing import Any

import click

from kg.cli.options import (
    Source,
    output_option,
    output_stream,
    source_options,
    source_store,
    write_output,
)


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["turtle", "ntriples", "jsonld", "trig", "graphml", "gexf", "csv"]),
    required=True,
    help="RDF syntax, or a network file (graphml, gexf, csv nodes and edges tables).",
)
@click.option(
    "--network",
    type=click.Choice(["flows", "full"]),
    help="For graphml/gexf/csv: the flow network (default) or the whole RDF graph.",
)
@output_option("-", "Output file; - is stdout. For csv: a .zip of nodes.csv and edges.csv.")
@click.option(
    "--nodes", "nodes", metavar="FILE", help="csv: write the nodes table here (- stdout)."
)
@click.option(
    "--edges", "edges", metavar="FILE", help="csv: write the edges table here (- stdout)."
)
@click.option(
    "--excel",
    is_flag=True,
    help="csv: start each table with a UTF-8 byte order mark (CRLF line ends), for spreadsheets.",
)
@source_options(graph=True)
@click.pass_context
def export(
    ctx: click.Context,
    fmt: str,
    network: str | None,
    output: str,
    nodes: str | None,
    edges: str | None,
    excel: bool,
    source: Source,
) -> None:
    """Export the graph as RDF, or as a network for Gephi, Cytoscape, igraph or networkx.

    It reads the build (built first when stale), or what --build, --data or --graph names.
    Network files declare their attribute types and list nodes and edges in a stable order.
    GEXF places countries on a projected plane, sized by total flow and coloured by tier. CSV
    writes two tables: nodes (names, codes, tier, latitude/longitude) and edges (one row per
    flow and destination), to --nodes/--edges or together as a zip (-o FILE.zip).

    Example:

    \b
        kg export --format graphml --network flows -o flows.graphml
        kg export --format csv --nodes nodes.csv --edges edges.csv --excel
        kg export --format csv -o flows.zip
    """
    from kg.network import export as netio

    _check_options(fmt in netio.RDF_FORMATS, fmt, network, output, nodes, edges, excel)
    store = source_store(ctx, source)
    if fmt in netio.RDF_FORMATS:
        with output_stream(output) as stream:
            netio.export(store, fmt, stream)
        return
    graph = _network(store, source, network or "flows")
    if fmt == "csv" and (nodes or edges):
        for table, target in {"nodes": nodes, "edges": edges}.items():
            if target:
                write_output(target, netio.csv_bytes(graph, table, excel=excel))
        return
    with output_stream(output) as stream:
        netio.write_network(graph, fmt, stream, excel=excel)


def _network(store: Any, source: Source, network: str) -> Any:
    """The network to write: a build's flow network is kept beside it once read
    (``kg.pipeline.netcache``), so the next export of the same build does not read it again."""
    from kg.network import export as netio

    if network == "flows" and source.endpoint is None and source.graph is None and not source.data:
        from kg.pipeline.netcache import build_flow_network

        return build_flow_network(source.build_dir, store)
    return netio.network_of(store, network)


def _check_options(
    rdf: bool,
    fmt: str,
    network: str | None,
    output: str,
    nodes: str | None,
    edges: str | None,
    excel: bool,
) -> None:
    """Refuse option combinations that do not fit ``fmt`` (a usage error, exit 2)."""
    if network and rdf:
        raise click.UsageError("--network applies to graphml, gexf and csv only")
    if fmt != "csv":
        if nodes or edges or excel:
            raise click.UsageError("--nodes, --edges and --excel apply to --format csv only")
        return
    if (nodes or edges) and output != "-":
        raise click.UsageError("give -o FILE.zip or --nodes/--edges, not both")
    if not (nodes or edges) and not output.lower().endswith(".zip"):
        raise click.UsageError(
            "csv writes two tables: give -o FILE.zip, or --nodes FILE and --edges FILE "
            "(- for stdout)"
        )
    if nodes == "-" and edges == "-":
        raise click.UsageError("only one of --nodes and --edges can be stdout (-)")


__all__ = ["export"]
