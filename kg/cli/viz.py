"""``kg viz``: draw the graph (flow maps, tier heat-map, detections)."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.inputs import source_store
from kg.cli.options import Source, deprecated, output_option, source_options
from kg.cli.outputs import write_output
from kg.core.errors import KGError


@click.group("viz")
def viz() -> None:
    """Draw the graph.

    Example:

    \b
        kg viz flows -o flows.html
        kg viz tiers --region Europe -o tiers.svg
    """


def _chart_format(output: str) -> str:
    from kg.viz.chartpage import FORMATS

    fmt = Path(output).suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise KGError(f"cannot tell the chart format of {output!r}", hint="use .svg, .png or .html")
    return fmt


@viz.command("flows")
@click.argument("country", metavar="[COUNTRY]", required=False)
@output_option(None, "flows.svg, flows.png or flows.html.")
@click.option("--origin", metavar="ISO3", hidden=True, help="Deprecated: write COUNTRY.")
@click.option("--form", metavar="FORM", help="Only flows of this form (narrower forms too).")
@click.option("--year", type=int, help="Only flows of this year.")
@click.option("--top", type=click.IntRange(min=1), help="Only the N largest flows.")
@source_options(graph=True, endpoint=True)
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
    It reads the build (built first when stale), or what --build, --data, --graph or
    --endpoint names.

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


@viz.command("tiers")
@output_option(None, "tiers.svg, tiers.png or tiers.html.")
@click.option(
    "--region",
    metavar="REGION",
    help="Only countries in this UN M49 region or sub-region (name or code: Europe, 035).",
)
@source_options(graph=True, endpoint=True)
@click.pass_context
def tiers(ctx: click.Context, output: str, region: str | None, source: Source) -> None:
    """Draw the tier heat-map: countries × TIP report years, coloured by tier.

    Official J/TIP placements are solid, restatements by other sources (such as the Factbook)
    hatched, years without a placement blank; rows are grouped by M49 sub-region.

    Example:

    \b
        kg viz tiers -o tiers.html
        kg viz tiers --region "South-eastern Asia" -o sea.png
    """
    from kg.viz.chartpage import chart_bytes
    from kg.viz.series import tier_table
    from kg.viz.tiercharts import heatmap_svg

    fmt = _chart_format(output)
    table = tier_table(source_store(ctx, source), region=region)
    svg = heatmap_svg(table)
    write_output(output, chart_bytes(svg, fmt, "TIP tier placements by report year"))


@viz.command("detections")
@click.argument("country", metavar="COUNTRY")
@output_option(None, "detections.svg, .png or .html.")
@click.option(
    "--source",
    "source_id",
    metavar="ID",
    help="The dataset to draw (e.g. unodc-glotip-2023); default: the official statistic.",
)
@source_options(graph=True, endpoint=True)
@click.pass_context
def detections(
    ctx: click.Context, country: str, output: str, source_id: str | None, source: Source
) -> None:
    """Draw the victims detected per year for COUNTRY (ISO3): detected in it by citizenship, and
    its citizens by country of detection (UNODC GLOTIP, imported with kg import glotip).

    Example:

    \b
        kg viz detections THA -o tha-detections.svg
    """
    from kg.viz.chartpage import chart_bytes
    from kg.viz.detections import detections_svg
    from kg.viz.detectread import detections as read

    fmt = _chart_format(output)
    data = read(source_store(ctx, source), country, source=source_id)
    title = f"Detected victims: {data.label}"
    write_output(output, chart_bytes(detections_svg(data), fmt, title))


__all__ = ["viz"]
