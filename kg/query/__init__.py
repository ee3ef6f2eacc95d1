"""Asking questions: the named queries of ``queries/`` (``named``; their header and results:
``spec``) and their parameters (``params``; bound into the text by ``inject``), result writers
(``output``) and SPARQL endpoints as a target (``endpoint``, over one HTTP exchange:
``exchange``, and reading its answer: ``results``). Takes a store or an endpoint URL, gives a
``QueryResult``.

May import: ``kg.core``.
"""
