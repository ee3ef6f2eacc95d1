"""``kg serve``: the graph as a read-only SPARQL endpoint with query pages."""

from __future__ import annotations

import time
from pathlib import Path

import click

from kg.cli.inputs import source_store
from kg.cli.options import Source, queries_option, size_option, source_options
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
    help="Query worker processes kept ready (a burst runs on up to 4x as many).",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="NAME",
    envvar="KG_SERVE_ALLOW_HOSTS",
    help="Also answer requests whose Host header names NAME (repeatable; the env var is "
    "space-separated). Only 127.0.0.1, localhost, [::1] and --host are answered otherwise.",
)
@size_option(
    "--max-query-size",
    default="256K",
    envvar="KG_SERVE_MAX_QUERY_SIZE",
    help="Largest query text accepted (413 beyond).",
)
@click.option(
    "--max-depth",
    type=click.IntRange(1, 512),
    default=64,
    show_default=True,
    envvar="KG_SERVE_MAX_DEPTH",
    help="Deepest nesting of brackets and groups in a query (400 beyond).",
)
@size_option(
    "--max-result-size",
    default="32M",
    envvar="KG_SERVE_MAX_RESULT_SIZE",
    help="Largest serialised result answered (400 beyond: page with LIMIT/OFFSET).",
)
@size_option(
    "--max-memory",
    default="1G",
    envvar="KG_SERVE_MAX_MEMORY",
    help="Memory a query may add to its worker process (RLIMIT_AS); over it, 503.",
)
@click.option(
    "--long-queries",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    envvar="KG_SERVE_LONG_QUERIES",
    help="Queries that may run longer than --fast-lane at once (at low CPU priority); more "
    "wait paused.",
)
@click.option(
    "--fast-lane",
    type=click.FloatRange(min=0.01),
    default=0.5,
    show_default=True,
    envvar="KG_SERVE_FAST_LANE",
    help="Seconds a query runs in the fast lane before it counts as long.",
)
@size_option(
    "--min-rate",
    default="8K",
    envvar="KG_SERVE_MIN_RATE",
    help="Bytes a second a client must keep up, after 10 s, sending a request body or taking "
    "an answer (slower: cut off; when connections are full, the slowest makes way first).",
)
@click.option(
    "--send-limit",
    type=click.FloatRange(min=0.001),
    default=600.0,
    show_default=True,
    envvar="KG_SERVE_SEND_LIMIT",
    help="Seconds a client may take to take one answer, however fast it reads.",
)
@click.option(
    "--warm-up",
    is_flag=True,
    envvar="KG_SERVE_WARM_UP",
    help="Render the explorer's pages in the background at start-up, so first visits are fast.",
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
    allow_hosts: tuple[str, ...],
    max_query_size: int,
    max_depth: int,
    max_result_size: int,
    max_memory: int,
    long_queries: int,
    fast_lane: float,
    min_rate: int,
    send_limit: float,
    warm_up: bool,
    queries_dir: list[Path],
    get_path: str | None,
) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint (/sparql) with an explorer (/):
    countries, country pages with charts, the named queries as forms, the tier heat-map and a
    SPARQL editor.

    It serves the build (built first when stale), or what --build, --data or --graph names.
    Every query is parsed first: updates, LOAD and SERVICE are refused, and so is anything
    the parser cannot follow. Queries run in worker processes that cannot open network
    connections; a query over --timeout is stopped, one over --fast-lane seconds runs at low
    priority so short queries keep answering. Only Host names of this server are answered
    (--allow-host adds one). Exit status of --get: 0 for a 2xx/3xx answer, 1 otherwise.

    Example:

    \b
        kg serve --port 7878

        kg serve --host 0.0.0.0 --allow-host kg.example.org --max-memory 2G

        kg serve --get '/sparql?format=csv&query=SELECT ?c {?c tk:iso3166Alpha3 "PRK"}'
    """
    from kg.server import http as server
    from kg.server.pace import ClientTimes

    store = source_store(ctx, source)
    hosts = tuple(name for value in allow_hosts for name in value.split())
    config = server.ServerConfig(
        timeout=timeout,
        max_rows=max_rows,
        queries_dir=tuple(queries_dir),
        max_query_bytes=max_query_size,
        max_depth=max_depth,
        max_result_bytes=max_result_size,
        max_memory=max_memory,
        allow_hosts=hosts,
        client_times=ClientTimes(min_rate=min_rate, send=send_limit),
    )
    if get_path is not None:
        response = server.handle_url(server.App(store, config), get_path)
        click.echo(response.body, nl=False)
        if response.status >= 400:
            click.echo(f"HTTP {response.status}", err=True)
            ctx.exit(ExitCode.ERROR)
        return
    if not server.is_loopback(host):
        click.echo(f"warning: listening on {host}: other machines can query this graph", err=True)
    if source.endpoint is None and source.graph is None and source.data is None:
        # The explorer reads much of the store in this process: the build's graph.nq in memory
        # (the store just opened checked it is the build's) is faster to read than the on-disk
        # store and faster to load than a copy of it.
        from kg import pipeline

        store = pipeline.load_build(source.build_dir)
    app = server.open_app(store, config, workers, long_queries=long_queries, fast_lane=fast_lane)
    confinement = server.confinement(app)
    if not confinement.confined:
        click.echo(
            "warning: query workers can open network connections (no sandbox here: "
            f"{confinement.describe()}); SERVICE is still refused by the query check",
            err=True,
        )
    from kg.server.explorer import prepare

    started = time.perf_counter()
    prepare(app)  # the explorer's index: every page a render, from the first visit
    index_seconds = time.perf_counter() - started
    if warm_up:
        import threading

        from kg.server.explorer import warm_up as render_ahead

        threading.Thread(target=render_ahead, args=(app,), name="warm-up", daemon=True).start()
    server.serve(
        app,
        host,
        port,
        ready=lambda url: click.echo(
            f"serving {url} (SPARQL endpoint {url}sparql); press Ctrl+C to stop\n"
            f"query workers cut off the network by: {confinement.describe()}\n"
            f"explorer index read in {index_seconds:.1f} s",
            err=True,
        ),
    )


__all__ = ["serve"]
