"""What a command writes: its output to stdout or atomically to a file (said on stderr),
validation results, and progress on stderr (terminals only, once a task has run for a second).
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from kg.core.errors import display_path

if TYPE_CHECKING:  # the pipeline is loaded when a command runs, not for --help
    from kg import pipeline


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


def write_output(target: str, data: bytes) -> None:
    """Write ``data`` to stdout (``-``) or atomically to a file, and say so on stderr."""
    if target == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    from kg.core.fileio import atomic_file

    with atomic_file(Path(target), output=True) as stream:
        stream.write(data)
    click.echo(f"wrote {display_path(target)} ({len(data):,} bytes)", err=True)


@contextlib.contextmanager
def output_stream(target: str) -> Iterator[IO[bytes]]:
    """A binary stream to stdout (``-``) or to a file that replaces ``target`` atomically once
    the block succeeds (then said on stderr): a large output is written as it is made."""
    if target == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    from kg.core.fileio import atomic_file

    with atomic_file(Path(target), output=True) as stream:
        yield stream
        size = stream.tell() if stream.seekable() else None  # a device or a pipe: not known
    said = f" ({size:,} bytes)" if size else ""
    click.echo(f"wrote {display_path(target)}{said}", err=True)


def echo_results(report: Any, fmt: str) -> None:
    """Print validation results: JSON on stdout, or one line each on stderr."""
    if fmt == "json":
        import json

        click.echo(json.dumps(report.as_dict(), indent=1))
        return
    for result in report.results:
        click.echo(result.line(), err=True)


__all__ = ["byte_progress", "echo_results", "output_stream", "progress", "write_output"]
