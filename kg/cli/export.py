"""``kg export``: the graph as RDF, or as a network file for Gephi, Cytoscape, igraph, networkx."""

from __future__ import annotations

import io
from pathlib import Path

import click

from kg.cli.options import build_option, ensure_store, output_option, write_output


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["turtle", "ntriples", "jsonld", "trig", "graphml", "gexf", "csv"]),
    required=True,
    help="RDF syntax, or a network file (graphml, gexf, csv edge list).",
)
@click.option(
    "--network",
    type=click.Choice(["flows", "full"]),
    help="For graphml/gexf/csv: the flow network (default) or the whole RDF graph.",
)
@output_option("-", "Output file; - is stdout.")
@build_option
@click.pass_context
def export(ctx: click.Context, fmt: str, network: str | None, output: str, build_dir: Path) -> None:
    """Export the graph as RDF, or as a network for Gephi, Cytoscape, igraph or networkx.

    Network files declare their attribute types and list nodes and edges in a stable order.

    Example:

    \b
        kg export --format graphml --network flows -o flows.graphml
    """
    from kg.network import export as netio

    if network and fmt in netio.RDF_FORMATS:
        raise click.UsageError("--network applies to graphml, gexf and csv only")
    store = ensure_store(ctx, build_dir)
    buf = io.BytesIO()
    netio.export(store, fmt, buf, network=network or "flows")
    write_output(output, buf.getvalue())


__all__ = ["export"]
