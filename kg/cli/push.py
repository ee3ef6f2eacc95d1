"""``kg push``: copy the build's named graphs to a triple store (Graph Store Protocol)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from kg.cli.options import build_option, ensure_store


@click.command()
@click.argument("endpoint")
@build_option
@click.option(
    "--graph",
    "graphs",
    multiple=True,
    metavar="IRI",
    help="Push only this named graph (full IRI or tkg:name); repeatable. Default: all.",
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
    build_dir: Path,
    graphs: tuple[str, ...],
    dry_run: bool,
    replace: bool,
) -> None:
    """Copy the build's named graphs to a triple store (SPARQL 1.1 Graph Store Protocol).

    ENDPOINT is the store's Graph Store URL (Oxigraph: http://HOST:7878/store). Graphs that
    already match are skipped, so pushing twice sends nothing the second time. Credentials come
    only from KG_REMOTE_TOKEN (Bearer) or KG_REMOTE_USER and KG_REMOTE_PASSWORD (Basic).

    Example:

    \b
        kg push http://localhost:7878/store --dry-run
    """
    from kg.remote import push as remote

    store = ensure_store(ctx, build_dir)
    result = remote.push_graphs(
        store,
        endpoint,
        graphs=graphs,
        mode="replace" if replace else "append",
        dry_run=dry_run,
        environ=os.environ,
    )
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo("\n".join(remote.report_lines(result)))


__all__ = ["push"]
