"""Pictures: the flow map as SVG (``maps`` assembles ``arrows``, ``mapnodes``, ``geo``, ``marks``,
``legend``, ``worldmap``),
PNG or an offline HTML page (``html``, ``render``). Takes a flow network, gives bytes.

May import: ``kg.core``, ``kg.network``.
"""
