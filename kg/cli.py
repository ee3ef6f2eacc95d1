"""The ``kg`` command line: the only module that imports click."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from kg import __version__, importers, output, pipeline, queries
from kg import endpoint as remote
from kg.errors import ExitCode, KGError, display_path

F = TypeVar("F", bound=Callable[..., Any])


class KGGroup(click.Group):
    """A click group that shows a ``KGError`` as one line and exits 1."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; map user errors to one line on stderr."""
        try:
            return super().invoke(ctx)
        except KGError as exc:
            if ctx.meta.get("kg.traceback") or os.environ.get("KG_TRACEBACK") == "1":
                raise
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(ExitCode.ERROR)


def data_options(func: F) -> F:
    """Options shared by commands that read the data directory."""
    func = click.option(
        "--ontology",
        "ontology_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=Path("ontology"),
        show_default=True,
        envvar="KG_ONTOLOGY",
        help="Directory with kg.ttl, vocab.ttl and shapes.ttl.",
    )(func)
    func = click.option(
        "--data",
        "data_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=Path("data"),
        show_default=True,
        envvar="KG_DATA",
        help="Directory of YAML sources (see data/README.md).",
    )(func)
    return func


def build_option(func: F) -> F:
    """The ``--build DIR`` option of commands that read a build."""
    return click.option(
        "--build",
        "build_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=Path("build"),
        show_default=True,
        envvar="KG_BUILD",
        help="Build directory; built first when missing or older than the data.",
    )(func)


def _progress() -> pipeline.Progress:
    """Show build stages on stderr once a build has run for a second (terminals only)."""
    start = time.monotonic()
    tty = sys.stderr.isatty()

    def show(stage: str) -> None:
        if tty and time.monotonic() - start > 1.0:
            click.echo(f"\r\x1b[K… {stage}", err=True, nl=False)

    return show


def _settings(
    data_dir: Path, ontology_dir: Path, out_dir: Path, engine: str = "fast"
) -> pipeline.Settings:
    return pipeline.Settings(
        data_dir=data_dir, ontology_dir=ontology_dir, out_dir=out_dir, engine=engine
    )


_engine_option = click.option(
    "--engine",
    type=click.Choice(["fast", "pyshacl"]),
    default="fast",
    show_default=True,
    help="SHACL engine: shapes compiled to SPARQL (fast) or the pySHACL reference.",
)
_imports_option = click.option(
    "--imports",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    envvar="KG_IMPORTS",
    help="Import list (YAML of kind/path/id) whose datasets are imported into the build.",
)


def local_data_options(func: F) -> F:
    """``--data``/``--ontology`` after the command name too (``kg build --data DIR``)."""
    func = click.option(
        "--ontology",
        "local_ontology",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="Same as kg --ontology DIR.",
    )(func)
    return click.option(
        "--data",
        "local_data",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="Same as kg --data DIR.",
    )(func)


def _dirs(ctx: click.Context, data: Path | None, ontology: Path | None) -> tuple[Path, Path]:
    """The data and ontology directories: the command's own option wins over the group's."""
    root = ctx.find_root().params
    return data or root["data_dir"], ontology or root["ontology_dir"]


def ensure_store(ctx: click.Context, build_dir: Path) -> Any:
    """Load (building first if stale) the store behind ``build_dir`` for read-only commands."""
    root = ctx.find_root().params
    settings = _settings(root["data_dir"], root["ontology_dir"], build_dir)
    return pipeline.ensure_build(settings, progress=_progress())


@click.group(cls=KGGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="kg")
@click.option("--traceback", is_flag=True, help="Show the stack trace of a user error.")
@data_options
@click.pass_context
def cli(ctx: click.Context, traceback: bool, data_dir: Path, ontology_dir: Path) -> None:
    """Build, validate, query and publish a knowledge graph of trafficking assessments.

    Exit codes: 0 ok, 1 bad input, 2 usage error, 3 the graph does not conform.

    Example:

    \b
        kg build && kg query tiers
    """
    ctx.meta["kg.traceback"] = traceback
    ctx.ensure_object(dict)


@cli.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build"),
    show_default=True,
    help="Where to write the outputs (replaced atomically).",
)
@_engine_option
@_imports_option
@local_data_options
@click.pass_context
def build(
    ctx: click.Context,
    out_dir: Path,
    engine: str,
    imports: Path | None,
    local_data: Path | None,
    local_ontology: Path | None,
) -> None:
    """Load, build, derive, validate and write the graph to OUT.

    Nothing is written unless the graph conforms, so a failed run leaves the previous build
    intact.

    Example:

    \b
        kg build --data data --out build
        kg build --imports imports.example.yaml   # also import the datasets it lists
    """
    data_dir, ontology_dir = _dirs(ctx, local_data, local_ontology)
    settings = _settings(data_dir, ontology_dir, out_dir, engine)
    settings = dataclasses.replace(settings, imports=imports)
    started = time.perf_counter()
    result = pipeline.run(settings, progress=_progress())
    for item in result.imports:
        click.echo(item.report.lines()[0], err=True)
    _echo_results(result.report, "text")
    if not result.report.conforms:
        click.echo(f"not written: {len(result.report.violations)} violations", err=True)
        ctx.exit(ExitCode.NONCONFORMANT)
    counts = pipeline.graph_counts(result.store)
    click.echo(
        f"built {display_path(out_dir)}/ from {len(result.docs)} YAML files in "
        f"{time.perf_counter() - started:.2f} s: {sum(counts.values())} triples in "
        f"{len(counts)} graphs ({sum(result.inferred.values())} inferred); conforms",
        err=True,
    )


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one line per result; json: a machine-readable report on stdout.",
)
@_engine_option
@_imports_option
@local_data_options
@click.pass_context
def validate(
    ctx: click.Context,
    fmt: str,
    engine: str,
    imports: Path | None,
    local_data: Path | None,
    local_ontology: Path | None,
) -> None:
    """Run every check of kg build without writing anything.

    Each violation is reported against the YAML file and line that produced it.

    Example:

    \b
        kg validate --data data --format json | jq .violations
    """
    data_dir, ontology_dir = _dirs(ctx, local_data, local_ontology)
    settings = _settings(data_dir, ontology_dir, Path("build"), engine)
    settings = dataclasses.replace(settings, imports=imports)
    result = pipeline.run(settings, write=False, progress=_progress())
    _echo_results(result.report, fmt)
    if fmt == "text":
        state = "conforms" if result.report.conforms else "does not conform"
        click.echo(
            f"{state}: {len(result.report.violations)} violations, "
            f"{len(result.report.warnings)} warnings",
            err=True,
        )
    if not result.report.conforms:
        ctx.exit(ExitCode.NONCONFORMANT)


@cli.command()
@build_option
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
@click.option(
    "--queries",
    "queries_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("queries"),
    show_default=True,
    envvar="KG_QUERIES",
    help="Named queries offered on the query page.",
)
@click.option(
    "--get",
    "get_path",
    metavar="PATH",
    help="Answer one GET request for PATH in-process, print the body and exit.",
)
@click.option(
    "--data",
    "data",
    type=click.Path(path_type=Path, file_okay=False),
    help="Serve this data directory, built in memory (nothing is written).",
)
@click.pass_context
def serve(
    ctx: click.Context,
    build_dir: Path,
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    workers: int,
    queries_dir: Path,
    get_path: str | None,
    data: Path | None,
) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint (/sparql) with a query page (/).

    Updates, LOAD and SERVICE are refused; a query over --timeout is stopped, a result over
    --max-rows refused. Exit status of --get: 0 for a 2xx/3xx answer, 1 otherwise.

    Example:

    \b
        kg serve --port 7878

        kg serve --get '/sparql?format=csv&query=SELECT ?c {?c tk:iso3166Alpha3 "PRK"}'
    """
    from kg import server

    store = _query_target(ctx, data, None, None, build_dir).store
    config = server.ServerConfig(timeout=timeout, max_rows=max_rows, queries_dir=queries_dir)
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


def _query_target(
    ctx: click.Context, data: Path | None, graph: Path | None, endpoint: str | None, build_dir: Path
) -> Any:
    """The store or endpoint ``kg query`` runs on (at most one source option)."""
    if sum(x is not None for x in (data, graph, endpoint)) > 1:
        raise click.UsageError("give at most one of --data, --graph and --endpoint")
    if endpoint is not None:
        return remote.EndpointTarget(endpoint)
    if graph is not None:
        return queries.StoreTarget(queries.load_graph_file(graph))
    if data is not None:
        root = ctx.find_root().params
        result = pipeline.run(_settings(data, root["ontology_dir"], build_dir), write=False)
        if not result.report.conforms:
            raise KGError(f"{display_path(data)} does not conform", hint="run 'kg validate'")
        return queries.StoreTarget(result.store)
    return queries.StoreTarget(ensure_store(ctx, build_dir))


@cli.command("query")
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
@click.option(
    "--queries",
    "queries_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("queries"),
    show_default=True,
    envvar="KG_QUERIES",
    help="Directory of named queries (*.rq).",
)
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
    target = _query_target(ctx, data, graph, endpoint, build_dir)
    result = target.select(spec, bindings)
    labels = queries.fetch_labels(target, result) if fmt in ("table", "md") else {}
    click.echo(output.render(result, fmt, labels=labels), nl=False)
    click.echo(f"{len(result.rows)} row{'' if len(result.rows) == 1 else 's'}", err=True)


def _write_output(target: str, data: bytes) -> None:
    """Write ``data`` to stdout (``-``) or atomically to a file, and say so on stderr."""
    if target == "-":
        click.get_binary_stream("stdout").write(data)
        return
    from kg.export import atomic_file

    with atomic_file(Path(target)) as stream:
        stream.write(data)
    Path(target).chmod(0o644)
    click.echo(f"wrote {display_path(target)} ({len(data):,} bytes)", err=True)


@cli.command("export")
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
@click.option("-o", "--output", default="-", show_default=True, help="Output file; - is stdout.")
@build_option
@click.pass_context
def export_cmd(
    ctx: click.Context, fmt: str, network: str | None, output: str, build_dir: Path
) -> None:
    """Export the graph as RDF, or as a network for Gephi, Cytoscape, igraph or networkx.

    Network files declare their attribute types and list nodes and edges in a stable order.

    Example:

    \b
        kg export --format graphml --network flows -o flows.graphml
    """
    from kg import netio

    if network and fmt in netio.RDF_FORMATS:
        raise click.UsageError("--network applies to graphml, gexf and csv only")
    store = ensure_store(ctx, build_dir)
    buf = io.BytesIO()
    netio.export(store, fmt, buf, network=network or "flows")
    _write_output(output, buf.getvalue())


@cli.group("viz")
def viz_group() -> None:
    """Draw the graph.

    Example:

    \b
        kg viz flows -o flows.html
    """


@viz_group.command("flows")
@click.option("-o", "--output", required=True, help="flows.svg, flows.png or flows.html.")
@click.option("--origin", metavar="ISO3", help="Only flows from this country.")
@click.option("--form", metavar="FORM", help="Only flows of this form (narrower forms too).")
@click.option("--year", type=int, help="Only flows of this year.")
@click.option("--top", type=click.IntRange(min=1), help="Only the N largest flows.")
@build_option
@click.pass_context
def viz_flows(
    ctx: click.Context,
    output: str,
    origin: str | None,
    form: str | None,
    year: int | None,
    top: int | None,
    build_dir: Path,
) -> None:
    """Draw a map of trafficking flows: static SVG or PNG, or an interactive HTML page.

    The format follows the file suffix; the HTML page works offline (pan, zoom, hover, filters).

    Example:

    \b
        kg viz flows --origin PRK -o prk-flows.svg
    """
    from kg import viz

    fmt = Path(output).suffix.lstrip(".").lower()
    if fmt not in viz.FORMATS:
        raise KGError(f"cannot tell the map format of {output!r}", hint="use .svg, .png or .html")
    store = ensure_store(ctx, build_dir)
    data = viz.render_flows(store, fmt, origin=origin, form=form, year=year, top=top)
    _write_output(output, data)


@cli.command("report")
@click.argument("iso3")
@click.option("-o", "--output", default="-", show_default=True, help="HTML file; - is stdout.")
@build_option
@click.pass_context
def report_cmd(ctx: click.Context, iso3: str, output: str, build_dir: Path) -> None:
    """Write the dossier of one country: a self-contained HTML page generated from the graph.

    Tier placements with their assessor, forms, flow map, policies, recommendations by pillar,
    contradicting claims side by side, and every source with its reliability.

    Example:

    \b
        kg report PRK -o PRK.html
    """
    from kg.report import render_report

    store = ensure_store(ctx, build_dir)
    _write_output(output, render_report(store, iso3))


@cli.command()
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
    from kg import remote

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


@cli.command("import")
@click.argument("kind", type=click.Choice(sorted(importers.IMPORTERS)))
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build/imports"),
    show_default=True,
    help="Directory for ID.nq (the dataset's graph) and ID.report.json (kg build replaces build/).",
)
@click.option("--id", "source_id", help="Source id, naming the graph tkg:source-ID.")
@click.pass_context
def import_(
    ctx: click.Context, kind: str, file: Path, out_dir: Path, source_id: str | None
) -> None:
    """Import one dataset FILE of KIND into its own named graph and report what happened.

    KIND is glotip (UNODC data_glotip.csv), tiers (TIP tier table tip_tiers_orig.csv) or
    ctdc (CTDC global dataset CSV). Country codes and names are reconciled with
    data/reference/countries.yaml; the summary lists rows read, facts written, rows skipped
    and why, and every value that is not a country or could not be mapped. Outputs are
    written atomically; to import into every build, list the file in an import list
    (kg build --imports FILE).

    Example:

    \b
        kg import glotip ../shared/data/unodc_glotip_2023/data_glotip.csv
    """
    root = ctx.find_root().params
    matcher = importers.load_matcher(root["data_dir"], root["ontology_dir"])
    with _byte_progress(f"importing {file.name}") as progress:
        result = importers.run_import(kind, file, matcher, source_id=source_id, progress=progress)
    written = importers.write_import(result, out_dir)
    click.echo("\n".join(result.report.lines()))
    click.echo(f"wrote {', '.join(display_path(p) for p in written)}", err=True)


@contextlib.contextmanager
def _byte_progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr (terminals only) once a task has run for a second."""
    start, bar = time.monotonic(), None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None and sys.stderr.isatty() and time.monotonic() - start > 1.0:
            bar = click.progressbar(length=max(total, 1), label=label, file=sys.stderr)
            bar.__enter__()
        if bar is not None:
            bar.update(done - bar.pos)

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def _echo_results(report: Any, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), indent=1))
        return
    for result in report.results:
        click.echo(result.line(), err=True)


def main() -> None:  # pragma: no cover - console entry point helper
    """Entry point that runs the CLI."""
    cli(prog_name="kg")


__all__ = ["build_option", "cli", "data_options", "ensure_store"]
