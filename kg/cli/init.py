"""``kg init``: start a data project of one's own."""

from __future__ import annotations

from pathlib import Path

import click

from kg.core.errors import display_path


@click.command("init")
@click.argument("directory", metavar="DIR", type=click.Path(path_type=Path))
def init(directory: Path) -> None:
    """Start a data project in DIR (new or empty): an example assessment, an import list, a README.

    The example is fictional and labelled as such; kg's ontology, named queries and reference
    countries come with kg, so `kg build` inside DIR works with nothing else. Your own queries
    go in DIR/queries/, beside kg's.

    Example:

    \b
        kg init my-project && cd my-project && kg build && kg query tiers
    """
    from kg.api.project import init_project

    files = init_project(directory)
    for path in files:
        click.echo(display_path(path))
    click.echo(
        f"started a kg project in {display_path(directory)}/; next: cd {display_path(directory)}"
        " && kg build",
        err=True,
    )


__all__ = ["init"]
