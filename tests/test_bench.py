"""The benchmark code on a tiny corpus, so it does not rot (no timing assertions here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import report, scale, synthetic
from bench.__main__ import main as bench_main
from kg import pipeline
from kg.graph.dump import write_all
from tests.conftest import ROOT

SIZE = 5_000


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> synthetic.Corpus:
    return synthetic.generate(tmp_path_factory.mktemp("corpus") / "c", SIZE)


def tree(root: Path) -> dict[str, bytes]:
    """Every file of a build; the on-disk store (RocksDB files carry their own ids and times)
    as the sorted N-Quads of what it holds."""
    files = {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "store" not in p.relative_to(root).parts
    }
    if (root / "store").is_dir():
        files["store"] = "\n".join(sorted(map(str, pipeline.open_build(root)))).encode()
    return files


def settings(
    corpus: synthetic.Corpus, out: Path, extra: tuple[Path, ...] = ()
) -> pipeline.Settings:
    return pipeline.Settings(
        data_dir=corpus.data_dir,
        ontology_dir=ROOT / "ontology",
        out_dir=out,
        nquads=(*corpus.nquads, *extra),
        use_cache=False,
    )


def test_sizes_parse() -> None:
    assert synthetic.parse_size("100k") == 100_000
    assert synthetic.parse_size("1M") == 1_000_000
    assert synthetic.parse_size("2.5M") == 2_500_000
    assert synthetic.size_name(5_000_000) == "5M"
    assert synthetic.size_name(20_000) == "20k"


def test_the_generator_is_deterministic(corpus: synthetic.Corpus, tmp_path: Path) -> None:
    again = synthetic.generate(tmp_path / "again", SIZE)
    assert tree(again.root) == tree(corpus.root)
    assert set(corpus.counts) == {"essays", "tier assessments", "statistics", "flows"}
    assert all(n > 0 for n in corpus.counts.values())


def test_the_corpus_conforms_and_has_about_the_asked_size(
    corpus: synthetic.Corpus, tmp_path: Path
) -> None:
    result = pipeline.run(settings(corpus, tmp_path / "out"))
    assert result.report.conforms, [v.line() for v in result.report.violations[:5]]
    triples = json.loads((tmp_path / "out" / "manifest.json").read_text())["triples"]
    assert 0.7 * SIZE <= triples <= 1.6 * SIZE
    graphs = json.loads((tmp_path / "out" / "manifest.json").read_text())["graphs"]
    assert any("source-synth-flows-1" in g for g in graphs)
    assert {"load", "rules", "validate", "write", "total"} <= set(result.timings)


def test_two_builds_of_the_corpus_are_byte_identical(
    corpus: synthetic.Corpus, tmp_path: Path
) -> None:
    pipeline.run(settings(corpus, tmp_path / "a"))
    pipeline.run(settings(corpus, tmp_path / "b"))
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_blank_nodes_in_nquads_inputs_keep_builds_byte_identical(
    corpus: synthetic.Corpus, tmp_path: Path
) -> None:
    extra = tmp_path / "blank.nq"
    graph = "<https://w3id.org/kg-tip/graph/source-blank>"
    extra.write_text(
        f'_:note <http://www.w3.org/2000/01/rdf-schema#comment> "a note"@en {graph} .\n'
        f"<https://w3id.org/kg-tip/id/country-prk> <http://www.w3.org/2000/01/rdf-schema#seeAlso>"
        f" _:note {graph} .\n"
    )
    for name in ("a", "b"):
        result = pipeline.run(settings(corpus, tmp_path / name, (extra,)))
        assert result.report.conforms
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
    assert b"_:note" in (tmp_path / "a" / "graph.nt").read_bytes()


def test_scenarios_run_on_a_tiny_corpus(tmp_path: Path) -> None:
    result = scale.synthetic_scenario(SIZE, tmp_path, parts=True)
    for stage in ("load", "rules", "validate", "write", "total", "GraphML", "part Turtle"):
        assert stage in result["timings"]
    assert (tmp_path / f"build-{SIZE}" / "flows.graphml").read_bytes().startswith(b"<?xml")
    naive = scale.naive_scenario(SIZE, tmp_path)
    assert {"YAML load", "rules + SHACL", "Turtle", "GraphML"} <= set(naive["timings"])
    assert naive["triples"] > 0
    assert (tmp_path / f"naive-{SIZE}" / "graph.Turtle").stat().st_size > 0
    meta = {"command": "test", "date": "today", "machine": "m", "software": "s",
            "load_before": "0", "load_after": "0", "naive_size": "5k"}  # fmt: skip
    section = report.render(meta, {"synthetic-5k": result, "naive-5k": naive})
    assert "| **end to end** |" in section
    assert "### Targets" in section


def test_results_file_keeps_the_other_sections(tmp_path: Path) -> None:
    path = tmp_path / "RESULTS.md"
    path.write_text(
        "# Benchmark results\n\n<!-- serve:start -->\nserve table\n<!-- serve:end -->\n\n"
        "<!-- queries:start -->\nqueries table\n<!-- queries:end -->\n"
    )
    report.update_results(path, "first")
    report.update_results(path, "second")
    text = path.read_text()
    assert text.count("<!-- scale:start -->") == 1
    assert "second" in text
    assert "first" not in text
    assert "serve table" in text
    assert "queries table" in text
    assert text.index("scale:start") < text.index("serve:start")


def test_bench_command_runs_one_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = bench_main(
        ["--sizes", "5k", "--naive-size", "5k", "--only", "shipped", "--no-write",
         "--work", str(tmp_path)]
    )  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "Shipped data" in out
    saved = json.loads((tmp_path / "scale-results.json").read_text())
    assert saved["shipped"]["timings"]["rebuild total"] > 0


def test_writing_with_the_helper_process_gives_the_same_bytes(
    shipped_build: pipeline.BuildResult, tmp_path: Path
) -> None:
    context = pipeline.jsonld_context(ROOT / "ontology")
    for name, threshold in (("serial", 10**12), ("helper", 0)):
        (tmp_path / name).mkdir()
        count = write_all(shipped_build.store, tmp_path / name, context, parallel_min=threshold)
        assert count == len({q.triple for q in shipped_build.store})
    assert tree(tmp_path / "serial") == tree(tmp_path / "helper")
    assert tree(tmp_path / "serial") == {
        k: v for k, v in tree(shipped_build.written[0].parent).items() if k.startswith("graph.")
    }
