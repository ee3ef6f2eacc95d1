"""Options and helpers shared by several commands, each defined once."""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from kg import pipeline
from kg.core.errors import KGError, display_path

F = TypeVar("F", bound=Callable[..., Any])


def _dir_option(*names: str, help: str, **extra: Any) -> Callable[[F], F]:
    return click.option(
        *names, type=click.Path(path_type=Path, file_okay=False), help=help, **extra
    )


def data_options(func: F) -> F:
    """``--data DIR`` and ``--ontology DIR`` of the ``kg`` group."""
    func = _dir_option(
        "--ontology",
        "ontology_dir",
        default=Path("ontology"),
        show_default=True,
        envvar="KG_ONTOLOGY",
        help="Directory with kg.ttl, vocab.ttl and shapes.ttl.",
    )(func)
    return _dir_option(
        "--data",
        "data_dir",
        default=Path("data"),
        show_default=True,
        envvar="KG_DATA",
        help="Directory of YAML sources (see data/README.md).",
    )(func)


def local_data_options(func: F) -> F:
    """``--data``/``--ontology`` after the command name too (``kg build --data DIR``)."""
    func = _dir_option(
        "--ontology", "local_ontology", default=None, help="Same as kg --ontology DIR."
    )(func)
    return _dir_option("--data", "local_data", default=None, help="Same as kg --data DIR.")(func)


def build_option(func: F) -> F:
    """The ``--build DIR`` option of commands that read a build."""
    return _dir_option(
        "--build",
        "build_dir",
        default=Path("build"),
        show_default=True,
        envvar="KG_BUILD",
        help="Build directory; built first when missing or older than the data.",
    )(func)


def queries_option(help: str) -> Callable[[F], F]:
    """``--queries DIR``: the directory of named queries."""
    return _dir_option(
        "--queries",
        "queries_dir",
        default=Path("queries"),
        show_default=True,
        envvar="KG_QUERIES",
        help=help,
    )


def output_option(default: str | None, help: str) -> Callable[[F], F]:
    """``-o/--output FILE`` (``-`` is stdout); required when there is no default."""
    if default is None:
        return click.option("-o", "--output", required=True, help=help)
    return click.option("-o", "--output", default=default, show_default=True, help=help)


engine_option = click.option(
    "--engine",
    type=click.Choice(["fast", "pyshacl"]),
    default="fast",
    show_default=True,
    help="SHACL engine: shapes compiled to SPARQL (fast) or the pySHACL reference.",
)
imports_option = click.option(
    "--imports",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    envvar="KG_IMPORTS",
    help="Import list (YAML of kind/path/id) whose datasets are imported into the build.",
)


def progress() -> pipeline.Progress:
    """Show build stages on stderr once a build has run for a second (terminals only)."""
    start = time.monotonic()
    tty = sys.stderr.isatty()

    def show(stage: str) -> None:
        if tty and time.monotonic() - start > 1.0:
            click.echo(f"\r\x1b[K… {stage}", err=True, nl=False)

    return show


@contextlib.contextmanager
def byte_progress(label: str) -> Iterator[Callable[[int, int], None]]:
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


def settings(
    data_dir: Path, ontology_dir: Path, out_dir: Path, engine: str = "fast"
) -> pipeline.Settings:
    """Build settings from the directories the user gave."""
    return pipeline.Settings(
        data_dir=data_dir, ontology_dir=ontology_dir, out_dir=out_dir, engine=engine
    )


def dirs(ctx: click.Context, data: Path | None, ontology: Path | None) -> tuple[Path, Path]:
    """The data and ontology directories: the command's own option wins over the group's."""
    root = ctx.find_root().params
    return data or root["data_dir"], ontology or root["ontology_dir"]


def ensure_store(ctx: click.Context, build_dir: Path) -> Any:
    """Load (building first if stale) the store behind ``build_dir`` for read-only commands."""
    root = ctx.find_root().params
    return pipeline.ensure_build(
        settings(root["data_dir"], root["ontology_dir"], build_dir), progress=progress()
    )


def build_in_memory(ctx: click.Context, data: Path, build_dir: Path) -> Any:
    """Build the data directory ``data`` in memory; a graph that does not conform is an error."""
    root = ctx.find_root().params
    result = pipeline.run(settings(data, root["ontology_dir"], build_dir), write=False)
    if not result.report.conforms:
        raise KGError(f"{display_path(data)} does not conform", hint="run 'kg validate'")
    return result.store


def write_output(target: str, data: bytes) -> None:
    """Write ``data`` to stdout (``-``) or atomically to a file, and say so on stderr."""
    if target == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    from kg.core.fileio import atomic_file

    with atomic_file(Path(target)) as stream:
        stream.write(data)
    Path(target).chmod(0o644)
    click.echo(f"wrote {display_path(target)} ({len(data):,} bytes)", err=True)


def echo_results(report: Any, fmt: str) -> None:
    """Print validation results: JSON on stdout, or one line each on stderr."""
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), indent=1))
        return
    for result in report.results:
        click.echo(result.line(), err=True)


__all__ = [
    "build_in_memory",
    "build_option",
    "byte_progress",
    "data_options",
    "dirs",
    "echo_results",
    "engine_option",
    "ensure_store",
    "imports_option",
    "local_data_options",
    "output_option",
    "progress",
    "queries_option",
    "settings",
    "write_output",
]
