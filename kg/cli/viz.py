"""``kg viz``: draw the graph (flow maps)."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.options import build_option, ensure_store, output_option, write_output
from kg.core.errors import KGError


@click.group("viz")
def viz() -> None:
    """Draw the graph.

    Example:

    \b
        kg viz flows -o flows.html
    """


@viz.command("flows")
@output_option(None, "flows.svg, flows.png or flows.html.")
@click.option("--origin", metavar="ISO3", help="Only flows from this country.")
@click.option("--form", metavar="FORM", help="Only flows of this form (narrower forms too).")
@click.option("--year", type=int, help="Only flows of this year.")
@click.option("--top", type=click.IntRange(min=1), help="Only the N largest flows.")
@build_option
@click.pass_context
def flows(
    ctx: click.Context,
    output: str,
    origin: str | None,
    form: str | None,
    year: int | None,
    top: int | None,
    build_dir: Path,
) -> None:
    """Draw a map of trafficking flows: static SVG or PNG, or an interactive HTML page.

    The format follows the file suffix; the HTML page works offline (pan, zoom, hover, filters).

    Example:

    \b
        kg viz flows --origin PRK -o prk-flows.svg
    """
    from kg.viz import render

    fmt = Path(output).suffix.lstrip(".").lower()
    if fmt not in render.FORMATS:
        raise KGError(f"cannot tell the map format of {output!r}", hint="use .svg, .png or .html")
    store = ensure_store(ctx, build_dir)
    data = render.render_flows(store, fmt, origin=origin, form=form, year=year, top=top)
    write_output(output, data)


__all__ = ["viz"]
