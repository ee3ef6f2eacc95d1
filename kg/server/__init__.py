"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint and the query pages. HTTP (``http``,
``listener``, ``connections``, ``pace``, ``wire``, ``app``), the query guard and worker processes
(``guard``, ``engine``, ``scheduler``, ``lanes``, ``pool``, ``workers``), result formats
(``formats``, ``xmlresults``, ``rdfxml``), the explorer (``explorer``, ``explorerpages``,
``querypages``, ``answers``) and pages (``page``, ``site``). Takes a store, answers requests.

May import: ``kg.core``, ``kg.query``; ``kg.network``, ``kg.viz`` and ``kg.report`` by name at
request time.
"""
