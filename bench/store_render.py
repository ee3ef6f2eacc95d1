"""The "store" section of bench/RESULTS.md (``bench.store_bench`` measures, this says what the
figures are): the builds compared, their tables, the targets of issue 16 §1 and why."""

from __future__ import annotations

import time
from typing import Any

from bench import import_builds
from kg.core.allocator import ENV

#: The builds compared: kg build as before issue 16 (no store, no kept network), with the store
#: only, and as it is (the store and the flow network).
BUILDS = {"files": (False, False), "store only": (True, False), "store": (True, True)}
#: kg build as it is, its store's helper with the C library's malloc (KG_STORE_MALLOC=system):
#: measured too when the machine has a faster one, which the helper then runs with
#: (kg.core.allocator).
SYSTEM_MALLOC = "store, system malloc"
#: The same builds again with the build cache on and its inputs unchanged since the last build
#: (a rebuild after an edit of the YAML): the store starts from its seed (kg.core.storeseed).
CACHED = {"files, cached": (False, False), "store, cached": (True, True)}


def render(
    results: dict[str, dict[str, Any]],
    load: tuple[float, float],
    repeat: int = 3,
    imports: tuple[dict[str, dict[str, float]] | None, int] = (None, 0),
) -> str:
    lines = [
        "## On-disk store: `python -m bench.store_bench`",
        "",
        f"{time.strftime('%Y-%m-%d')} · 2 shared cores, load average {load[0]:.1f} at the start "
        f"and {load[1]:.1f} at the end · each command a fresh process (`python -m kg --data D "
        "CMD --build B`), with the build's `store/` (fast) and with it moved aside (naive: kg "
        f"then loads `graph.nq`), alternately, the fastest of {repeat} runs each; CPU is user "
        "+ system seconds of the command's process (on a busy machine the comparable figure).",
        "",
        "| corpus | command | store s | files s | files / store | store CPU s | files CPU s "
        "| RSS store MB | RSS files MB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        for label, c in r["commands"].items():
            s, f = c["store"], c["files"]
            lines.append(
                f"| {name} | `{label}` | {s['wall']:.2f} | {f['wall']:.2f} | "
                f"{f['wall'] / s['wall']:.2f}× | {s['cpu']:.2f} | {f['cpu']:.2f} | "
                f"{s['rss']:.0f} | {f['rss']:.0f} |"
            )
    lines += [
        "",
        "The build (`pipeline.run` in a fresh process, no cache), alternately from files only "
        "(neither the store nor the kept flow network: `kg build --no-store`, the build before "
        "issue 16), with the store only, and as `kg build` is now (the store and the flow "
        "network's answers), the fastest of the runs of each; CPU includes the store's helper "
        "process (the network's queries run in a thread of the build). Then, in the same "
        "rounds, both again with the build cache on and the inputs unchanged since the last "
        "build (after one build each to fill the caches), as when an analyst rebuilds after "
        "editing the YAML: the YAML parses come from the cache, and the store starts from the "
        "seed of its N-Quads inputs (and datasets) instead of bulk-loading them (growth "
        "against the cached build from files):",
        "",
        "| corpus | build | s | growth | CPU s | CPU growth |",
        "|---|---|---:|---:|---:|---:|",
    ]
    names = {"files": "files only (--no-store)", "store only": "store", "store": "store + network"}
    names[SYSTEM_MALLOC] = "store + network, the helper with the C library's malloc"
    names |= {
        "files, cached": "cached, inputs unchanged: files only",
        "store, cached": "cached, inputs unchanged: store (from its seed) + network",
    }
    for name, r in results.items():
        for kind, label in names.items():
            if kind not in r["build"]:
                continue
            base = r["build"]["files, cached" if kind in CACHED else "files"]
            b = r["build"][kind]
            lines.append(
                f"| {name} | {label} | {b['wall']:.2f} | "
                f"{(b['wall'] / base['wall'] - 1) * 100:+.0f} % | {b['cpu']:.2f} | "
                f"{(b['cpu'] / base['cpu'] - 1) * 100:+.0f} % |"
            )
    lines += _mallocs(results)
    lines += import_builds.render(*imports)
    lines += targets(results)
    lines += ["", *WHY, *cost(results)]
    return "\n".join(lines)


def _mallocs(results: dict[str, dict[str, Any]]) -> list[str]:
    """Which malloc the store's helper ran with (``kg.core.allocator``), as its stamp says."""
    used = sorted({str(r["malloc"]) for r in results.values() if "malloc" in r})
    if not used:
        return []
    names = ", ".join(f"`{m}`" for m in used)
    return [
        "",
        f"The store's helper ran with {names} (the C library's malloc: `system`); the row "
        "with the C library's malloc, where there is one, is the same build with "
        f"`{ENV}=system`.",
    ]


def cost(results: dict[str, dict[str, Any]]) -> list[str]:
    """What writing the store and keeping the network cost the largest build, from its CPU."""
    name = list(results)[-1]
    b = results[name]["build"]
    files, only, both = b["files"], b["store only"], b["store"]
    idle = 2 * files["wall"] - files["cpu"]
    return [
        f"At {name} the store's helper took {only['cpu'] - files['cpu']:.1f} s of CPU and the",
        f"network's answers {both['cpu'] - only['cpu']:.1f} s more, while the build from files",
        f"left {idle:.1f} s of a 2-core machine idle ({files['cpu']:.1f} s of CPU in "
        f"{files['wall']:.2f} s): beyond that, the extra",
        "work is wall time.",
    ]


#: What the figures mean (kept with the script that writes them).
WHY = [
    "Why: a query on the on-disk store does every look-up as a RocksDB seek, several times the",
    "in-memory store's cost, and pyoxigraph plans an OPTIONAL or UNION branch of more than one",
    "triple as a hash join over the whole store; the named queries and the dossier's are",
    "written so that the selective triple comes first and such a branch is one triple",
    "(`tiers` on the 1M store: 0.9 s → 0.15 s of CPU). `kg query` loads no YAML reader,",
    "package metadata or build stage: a build's inputs are checked by size and times, and",
    "hashed only when those moved. The store is bulk-loaded by a helper process beside the",
    "build (it exits once the derived graph is in), and the flow network's queries are",
    "evaluated in a thread from the end of the closure rules on, beside kg.derive and the",
    "writers (pyoxigraph runs them without Python's lock; making the network from their answers",
    "is left to the first export): on 2 cores the build's wall time grows once they all need",
    "more than the two cores.",
]


def targets(results: dict[str, dict[str, Any]]) -> list[str]:
    """The targets of issue 16 §1 on this run (for the largest corpus measured)."""
    name = list(results)[-1]
    r = results[name]
    query = r["commands"]["kg query tiers"]
    report = r["commands"]["kg report PRK"]
    f, s, o = r["build"]["files"], r["build"]["store"], r["build"]["store only"]
    growth = (s["wall"] / f["wall"] - 1) * 100
    alone = (o["wall"] / f["wall"] - 1) * 100

    def met(ok: bool) -> str:
        return "met" if ok else "not met"

    qs = query["store"]
    return [
        "",
        f"Targets of issue 16 §1 on this run ({name}):",
        "",
        "| target | goal | measured | |",
        "|---|---|---:|---|",
        f"| `kg query tiers`, whole command | ≤ 0.5 s | {qs['wall']:.2f} s "
        f"({qs['cpu']:.2f} s CPU; files: {query['files']['wall']:.2f} s) | "
        f"{met(qs['wall'] <= 0.5)} |",
        f"| peak RSS of `kg query` | ≤ 150 MB | {qs['rss']:.0f} MB | {met(qs['rss'] <= 150)} |",
        f"| `kg report PRK` bounded by its own work | faster than from files | "
        f"{report['store']['wall']:.2f} s (files: {report['files']['wall']:.2f} s) | "
        f"{met(report['store']['wall'] < report['files']['wall'])} |",
        f"| build time growth (store only) | ≤ 15 % | {alone:+.0f} % (CPU "
        f"{f['cpu']:.1f} → {o['cpu']:.1f} s) | {met(alone <= 15)} |",
        f"| build time growth (store + network, `kg build`) | ≤ 15 % | {growth:+.0f} % (CPU "
        f"{f['cpu']:.1f} → {s['cpu']:.1f} s) | "
        f"{met(growth <= 15)} |",
        *_system_target(r["build"], met),
        *_cached_target(r["build"], met),
    ]


def _system_target(builds: dict[str, dict[str, float]], met: Any) -> list[str]:
    """The growth target's row for the helper with the C library's malloc (when measured)."""
    if SYSTEM_MALLOC not in builds:
        return []
    f, s = builds["files"], builds[SYSTEM_MALLOC]
    growth = (s["wall"] / f["wall"] - 1) * 100
    return [
        f"| build time growth (`kg build`, the helper with the C library's malloc) | ≤ 15 % | "
        f"{growth:+.0f} % (CPU {f['cpu']:.1f} → {s['cpu']:.1f} s) | {met(growth <= 15)} |"
    ]


def _cached_target(builds: dict[str, dict[str, float]], met: Any) -> list[str]:
    """The growth target's row for a rebuild with the cache (when it was measured)."""
    if "store, cached" not in builds:
        return []
    f, s = builds["files, cached"], builds["store, cached"]
    growth = (s["wall"] / f["wall"] - 1) * 100
    return [
        f"| build time growth, rebuild with the cache and unchanged N-Quads (`kg build`) "
        f"| ≤ 15 % | {growth:+.0f} % (CPU {f['cpu']:.1f} → {s['cpu']:.1f} s) "
        f"| {met(growth <= 15)} |"
    ]
