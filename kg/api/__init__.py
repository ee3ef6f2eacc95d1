"""The Python API: open a graph (a build, an RDF file, a data directory or an endpoint), build
one, ask it the named questions and get Python values, DataFrames, networks and dossiers back;
and start a data project (``project``). Everything a command can do, a notebook can do too.

May import: every library subpackage below it (``kg.core``, ``kg.source``, ``kg.importers``,
``kg.graph``, ``kg.shacl``, ``kg.query``, ``kg.network``, ``kg.viz``, ``kg.report``,
``kg.server``, ``kg.remote``, ``kg.pipeline``); never ``kg.cli``.
"""

from kg.api.builder import Built, build
from kg.api.graph import Graph, open
from kg.api.project import init_project
from kg.api.result import Result, Row
from kg.api.values import IRI

__all__ = ["IRI", "Built", "Graph", "Result", "Row", "build", "init_project", "open"]
