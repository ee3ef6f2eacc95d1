"""The country dossier: everything the graph says about one country (``dossier``, with its
SPARQL in ``sparql/``, held in ``model``), rendered as one self-contained HTML page (``html``,
``sections``, ``parts``, ``style``). Takes a store and an ISO3 code, gives HTML.

May import: ``kg.core``, ``kg.network``, ``kg.viz``.
"""
