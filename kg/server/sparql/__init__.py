"""A recogniser for the SPARQL query language exactly as pyoxigraph 0.5 parses it.

The endpoint's guard (:mod:`kg.server.guard`) must know what pyoxigraph will do with a query
before pyoxigraph sees it, so this is a port of pyoxigraph's own grammar (the rust-peg grammar
of ``spargebra`` 0.5, SPARQL 1.1 with the 1.2 and SEP-0002/0006 additions pyoxigraph enables):
the same ordered choices, the same keyword matching (ASCII case-insensitive, no word
boundary), the same terminals, and the same checks that make a rule fail and let the parser try
the next alternative (a prefix must be declared, a prefixed name must expand to a valid IRI:
checked with pyoxigraph's own IRI parser). It records what the guard needs: the query form,
every ``SERVICE`` pattern, and how deeply the query nests.

Modules: ``lexical`` (terminals), ``base`` (parser state and terms), ``expressions`` (with the
table of built-in ``functions``), ``paths`` (property paths), ``triples`` (triple patterns),
``patterns`` (graph patterns), ``modifiers``
(the WHERE clause and solution modifiers), ``query`` (query forms and the entry point
:func:`parse_query`).
"""
