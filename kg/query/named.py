"""Stage 5: the named SPARQL queries in ``queries/*.rq`` and running them on a store.

A query file starts with ``#`` header lines: ``# title: …``, ``# description: …``,
``# question: …`` and one ``# param: name (type) = default — description`` per parameter
(an indented ``#`` line continues the previous field). Parameters are SPARQL variables: each
value is parsed into one RDF term and bound by a one-row ``VALUES`` block at the start of the
WHERE group and of each subquery naming it (``kg.query.inject``), never by splicing the value.
A default of ``*`` leaves the variable unbound, which means "any"; test it with
``!BOUND(?p) || …``.
Parameter names are reserved: a query uses ``?p`` for parameter ``p`` only. The header and the
result types are in ``kg.query.spec`` (importable from here too).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.core.errors import Location, QueryError, SourceError, choices_hint, display_path
from kg.query.params import ANY, Param, bind_params, check_known, inject_values
from kg.query.spec import (
    QueryResult,
    QuerySpec,
    Row,
    Target,
    Term,
    parse_assignments,
    parse_spec,
)

_SYNTAX_AT = re.compile(r"error at (\d+):(\d+)")


#: Where named queries are looked up: one directory, or several (later ones override earlier).
QueryDirs = Path | Sequence[Path]


def query_dirs(project: Path | None = Path("queries")) -> list[Path]:
    """The shipped queries, then a project's own (``./queries`` by default), which may add
    queries or replace a shipped one of the same name."""
    from kg.core.resources import shipped

    dirs = [shipped("queries")]
    if project is not None and project.resolve() != dirs[0].resolve():
        dirs.append(project)
    return dirs


def _dirs(queries: QueryDirs) -> list[Path]:
    return [queries] if isinstance(queries, Path) else list(queries)


def discover(queries: QueryDirs) -> dict[str, Path]:
    """Return the named queries: name (file stem) → path, sorted by name; a query in a later
    directory replaces one of the same name in an earlier one."""
    found: dict[str, Path] = {}
    for directory in _dirs(queries):
        if directory.is_dir():
            found.update((p.stem, p) for p in sorted(directory.glob("*.rq")) if p.is_file())
    return dict(sorted(found.items()))


def load_file(path: Path, name: str | None = None) -> QuerySpec:
    """Read and parse one query file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"cannot read query: {exc}", where=Location(display_path(path))) from exc
    return parse_spec(text, name or path.stem, path)


def load_query(queries: QueryDirs, name: str) -> QuerySpec:
    """Return the named query, or raise a ``QueryError`` listing the available names."""
    found = discover(queries)
    if name not in found:
        if not found:
            where = ", ".join(f"{display_path(d)}/" for d in _dirs(queries))
            raise QueryError(f"unknown query {name!r}: no *.rq files in {where}")
        raise QueryError(f"unknown query {name!r}", hint=choices_hint(name, found, limit=20))
    return load_file(found[name], name)


def list_queries(queries: QueryDirs) -> list[QuerySpec]:
    """Parse every named query, sorted by name."""
    return [load_file(path, name) for name, path in discover(queries).items()]


def resolve(queries: QueryDirs, name: str | None, text: str | None) -> QuerySpec:
    """Turn the command-line choice (a name, a ``.rq`` path, or query text) into a spec."""
    if text is not None:
        if name:
            raise QueryError("give a query NAME or -e TEXT, not both")
        return parse_spec(text, "-e")
    if not name:
        names = ", ".join(discover(queries)) or "none"
        raise QueryError("no query given", hint=f"name one of: {names}; or use -e or --list")
    path = Path(name)
    if name.endswith(".rq") or "/" in name or path.is_file():
        if not path.is_file():
            raise QueryError(f"no query file {name!r}")
        return load_file(path)
    return load_query(queries, name)


def check_syntax(spec: QuerySpec) -> None:
    """Parse the query on an empty store so syntax errors are reported before any work."""
    _execute(ox.Store(), spec, spec.text)


def _execute(store: ox.Store, spec: QuerySpec, text: str) -> ox.QuerySolutions:
    try:
        answer = store.query(text, use_default_graph_as_union=True)
    except SyntaxError as exc:
        message = str(exc).splitlines()[0] if str(exc) else "invalid query"
        at = _SYNTAX_AT.search(message)
        base = spec.where
        where = Location(base.path, int(at.group(1)), int(at.group(2))) if at else base
        raise QueryError(f"SPARQL syntax error: {message}", where=where) from exc
    except (RuntimeError, OSError) as exc:
        raise QueryError(f"query failed: {exc}", where=spec.where) from exc
    if not isinstance(answer, ox.QuerySolutions):
        raise QueryError("kg query runs SELECT queries only", where=spec.where)
    return answer


def run_query(
    store: ox.Store, spec_or_text: QuerySpec | str, params: Mapping[str, str | Term] | None = None
) -> QueryResult:
    """Run a SELECT query on ``store`` (named graphs seen as one default graph).

    Args:
        store: the pyoxigraph store to query.
        spec_or_text: a parsed query, or query text (its header is parsed).
        params: parameter values: strings are parsed by the parameter's declared type.

    Returns:
        The columns and rows.

    Raises:
        QueryError: unknown or missing parameter, a bad value, a syntax error.
    """
    spec = parse_spec(spec_or_text, "-e") if isinstance(spec_or_text, str) else spec_or_text
    bound = bind_params(spec.name, spec.params, params or {})
    check_known(store, spec.params, bound)
    if bound:
        check_syntax(spec)  # report positions in the text as written
    solutions = _execute(store, spec, inject_values(spec.text, bound))
    variables = [v.value for v in solutions.variables]
    rows: list[Row] = [tuple(sol) for sol in solutions]  # cells in the order of the variables
    return QueryResult(variables, rows)


@dataclass(frozen=True)
class StoreTarget:
    """A local pyoxigraph store as a query target."""

    store: ox.Store

    def select(self, spec: QuerySpec, params: Mapping[str, str | Term]) -> QueryResult:
        """Run ``spec`` on the store."""
        return run_query(self.store, spec, params)


_LABELS = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?s ?p ?label WHERE {{
  VALUES ?s {{ {iris} }}
  VALUES ?p {{ skos:prefLabel rdfs:label }}
  ?s ?p ?label .
}}"""


def fetch_labels(target: Target, result: QueryResult, *, chunk: int = 500) -> dict[str, str]:
    """Return IRI → display label (skos:prefLabel, else rdfs:label; English preferred)."""
    iris = sorted({t.value for row in result.rows for t in row if isinstance(t, ox.NamedNode)})
    best: dict[str, tuple[int, str]] = {}
    for start in range(0, len(iris), chunk):
        values = " ".join(str(ox.NamedNode(i)) for i in iris[start : start + chunk])
        spec = parse_spec(_LABELS.format(iris=values), "labels")
        for s, p, label in target.select(spec, {}).rows:
            if not isinstance(s, ox.NamedNode) or not isinstance(label, ox.Literal):
                continue
            lang = label.language or ""
            rank = (0 if isinstance(p, ox.NamedNode) and p.value.endswith("prefLabel") else 2) + (
                0 if lang in ("en", "") or lang.startswith("en-") else 1
            )
            if s.value not in best or (rank, label.value) < best[s.value]:
                best[s.value] = (rank, label.value)
    return {iri: label for iri, (_, label) in best.items()}


def load_graph_file(path: Path) -> ox.Store:
    """Load an RDF file (format from its extension) into a new in-memory store."""
    ext = path.suffix.lstrip(".").lower()
    fmt = ox.RdfFormat.from_extension(ext)
    if fmt is None:
        raise SourceError(
            f"unknown RDF file type '.{ext}'",
            where=Location(display_path(path)),
            hint="use .ttl, .nt, .nq, .trig, .jsonld or .rdf",
        )
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=fmt)
    except SyntaxError as exc:
        line = getattr(exc, "lineno", None) or 0
        col = getattr(exc, "offset", None) or 0
        where = Location(display_path(path), line, col)
        raise SourceError(f"cannot parse: {str(exc).splitlines()[0]}", where=where) from exc
    except OSError as exc:
        raise SourceError(f"cannot read: {exc}", where=Location(display_path(path))) from exc
    return store


__all__ = [
    "ANY",
    "Param",
    "QueryDirs",
    "QueryResult",
    "QuerySpec",
    "Row",
    "StoreTarget",
    "Target",
    "Term",
    "check_syntax",
    "discover",
    "fetch_labels",
    "list_queries",
    "load_graph_file",
    "load_query",
    "parse_assignments",
    "parse_spec",
    "query_dirs",
    "resolve",
    "run_query",
]
