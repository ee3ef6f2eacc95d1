"""``kg.open`` and the graph it gives: named questions, flow networks and dossiers in Python."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox

from kg.api import sources
from kg.api.result import Result
from kg.api.values import param_value
from kg.core.errors import ConfigError, Location, SourceError, display_path
from kg.query import named
from kg.query.named import QuerySpec, Target

_URL = re.compile(r"^https?://", re.I)


class Graph:
    """A graph to ask questions of: a local store, or a SPARQL endpoint (whose default graph is
    the union of its named graphs, as kg serve's is: flows and dossiers read it by queries).

    Make one with :func:`kg.open` (or take ``kg.build(...).graph``).
    """

    def __init__(
        self,
        store: ox.Store | None = None,
        *,
        endpoint: str | None = None,
        queries: Sequence[Path] = (),
        origin: str = "",
    ) -> None:
        if (store is None) == (endpoint is None):
            raise ValueError("give a store or an endpoint")
        self._store = store
        self.endpoint = endpoint
        #: Where named queries are looked up: kg's own, then the project's (later ones win).
        self.query_dirs: list[Path] = list(queries) or named.query_dirs()
        #: What was opened, for messages and repr.
        self.origin = origin or (endpoint or "a store")

    @property
    def store(self) -> ox.Store:
        """The pyoxigraph store (not for an endpoint)."""
        if self._store is None:
            raise ConfigError(
                f"{self.origin} is a SPARQL endpoint: it has no local store",
                hint="open a build, a data directory or an RDF file for the store itself",
            )
        return self._store

    def _reader(self) -> ox.Store:
        """What the flow network and the dossier read: the store, or the endpoint standing in
        for it (they only run SELECT queries over the union of the graphs)."""
        if self._store is not None:
            return self._store
        from kg.api.endpointstore import EndpointStore
        from kg.query.endpoint import Endpoint

        assert self.endpoint is not None
        return cast(ox.Store, EndpointStore(Endpoint(self.endpoint)))

    def _target(self) -> Target:
        if self.endpoint is not None:
            from kg.query.endpoint import EndpointTarget

            return EndpointTarget(self.endpoint)
        return named.StoreTarget(self.store)

    def query(self, name_or_text: str, /, **params: Any) -> Result:
        """Run a named query (``"tiers"``), a ``.rq`` file or SPARQL text, with parameters.

        Parameters are checked and bound as ``kg query -p name=value`` binds them: ``country``
        takes an ISO3 code or an IRI, ``year`` an int, ``"*"`` means any value.

        Raises:
            QueryError: an unknown query or parameter, a bad value, a syntax error.
        """
        spec = self._spec(name_or_text)
        bindings = {k: param_value(k, v) for k, v in params.items()}
        target = self._target()
        raw = target.select(spec, bindings)
        return Result(raw, spec, named.fetch_labels(target, raw))

    def _spec(self, name_or_text: str) -> QuerySpec:
        one = name_or_text.strip()
        if "\n" in one or (re.search(r"\s", one) and not one.endswith(".rq")):
            return named.parse_spec(name_or_text, "query")  # SPARQL text
        return named.resolve(self.query_dirs, one, None)  # a name, or a .rq file

    def queries(self) -> list[QuerySpec]:
        """The named queries (kg's and the project's): name, title, description and ``params``
        (each with its name, type, default and description)."""
        return named.list_queries(self.query_dirs)

    def flows(
        self,
        *,
        origin: str | None = None,
        form: str | None = None,
        year: int | None = None,
        top: int | None = None,
        country: str | None = None,
    ) -> Any:
        """The flow network as a ``networkx.MultiDiGraph``: countries and regions as nodes (by
        ISO3 or M49 code), one edge per flow and destination, keyed by the flow IRI.

        ``origin``/``country`` (from, or from or to) take ISO3 codes, ``form`` a form id (narrower
        forms match too), ``top`` keeps the N largest flows.
        """
        from kg.network.flows import flow_network

        return flow_network(
            self._reader(), origin=origin, form=form, year=year, top=top, country=country
        )

    def report(self, country: str) -> str:
        """The dossier of ``country`` (ISO3) as one self-contained HTML page."""
        from kg.report.dossier import render_report

        return render_report(self._reader(), country).decode("utf-8")

    def counts(self) -> dict[str, int]:
        """Triples per named graph."""
        from kg.pipeline import graph_counts

        return graph_counts(self._reader())

    def __repr__(self) -> str:
        kind = "endpoint" if self.endpoint else f"{len(self.store)} quads"
        return f"<kg.Graph {self.origin} ({kind})>"


def open(  # the public name kg.open, as io.open; it shadows the builtin in this module only
    source: str | os.PathLike[str],
    *,
    queries: str | os.PathLike[str] | None = None,
    ontology: str | os.PathLike[str] | None = None,
) -> Graph:
    """Open a graph: a build directory, an RDF file, a data directory, a project, or a URL.

    - ``"build"`` (a directory with ``graph.nq``): the build, read as it is;
    - ``"graph.trig"`` (``.ttl``, ``.nt``, ``.nq``, ``.trig``, ``.jsonld``, ``.rdf``): the file;
    - ``"my-project"`` (a directory with ``data/``, as ``kg init`` makes): its ``build/``, built
      first when missing or stale, as ``kg query`` run inside it would;
    - ``"data"`` (any other directory of YAML): built in memory, nothing written;
    - ``"http://host/sparql"``: a SPARQL 1.1 endpoint (queries only).

    ``queries`` is the project's folder of ``*.rq`` beside kg's own (default: the project's
    ``queries/``, else ``./queries``); ``ontology`` replaces kg's ontology for a build.

    Raises:
        KGError: the same one-line errors as the command line.
    """
    text = os.fspath(source)
    own = Path(queries) if queries is not None else None
    onto = Path(ontology) if ontology is not None else None
    if _URL.match(text):
        return Graph(endpoint=text, queries=named.query_dirs(own or Path("queries")))
    path = Path(text)
    if path.is_file():
        store = sources.from_file(path)
    elif (path / "graph.nq").is_file():
        store = sources.from_build(path)
    elif (path / "data").is_dir():
        imports = path / "imports.yaml"
        store = sources.from_build(
            path / "build",
            data=path / "data",
            ontology=onto,
            imports=imports if imports.is_file() else None,
        )
        own = own or path / "queries"
    elif path.is_dir():
        store = sources.from_data(path, ontology=onto)
    else:
        raise SourceError(
            "no such file or directory",
            where=Location(display_path(path)),
            hint="give a build directory, an RDF file, a data directory or an endpoint URL",
        )
    return Graph(store, queries=named.query_dirs(own or Path("queries")), origin=display_path(path))


__all__ = ["Graph", "open"]
