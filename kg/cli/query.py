"""``kg query``: run a named query, a .rq file or a query text on a build, a file or an endpoint."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.inputs import source_target
from kg.cli.options import Source, queries_option, source_options

#: ``kg.query.endpoint.GRAPH_MODES`` and ``PAGE_SIZE``, written out so that ``kg --help`` does
#: not load the endpoint client (tests/test_startup.py checks they agree).
GRAPH_MODES = ("union", "named")
PAGE_SIZE = 10_000


@click.command("query")
@click.argument("name", required=False)
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="Bind a query parameter (repeatable); '*' means any value.",
)
@click.option("-e", "--execute", "text", metavar="SPARQL", help="Run this query text.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "md"]),
    default="table",
    show_default=True,
    help="csv/tsv/json: SPARQL 1.1 results.",
)
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and exit.")
@queries_option("Directory of named queries (*.rq).")
@source_options(graph=True, endpoint=True)
@click.option(
    "--graph-mode",
    type=click.Choice(GRAPH_MODES),
    default="union",
    show_default=True,
    help="With --endpoint: its default graph is the union of its graphs (union), or query the "
    "merge of its named graphs (named).",
)
@click.option(
    "--page-size",
    type=click.IntRange(min=1),
    default=PAGE_SIZE,
    show_default=True,
    help="With --endpoint: rows per request when paging through a sorted result.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.001),
    default=60.0,
    show_default=True,
    metavar="SECONDS",
    help="With --endpoint: seconds each request may take, answer included.",
)
@click.pass_context
def query(
    ctx: click.Context,
    name: str | None,
    params: tuple[str, ...],
    text: str | None,
    fmt: str,
    list_queries: bool,
    queries_dir: list[Path],
    source: Source,
    graph_mode: str,
    page_size: int,
    timeout: float,
) -> None:
    """Run the named query NAME (or a .rq FILE, or -e TEXT) and print its rows.

    The query runs on the build (built first when stale), or on what --build, --data, --graph
    or --endpoint names. Rows go to stdout, the row count to stderr. With --endpoint, a sorted
    result is fetched page by page (LIMIT/OFFSET), so a server's row limit never cuts it.

    Example:

    \b
        kg query --list && kg query destinations-of -p country=PRK --format csv
        kg query tiers --endpoint http://127.0.0.1:7879/query --graph-mode named
    """
    from kg.query import named as queries
    from kg.query import output

    if list_queries:
        listing = output.catalogue(queries.list_queries(queries_dir))
        click.echo(output.render(listing, fmt, max_width=100), nl=False)
        return
    spec = queries.resolve(queries_dir, name, text)
    bindings = queries.parse_assignments(params)
    if source.endpoint is not None:
        from kg.query import endpoint as remote

        target = remote.Endpoint(
            source.endpoint, graph_mode=graph_mode, page_size=page_size, timeout=timeout
        )
    else:
        target = source_target(ctx, source)
    result = target.select(spec, bindings)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    labels = queries.fetch_labels(target, result) if fmt in ("table", "md") else {}
    click.echo(output.render(result, fmt, labels=labels), nl=False)
    click.echo(f"{len(result.rows)} row{'' if len(result.rows) == 1 else 's'}", err=True)


__all__ = ["query"]
