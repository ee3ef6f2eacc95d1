"""Draft every narrative of the CIA World Factbook's trafficking entries (``--factbook CSV``).

One text per row of ``factbook_tip_history.csv`` that has a narrative: its tier text (the
Factbook's restatement of the TIP Report placement, with the report year tag and the effort
findings) followed by a blank line and the narrative. Rows are keyed by GEC code and first
commit; GEC codes become ISO3 through the ``countrycode`` crosswalk in
``../country_centroids/`` when it is beside the file, otherwise through the country name.
Entities that map to no country (the World entry) are returned for the run report.
"""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.core.errors import display_path
from kg.extract.errors import ExtractError
from kg.extract.gazetteer import Gazetteer
from kg.extract.textfile import read_regular
from kg.extract.tokens import tokenize

HISTORY = "factbook_tip_history.csv"
#: Largest history file read (it is read whole; the 2025 file is 1.1 MB).
MAX_HISTORY_BYTES = 64 * 1024 * 1024
CROSSWALK = Path("country_centroids") / "countrycode_codelist_without_cldr.csv"
COLUMNS = (
    "gec",
    "country_name",
    "first_seen_date",
    "first_seen_commit",
    "tier_rating_text",
    "current_situation_text",
)
AGENT = "cia-world-factbook"


@dataclass(frozen=True)
class FactbookText:
    """One country's trafficking entry in one version of the Factbook."""

    gec: str
    country: str
    name: str
    first_seen_date: str
    first_seen_commit: str
    text: str

    @property
    def key(self) -> str:
        """The row key ``gec@commit`` (the gold set's key)."""
        return f"{self.gec}@{self.first_seen_commit}"

    @property
    def draft_name(self) -> str:
        """Deterministic file name: ISO3, snapshot date, short commit."""
        return f"{self.country.lower()}-{self.source_id}.yaml"

    @property
    def source_id(self) -> str:
        """The source of one Factbook snapshot: ``factbook-YYYY-MM-DD-<commit>``."""
        return f"factbook-{self.first_seen_date}-{self.first_seen_commit[:7]}"

    def source_entry(self) -> dict[str, Any]:
        """The source definition a draft carries (see data/README.md, Machine-extracted drafts)."""
        return {
            "id": self.source_id,
            "title": "The World Factbook, trafficking in persons entries as of "
            + self.first_seen_date,
            "doc_type": "reference-work",
            "reliability": "official",
            "publisher": AGENT,
            "identifier": f"github.com/factbook/factbook.json@{self.first_seen_commit}",
            "license": "https://www.cia.gov/the-world-factbook/about/copyright-and-contributors/",
            "note": (
                "The Factbook restates the US State Department's tier placement and summarises"
                " its country narrative; the tier is J/TIP's judgement."
            ),
        }


def _crosswalk(csv_path: Path) -> dict[str, str]:
    """GEC (FIPS 10-4) → ISO3 from the countrycode table beside the Factbook folder, if any."""
    table = csv_path.resolve().parent.parent / CROSSWALK
    if not table.is_file():
        return {}
    with table.open(encoding="utf-8", newline="") as stream:
        return {
            row["fips"].strip().lower(): row["iso3c"].strip()
            for row in csv.DictReader(stream)
            if row.get("fips") and row.get("iso3c")
        }


def _by_name(name: str, g: Gazetteer) -> str | None:
    """ISO3 of a country name when one gazetteer name covers it whole."""
    tokens = tokenize(name)
    hits = g.find(tokens)
    if len(hits) == 1 and hits[0].entry.kind == "country" and len(hits[0].entry.codes) == 1:
        words = [t for t in tokens if t.is_word and t.lower != "the"]
        covered = {i for i in range(hits[0].first, hits[0].last)}
        if all(tokens.index(t) in covered for t in words):
            return hits[0].entry.codes[0]
    return None


def history_file(path: Path) -> Path:
    """``path``, or the ``factbook_tip_history.csv`` inside it when it is the Factbook folder
    (as ``kg import factbook`` takes the folder)."""
    return path / HISTORY if path.is_dir() else path


def _read_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a Factbook history CSV; ExtractError (one line, with a place) otherwise."""
    name = display_path(path)
    data = read_regular(path, name, MAX_HISTORY_BYTES, big=f"give the Factbook's {HISTORY}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ExtractError(
            f"{name}:{line}:{col}: the file is not UTF-8 text", hint="give factbook_tip_history.csv"
        ) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    # Narratives exceed the csv module's 128 KiB field limit; the limit is process-wide, so it
    # is put back (the importers rely on it to refuse huge fields).
    limit = csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ExtractError(
                f"{name}:1:1: not a Factbook history file (no column {missing[0]!r})",
                hint="give factbook_tip_history.csv",
            )
        return [{k: v or "" for k, v in row.items() if isinstance(k, str)} for row in reader]
    except csv.Error as exc:
        raise ExtractError(f"{name}:{reader.line_num}:1: not a CSV file ({exc})") from exc
    finally:
        csv.field_size_limit(limit)


def read_factbook(path: Path, g: Gazetteer) -> tuple[list[FactbookText], list[str]]:
    """The narratives of ``factbook_tip_history.csv`` (or the folder that holds it) and the
    entities that map to no country."""
    path = history_file(path)
    rows = _read_rows(path)
    gec_iso = _crosswalk(path)
    texts: list[FactbookText] = []
    unmapped: set[str] = set()
    for row in rows:
        narrative = (row["current_situation_text"] or "").strip()
        if not narrative:
            continue
        gec = row["gec"].strip().lower()
        iso = gec_iso.get(gec) or _by_name(row["country_name"], g)
        if iso is None or iso not in g.countries:
            unmapped.add(f"{gec} ({row['country_name'] or 'no name'})")
            continue
        tier = (row["tier_rating_text"] or "").strip()
        text = f"{tier}\n\n{narrative}" if tier else narrative
        texts.append(
            FactbookText(
                gec,
                iso,
                row["country_name"],
                row["first_seen_date"],
                row["first_seen_commit"],
                text,
            )
        )
    texts.sort(key=lambda t: (t.country, t.first_seen_date, t.first_seen_commit))
    return texts, sorted(unmapped)


__all__ = ["AGENT", "HISTORY", "FactbookText", "history_file", "read_factbook"]
