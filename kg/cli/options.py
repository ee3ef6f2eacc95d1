"""Options and helpers shared by several commands, each defined once."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from kg.core.errors import display_path

if TYPE_CHECKING:  # the pipeline is loaded when a command runs, not for --help
    from kg import pipeline

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
        default=None,
        envvar="KG_ONTOLOGY",
        help="Use this directory's kg.ttl, vocab.ttl and shapes.ttl instead of kg's own.",
    )(func)
    return _dir_option(
        "--data",
        "data_dir",
        default=Path("data"),
        show_default=True,
        envvar="KG_DATA",
        help="The project's data directory (YAML, see data/README.md): what kg build builds "
        "and what a stale build is rebuilt from.",
    )(func)


def local_data_options(func: F) -> F:
    """``--data``/``--ontology`` of ``kg build``/``kg validate`` (same as before the command)."""
    func = _dir_option(
        "--ontology", "local_ontology", default=None, help="Same as kg --ontology DIR."
    )(func)
    return _dir_option(
        "--data",
        "local_data",
        default=None,
        metavar="DIR",
        help="The data directory to build (YAML, see data/README.md); same as kg --data DIR.",
    )(func)


#: Help of the options that choose what a read-only command reads (``source_options``).
BUILD_HELP = "Read this build directory (default build/, built first when missing or stale)."
DATA_HELP = "Build this data directory in memory and read it (nothing is written)."
GRAPH_HELP = "Read this RDF file (.ttl, .nt, .nq, .trig, .jsonld)."
ENDPOINT_HELP = "Query this SPARQL 1.1 endpoint over HTTP."


@dataclass(frozen=True)
class Source:
    """What a read-only command reads: at most one of a build, a data directory, an RDF file or
    an endpoint; none means the project's build (``--build`` default, ``KG_BUILD``)."""

    build: Path | None = None
    data: Path | None = None
    graph: Path | None = None
    endpoint: str | None = None

    @property
    def build_dir(self) -> Path:
        """The build directory read when no other source is chosen."""
        return self.build or Path(os.environ.get("KG_BUILD") or "build")


def source_options(*, graph: bool = True, endpoint: bool = False) -> Callable[[F], F]:
    """``--build DIR`` | ``--data DIR`` [| ``--graph FILE``] [| ``--endpoint URL``], given to
    the command as one ``source: Source`` argument (at most one of them)."""
    names = ["build", "data", *(["graph"] if graph else []), *(["endpoint"] if endpoint else [])]

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            chosen = {n: kwargs.pop(f"source_{n}", None) for n in names}
            given = [f"--{n}" for n, v in chosen.items() if v is not None]
            if len(given) > 1:
                raise click.UsageError(f"give at most one of {', '.join(given)}")
            return func(*args, source=Source(**chosen), **kwargs)

        opts = [
            _dir_option("--build", "source_build", metavar="DIR", help=BUILD_HELP),
            _dir_option("--data", "source_data", metavar="DIR", help=DATA_HELP),
        ]
        if graph:
            opts.append(
                click.option(
                    "--graph",
                    "source_graph",
                    metavar="FILE",
                    type=click.Path(path_type=Path, dir_okay=False, exists=True),
                    help=GRAPH_HELP,
                )
            )
        if endpoint:
            opts.append(
                click.option("--endpoint", "source_endpoint", metavar="URL", help=ENDPOINT_HELP)
            )
        for opt in reversed(opts):
            wrapper = opt(wrapper)
        return wrapper  # type: ignore[return-value]

    return decorate


def deprecated(old: str, new: str) -> None:
    """Say on stderr (one line) that a spelling still works but will go in the next release."""
    click.echo(
        f"warning: {old} is deprecated and will be removed in the next release; {new}", err=True
    )


def queries_option(help: str) -> Callable[[F], F]:
    """``--queries DIR``: the project's named queries, beside (or replacing) kg's own."""
    return _dir_option(
        "--queries",
        "queries_dir",
        default=Path("queries"),
        show_default=True,
        envvar="KG_QUERIES",
        callback=_query_dirs,
        help=help,
    )


def _query_dirs(_ctx: click.Context, _param: click.Parameter, value: Path) -> list[Path]:
    """kg's shipped queries, then the project's ``value`` (which may replace some)."""
    from kg.query.named import query_dirs

    return query_dirs(value)


def output_option(default: str | None, help: str) -> Callable[[F], F]:
    """``-o/--output FILE`` (``-`` is stdout); required when there is no default."""
    if default is None:
        return click.option("-o", "--output", required=True, help=help)
    return click.option("-o", "--output", default=default, show_default=True, help=help)


_SIZE_UNITS: dict[str, int] = {"": 1, "B": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def parse_size(text: str) -> int | None:
    """``65536``, ``256K``, ``32M``, ``1G`` (powers of 1024) as bytes; None if not a size."""
    text = text.strip().upper().removesuffix("IB").removesuffix("B")
    number, unit = text.rstrip("KMG"), text[len(text.rstrip("KMG")) :]
    if not (number.isascii() and number.isdigit()) or unit not in _SIZE_UNITS or int(number) <= 0:
        return None
    return int(number) * _SIZE_UNITS[unit]


def byte_size(ctx: click.Context, param: click.Parameter, value: Any) -> int:
    """Click callback for a size option (a plain callback: click's ParamType generics differ
    between releases)."""
    if isinstance(value, int):
        return value
    size = parse_size(str(value))
    if size is None:
        raise click.BadParameter(f"{value!r} is not a size (e.g. 65536, 256K, 32M, 1G)", ctx, param)
    return size


def size_option(*decls: str, default: str, envvar: str, help: str) -> Callable[[F], F]:
    """An option taking a size in bytes (``256K``, ``32M``, ``1G``)."""
    return click.option(
        *decls,
        metavar="SIZE",
        default=default,
        show_default=True,
        envvar=envvar,
        callback=byte_size,
        help=help,
    )


engine_option = click.option(
    "--engine",
    type=click.Choice(["fast", "pyshacl"]),
    default="fast",
    show_default=True,
    help="SHACL engine: shapes compiled to SPARQL (fast) or the pySHACL reference.",
)
#: The project's import list, used by kg build and kg validate when it exists.
PROJECT_IMPORTS = Path("imports.yaml")

imports_option = click.option(
    "--imports",
    type=click.Path(path_type=Path),  # a directory is one line from read_imports, exit 1
    default=lambda: PROJECT_IMPORTS if PROJECT_IMPORTS.is_file() else None,
    envvar="KG_IMPORTS",
    help="Import list (YAML of kind/path/id) whose datasets are imported into the build "
    "[default: imports.yaml when it exists].",
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
    data_dir: Path, ontology_dir: Path | None, out_dir: Path, engine: str = "fast"
) -> pipeline.Settings:
    """Build settings from the directories the user gave (no ontology: kg's own)."""
    from kg.api.sources import settings as make

    return dataclasses.replace(make(data_dir, out_dir, ontology=ontology_dir), engine=engine)


def dirs(ctx: click.Context, data: Path | None, ontology: Path | None) -> tuple[Path, Path | None]:
    """The data and ontology directories: the command's own option wins over the group's."""
    root = ctx.find_root().params
    return data or root["data_dir"], ontology or root["ontology_dir"]


def source_store(ctx: click.Context, source: Source) -> Any:
    """The pyoxigraph store a read-only command reads; for an endpoint, a stand-in that runs
    the readers' SELECT queries on it (``kg.api.endpointstore``)."""
    from kg.api import sources

    root = ctx.find_root().params
    if source.endpoint is not None:
        from kg.api.endpointstore import EndpointStore
        from kg.query.endpoint import Endpoint

        return EndpointStore(Endpoint(source.endpoint))
    if source.graph is not None:
        return sources.from_file(source.graph)
    if source.data is not None:
        return sources.from_data(source.data, ontology=root["ontology_dir"])
    data: Path | None = root["data_dir"]
    chosen = ctx.find_root().get_parameter_source("data_dir")
    if (
        chosen in (None, click.core.ParameterSource.DEFAULT)
        and data is not None
        and not data.is_dir()
        and (source.build_dir / "graph.nq").is_file()
    ):
        data = None  # a build away from its project (copied, or --build elsewhere): read as is
    return sources.from_build(
        source.build_dir, data=data, ontology=root["ontology_dir"], progress=progress()
    )


def source_target(ctx: click.Context, source: Source) -> Any:
    """A query target (``kg.query``'s ``Target``): the endpoint, or the store of ``source``."""
    if source.endpoint is not None:
        from kg.query.endpoint import EndpointTarget

        return EndpointTarget(source.endpoint)
    from kg.query.named import StoreTarget

    return StoreTarget(source_store(ctx, source))


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


@contextlib.contextmanager
def output_stream(target: str) -> Iterator[IO[bytes]]:
    """A binary stream to stdout (``-``) or to a file that replaces ``target`` atomically once
    the block succeeds (then said on stderr): a large output is written as it is made."""
    if target == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    from kg.core.fileio import atomic_file

    with atomic_file(Path(target)) as stream:
        yield stream
        size = stream.tell()
    Path(target).chmod(0o644)
    click.echo(f"wrote {display_path(target)} ({size:,} bytes)", err=True)


def echo_results(report: Any, fmt: str) -> None:
    """Print validation results: JSON on stdout, or one line each on stderr."""
    if fmt == "json":
        import json

        click.echo(json.dumps(report.as_dict(), indent=1))
        return
    for result in report.results:
        click.echo(result.line(), err=True)


__all__ = [
    "Source",
    "byte_progress",
    "data_options",
    "deprecated",
    "dirs",
    "echo_results",
    "engine_option",
    "imports_option",
    "local_data_options",
    "output_option",
    "output_stream",
    "progress",
    "queries_option",
    "settings",
    "source_options",
    "source_store",
    "source_target",
    "write_output",
]
