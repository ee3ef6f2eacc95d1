"""Base layer: what every stage shares, and nothing about any one stage.

Errors and exit codes (``errors``), namespaces and the one place IRIs are minted (``vocab``),
RDF term helpers (``terms``), kg's own SPARQL files (``rq``) and answers kept from an earlier
evaluation of them (``kept``), sorted RDF serialisation (``rdfio``), atomic writes (``fileio``),
reading files that must be regular (``regular``), the form of endpoint URLs (``endpoints``),
CSV cells safe in spreadsheets (``cells``) and the version.

May import: no other kg subpackage.
"""
