"""The manifest's checksums decide whether a build is stale, also without the record of its
inputs' sizes and times (``.inputs.json``): the inputs are hashed and compared with them."""

from __future__ import annotations

import shutil
from pathlib import Path

from kg import pipeline
from kg.core import vocab as V
from kg.pipeline.opening import is_stale

ROOT = Path(__file__).resolve().parents[2]


def test_an_input_given_twice_without_the_record(tmp_path: Path) -> None:
    """An N-Quads file given twice is one input in the manifest: hashed once, it is not stale
    (twice, it was stale at every reading: a rebuild each time)."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    nquads = tmp_path / "extra.nq"
    nquads.write_text(f'<http://e/s> <http://e/p> "x" <{V.source_graph("extra")}> .\n')
    settings = pipeline.Settings(
        data_dir=tmp_path / "data",
        ontology_dir=ROOT / "ontology",
        out_dir=tmp_path / "build",
        nquads=(nquads, nquads),
    )
    assert pipeline.run(settings).report.conforms
    (tmp_path / "build" / ".inputs.json").unlink()
    assert not is_stale(settings)
    nquads.write_text(nquads.read_text().replace('"x"', '"y"'))
    assert is_stale(settings)
