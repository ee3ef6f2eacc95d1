"""What ``bench.queries_bench`` measures (``Timing``) and its section of bench/RESULTS.md."""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import platform
import statistics
import time
from dataclasses import dataclass

TARGET_MS, TARGET_SPEEDUP = 20.0, 20.0


@dataclass
class Timing:
    """What one engine measured for one query."""

    runs: list[float]
    rows: int
    timed_out: bool = False
    error: str = ""

    @property
    def p50(self) -> float:
        """Median run time in milliseconds."""
        return 1000 * statistics.median(self.runs)


Timings = dict[str, Timing]


def report(
    naive: Timings,
    fast: Timings,
    scoped: Timings,
    computed: Timings,
    quads: int,
    counts: dict[str, int],
    args: argparse.Namespace,
) -> str:
    """The Markdown section for bench/RESULTS.md."""
    content = ", ".join(f"{n:,} {what}" for what, n in counts.items())
    lines = [
        f"## kg query: the named queries on a synthetic {args.size}-triple graph",
        "",
        f"`python -m bench.queries_bench --size {args.size}`: {quads:,} quads, asserted and "
        f"inferred ({content}; J/TIP tiers 2001-2024 for every country), every named query "
        f"with its default parameters. Python {platform.python_version()}, "
        f"{mp.cpu_count()} cores (shared), {time.strftime('%Y-%m-%d')}.",
        "",
        "| query | rows | naive: rdflib p50 ms | chosen: pyoxigraph p50 ms | speed-up | "
        "p50 <= 20 ms |",
        "|---|---:|---:|---:|---:|---|",
    ]
    ratios = []
    errors = []
    for name in fast:
        n, f = naive[name], fast[name]
        met = "yes" if f.p50 <= TARGET_MS else "no"
        if n.error:
            errors.append(f"{name}: {n.error}")
            lines.append(
                f"| {name} | {f.rows} | rdflib fails (see below) | {f.p50:.1f} | – | {met} |"
            )
            continue
        ratio = n.p50 / f.p50
        ratios.append(ratio)
        bound = ">= " if n.timed_out else ""
        rows = f"{f.rows}" if n.timed_out or n.rows == f.rows else f"{f.rows} (rdflib {n.rows})"
        lines.append(
            f"| {name} | {rows} | {bound}{n.p50:,.0f} | {f.p50:.1f} | {bound}{ratio:,.0f}x "
            f"| {met} |"
        )
    geo = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
    missed = [name for name, t in fast.items() if t.p50 > TARGET_MS]
    lines += [
        "",
        f"pyoxigraph: p50 of {args.repeat} runs after a warm-up, via `kg.queries.run_query` "
        f"(rows turned into Python objects). rdflib: p50 of up to {args.naive_repeat} runs, "
        f"fewer once {args.naive_budget:.0f} s are spent on a query, each run stopped after "
        f"{args.naive_timeout:.0f} s (then the figure is a lower bound, >=).",
        "",
        f"Geometric-mean speed-up: {geo:,.0f}x (target >= {TARGET_SPEEDUP:.0f}x: "
        f"{'met' if geo >= TARGET_SPEEDUP else 'NOT met'}). "
        f"p50 <= {TARGET_MS:.0f} ms: {len(fast) - len(missed)} of {len(fast)} queries"
        + (f"; missed by {', '.join(missed)}." if missed else "."),
    ]
    if missed:
        lines += [
            "",
            "The queries that miss read the whole graph with their default parameters (`*`): "
            "every tier placement, every flow estimate or every fact. Scoped to one country "
            "(pyoxigraph p50, same run): "
            + (
                "; ".join(f"`{k}` {t.p50:.1f} ms ({t.rows} rows)" for k, t in scoped.items())
                or "none of them has a country parameter"
            )
            + ".",
        ]
    if computed:
        lines += [
            "",
            "Five queries read what the build's rules derived once (`kg/graph/derive.py`: latest "
            "tier per assessor, tier changes, opposed claims, size ranks, provenance gaps) and "
            "compute it themselves on a graph without it. The same queries with the rules' markers"
            " removed, so they compute (pyoxigraph p50, same run). rdflib runs the computing "
            "branch of these five whatever the markers say (pyoxigraph drops a branch whose guard "
            "is false before running it), so their speed-ups above mix the engine with the "
            "indexes; this table gives the indexes' share:",
            "",
            "| query | rule indexes read, ms | computed per query, ms | ratio |",
            "|---|---:|---:|---:|",
            *(
                f"| {name} | {fast[name].p50:.1f} | {t.p50:.1f} | {t.p50 / fast[name].p50:,.0f}x |"
                for name, t in computed.items()
            ),
        ]
    if errors:
        lines += ["", "rdflib could not run (left out of the geometric mean): " + "; ".join(errors)]
    return "\n".join(lines)
