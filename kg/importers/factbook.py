"""Import the CIA World Factbook's restatements of TIP Report tiers (``kg import factbook``).

PATH is the ``factbook_tip`` folder or its ``factbook_world_tier_lists.csv``; the per-country
texts ``factbook_tip_history.csv`` are read from beside it, and the GEC → ISO crosswalk from
``../country_centroids/`` (see :mod:`kg.importers.gec`).

The Factbook repeats J/TIP's placements: every placement written is a restatement
(``tk:restates`` J/TIP, ``tk:restatedReportYear``) in an assessment by the CIA World Factbook.
The World entry lists only the Tier 2 Watch List and Tier 3: a country missing from them is
not recorded (it may be on Tier 1 or 2, or not assessed). The report year is the text's year
tag, never the snapshot date (:mod:`kg.importers.factbook_lists`). The per-country tier texts
add what the lists lack (Special Cases, years without a list) and are reconciled with the
lists: a text that agrees is counted, a text that disagrees is kept as a placement of its own,
stated in the country entries' document, so that both sides stay in the graph with their
sources and the ``contradictions`` query pairs them.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from pyoxigraph import Literal

from kg.core import vocab as V
from kg.core.errors import ImportError_, Location, display_path
from kg.core.terms import RDF_TYPE, RDFS_LABEL, QuadSink, iri, text, tk, year_literal
from kg.importers.common import (
    ByteProgress,
    ImportReport,
    ImportResult,
    SourceMeta,
    no_progress,
    source_document,
)
from kg.importers.csvstream import CsvStream
from kg.importers.factbook_lists import COLUMNS, LISTS, read_lists
from kg.importers.factbook_texts import HISTORY, read_texts
from kg.importers.gec import CROSSWALK, Crosswalk, FactbookCountries
from kg.importers.kinds import TEXTS_SUFFIX
from kg.importers.regular import HINT, beside
from kg.source.countrymatch import CountryMatcher

KIND = "factbook"
DEFAULT_ID = "cia-factbook-tip"
ASSESSOR = "cia-world-factbook"
JTIP = "us-dos-jtip"
REPO = "github.com/factbook/factbook.json @ 8662a8b17a784841ab4528631b04090eb2f183eb"


def locate(path: Path) -> tuple[Path, Path]:
    """The World lists file and the folder it lies in, from the folder or the file.

    Raises:
        ImportError_: when PATH is neither the folder nor a file in it.
    """
    lists = path / LISTS if path.is_dir() else path
    if not beside(lists, HINT):
        raise ImportError_(
            f"no {LISTS} here" if path.is_dir() else f"not {LISTS} or a folder that holds it",
            where=Location(display_path(path)),
            hint="give the factbook_tip folder or its factbook_world_tier_lists.csv",
        )
    return lists, lists.parent


def inputs(path: Path) -> list[Path]:
    """Every file an import of PATH reads (for a build's cache).

    Raises:
        ImportError_: when a file beside the lists is there but is not a regular file.
    """
    lists, folder = locate(path)
    return [lists, *(p for p in (folder / HISTORY, folder / CROSSWALK) if beside(p))]


def _meta(source_id: str, title: str, file: str, sha256: str) -> SourceMeta:
    return SourceMeta(
        id=source_id,
        title=title,
        publisher=ASSESSOR,
        reliability="reliability-official",
        doc_type="doc-reference-work",
        issued=dt.date(2026, 5, 17),
        terms="The World Factbook is a US Government work (public domain); the JSON "
        "conversion is CC0-1.0. Its tiers repeat the US Department of State's TIP Reports.",
        identifier=f"{REPO}, extracted to {file}",
        original="US Central Intelligence Agency, The World Factbook: Transnational issues, "
        "Trafficking in persons (country entries and the World entry), 2015-2026 versions",
        sha256=sha256,
    )


def import_factbook(
    path: Path,
    countries: CountryMatcher,
    *,
    source_id: str = DEFAULT_ID,
    progress: ByteProgress = no_progress,
) -> ImportResult:
    """Read the Factbook's tier lists and tier texts into restated J/TIP placements."""
    started = time.perf_counter()
    lists_path, folder = locate(path)
    crosswalk_path = folder / CROSSWALK
    crosswalk = Crosswalk.read(crosswalk_path) if beside(crosswalk_path) else Crosswalk()
    names = FactbookCountries(countries, crosswalk)
    stream = CsvStream(lists_path, COLUMNS, progress)
    report = ImportReport(KIND, source_id, stream.name)
    placements = read_lists(stream, names, report)
    source = _meta(
        source_id,
        "CIA World Factbook, World entry: Tier 2 Watch List and Tier 3 lists by TIP report "
        "year (factbook_world_tier_lists.csv)",
        LISTS,
        stream.sha256,
    )
    g = QuadSink(source.graph)
    source_document(g, source)
    result = ImportResult(source, g.quads, report)
    for (code, year), placed in sorted(placements.items()):
        _write(g, result, countries, source, (code, year), placed.tier, placed.locator)
        result.origins[V.mint_iri("assessment", source_id, code, year)] = stream.where(placed.line)
        report.facts["restated J/TIP placement (World list)"] += 1
    history = folder / HISTORY
    if beside(history):
        read = read_texts(history, names, placements, report, progress)
        texts = _meta(
            source_id + TEXTS_SUFFIX,
            f"CIA World Factbook, country entries: Trafficking in persons tier ratings ({HISTORY})",
            HISTORY,
            read.sha256,
        )
        source_document(g, texts)
        for t in read.placements:
            _write(g, result, countries, texts, (t.code, t.year), t.tier, t.locator)
            node = V.mint_iri("assessment", texts.id, t.code, t.year)
            result.origins[node] = Location(read.path, t.line, 1)
            report.facts[f"restated J/TIP placement (per-country text, {t.kind})"] += 1
    else:
        report.notes.append(f"{HISTORY} is not beside {LISTS}: the per-country texts were not read")
    report.notes += crosswalk.notes
    if crosswalk.path is None:
        report.notes.append(
            f"no GEC crosswalk at {display_path(crosswalk_path)}: GEC codes mapped by name only"
        )
    report.triples = len(g.quads)
    report.notes += [
        "every placement restates J/TIP's placement of its report year (tk:restates "
        "us-dos-jtip, tk:restatedReportYear); the assessor is the CIA World Factbook",
        "the lists hold only the Tier 2 Watch List and Tier 3: a country missing from them is "
        "not recorded (it may be Tier 1, Tier 2 or not assessed)",
        "report years come from the texts' year tags, never from the snapshot dates",
    ]
    report.seconds = time.perf_counter() - started
    return result


def _write(
    g: QuadSink,
    result: ImportResult,
    m: CountryMatcher,
    source: SourceMeta,
    key: tuple[str, int],
    tier: str,
    locator: str,
) -> None:
    """One assessment by the Factbook with its placement restating J/TIP's."""
    code, year = key
    doc = source.node
    node = iri(V.mint_iri("assessment", source.id, code, year))
    placement = iri(V.mint_iri("tier", source.id, code, year))
    g.add(node, RDF_TYPE, tk("Assessment"))
    name = m.labels.get(code, code)
    g.add(node, RDFS_LABEL, text(f"{name}, TIP Report {year} tier, restated by the Factbook"))
    g.add(node, tk("assessedCountry"), iri(V.mint_iri("country", code)))
    g.add(node, tk("assessor"), iri(V.mint_iri("agent", ASSESSOR)))
    g.add(node, tk("publishedIn"), doc)
    g.add(node, tk("reportYear"), year_literal(year))
    g.add(node, tk("hasTierPlacement"), placement)
    g.add(placement, RDF_TYPE, tk("TierPlacement"))
    g.add(placement, tk("tier"), iri(V.concept(tier)))
    g.add(placement, tk("statedIn"), doc)
    g.add(placement, tk("locator"), Literal(locator))
    g.add(placement, tk("restates"), iri(V.mint_iri("agent", JTIP)))
    g.add(placement, tk("restatedReportYear"), year_literal(year))
