"""The ``kg`` group: global options, one-line errors, and every command attached in order."""

from __future__ import annotations

import logging
import os
import select
import sys
import traceback as tb
from typing import Any, NoReturn

import click

from kg.cli.build import build, validate
from kg.cli.ending import quick_exit, start
from kg.cli.export import export
from kg.cli.extract import extract
from kg.cli.imports import import_
from kg.cli.init import init
from kg.cli.options import data_options
from kg.cli.push import push
from kg.cli.query import query
from kg.cli.report import report
from kg.cli.serve import serve
from kg.cli.viz import viz
from kg.core.errors import ExitCode, KGError, display_path, printable


def show_version(ctx: click.Context) -> None:
    """Print ``kg, version X`` and exit (the version is read only when asked for)."""
    from kg.core.version import __version__

    click.echo(f"kg, version {__version__}")
    ctx.exit()


class _Warnings(logging.Handler):
    """Shows kg's logged warnings and errors as ``warning: …`` or ``error: …`` lines on stderr
    (library code never prints); an error's exception is named on the same line, and its stack
    trace follows only with ``--traceback`` (or ``KG_TRACEBACK=1``)."""

    #: Whether stack traces are shown (``kg --traceback``).
    traces = False

    def emit(self, record: logging.LogRecord) -> None:
        level = "error" if record.levelno >= logging.ERROR else "warning"
        line = f"{level}: {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            line += f" ({type(exc).__name__}: {' '.join(str(exc).split())[:300]})"
        click.echo(line, err=True)
        if record.exc_info and (self.traces or os.environ.get("KG_TRACEBACK") == "1"):
            click.echo("".join(tb.format_exception(*record.exc_info)).rstrip(), err=True)


def show_warnings(traces: bool = False) -> None:
    """Route the ``kg`` loggers' warnings and errors to stderr (once per process)."""
    _Warnings.traces = traces
    logger = logging.getLogger("kg")
    if not any(isinstance(h, _Warnings) for h in logger.handlers):
        handler = _Warnings(logging.WARNING)
        logger.addHandler(handler)


def stdout_closed() -> bool:
    """Whether nobody reads stdout any more (the other end of its pipe was closed, as ``head``
    does once it has its lines); if so, stdout goes to the null device from now on, so that
    nothing more is written to it and the last flush does not fail."""
    try:
        fd = sys.stdout.fileno()
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        closed = any(event & select.POLLERR for _, event in poller.poll(0))
    except (AttributeError, OSError, ValueError):  # no such stream, or not a file (a test)
        return False
    if closed:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
    return closed


def os_error_line(exc: OSError) -> str:
    """An ``OSError`` as one line: the file it names (escaped, cut short) and the reason."""
    reason = exc.strerror or type(exc).__name__
    if not isinstance(exc.filename, str | bytes | os.PathLike):
        return reason
    shown = display_path(os.fsdecode(exc.filename))
    shown = shown if shown.isprintable() else repr(shown)[1:-1]
    if len(shown) > 120:
        shown = shown[:57] + "..." + shown[-60:]
    return f"{shown}: {reason}"


#: How RocksDB's errors begin, as pyoxigraph raises them (RuntimeError) from an on-disk store.
_STORE_ERRORS = ("Corruption:", "IO error:")


def store_error_line(exc: RuntimeError) -> str | None:
    """A RocksDB error met while reading an on-disk store (damage the checks at opening cannot
    see: a data file changed in place, its size and time kept) as one line with what to do;
    None for any other RuntimeError."""
    text = " ".join(str(exc).split())
    if not text.startswith(_STORE_ERRORS):
        return None
    if len(text) > 240:
        text = text[:237] + "..."
    return printable(
        f"the on-disk store cannot be read: {text} (it is damaged: run 'kg build' to write it "
        "again)"
    )


class KGGroup(click.Group):
    """A click group that shows a ``KGError`` as one line and exits 1."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; map user errors to one line on stderr."""
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            if not stdout_closed():
                raise
            ctx.exit(ExitCode.CLOSED_PIPE)  # quietly, as cat in 'cat FILE | head'
        except KGError as exc:
            if ctx.meta.get("kg.traceback") or os.environ.get("KG_TRACEBACK") == "1":
                raise
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(ExitCode.ERROR)
        except OSError as exc:  # the system refused a file kg had not foreseen: still one line
            if ctx.meta.get("kg.traceback") or os.environ.get("KG_TRACEBACK") == "1":
                raise
            click.echo(f"Error: {os_error_line(exc)}", err=True)
            ctx.exit(ExitCode.ERROR)
        except RuntimeError as exc:  # a damaged on-disk store, met while a query reads it
            line = store_error_line(exc)
            if (
                line is None
                or ctx.meta.get("kg.traceback")
                or os.environ.get("KG_TRACEBACK") == "1"
            ):
                raise
            click.echo(f"Error: {line}", err=True)
            ctx.exit(ExitCode.ERROR)


@click.group(cls=KGGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=lambda ctx, _param, value: show_version(ctx) if value else None,
    help="Show the version and exit.",
)
@click.option("--traceback", is_flag=True, help="Show the stack trace of a user error.")
@data_options
@click.pass_context
def cli(ctx: click.Context, traceback: bool, data_dir: Any, ontology_dir: Any) -> None:
    """Build, validate, query and publish a knowledge graph of trafficking assessments.

    Exit codes: 0 ok, 1 bad input, 2 usage error, 3 the graph does not conform,
    141 the reader of its output stopped reading (kg query | head).

    Example:

    \b
        kg build && kg query tiers
    """
    ctx.meta["kg.traceback"] = traceback
    ctx.ensure_object(dict)
    show_warnings(traceback)


for command in (init, build, validate, serve, query, export, viz, report, push, import_, extract):
    cli.add_command(command)


def main() -> NoReturn:
    """The ``kg`` command (and ``python -m kg``): run the CLI, then end the process without
    tearing it down (``kg.cli.ending``)."""
    start()
    try:
        cli.main(prog_name="kg")
    except SystemExit as exc:
        quick_exit(exc.code)
    quick_exit(0)  # click always exits; kept for a CLI that returns


__all__ = ["KGGroup", "cli", "main"]
