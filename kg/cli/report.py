"""``kg report``: the dossier of one country as a self-contained HTML page."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.options import build_option, ensure_store, output_option, write_output


@click.command("report")
@click.argument("iso3")
@output_option("-", "HTML file; - is stdout.")
@build_option
@click.pass_context
def report(ctx: click.Context, iso3: str, output: str, build_dir: Path) -> None:
    """Write the dossier of one country: a self-contained HTML page generated from the graph.

    Tier placements with their assessor, forms, flow map, policies, recommendations by pillar,
    contradicting claims side by side, and every source with its reliability.

    Example:

    \b
        kg report PRK -o PRK.html
    """
    from kg.report.dossier import render_report

    store = ensure_store(ctx, build_dir)
    write_output(output, render_report(store, iso3))


__all__ = ["report"]
