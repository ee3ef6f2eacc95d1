"""Stage 2, the graph: records to quads (``build``; the reference data: ``reference``; one
assessment and its facts: ``assessment``; curator content: ``curation``), the rules that write
``tkg:inferred`` (``rules``, ``derive``, with their SPARQL in ``sparql/``) and the sorted
outputs (``dump``). Takes ``Records`` and an ``Ontology``, gives a pyoxigraph store and files.

May import: ``kg.core``, ``kg.source``.
"""
