"""``kg push``: copy a build's named graphs to a triple store through the SPARQL 1.1 Graph
Store Protocol (``push``; one push in progress: ``job``; what it works on and reports:
``result``; comparing a graph with the store's copy as N-Triples lines: ``diff``; a small change
as one SPARQL Update: ``patch``) over a small, careful HTTP client (``http``;
one request and its answer under a deadline: ``exchange``). Takes a store.

May import: ``kg.core``.
"""
