"""Allow ``python -m kg``."""

from kg.cli.app import cli

cli()
