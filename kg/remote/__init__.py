"""``kg push``: copy a build's named graphs to a triple store through the SPARQL 1.1 Graph
Store Protocol (``push``; what it works on and reports: ``result``) over a small, careful HTTP
client (``http``). Takes a store.

May import: ``kg.core``.
"""
