"""``kg build`` and ``kg validate``: run the pipeline, with or without writing the outputs."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import click

from kg.cli.ending import keep
from kg.cli.inputs import dirs, settings
from kg.cli.options import engine_option, imports_option, local_data_options
from kg.cli.outputs import echo_results, progress
from kg.core.errors import ExitCode, display_path


@click.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build"),
    show_default=True,
    help="Where to write the outputs (replaced atomically).",
)
@click.option(
    "--store/--no-store",
    default=True,
    show_default=True,
    help="Also write OUT/store/, the on-disk store read-only commands open instead of parsing "
    "graph.nq, and keep the answers the flow network is read with. --no-store builds faster "
    "and takes less disk; every later command then parses graph.nq (seconds at a million "
    "triples). The store is written by a helper process with jemalloc, mimalloc or tcmalloc "
    "when the system has one (KG_STORE_MALLOC=PATH picks one, =system keeps the C library's).",
)
@engine_option
@imports_option
@local_data_options
@click.pass_context
def build(
    ctx: click.Context,
    out_dir: Path,
    store: bool,
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
        kg build --no-store   # no build/store/: faster, smaller; reads parse graph.nq
    """
    from kg import pipeline

    data_dir, ontology_dir = dirs(ctx, local_data, local_ontology)
    config = dataclasses.replace(
        settings(data_dir, ontology_dir, out_dir, engine),
        imports=imports,
        store=store,
        network=store,
    )
    started = time.perf_counter()
    result = pipeline.run(config, progress=progress())
    keep(result)  # never freed: the process ends with kg.cli.ending.quick_exit
    for item in result.imports:
        click.echo(item.report.lines()[0], err=True)
    echo_results(result.report, "text")
    if not result.report.conforms:
        click.echo(f"not written: {len(result.report.violations)} violations", err=True)
        ctx.exit(ExitCode.NONCONFORMANT)
    counts = result.graphs or pipeline.graph_counts(result.store)
    click.echo(
        f"built {display_path(out_dir)}/ from {len(result.docs)} YAML files in "
        f"{time.perf_counter() - started:.2f} s: {sum(counts.values())} triples in "
        f"{len(counts)} graphs ({sum(result.inferred.values())} inferred); conforms",
        err=True,
    )


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one line per result; json: a machine-readable report on stdout.",
)
@engine_option
@imports_option
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
    from kg import pipeline

    data_dir, ontology_dir = dirs(ctx, local_data, local_ontology)
    config = dataclasses.replace(
        settings(data_dir, ontology_dir, Path("build"), engine), imports=imports
    )
    result = pipeline.run(config, write=False, progress=progress())
    keep(result)
    echo_results(result.report, fmt)
    if fmt == "text":
        state = "conforms" if result.report.conforms else "does not conform"
        click.echo(
            f"{state}: {len(result.report.violations)} violations, "
            f"{len(result.report.warnings)} warnings",
            err=True,
        )
    if not result.report.conforms:
        ctx.exit(ExitCode.NONCONFORMANT)


__all__ = ["build", "validate"]
