"""The importer registry: run one import, or the import list of a build, and write the results."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol

from kg.core.errors import ImportError_, Location, display_path
from kg.core.fileio import atomic_file, check_private_dir
from kg.core.rdfio import serialize, sorted_quads
from kg.importers import factbook, tiers
from kg.importers.common import ByteProgress, ImportReport, ImportResult, no_progress
from kg.importers.config import ImportSpec, read_imports
from kg.importers.ctdc import import_ctdc
from kg.importers.glotip import import_glotip
from kg.importers.kinds import DEFAULT_IDS, minted_ids
from kg.importers.tiers import import_tiers
from kg.source.countrymatch import CountryMatcher
from kg.source.loader import load_sources, read_yaml, shipped_reference
from kg.source.ontology import load_ontology
from kg.source.parse import parse_records
from kg.source.records import Records


class Importer(Protocol):
    """The signature every importer has."""

    def __call__(
        self,
        path: Path,
        countries: CountryMatcher,
        *,
        source_id: str = ...,
        progress: ByteProgress = ...,
    ) -> ImportResult: ...


IMPORTERS: dict[str, Importer] = {
    "glotip": import_glotip,
    "tiers": import_tiers,
    "ctdc": import_ctdc,
    "factbook": factbook.import_factbook,
}
#: Kinds whose PATH may be a folder, and the files each reads besides PATH (for the cache).
FOLDER_KINDS = frozenset({"factbook"})
INPUTS: dict[str, Callable[[Path], list[Path]]] = {
    "factbook": factbook.inputs,
    "tiers": tiers.inputs,
}
#: Where each dataset lies below ../shared/data (used by the tests and the benchmark).
SHARED_FILES: dict[str, str] = {
    "glotip": "unodc_glotip_2023/data_glotip.csv",
    "tiers": "tip_tiers_kelley/tip_tiers_orig.csv",
    "ctdc": "ctdc_global_2020_subset/ctdc_global_dataset_2020-04-14_subset.csv",
    "factbook": "factbook_tip/factbook_world_tier_lists.csv",
}


def load_matcher(data_dir: Path, ontology_dir: Path | None = None) -> CountryMatcher:
    """A country matcher over the reference countries of a data directory (kg's shipped
    reference countries when the directory does not exist); no ontology means kg's own."""
    return load_project(data_dir, ontology_dir)[0]


def load_project(
    data_dir: Path, ontology_dir: Path | None = None
) -> tuple[CountryMatcher, dict[str, Location]]:
    """``load_matcher``'s matcher, and the ids of the project's YAML sources with where each
    is defined (an import may use none of them: ``run_import``'s ``taken``)."""
    from kg.core.resources import shipped

    if data_dir.is_dir():
        sources = load_sources(data_dir)
    else:
        sources = [read_yaml(path) for path in shipped_reference()]
    vocabulary = load_ontology(ontology_dir or shipped("ontology")).vocabulary
    records = parse_records(sources, vocabulary)
    return CountryMatcher(records.countries.values()), yaml_source_ids(records)


def run_import(
    kind: str,
    path: Path,
    countries: CountryMatcher,
    *,
    source_id: str | None = None,
    progress: ByteProgress = no_progress,
    taken: Mapping[str, Location] | None = None,
) -> ImportResult:
    """Import one dataset file of a known kind; no id it mints may be one of ``taken`` (the
    project's YAML source ids and where each is defined, from ``load_project``).

    Raises:
        ImportError_: for a source id that cannot name a graph and a file, or that is taken.
    """
    if path.is_dir() and kind not in FOLDER_KINDS:
        raise ImportError_(
            f"a folder, but {kind} reads one CSV file",
            where=Location(display_path(path)),
            hint=f"give the dataset file, e.g. ../shared/data/{SHARED_FILES[kind]}",
        )
    sid = source_id or DEFAULT_IDS[kind]
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", sid):
        raise ImportError_(
            f"source id '{sid}' must be lower-case letters, digits and hyphens",
            hint="it names the graph tkg:source-ID and the output file ID.nq",
        )
    for minted, what in minted_ids(kind, sid).items():
        if minted in (taken or {}):
            mine = "is" if not what else f"gives its {what} the id '{minted}',"
            raise ImportError_(
                f"source id '{sid}' {mine} already the id of the YAML source '{minted}' "
                f"({(taken or {})[minted]})",
                hint="choose another --id: an import's SourceDocument tkd:source-ID and graph "
                "tkg:source-ID are its own",
            )
    return IMPORTERS[kind](path, countries, source_id=sid, progress=progress)


def read_import_list(config: Path, taken: Mapping[str, Location] | None = None) -> list[ImportSpec]:
    """Read a build's import list (see :mod:`kg.importers.config`); no id an import mints may
    be another's or the id of a YAML source in ``taken`` (id → where it is defined)."""
    return read_imports(config, DEFAULT_IDS, FOLDER_KINDS, minted=minted_ids, taken=taken)


def yaml_source_ids(records: Records) -> dict[str, Location]:
    """The ids of a build's YAML sources and where each is defined (no import may use one)."""
    return {sid: source.where for sid, source in records.sources.items()}


def run_imports(
    config: Path | None,
    countries: CountryMatcher,
    progress: Callable[[str], None],
    taken: Mapping[str, Location] | None = None,
) -> list[ImportResult]:
    """Run every import of a build's import list (none when ``config`` is None)."""
    if config is None:
        return []
    results = []
    for spec in read_import_list(config, taken):
        progress(f"import {spec.id}")
        results.append(run_import(spec.kind, spec.path, countries, source_id=spec.id))
    return results


def build_imports(
    config: Path | None, records: Records, progress: Callable[[str], None]
) -> list[ImportResult]:
    """The imports of a build, reconciled against the build's own reference countries."""
    if config is None:
        return []
    matcher = CountryMatcher(records.countries.values())
    return run_imports(config, matcher, progress, yaml_source_ids(records))


def dataset_inputs(kind: str, path: Path) -> list[Path]:
    """The files an import of one dataset reads: PATH, or for some kinds the files beside it."""
    return INPUTS[kind](path) if kind in INPUTS else [path]


def import_inputs(config: Path | None) -> list[Path]:
    """The files an import list makes a build read: the list itself and each dataset."""
    if config is None:
        return []
    out = [config]
    for spec in read_import_list(config):
        out += dataset_inputs(spec.kind, spec.path)
    return out


def write_import(result: ImportResult, out_dir: Path) -> list[Path]:
    """Write ``<id>.nq`` (sorted N-Quads) and ``<id>.report.json`` atomically into ``out_dir``.

    Raises:
        ImportError_: when ``out_dir`` is a file; ConfigError when others can write it.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise ImportError_(
            f"output directory {display_path(out_dir)} is a file",
            hint="pass --out DIR naming a directory; it is created when missing",
        )
    check_private_dir(out_dir, "output directory", "--out DIR")
    graph = out_dir / f"{result.source.id}.nq"
    with atomic_file(graph) as stream:
        serialize(sorted_quads(result.quads), "nquads", stream)
    report = out_dir / f"{result.source.id}.report.json"
    with atomic_file(report) as stream:
        stream.write((json.dumps(result.report.as_dict(), indent=1) + "\n").encode())
    return [graph, report]


def bench_imports(
    shared_data_dir: Path, data_dir: Path | None = None, ontology_dir: Path | None = None
) -> list[dict[str, object]]:
    """Time each importer on its real dataset: rows, facts, triples, seconds, rows/s."""
    root = Path(__file__).resolve().parents[2]
    matcher = load_matcher(data_dir or root / "data", ontology_dir or root / "ontology")
    rows: list[dict[str, object]] = []
    for kind, rel in SHARED_FILES.items():
        path = shared_data_dir / rel
        if not path.is_file():
            continue
        started = time.perf_counter()
        result = run_import(kind, path, matcher)
        seconds = time.perf_counter() - started
        report = result.report
        rows.append(
            {
                "kind": kind,
                "file": rel,
                "bytes": path.stat().st_size,
                "rows": report.rows_read,
                "facts": sum(report.facts.values()),
                "triples": report.triples,
                "seconds": round(seconds, 3),
                "rows_per_s": round(report.rows_read / seconds) if seconds else None,
            }
        )
    return rows


__all__ = [
    "DEFAULT_IDS",
    "IMPORTERS",
    "SHARED_FILES",
    "ImportReport",
    "ImportResult",
    "ImportSpec",
    "bench_imports",
    "build_imports",
    "dataset_inputs",
    "import_inputs",
    "load_matcher",
    "load_project",
    "read_import_list",
    "run_import",
    "run_imports",
    "write_import",
    "yaml_source_ids",
]
