"""The flow network: flows, places, tiers and forms read from the graph (``read``, with its
SPARQL in ``sparql/``), the networkx MultiDiGraph (``flows``), the whole RDF graph as a network
(``full``) and GraphML/GEXF/CSV/RDF files (``export``). Takes a store, gives networks and bytes.

May import: ``kg.core``.
"""
