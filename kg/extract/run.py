"""The two jobs of ``kg extract``: draft one narrative file, or every Factbook narrative.

Both read the data directory for the reference countries and regions (the gazetteer) and for
the sources and agents a draft may point at. A draft whose source is not in the data carries
the source's definition in its ``draft:`` block, so that it builds once moved into ``data/``.
Files are written atomically; nothing is written when the input is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.core.errors import choices_hint, display_path
from kg.core.fileio import atomic_file
from kg.core.vocab import slug
from kg.extract.draft import DraftOptions, draft_document, dump_draft
from kg.extract.errors import ExtractError
from kg.extract.extractor import Extraction, extract
from kg.extract.factbook import AGENT, history_file, read_factbook
from kg.extract.gazetteer import Gazetteer
from kg.extract.gazetteer_build import build_gazetteer
from kg.extract.textfile import read_narrative
from kg.source.loader import load_sources, read_yaml, shipped_reference
from kg.source.ontology import load_ontology
from kg.source.parse import parse_records
from kg.source.records import Records

#: Agent of a draft whose source's author is not known (data/reference/agents.yaml).
UNIDENTIFIED = "unidentified-author"


@dataclass
class Reference:
    """What a draft may refer to: the gazetteer, and the data's sources and agents."""

    gazetteer: Gazetteer
    records: Records


def load_reference(data_dir: Path, ontology_dir: Path | None = None) -> Reference:
    """Read ``data_dir`` (kg's shipped reference data alone when it does not exist) and the
    vocabularies of ``ontology_dir`` (kg's own when None) once."""
    from kg.core.resources import shipped

    vocab = load_ontology(ontology_dir or shipped("ontology")).vocabulary
    if data_dir.is_dir():
        docs = load_sources(data_dir)
    else:
        docs = [read_yaml(path) for path in shipped_reference()]
    records = parse_records(docs, vocab)
    g = build_gazetteer(records.countries.values(), records.regions.values())
    return Reference(g, records)


@dataclass
class DraftResult:
    """One drafted text: its extraction and its YAML."""

    extraction: Extraction
    yaml: str
    name: str = ""


@dataclass
class FactbookRun:
    """What ``kg extract --factbook`` did."""

    written: list[Path] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    texts: int = 0

    def lines(self) -> list[str]:
        """The run report, one line each."""
        out = [f"drafted {len(self.written)} narratives of {self.texts}"]
        out += [f"not a country, skipped: {u}" for u in self.unmapped]
        return out


def _text_source(path: Path, text_sha: str) -> dict[str, Any]:
    stem = slug(path.stem)[:40] or "text"
    return {
        "id": f"text-{stem}-{text_sha[:8]}",
        "title": f"Narrative text {path.name}",
        "doc_type": "derived-essay",
        "reliability": "unverified",
        "identifier": path.name,
        "sha256": text_sha,
        "note": "Source not identified when the draft was made; identify it on review.",
    }


def draft_file(
    path: Path,
    country: str,
    ref: Reference,
    *,
    source: str | None = None,
    assessor: str | None = None,
    year: int | None = None,
) -> DraftResult:
    """Extract and draft one narrative file (nothing is written here)."""
    g = ref.gazetteer
    code = country.strip().upper()
    if code not in g.countries:
        raise ExtractError(
            f"unknown country code '{country}'", hint=choices_hint(code, g.countries)
        )
    if source is not None and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", source):
        raise ExtractError(
            f"source id '{source}' must be lower-case letters, digits and hyphens",
            hint="see data/README.md",
        )
    if assessor is not None and assessor not in ref.records.agents:
        raise ExtractError(
            f"unknown agent '{assessor}'", hint=choices_hint(assessor, ref.records.agents)
        )
    text = read_narrative(path)
    x = extract(text, code, g, year=year, where=display_path(path), treaties=_treaties(ref))
    known = ref.records.sources.get(source) if source else None
    entry = None
    if known is None:
        entry = _text_source(path, x.text_sha256)
        if source:
            entry["id"] = source
    agent = assessor or (known.publisher if known and known.publisher else UNIDENTIFIED)
    notes = []
    if agent == UNIDENTIFIED:
        notes.append("assessor: the author of the text is not known; set the real assessor")
    opts = DraftOptions(entry["id"] if entry else str(source), agent, path.name, entry, notes)
    opts.restates = _tier_issuer(ref, agent, known.publisher if known else None)
    return DraftResult(x, dump_draft(draft_document(x, g, opts)), path.name)


def _treaties(ref: Reference) -> list[tuple[str, str, str | None]]:
    """The reference treaties a recommendation may name: (id, title, short name)."""
    return [(t.id, t.title, t.short_name) for t in ref.records.treaties.values()]


def _tier_issuer(ref: Reference, assessor: str, publisher: str | None) -> str | None:
    """Whose tier a stated tier repeats: the tier-issuing agent (J/TIP), unless the text is
    that agent's own publication (see data/README.md, "Restated tiers")."""
    issuers = sorted(a.id for a in ref.records.agents.values() if a.issues_tiers)
    if assessor in issuers and publisher == assessor:
        return None
    return issuers[0] if len(issuers) == 1 else None


def write_text(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` atomically (UTF-8)."""
    with atomic_file(target, output=True) as stream:
        stream.write(text.encode("utf-8"))


def draft_factbook(csv_path: Path, out_dir: Path, ref: Reference) -> FactbookRun:
    """Draft every narrative of a Factbook history CSV (or the folder that holds it) into
    ``out_dir``, one YAML per text."""
    csv_path = history_file(csv_path)
    if out_dir.exists() and not out_dir.is_dir():
        raise ExtractError(
            f"{display_path(out_dir)}: is a file, not a directory", hint="give -o a directory"
        )
    texts, unmapped = read_factbook(csv_path, ref.gazetteer)
    if AGENT not in ref.records.agents:
        raise ExtractError(
            f"agent '{AGENT}' is not in the data", hint="add it to data/reference/agents.yaml"
        )
    run = FactbookRun(unmapped=unmapped, texts=len(texts))
    done = [
        (
            t,
            extract(
                t.text,
                t.country,
                ref.gazetteer,
                where=f"{display_path(csv_path)}:{t.key}",
                treaties=_treaties(ref),
            ),
        )
        for t in texts
    ]
    versions: dict[tuple[str, int | None], list[str]] = {}
    for t, x in done:
        versions.setdefault((t.country, x.year), []).append(t.draft_name)
    results = []
    for t, x in done:
        known = t.source_id in ref.records.sources
        opts = DraftOptions(
            t.source_id, AGENT, f"{csv_path.name}#{t.key}", None if known else t.source_entry()
        )
        opts.restates = _tier_issuer(ref, AGENT, AGENT)
        others = [n for n in versions[(t.country, x.year)] if n != t.draft_name]
        if others:
            opts.extra_notes.append(
                f"other versions of this country's text for report year {x.year}: "
                f"{', '.join(others)}; move only the one you reviewed into data/"
            )
        results.append((t.draft_name, dump_draft(draft_document(x, ref.gazetteer, opts))))
    for name, text in results:
        target = out_dir / name
        write_text(target, text)
        run.written.append(target)
    return run


__all__ = [
    "UNIDENTIFIED",
    "DraftResult",
    "FactbookRun",
    "Reference",
    "draft_factbook",
    "draft_file",
    "load_reference",
    "write_text",
]
