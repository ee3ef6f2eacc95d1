"""Stage 3, validation: the shapes compiled to SPARQL (``fast``, ``compile``, ``check``,
``star``, ``instances``) or pySHACL (``reference``), both giving a ``ValidationReport``
(``report``) whose violations point back at the YAML. Takes a store and the shapes.

May import: ``kg.core``.
"""
