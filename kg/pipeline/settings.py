"""What a build reads and writes (``Settings``, ``input_files``) and the names of its files:
light enough for the read-only commands, which check a build's inputs without loading the
stages that make one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kg.core.resources import shipped

#: Files written into the build directory; later commands read these.
OUTPUTS = ("graph.ttl", "graph.nt", "graph.jsonld", "graph.trig", "graph.nq")
MANIFEST = "manifest.json"
#: Size, modification and change times and checksum of each input (a cache for ``is_stale``).
INPUT_STATS = ".inputs.json"
REPORT = "validation.json"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Settings:
    """Where a build reads from and writes to."""

    data_dir: Path = Path("data")
    #: The ontology and shapes: kg's own (shipped with the package) unless a directory is given.
    ontology_dir: Path = field(default_factory=lambda: shipped("ontology"))
    out_dir: Path = Path("build")
    #: SHACL engine: "fast" (shapes compiled to SPARQL on pyoxigraph) or "pyshacl".
    engine: str = "fast"
    #: N-Quads files added as they are, each holding its own named graphs (importer outputs).
    nquads: tuple[Path, ...] = ()
    #: Import list (YAML of {kind, path, id}) whose datasets are imported into every build.
    imports: Path | None = None
    #: Per-source cache (kg.cache); None means beside the output: build → .build-cache.
    cache_dir: Path | None = None
    use_cache: bool = True
    #: Also write the on-disk store build/store/ (kg.pipeline.ondisk) that read-only commands
    #: open instead of parsing graph.nq.
    store: bool = True
    #: Also evaluate the flow network's queries and keep their answers in the build
    #: (kg.pipeline.netcache), so the first GraphML, GEXF or CSV export of the flows makes the
    #: network from them instead of reading every flow from the store.
    network: bool = True

    @property
    def cache(self) -> Path | None:
        """The cache directory in use, or None when caching is off."""
        if not self.use_cache:
            return None
        from kg.pipeline.cache import default_cache_dir

        return self.cache_dir or default_cache_dir(self.out_dir)


def input_files(settings: Settings) -> list[Path]:
    """The files a build reads, in a stable order."""
    from kg.source.files import find_sources  # not the YAML reader: no PyYAML to load

    onto_dir = settings.ontology_dir
    onto = sorted(p for p in [*onto_dir.glob("*.ttl"), *onto_dir.glob("*.jsonld")] if p.is_file())
    inputs = [*onto, *find_sources(settings.data_dir), *settings.nquads]
    if settings.imports is None:
        return inputs
    from kg.importers import import_inputs  # the importers load only for an import list

    return [*inputs, *import_inputs(settings.imports)]


__all__ = ["INPUT_STATS", "MANIFEST", "OUTPUTS", "REPORT", "Progress", "Settings", "input_files"]
