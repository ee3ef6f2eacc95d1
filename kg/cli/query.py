"""``kg query``: run a named query, a .rq file or a query text on a build, a file or an endpoint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from kg.cli.options import build_in_memory, build_option, ensure_store, queries_option
from kg.query import endpoint as remote
from kg.query import named as queries
from kg.query import output


def query_target(
    ctx: click.Context, data: Path | None, graph: Path | None, endpoint: str | None, build_dir: Path
) -> Any:
    """The store or endpoint a command runs on (at most one source option)."""
    if sum(x is not None for x in (data, graph, endpoint)) > 1:
        raise click.UsageError("give at most one of --data, --graph and --endpoint")
    if endpoint is not None:
        return remote.EndpointTarget(endpoint)
    if graph is not None:
        return queries.StoreTarget(queries.load_graph_file(graph))
    if data is not None:
        return queries.StoreTarget(build_in_memory(ctx, data, build_dir))
    return queries.StoreTarget(ensure_store(ctx, build_dir))


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
@click.option(
    "--data",
    "data",
    type=click.Path(path_type=Path, file_okay=False),
    help="Query this data directory, built in memory (nothing is written).",
)
@click.option(
    "--graph",
    "graph",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Query an RDF file (.ttl, .nt, .nq, .trig, .jsonld).",
)
@click.option("--endpoint", metavar="URL", help="Query a SPARQL 1.1 endpoint over HTTP.")
@build_option
@click.pass_context
def query(
    ctx: click.Context,
    name: str | None,
    params: tuple[str, ...],
    text: str | None,
    fmt: str,
    list_queries: bool,
    queries_dir: Path,
    data: Path | None,
    graph: Path | None,
    endpoint: str | None,
    build_dir: Path,
) -> None:
    """Run the named query NAME (or a .rq FILE, or -e TEXT) and print its rows.

    Without --data, --graph or --endpoint the query runs on the build (built first when
    stale). Rows go to stdout, the row count to stderr.

    Example:

    \b
        kg query --list && kg query tier-history -p country=PRK --format csv
    """
    if list_queries:
        listing = output.catalogue(queries.list_queries(queries_dir))
        click.echo(output.render(listing, fmt, max_width=100), nl=False)
        return
    spec = queries.resolve(queries_dir, name, text)
    bindings = queries.parse_assignments(params)
    target = query_target(ctx, data, graph, endpoint, build_dir)
    result = target.select(spec, bindings)
    labels = queries.fetch_labels(target, result) if fmt in ("table", "md") else {}
    click.echo(output.render(result, fmt, labels=labels), nl=False)
    click.echo(f"{len(result.rows)} row{'' if len(result.rows) == 1 else 's'}", err=True)


__all__ = ["query", "query_target"]
