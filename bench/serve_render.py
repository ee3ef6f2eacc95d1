"""What ``bench.serve_bench`` measures (``Run``), its scenarios, and its section of
bench/RESULTS.md."""

from __future__ import annotations

import os
import platform
import time
from dataclasses import dataclass

TARGET_QPS, TARGET_P99_MS = 300.0, 50.0

LOOKUP = """PREFIX tk: <https://w3id.org/kg-tip/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?country ?label ?region WHERE {
  ?country tk:iso3166Alpha3 "%s" ; rdfs:label ?label ; tk:inRegion ?region .
}"""
CONTENTION_TIMEOUT = 2.0  # --timeout of both servers under contention
#: (slow clients, a new text each time) of the contention runs.
SCENARIOS = ((4, False), (4, True), (20, True))


@dataclass
class Run:
    """What one load run measured."""

    name: str
    seconds: float
    latencies: list[float]
    errors: int
    first_error: str = ""

    @property
    def qps(self) -> float:
        return len(self.latencies) / self.seconds

    def pct(self, p: float) -> float:
        """The p-th percentile latency in milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def row(run: Run) -> str:
    return (
        f"| {run.name} | {len(run.latencies)} | {run.qps:.0f} | {run.pct(50):.1f} | "
        f"{run.pct(99):.1f} | {run.errors} |"
    )


def report(
    naive: Run,
    fast: Run,
    clients: int,
    contended: list[tuple[str, int, bool, tuple[Run, list[int]]]],
    guard: list[tuple[str, int, float, float]],
    load_at_start: float,
) -> str:
    """The markdown section for bench/RESULTS.md."""
    ok = fast.qps >= TARGET_QPS and fast.pct(99) <= TARGET_P99_MS and fast.errors == 0
    lookups = LOOKUP % "PRK"
    lookup_guard = next(g for g in guard if g[0] == "lookup")
    return "\n".join(
        [
            "## kg serve: loopback SPARQL load test",
            "",
            f"`python -m bench.serve_bench`: {clients} client threads for {fast.seconds:g} s "
            "each, one lookup query (a country by ISO code, 12 codes in turn) sent as GET "
            f"/sparql, JSON results; server and clients on 127.0.0.1, {os.cpu_count()} cores "
            f"(load average {load_at_start:.1f} when the run began: the machine is shared), "
            f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}.",
            "",
            "| server | queries | queries/s | p50 ms | p99 ms | errors |",
            "|---|---:|---:|---:|---:|---:|",
            row(naive),
            row(fast),
            "",
            "naive: store reloaded from graph.nq per request, HTTP/1.0 (new connection per "
            "query). fast: `kg serve` (store loaded once into 2 worker processes, HTTP/1.1 "
            "keep-alive).",
            "",
            f"Ratio fast/naive: {fast.qps / max(naive.qps, 1e-9):.1f}x queries/s, p99 "
            f"{naive.pct(99) / max(fast.pct(99), 1e-9):.1f}x lower. Target (>= "
            f"{TARGET_QPS:.0f} q/s, p99 <= {TARGET_P99_MS:.0f} ms, 0 errors): "
            f"{'met' if ok else 'NOT met'}.",
            "",
            "### Lookups while other clients send queries that run into the timeout",
            "",
            f"{clients} lookup clients (keep-alive) for {fast.seconds:g} s while 4 or 20 other "
            "clients each send a never-ending query (a four-way cross product of the graph) "
            f"and, answered (503 at --timeout {CONTENTION_TIMEOUT:g} s, or at once when the long "
            "lane is full), send it again: the same text each time, or a new one each time (so "
            "the server cannot know it as long from an earlier run). Everything comes from "
            "127.0.0.1, so a fair share per address cannot tell the lookups from the slow "
            "queries. before: a plain pool of 2 workers, first come first served (kg serve "
            "before the lanes); after: `kg serve` (2 fast workers, up to 8 in a burst; 2 long "
            "slots). Same run, servers in turn; a lookup's latency counts its wait, and a "
            "refused or late lookup counts as an error.",
            "",
            "| slow clients | server | lookups | lookups/s | p50 ms | p99 ms | lookup errors | "
            "slow answered |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
            *[
                contention_row(f"{n}, {'new text' if d else 'same text'}", name, *result)
                for name, n, d, result in contended
            ],
            "",
            *ratios(contended),
            "",
            "### The guard's cost per query",
            "",
            f"`check_query`: codepoint escapes, the full parse and the verdict. The lookup "
            f"({len(lookups.encode())} bytes) costs {lookup_guard[2]:.0f} µs uncached "
            f"({lookup_guard[2] / 1000 / max(fast.pct(50), 1e-9) * 100:.0f}% of the fast "
            f"server's p50), {lookup_guard[3]:.1f} µs when the worker has seen the text before "
            "(an LRU of 256 queries per worker).",
            "",
            "| query | bytes | µs uncached | µs cached |",
            "|---|---:|---:|---:|",
            *[f"| {n} | {b} | {c:,.0f} | {w:.1f} |" for n, b, c, w in guard],
        ]
    )


def contention_row(scenario: str, name: str, run: Run, slow: list[int]) -> str:
    return (
        f"| {scenario} | {name} | {len(run.latencies)} | {run.qps:.0f} | {run.pct(50):.1f} | "
        f"{run.pct(99):.1f} | {run.errors} | {len(slow)} |"
    )


def ratios(contended: list[tuple[str, int, bool, tuple[Run, list[int]]]]) -> list[str]:
    """One line per scenario: p99 of lookups, before / after."""
    lines = []
    for n, distinct in SCENARIOS:
        found = {name: r[0] for name, k, d, r in contended if (k, d) == (n, distinct)}
        if {"before", "after"} <= found.keys():
            before, after = found["before"], found["after"]
            lines.append(
                f"- {n} slow clients, {'a new' if distinct else 'the same'} text each time: "
                f"p99 of lookups {before.pct(99):,.0f} ms before, {after.pct(99):,.0f} ms "
                f"after ({before.pct(99) / max(after.pct(99), 1e-9):.0f}x lower); lookups "
                f"answered {after.qps / max(before.qps, 1e-9):.1f}x as often."
            )
    return lines
