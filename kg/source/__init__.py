"""Stage 1, reading the inputs: strict YAML (``loader``; its errors in plain words:
``yamlerrors``, ``yamllayout``), typed records with positions (``reader``, ``records``,
``facts``, ``parse``, ``assessment``, ``flows``), the ontology files (``ontology``) and
country-name matching (``countrymatch``). Takes paths, gives ``Records`` and an ``Ontology``.

May import: ``kg.core``.
"""
