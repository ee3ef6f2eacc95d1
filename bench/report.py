"""Render the scale benchmark as a Markdown section of bench/RESULTS.md.

Other benchmarks own their own sections (between ``<!-- NAME:start -->`` and
``<!-- NAME:end -->``); only the ``scale`` section is replaced, everything else is kept.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

TITLE = "# Benchmark results"

#: Stages of a build in the order they run, as named in ``BuildResult.timings``.
STAGES = ("ontology", "sources", "records", "build", "load", "rules", "validate", "write")
TARGET_TOTAL_1M, TARGET_RATIO, TARGET_RSS_MB, TARGET_LINEAR, TARGET_REBUILD = 20, 10, 1024, 5.5, 1
#: Naive stage → the fast stages doing the same work.
COMPARE = (
    ("YAML load", ("sources",)),
    ("N-Quads load", ("load",)),
    ("build", ("records", "build")),
    ("rules + SHACL", ("rules", "validate")),
    ("Turtle", ("part Turtle",)),
    ("N-Triples", ("part N-Triples",)),
    ("TriG", ("part TriG",)),
    ("N-Quads", ("part N-Quads",)),
    ("JSON-LD", ("part JSON-LD",)),
    ("GraphML", ("GraphML",)),
)


def _s(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _mb(result: dict[str, Any]) -> str:
    return f"{result['peak_rss_mb']:.0f}" if "peak_rss_mb" in result else "–"


def write_section(path: Path, name: str, text: str, *, first: bool = False) -> None:
    """Replace the ``name`` section of ``path`` (between its markers), keeping the rest.

    A new section goes right after the title with ``first``, else at the end. The file is
    replaced atomically.
    """
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    old = path.read_text(encoding="utf-8") if path.exists() else f"{TITLE}\n"
    block = f"{start}\n{text.rstrip()}\n{end}"
    if start in old and end in old:
        new = old[: old.index(start)] + block + old[old.index(end) + len(end) :]
    elif first and old.startswith(TITLE):
        new = f"{TITLE}\n\n{block}\n" + old[len(TITLE) :]
    else:
        new = old.rstrip("\n") + "\n\n" + block + "\n"
    tmp = path.with_suffix(".md.tmp")
    tmp.write_text(re.sub(r"\n{3,}", "\n\n", new), encoding="utf-8")
    tmp.replace(path)


def update_results(path: Path, section: str) -> None:
    """Replace the scale section of ``path`` (inserted after the title the first time)."""
    write_section(path, "scale", section, first=True)


def total(result: dict[str, Any]) -> float | None:
    """End-to-end seconds of a validated build (``pipeline.run``)."""
    value = result.get("timings", {}).get("total")
    return float(value) if value is not None else None


def render(meta: dict[str, Any], results: dict[str, dict[str, Any]]) -> str:
    """The whole scale section."""
    out = ["## Build at scale: `python -m bench`", "", _meta_line(meta), ""]
    out += _synthetic(results)
    out += _compare(meta, results)
    out += _shipped(results.get("shipped"))
    out += _imports(results.get("imports"))
    out += _targets(meta, results)
    return "\n".join(out) + "\n"


def _meta_line(meta: dict[str, Any]) -> str:
    return (
        f"Run `{meta['command']}` on {meta['date']}: {meta['machine']}; {meta['software']}. "
        f"Load average before/after: {meta['load_before']} / {meta['load_after']} "
        "(the machine is shared, so other processes may slow a run down). Each scenario runs "
        "in its own process; peak RSS is that process's `ru_maxrss`. Times are seconds, "
        "in-process (interpreter start-up excluded unless stated)."
    )


def _synthetic(results: dict[str, dict[str, Any]]) -> list[str]:
    runs = [(k, r) for k, r in results.items() if k.startswith("synthetic-")]
    if not runs:
        return []
    head = (
        "| corpus | triples | " + " | ".join(STAGES)
        + " | **total** | GraphML | build peak RSS MB | with GraphML |"
    )  # fmt: skip
    out = [
        "### Validated builds of the synthetic corpus (fast path)",
        "",
        "`bench/synthetic.py`: shipped reference data plus essay-style YAML assessments "
        "(~10 %), yearly J/TIP tier placements, country statistics and cross-border flows with "
        "estimates (a quarter of them censored bands) as importer-style N-Quads in their own "
        "named graphs. A cold build (no cache): load, rules, SHACL (compiled to SPARQL), and "
        "all five outputs (Turtle, N-Triples, TriG, N-Quads, JSON-LD), with the on-disk store "
        "and the flow network's answers as `kg build` makes them; `validate` runs in a "
        "second thread beside `write`, and from 200k triples two helper processes write "
        "Turtle and TriG (one each) while the main one writes N-Quads and JSON-LD, so `total` "
        "is less than the sum of the stages. GraphML (`kg.network.flows.flow_network` + "
        "`kg.network.export.graphml_bytes`) is written after the build. Build peak RSS is the "
        "process's `ru_maxrss` when the build returns (the helpers stream from the sorted "
        "files and stay small).",
        "",
        head,
        "|" + "---|" * (len(STAGES) + 6),
    ]
    for key, r in runs:
        if "error" in r:
            out.append(f"| {key[10:]} | error: {r['error']} |")
            continue
        t = r["timings"]
        cells = [_s(t.get(s)) for s in STAGES]
        out.append(
            f"| {key[10:]} | {r['triples']:,} | " + " | ".join(cells)
            + f" | **{_s(t.get('total'))}** | {_s(t.get('GraphML'))} "
            f"| {r.get('build_rss_mb', 0):.0f} | {_mb(r)} |"
        )  # fmt: skip
    return [*out, ""]


def _compare(meta: dict[str, Any], results: dict[str, dict[str, Any]]) -> list[str]:
    size = meta.get("naive_size")
    naive, fast = results.get(f"naive-{size}"), results.get(f"synthetic-{size}")
    if not naive or not fast or "timings" not in naive or "timings" not in fast:
        return []
    nt, ft = naive["timings"], fast["timings"]
    out = [
        f"### Naive vs fast on the same {size} corpus (same run)",
        "",
        "Naive: PyYAML `SafeLoader`, rdflib `Dataset`/`Graph.add` and its N-Quads parser, pySHACL "
        "with RDFS inference (no rules), rdflib serializers, `networkx.write_graphml`. Fast: "
        "`kg.pipeline` (libyaml `CSafeLoader`, pyoxigraph store, SPARQL UPDATE rules, shapes "
        "compiled to SPARQL, sorted pyoxigraph dumps, `kg.network.export` GraphML). Per-format "
        "fast times are each format written alone after the build (the shared dump and sort is not"
        " in the table, but is in the end-to-end time). Both GraphML times include building the "
        "flow network with `kg.network.flows`.",
        "",
        "| stage | naive s | fast s | naive / fast |",
        "|---|---:|---:|---:|",
    ]
    for stage, fast_stages in COMPARE:
        n = nt.get(stage)
        f = sum(ft.get(s, 0.0) for s in fast_stages) if any(s in ft for s in fast_stages) else None
        ratio = f"{n / f:.1f}×" if n is not None and f else "–"
        out.append(f"| {stage} | {_s(n)} | {_s(f)} | {ratio} |")
    n_total = sum(nt.values())
    f_total = ft["total"] + ft.get("GraphML", 0.0)
    out.append(
        f"| **end to end** | **{n_total:.2f}** | **{f_total:.2f}** | **{n_total / f_total:.1f}×** |"
    )
    out.append(f"| peak RSS MB | {_mb(naive)} | {_mb(fast)} | |")
    verdict = "conforms too" if naive.get("conforms") else "does **not** conform"
    out += [
        "",
        f"The fast end-to-end time is the build's own total (outputs written together, "
        f"validation beside writing) plus GraphML. With RDFS inference (and no rules) the "
        f"naive path {verdict}.",
        "",
    ]
    return out


def _shipped(r: dict[str, Any] | None) -> list[str]:
    if not r or "timings" not in r:
        return []
    t = r["timings"]
    return [
        "### Shipped data: clean build and rebuild after editing one YAML file",
        "",
        f"{r['triples']:,} triples. Clean build (empty cache): {_s(t.get('clean total'))} s. "
        f"After appending a line to data/assessments/prk-essay.yaml: "
        f"**{_s(t.get('rebuild total'))} s** in-process (the other YAML files come from the "
        f"per-source cache), {_s(t.get('rebuild kg build (with start-up)'))} s for the whole "
        f"`kg build` command including Python start-up. Peak RSS {_mb(r)} MB.",
        "",
    ]


def _imports(r: dict[str, Any] | None) -> list[str]:
    if not r:
        return []
    if "skipped" in r:
        return ["### Real datasets", "", f"Skipped: {r['skipped']}.", ""]
    out = [
        "### Real datasets (../shared/data)",
        "",
        "Each importer alone (`kg.importers.bench_imports`):",
        "",
        "| dataset | file | rows | facts | triples | seconds | rows/s |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in r.get("importers", []):
        out.append(
            f"| {row['kind']} | {row['file']} | {row['rows']:,} | {row['facts']:,} | "
            f"{row['triples']:,} | {row['seconds']:.2f} | {row['rows_per_s']:,} |"
        )
    t = r.get("timings", {})
    out += [
        "",
        f"`kg build --imports imports.example.yaml` ({r.get('triples', 0):,} triples): cold "
        f"{_s(t.get('cold total'))} s (imports {_s(_imports_time(t, 'cold'))} s), with the "
        f"per-source cache {_s(t.get('cached total'))} s (imports "
        f"{_s(_imports_time(t, 'cached'))} s). Peak RSS {_mb(r)} MB.",
        "",
    ]
    return out


def _imports_time(t: dict[str, float], prefix: str) -> float:
    return sum(v for k, v in t.items() if k.startswith(f"{prefix} import "))


def _targets(meta: dict[str, Any], results: dict[str, dict[str, Any]]) -> list[str]:
    rows: list[tuple[str, str, str, bool | None]] = []
    one, five = results.get("synthetic-1M", {}), results.get("synthetic-5M", {})
    t1, t5 = total(one), total(five)
    rows.append(("validated build of 1M triples", f"≤ {TARGET_TOTAL_1M} s", _s(t1),
                 None if t1 is None else t1 <= TARGET_TOTAL_1M))  # fmt: skip
    size = meta.get("naive_size")
    naive, fast = results.get(f"naive-{size}", {}), results.get(f"synthetic-{size}", {})
    if "timings" in naive and "timings" in fast:
        ratio = sum(naive["timings"].values()) / (
            fast["timings"]["total"] + fast["timings"].get("GraphML", 0.0)
        )
        rows.append((f"fast vs naive at {size}", f"≥ {TARGET_RATIO}×", f"{ratio:.1f}×",
                     ratio >= TARGET_RATIO))  # fmt: skip
    else:
        rows.append((f"fast vs naive at {size}", f"≥ {TARGET_RATIO}×", "–", None))
    rss = one.get("build_rss_mb")
    rows.append(("peak RSS of the 1M build", f"≤ {TARGET_RSS_MB} MB",
                 "–" if rss is None else f"{rss:.0f}",
                 None if rss is None else rss <= TARGET_RSS_MB))  # fmt: skip
    lin = t5 / t1 if t1 and t5 else None
    rows.append(("5M / 1M build time", f"≤ {TARGET_LINEAR}", "–" if lin is None else f"{lin:.2f}",
                 None if lin is None else lin <= TARGET_LINEAR))  # fmt: skip
    shipped = results.get("shipped", {}).get("timings", {})
    rb = shipped.get("rebuild total")
    rows.append(("rebuild after editing one YAML file (shipped data)", f"≤ {TARGET_REBUILD} s",
                 _s(rb), None if rb is None else rb <= TARGET_REBUILD))  # fmt: skip
    out = ["### Targets", "", "| target | goal | measured | |", "|---|---|---:|---|"]
    for name, goal, measured, ok in rows:
        verdict = "not run" if ok is None else ("pass" if ok else "**FAIL**")
        out.append(f"| {name} | {goal} | {measured} | {verdict} |")
    return [*out, ""]
