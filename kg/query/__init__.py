"""Asking questions: the named queries of ``queries/`` and their parameters (``named``,
``params``), result writers (``output``) and SPARQL endpoints as a target (``endpoint``).
Takes a store or an endpoint URL, gives a ``QueryResult``.

May import: ``kg.core``.
"""
