"""``kg import``: one public dataset into its own named graph, with a report."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.outputs import byte_progress
from kg.core.errors import display_path
from kg.importers.kinds import KINDS


@click.command("import")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("file", metavar="PATH", type=click.Path(path_type=Path))  # checked: one line
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("build/imports"),
    show_default=True,
    help="Directory for ID.nq (the dataset's graph) and ID.report.json (kg build replaces build/).",
)
@click.option("--id", "source_id", help="Source id, naming the graph tkg:source-ID.")
@click.pass_context
def import_(
    ctx: click.Context, kind: str, file: Path, out_dir: Path, source_id: str | None
) -> None:
    """Import one dataset PATH of KIND into its own named graph and report what happened.

    KIND is glotip (UNODC data_glotip.csv), tiers (TIP tier table tip_tiers_orig.csv), ctdc
    (CTDC global dataset CSV) or factbook (the CIA World Factbook's factbook_tip folder or its
    factbook_world_tier_lists.csv: J/TIP tiers as the Factbook restates them, 2014-2025).
    Country codes and names are reconciled with the reference countries (kg's own, or the
    project's data/reference/); the summary lists rows read, facts written, rows skipped and
    why, and every value that is not a country or could not be mapped. Outputs are written
    atomically; to import into every build, list the file in an import list
    (kg build --imports FILE).

    Example:

    \b
        kg import glotip ../shared/data/unodc_glotip_2023/data_glotip.csv
        kg import factbook ../shared/data/factbook_tip
    """
    from kg import importers

    root = ctx.find_root().params
    matcher, taken = importers.load_project(root["data_dir"], root["ontology_dir"])
    with byte_progress(f"importing {file.name}") as progress:
        result = importers.run_import(
            kind, file, matcher, source_id=source_id, progress=progress, taken=taken
        )
    written = importers.write_import(result, out_dir)
    click.echo("\n".join(result.report.lines()))
    click.echo(f"wrote {', '.join(display_path(p) for p in written)}", err=True)


__all__ = ["import_"]
