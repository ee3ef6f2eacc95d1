"""Stage 1, reading the inputs: strict YAML (``loader``), typed records with positions
(``reader``, ``records``, ``facts``, ``parse``, ``assessment``, ``flows``), the ontology
files (``ontology``) and country-name matching (``countrymatch``). Takes paths, gives
``Records`` and an ``Ontology``.

May import: ``kg.core``.
"""
