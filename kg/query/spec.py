"""What a named query is and gives: its text and comment header (``QuerySpec``, read by
``parse_spec``), the rows it answers (``QueryResult``), anything that answers it (``Target``),
and ``-p name=value`` assignments from the command line."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from kg.core.errors import Location, QueryError, display_path
from kg.query.params import Param, parse_param_line

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = tuple[Term | None, ...]

_FIELD = re.compile(r"#\s*(title|description|question|param)\s*:\s*(.*)$")
_CONTINUED = re.compile(r"#\s{2,}(\S.*)$")


@dataclass(frozen=True)
class QuerySpec:
    """A query and what its header says about it."""

    name: str
    title: str
    description: str
    question: str
    params: tuple[Param, ...]
    text: str
    path: Path | None = None

    @property
    def where(self) -> Location:
        """Where the query comes from, for error messages."""
        return Location(display_path(self.path) if self.path else f"query {self.name!r}")


@dataclass(frozen=True)
class QueryResult:
    """The rows of a SELECT query: ``vars`` names the columns, ``None`` is an unbound cell;
    ``warnings`` say why an answer may not be what was meant (an endpoint's empty default
    graph)."""

    vars: list[str]
    rows: list[Row]
    warnings: tuple[str, ...] = ()


class Target(Protocol):
    """Something that answers SELECT queries: the local store or a remote endpoint."""

    def select(self, spec: QuerySpec, params: Mapping[str, str | Term]) -> QueryResult:
        """Run ``spec`` with ``params`` bound."""
        ...


def parse_spec(text: str, name: str, path: Path | None = None) -> QuerySpec:
    """Read the comment header of a query text."""
    fields: dict[str, list[str]] = {"title": [], "description": [], "question": []}
    raw_params: list[list[str]] = []
    current: list[str] | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        field = _FIELD.match(stripped)
        more = _CONTINUED.match(line.rstrip())
        if field:
            key, value = field.groups()
            current = [value.strip()]
            if key == "param":
                raw_params.append(current)
            else:
                fields[key] = current
        elif more and current is not None:
            current.append(more.group(1).strip())
        else:
            current = None
    where = Location(display_path(path)) if path else Location(f"query {name!r}")
    params = tuple(parse_param_line(" ".join(p), where) for p in raw_params)
    seen = [p.name for p in params]
    for p in params:
        if seen.count(p.name) > 1:
            raise QueryError(f"parameter {p.name!r} is declared twice", where=where)
    return QuerySpec(
        name=name,
        title=" ".join(fields["title"]),
        description=" ".join(fields["description"]),
        question=" ".join(fields["question"]),
        params=params,
        text=text,
        path=path,
    )


def parse_assignments(items: Sequence[str]) -> dict[str, str]:
    """Parse ``-p key=value`` items; a repeated key keeps its last value."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"bad parameter {item!r}", hint="write -p NAME=VALUE")
        out[key.strip()] = value.strip()
    return out
