"""``kg serve``: the graph as a read-only SPARQL endpoint with query pages."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.options import Source, queries_option, source_options, source_store
from kg.core.errors import ExitCode


@click.command()
@source_options(graph=True)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    envvar="KG_SERVE_HOST",
    help="Interface to listen on; anything but loopback exposes the endpoint.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=7878,
    show_default=True,
    envvar="KG_SERVE_PORT",
    help="Port to listen on (0 picks a free one).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.001),
    default=10.0,
    show_default=True,
    envvar="KG_SERVE_TIMEOUT",
    help="Seconds a query may run before it is stopped.",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    envvar="KG_SERVE_MAX_ROWS",
    help="Largest result (rows or triples) answered.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    envvar="KG_SERVE_WORKERS",
    help="Query worker processes.",
)
@queries_option("Named queries offered on the query page.")
@click.option(
    "--get",
    "get_path",
    metavar="PATH",
    help="Answer one GET request for PATH in-process, print the body and exit.",
)
@click.pass_context
def serve(
    ctx: click.Context,
    source: Source,
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    workers: int,
    queries_dir: list[Path],
    get_path: str | None,
) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint (/sparql) with a query page (/).

    It serves the build (built first when stale), or what --build, --data or --graph names.
    Updates, LOAD and SERVICE are refused; a query over --timeout is stopped, a result over
    --max-rows refused. Exit status of --get: 0 for a 2xx/3xx answer, 1 otherwise.

    Example:

    \b
        kg serve --port 7878

        kg serve --get '/sparql?format=csv&query=SELECT ?c {?c tk:iso3166Alpha3 "PRK"}'
    """
    from kg.server import http as server

    store = source_store(ctx, source)
    config = server.ServerConfig(timeout=timeout, max_rows=max_rows, queries_dir=tuple(queries_dir))
    if get_path is not None:
        response = server.handle_url(server.App(store, config), get_path)
        click.echo(response.body, nl=False)
        if response.status >= 400:
            click.echo(f"HTTP {response.status}", err=True)
            ctx.exit(ExitCode.ERROR)
        return
    if not server.is_loopback(host):
        click.echo(f"warning: listening on {host}: other machines can query this graph", err=True)
    app = server.open_app(store, config, workers)
    server.serve(
        app,
        host,
        port,
        ready=lambda url: click.echo(
            f"serving {url} (SPARQL endpoint {url}sparql); press Ctrl+C to stop", err=True
        ),
    )


__all__ = ["serve"]
