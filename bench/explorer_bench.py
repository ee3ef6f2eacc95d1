"""Server time of the explorer's pages (``kg serve`` → ``/``) on the full import build.

Run ``python -m bench.explorer_bench`` (or ``python -m bench.serve_bench --explorer``) from the
repository root. It builds the shipped data with every dataset of ``imports.example.yaml``
(``../shared/data``; without it, the shipped data plus synthetic flows and tiers) and times
``kg.server.http.handle`` in-process (the server's own work: routing, queries in the worker
processes of kg serve, rendering; no network), for:

* cold: the first request of every page (nothing cached yet), and
* warm: the same pages again, ``--rounds`` times (pages are cached: the store never changes),

and the tier heat-map of every country × every report year: naive (a ``tier-history`` named
query per country, as a page calling the query library would) against fast (one pass over the
placements, ``kg.viz.series.tier_table``), side by side. Writes its section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.report import write_section

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
SHARED = ROOT.parent / "shared" / "data"
TARGET_PAGE_MS, TARGET_HEATMAP_MS = 100.0, 200.0
COUNTRIES = ("THA", "NGA", "DEU", "USA", "CHN", "PRK", "IND", "BRA", "RUS", "MMR", "GBR", "MEX")


def _build(out: Path) -> tuple[Any, str]:
    from kg import pipeline

    imports = ROOT / "imports.example.yaml"
    full = SHARED.is_dir()
    settings = pipeline.Settings(
        ROOT / "data", ROOT / "ontology", out, imports=imports if full else None
    )
    result = pipeline.run(settings)
    if not result.report.conforms:
        raise SystemExit("the build does not conform; cannot benchmark")
    store = result.store
    if full:
        return store, "full import build (shipped data + GLOTIP, TIP tiers, Factbook, CTDC)"
    sys.path.insert(0, str(ROOT / "tests"))
    from flowdata import rich_store

    return rich_store(store, 2000), "shipped data + 2,000 synthetic flows and tiers"


def pages() -> list[tuple[str, dict[str, list[str]]]]:
    """The pages timed: the index, questions, heat-maps, countries, queries, a resource."""
    from kg.query.named import discover, query_dirs

    out: list[tuple[str, dict[str, list[str]]]] = [
        ("/", {}),
        ("/queries", {}),
        ("/charts", {}),
        ("/charts", {"region": ["Europe"]}),
        ("/editor", {}),
        ("/resource", {"iri": ["https://w3id.org/kg-tip/vocab/tier-3"]}),
        ("/query/tier-history", {"country": ["CHN"]}),
        ("/query/destinations-of", {"country": ["THA"]}),
        ("/static/explorer.css", {}),
        ("/favicon.ico", {}),
    ]
    out += [(f"/country/{c}", {}) for c in COUNTRIES]
    out += [(f"/query/{name}", {}) for name in discover(query_dirs())]
    return out


def _ms(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def heatmap(store: Any) -> tuple[float, float, float, float, int, int]:
    """(naive ms, fast ms, naive CPU ms, fast CPU ms, countries, years) of the whole heat-map,
    data and SVG (CPU: this process's time, which other work on the machine does not add to)."""
    from kg.query.named import load_query, query_dirs, run_query
    from kg.viz.series import CountryTiers, Placement, TierTable, tier_table
    from kg.viz.tiercharts import heatmap_svg

    fast = fast_cpu = float("inf")
    for _ in range(3):  # the best of three: the machine is shared
        started, cpu = time.perf_counter(), time.process_time()
        table = tier_table(store)
        heatmap_svg(table)
        fast = min(fast, time.perf_counter() - started)
        fast_cpu = min(fast_cpu, time.process_time() - cpu)
    spec = load_query(query_dirs(), "tier-history")
    started, cpu = time.perf_counter(), time.process_time()
    rows = []
    for country in table.countries:  # naive: one named query per country
        answer = run_query(store, spec, {"country": country.iso3})
        row = CountryTiers(country.iso3, country.label, country.region, country.region_label)
        year, tier = answer.vars.index("year"), answer.vars.index("tier")
        for r in answer.rows:
            y = int(str(r[year].value)[:4])  # type: ignore[union-attr]
            t = str(r[tier].value).rsplit("/", 1)[-1]  # type: ignore[union-attr]
            row.years.setdefault(y, []).append(Placement(y, t, t, None, True, "", None, "", ""))
        rows.append(row)
    heatmap_svg(TierTable(rows, table.first, table.last))
    naive, naive_cpu = time.perf_counter() - started, time.process_time() - cpu
    return (
        1000 * naive,
        1000 * fast,
        1000 * naive_cpu,
        1000 * fast_cpu,
        len(table.countries),
        len(table.years),
    )


def main(argv: list[str] | None = None) -> int:
    """Build, time the pages cold and warm, time the heat-map naive and fast, report."""
    parser = argparse.ArgumentParser(prog="python -m bench.explorer_bench", description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="warm rounds over every page")
    parser.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    args = parser.parse_args(argv)
    from kg.query.named import query_dirs
    from kg.server.http import ServerConfig, handle, open_app

    with tempfile.TemporaryDirectory() as tmp:
        store, what = _build(Path(tmp) / "build")
    load = os.getloadavg()[0]
    naive_ms, fast_ms, naive_cpu, fast_cpu, n_countries, n_years = heatmap(store)
    config = ServerConfig(queries_dir=tuple(query_dirs()))

    def visit(app: Any) -> list[float]:
        times = []
        for path, params in pages():
            started = time.perf_counter()
            response = handle(app, "GET", path, params, {})
            times.append(time.perf_counter() - started)
            if response.status != 200:
                raise SystemExit(f"{path} {params}: HTTP {response.status} {response.text}")
        return times

    app = open_app(store, config, 2)
    try:
        cold = visit(app)
        warm = [t for _ in range(args.rounds) for t in visit(app)]
    finally:
        app.close()
    names = [p + ("?" + "&".join(q) if q else "") for p, q in pages()]
    slowest = sorted(zip(cold, names, strict=True), reverse=True)
    app = open_app(store, config, 2)
    try:
        from kg.server.explorer import warm_up

        started = time.perf_counter()
        rendered = warm_up(app, pause=0)
        warming = time.perf_counter() - started
        after = visit(app)
    finally:
        app.close()
    session = cold + warm
    slow = ", ".join(f"{p} {1000 * t:.0f} ms" for t, p in slowest[:4])
    ok_pages = _ms(session, 95) <= TARGET_PAGE_MS
    ok_map = fast_ms <= TARGET_HEATMAP_MS
    text = "\n".join(
        [
            "## kg serve: explorer pages (server time)",
            "",
            f"`python -m bench.explorer_bench`: {what}; `kg.server.http.handle` timed "
            f"in-process with kg serve's 2 query worker processes, {len(pages())} pages "
            f"(index, questions, heat-maps, {len(COUNTRIES)} country pages, every named query "
            f"with its defaults, a resource page, static files), first visit (cold) then "
            f"{args.rounds} more rounds (warm); {os.cpu_count()} cores shared with other work, "
            f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}.",
            "",
            "| requests | n | p50 ms | p95 ms | max ms |",
            "|---|---:|---:|---:|---:|",
            f"| cold (first visit of each page) | {len(cold)} | {_ms(cold, 50):.1f} | "
            f"{_ms(cold, 95):.1f} | {1000 * max(cold):.1f} |",
            f"| warm (pages again) | {len(warm)} | {_ms(warm, 50):.2f} | {_ms(warm, 95):.2f} | "
            f"{1000 * max(warm):.1f} |",
            f"| session (cold + warm) | {len(session)} | {_ms(session, 50):.2f} | "
            f"{_ms(session, 95):.1f} | {1000 * max(session):.1f} |",
            f"| first visits after `kg serve --warm-up` | {len(after)} | {_ms(after, 50):.2f} | "
            f"{_ms(after, 95):.1f} | {1000 * max(after):.1f} |",
            "",
            f"`--warm-up` rendered {rendered} pages (index, heat-map, editor, questions, every "
            f"country with data) in {warming:.0f} s in the background at start-up.",
            "",
            f"Slowest first visits: {slow}.",
            "",
            f"Tier heat-map of {n_countries} countries × {n_years} report years (data read and "
            f"SVG drawn, uncached, best of 3): naive (one tier-history query per country) "
            f"{naive_ms:.0f} ms, fast (one pass) {fast_ms:.0f} ms, "
            f"{naive_ms / max(fast_ms, 1e-9):.1f}× faster; CPU time {naive_cpu:.0f} ms against "
            f"{fast_cpu:.0f} ms. The explorer then serves it from its cache. Load average at "
            f"the start: {load:.1f} on {os.cpu_count()} cores (other sessions' work).",
            "",
            f"Targets: explorer pages p95 <= {TARGET_PAGE_MS:.0f} ms over the session: "
            f"{'met' if ok_pages else 'NOT met'} (after --warm-up: "
            f"{'met' if _ms(after, 95) <= TARGET_PAGE_MS else 'NOT met'}; median of the cold "
            f"visits {_ms(cold, 50):.0f} ms); heat-map <= {TARGET_HEATMAP_MS:.0f} ms: "
            f"{'met' if ok_map else 'NOT met'} (in CPU time: "
            f"{'met' if fast_cpu <= TARGET_HEATMAP_MS else 'NOT met'}).",
        ]
    )
    print(text)
    if not args.no_write:
        write_section(RESULTS, "explorer", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
