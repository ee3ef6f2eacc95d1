"""``kg push``: copy the build's named graphs to a triple store (Graph Store Protocol)."""

from __future__ import annotations

import os

import click

from kg.cli.inputs import source_store
from kg.cli.options import Source, deprecated, source_options


@click.command()
@click.argument("endpoint")
@source_options(graph=False)
@click.option(
    "--named-graph",
    "graphs",
    multiple=True,
    metavar="IRI",
    help="Push only this named graph (full IRI or tkg:name); repeatable. Default: all.",
)
@click.option(
    "--graph",
    "old_graphs",
    multiple=True,
    metavar="IRI",
    hidden=True,
    help="Deprecated spelling of --named-graph.",
)
@click.option("--dry-run", is_flag=True, help="Compare with the store and print; send nothing.")
@click.option(
    "--prune",
    is_flag=True,
    help="Delete the store's tkg: graphs that the build lacks (never a graph outside tkg:).",
)
@click.option(
    "--sparql",
    metavar="URL",
    help="The store's SPARQL query endpoint, to list its graphs and count what was pushed "
    "(default: guessed for Oxigraph, Virtuoso, Fuseki, GraphDB/RDF4J and Neptune).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    metavar="SECONDS",
    help="Time for one request, from resolving the host to the end of the answer "
    "(a request that sends or reads a graph: this per 8 MB of the graph).",
)
@click.option(
    "--deadline",
    type=click.FloatRange(min=0.1),
    default=3600.0,
    show_default=True,
    metavar="SECONDS",
    help="Time for the whole push; it stops then and says what was committed.",
)
@click.option(
    "--replace/--append",
    default=True,
    show_default=True,
    help="PUT each changed graph whole (atomic) or POST only the missing triples.",
)
@click.pass_context
def push(
    ctx: click.Context,
    endpoint: str,
    source: Source,
    graphs: tuple[str, ...],
    old_graphs: tuple[str, ...],
    dry_run: bool,
    prune: bool,
    sparql: str | None,
    timeout: float,
    deadline: float,
    replace: bool,
) -> None:
    """Copy the build's named graphs to a triple store (SPARQL 1.1 Graph Store Protocol).

    ENDPOINT is the store's Graph Store URL (Oxigraph: http://HOST:PORT/store, the port of
    `oxigraph serve`, not of kg serve; Virtuoso: http://HOST:8890/sparql-graph-crud-auth).
    Graphs that already match are skipped, so pushing twice sends nothing the second time;
    a small change goes as one SPARQL Update; every graph sent is counted on the store
    afterwards. kg's graphs on the store that the
    build lacks are named in a warning (--prune deletes them). It pushes the build (built
    first when stale), or what --build or --data names. Credentials come only from
    KG_REMOTE_TOKEN (Bearer) or KG_REMOTE_USER and KG_REMOTE_PASSWORD (Digest or Basic, as
    the store asks).

    Example:

    \b
        oxigraph serve --location db --bind 127.0.0.1:7879 &
        kg push http://127.0.0.1:7879/store --dry-run
        export KG_REMOTE_USER=dba KG_REMOTE_PASSWORD=dba
        kg push http://127.0.0.1:8890/sparql-graph-crud-auth --prune
    """
    from kg.remote import push as remote

    if old_graphs:
        deprecated("kg push --graph IRI", "write --named-graph IRI")
    store = source_store(ctx, source)
    result = remote.push_graphs(
        store,
        endpoint,
        graphs=graphs + old_graphs,
        mode="replace" if replace else "append",
        dry_run=dry_run,
        prune=prune,
        sparql=sparql,
        timeout=timeout,
        deadline=deadline,
        environ=os.environ,
    )
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo("\n".join(remote.report_lines(result)))


__all__ = ["push"]
