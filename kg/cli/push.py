"""``kg push``: copy the build's named graphs to a triple store (Graph Store Protocol)."""

from __future__ import annotations

import os

import click

from kg.cli.options import Source, deprecated, source_options, source_store


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
    replace: bool,
) -> None:
    """Copy the build's named graphs to a triple store (SPARQL 1.1 Graph Store Protocol).

    ENDPOINT is the store's Graph Store URL (Oxigraph: http://HOST:PORT/store, the port of
    `oxigraph serve`, not of kg serve). Graphs that already match are skipped, so pushing twice
    sends nothing the second time. It pushes the build (built first when stale), or what
    --build or --data names. Credentials come only from KG_REMOTE_TOKEN (Bearer) or
    KG_REMOTE_USER and KG_REMOTE_PASSWORD (Basic).

    Example:

    \b
        oxigraph serve --location db --bind 127.0.0.1:7879 &
        kg push http://127.0.0.1:7879/store --dry-run
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
        environ=os.environ,
    )
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo("\n".join(remote.report_lines(result)))


__all__ = ["push"]
