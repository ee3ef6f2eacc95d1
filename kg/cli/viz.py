"""``kg viz``: draw the graph (flow maps)."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.options import (
    Source,
    deprecated,
    output_option,
    source_options,
    source_store,
    write_output,
)
from kg.core.errors import KGError


@click.group("viz")
def viz() -> None:
    """Draw the graph.

    Example:

    \b
        kg viz flows -o flows.html
    """


@viz.command("flows")
@click.argument("country", metavar="[COUNTRY]", required=False)
@output_option(None, "flows.svg, flows.png or flows.html.")
@click.option("--origin", metavar="ISO3", hidden=True, help="Deprecated: write COUNTRY.")
@click.option("--form", metavar="FORM", help="Only flows of this form (narrower forms too).")
@click.option("--year", type=int, help="Only flows of this year.")
@click.option("--top", type=click.IntRange(min=1), help="Only the N largest flows.")
@source_options(graph=True)
@click.pass_context
def flows(
    ctx: click.Context,
    country: str | None,
    output: str,
    origin: str | None,
    form: str | None,
    year: int | None,
    top: int | None,
    source: Source,
) -> None:
    """Draw a map of trafficking flows (from COUNTRY, an ISO3 code, when given): static SVG or
    PNG, or an interactive HTML page.

    The format follows the file suffix; the HTML page works offline (pan, zoom, hover, filters).
    It reads the build (built first when stale), or what --build, --data or --graph names.

    Example:

    \b
        kg viz flows PRK -o prk-flows.svg
    """
    from kg.viz import render

    if origin is not None:
        if country is not None:
            raise click.UsageError("give the country once: kg viz flows COUNTRY")
        deprecated("kg viz flows --origin", f"write: kg viz flows {origin}")
        country = origin
    fmt = Path(output).suffix.lstrip(".").lower()
    if fmt not in render.FORMATS:
        raise KGError(f"cannot tell the map format of {output!r}", hint="use .svg, .png or .html")
    store = source_store(ctx, source)
    data = render.render_flows(store, fmt, origin=country, form=form, year=year, top=top)
    write_output(output, data)


__all__ = ["viz"]
