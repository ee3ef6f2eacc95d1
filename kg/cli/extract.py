"""``kg extract``: a draft assessment (or a JSON summary) from a narrative, for review."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kg.cli.inputs import dirs
from kg.cli.options import local_data_options
from kg.core.errors import display_path


@click.command("extract")
@click.argument("textfile", required=False, type=click.Path(path_type=Path))
@click.option("--country", metavar="ISO3", help="The country the narrative assesses.")
@click.option(
    "--source",
    metavar="ID",
    help="Source id in data/sources.yaml; otherwise the draft defines one for the text.",
)
@click.option("--assessor", metavar="ID", help="Agent id (default: the source's publisher).")
@click.option("--year", type=click.IntRange(1900, 2100), help="Report year, if the text omits it.")
@click.option(
    "--factbook",
    type=click.Path(path_type=Path),
    help="Draft every narrative of factbook_tip_history.csv (or the factbook_tip folder that "
    "holds it) instead (needs -o DIR).",
)
@click.option("-o", "--output", help="Draft file (- is stdout), or the directory for --factbook.")
@click.option(
    "--summary",
    type=click.Choice(["json"]),
    help="Print one JSON object (country, roles, forms, destinations, origins, transit_to, "
    "tier, year) on stdout instead of the draft.",
)
@local_data_options
@click.pass_context
def extract(
    ctx: click.Context,
    textfile: Path | None,
    country: str | None,
    source: str | None,
    assessor: str | None,
    year: int | None,
    factbook: Path | None,
    output: str | None,
    summary: str | None,
    local_data: Path | None,
    local_ontology: Path | None,
) -> None:
    """Draft an assessment from a TIP-style narrative TEXTFILE, for a person to review.

    The draft (data/README.md, "Machine-extracted drafts") gives the country's roles, the
    forms, who is exploited (men, women, boys, girls, children, adults), where its nationals
    are exploited, where foreign victims come from, transit, the tier and report year when
    stated, effort findings, and the recommendations the text makes (never read as facts);
    every fact has a sentence locator (s3 = third sentence). It is marked unreviewed: moved
    into data/ it builds, and queries and the dossier show its facts as unreviewed until
    draft.review says reviewed. Ambiguous names are left out and listed as notes. Refused:
    anything but a regular file (a FIFO, a device), files over 4 MiB, empty or binary files,
    texts that are not about trafficking, unknown countries (one line, exit 1, nothing
    written).

    Example:

    \b
        kg extract narrative.txt --country THA -o tha-draft.yaml
        kg extract narrative.txt --country THA --summary json
        kg extract --factbook ../shared/data/factbook_tip/factbook_tip_history.csv -o drafts/
    """
    from kg.extract.run import draft_file, load_reference, write_text

    data_dir, ontology_dir = dirs(ctx, local_data, local_ontology)
    if factbook is not None:
        if textfile is not None or country or summary:
            raise click.UsageError("--factbook takes no TEXTFILE, --country or --summary")
        _draft_factbook(factbook, output, data_dir, ontology_dir)
        return
    if textfile is None or not country:
        raise click.UsageError("give TEXTFILE and --country ISO3 (or --factbook CSV -o DIR)")
    if summary and output in (None, "-"):
        output = None
    elif output is None:
        output = "-"
    ref = load_reference(data_dir, ontology_dir)
    result = draft_file(textfile, country, ref, source=source, assessor=assessor, year=year)
    if output == "-":
        click.echo(result.yaml, nl=False)
    elif output:
        write_text(Path(output), result.yaml)
        click.echo(f"wrote {display_path(output)}", err=True)
    if summary:
        click.echo(json.dumps(result.extraction.summary(), ensure_ascii=False))


def _draft_factbook(
    csv: Path, output: str | None, data_dir: Path, ontology_dir: Path | None
) -> None:
    """``kg extract --factbook CSV -o DIR``: draft every narrative of the file into DIR."""
    from kg.extract.run import draft_factbook, load_reference

    if not output or output == "-":
        raise click.UsageError("--factbook needs -o DIR")
    run = draft_factbook(csv, Path(output), load_reference(data_dir, ontology_dir))
    for line in run.lines():
        click.echo(line, err=True)
    click.echo(f"wrote {len(run.written)} drafts to {display_path(output)}", err=True)


__all__ = ["extract"]
