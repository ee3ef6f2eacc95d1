"""The ``kg`` command line, the only package that imports click: one module per command group
(``init``, ``build``, ``query``, ``serve``, ``export``, ``viz``, ``report``, ``push``,
``imports``), the options they share defined once (``options``), what a command reads and
writes through them (``inputs``, ``outputs``), the group that attaches them (``app``), and how
the process ends (``ending``).

May import: every subpackage (a command resolves its inputs, makes one library call, renders the
result and picks the exit code).
"""

from kg.cli.app import cli, main

__all__ = ["cli", "main"]
