"""Allow ``python -m kg``."""

from kg.cli import cli

cli()
