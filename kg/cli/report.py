"""``kg report``: the dossier of one country as a self-contained HTML page."""

from __future__ import annotations

import click

from kg.cli.inputs import source_store
from kg.cli.options import Source, output_option, source_options
from kg.cli.outputs import write_output


@click.command("report")
@click.argument("country", metavar="COUNTRY")
@output_option("-", "HTML file; - is stdout.")
@source_options(graph=True, endpoint=True)
@click.pass_context
def report(ctx: click.Context, country: str, output: str, source: Source) -> None:
    """Write the dossier of COUNTRY (ISO3 code): a self-contained HTML page from the graph.

    Tier placements with their assessor, forms, flow map, policies, recommendations by pillar,
    contradicting claims side by side, and every source with its reliability. It reads the build
    (built first when stale), or what --build, --data, --graph or --endpoint names (a
    SPARQL endpoint whose default graph is the union of its graphs, as kg serve's is).

    Example:

    \b
        kg report PRK -o PRK.html
        kg report PRK --endpoint http://127.0.0.1:7878/sparql -o PRK.html
    """
    from kg.report.dossier import render_report

    store = source_store(ctx, source)
    write_output(output, render_report(store, country))


__all__ = ["report"]
