"""The Python API: open a graph (a build, an RDF file, a data directory or an endpoint), build
one, ask it the named questions and get Python values, DataFrames, networks and dossiers back;
and start a data project (``project``). Everything a command can do, a notebook can do too.

May import: every library subpackage below it (``kg.core``, ``kg.source``, ``kg.importers``,
``kg.graph``, ``kg.shacl``, ``kg.query``, ``kg.network``, ``kg.viz``, ``kg.report``,
``kg.server``, ``kg.remote``, ``kg.pipeline``); never ``kg.cli``.
"""
