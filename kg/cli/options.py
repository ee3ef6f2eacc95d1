"""The options shared by several commands, each defined once: where the data, ontology and
named queries are, what a read-only command reads (``source_options``), outputs, sizes, the
SHACL engine and the import list. What a command then reads and writes is in ``kg.cli.inputs``
and ``kg.cli.outputs``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from kg.cli.inputs import Source, source_store
from kg.cli.outputs import output_stream, write_output

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


__all__ = [
    "Source",
    "byte_size",
    "data_options",
    "deprecated",
    "engine_option",
    "imports_option",
    "local_data_options",
    "output_option",
    "output_stream",  # re-exported: kg.cli.export imports it from here
    "parse_size",
    "queries_option",
    "size_option",
    "source_options",
    "source_store",  # re-exported, as output_stream
    "write_output",  # re-exported, as output_stream
]
