"""GraphML and GEXF of the flow network at scale (issue 16 §3): whole ``kg export`` commands on
synthetic builds with the on-disk store, and, in one process, the reader and the writers
against what they replaced, in the same run.

Whole commands (each a fresh process, ``python -m kg --data D export --format F -o OUT
--build B``): the first export of a build (from the answers of the network's queries ``kg
build`` kept beside it: ``kg.pipeline.netcache``), the next ones (from the network's rows the
first export kept), and the export of the same build with nothing kept (the flows read from
its on-disk store, then from ``graph.nq`` with the store moved
aside). In one process, from the build's store:
the flows read with ``kg/network/sparql/flows.rq``'s OPTIONALs (the reader before issue 16)
and with ``flow_table.rq``'s hash joins (``kg.network.flowtable``), and the kept network
written by ``networkx.write_graphml``/``write_gexf`` and by kg's streaming writers.

``python -m bench.network_bench --sizes 1M 5M`` writes the "network" section of
bench/RESULTS.md (``--reuse`` keeps builds made by an earlier run in ``--work``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.store_bench import SIZES, _build, _command

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"1M": 2.0, "5M": 10.0}
KEPT = ".network-flows.json"
ANSWERS = ".network-answers"

#: Run in a fresh process on a build: prints one JSON object of CPU-time measurements.
INSIDE = """
import io, json, sys, time
import networkx as nx
import pyoxigraph as ox
from kg.network import flowtable
from kg.network.gexf import write_gexf
from kg.network.graphml import write_graphml
from kg.network.rows import network_from_bytes

build = sys.argv[1]
out = {}
clock = time.process_time
try:
    store = ox.Store.read_only(build + "/store")
    out["from"] = "store"
except OSError:  # a build without its store: graph.nq in memory
    store = ox.Store()
    store.bulk_load(path=build + "/graph.nq", format=ox.RdfFormat.N_QUADS)
    out["from"] = "memory"
t = clock(); flowtable.table_rows(store); out["scan"] = clock() - t
t = clock(); flowtable.query_rows(store, None); out["optional"] = clock() - t
t = clock(); net = network_from_bytes(open(build + "/.network-flows.json", "rb").read())
out["kept"] = clock() - t
out["edges"] = len(net.edge_rows)
for name, fast, naive in (
    ("graphml", write_graphml, nx.write_graphml), ("gexf", write_gexf, nx.write_gexf)
):
    t = clock(); write = io.BytesIO(); fast(net, write); out[name] = clock() - t
    out[name + " bytes"] = len(write.getvalue())
    graph = net.to_networkx()
    t = clock(); naive(graph, io.BytesIO()); out[name + " networkx"] = clock() - t
print(json.dumps(out))
"""


def _inside(build: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", INSIDE, str(build)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _export(fmt: str) -> list[str]:
    return ["export", "--format", fmt, "-o", "{out}/flows." + fmt]


def run_size(name: str, work: Path, reuse: bool) -> dict[str, Any]:
    size = SIZES[name]
    build = work / f"store-build-{size}-store"
    if not (build / "store").is_dir() and (work / f"store-build-{size}-files").is_dir():
        build = work / f"store-build-{size}-files"  # --reuse of a build made without its store
    if reuse and (build / "manifest.json").is_file():
        from bench.scale import corpus_for

        data, build_s = corpus_for(size, work).data_dir, None
    else:
        build_s, build, data = _build(size, work, store=True)
    has_store = (build / "store").is_dir()
    out = work / f"network-out-{size}"
    out.mkdir(parents=True, exist_ok=True)
    r: dict[str, Any] = {"build": build_s, "commands": {}}
    c = r["commands"]
    if not (build / ANSWERS).is_file():
        raise SystemExit(f"{build}: kg build kept no answers of the flow network ({ANSWERS})")
    answers = (build / ANSWERS).read_bytes()
    (build / KEPT).unlink(missing_ok=True)  # rows of an earlier run
    try:
        c["graphml, first (answers kept by kg build)"] = _command(
            _export("graphml"), build, data, out
        )
        first = (out / "flows.graphml").read_bytes()
        c["graphml, next (rows kept by the first)"] = min(
            (_command(_export("graphml"), build, data, out) for _ in range(3)),
            key=lambda x: x[0],
        )
        same = (out / "flows.graphml").read_bytes() == first
        c["gexf, next (rows kept by the first)"] = min(
            (_command(_export("gexf"), build, data, out) for _ in range(3)), key=lambda x: x[0]
        )
        r["inside"] = _inside(build)
        # A build with nothing kept (made with the network left out, or by an older kg): the
        # first export reads every flow, from the store and then from graph.nq with the store
        # moved aside.
        (build / KEPT).unlink()
        first_from = "store" if has_store else "graph.nq"
        c[f"graphml, nothing kept ({first_from})"] = _command(_export("graphml"), build, data, out)
        same = same and (out / "flows.graphml").read_bytes() == first
        if has_store:
            aside = build.parent / f".{build.name}-store-aside"
            (build / KEPT).unlink()
            os.replace(build / "store", aside)
            try:
                c["graphml, nothing kept (graph.nq)"] = _command(
                    _export("graphml"), build, data, out
                )
                same = same and (out / "flows.graphml").read_bytes() == first
            finally:
                os.replace(aside, build / "store")
    finally:  # the build as kg build left it
        (build / KEPT).unlink(missing_ok=True)
        (build / ANSWERS).write_bytes(answers)
    r["same bytes"] = same
    r["triples"] = json.loads((build / "manifest.json").read_text())["triples"]
    shutil.rmtree(out, ignore_errors=True)
    return r


def render(results: dict[str, dict[str, Any]], load: str) -> str:
    lines = [
        "## GraphML and GEXF at scale: `python -m bench.network_bench`",
        "",
        f"{time.strftime('%Y-%m-%d')} · 2 shared cores, load average {load} at the start · "
        "synthetic builds with the on-disk store. Whole commands: each a fresh process "
        "(`python -m kg --data D export --format F -o OUT --build B`, interpreter start-up "
        'included), wall seconds and peak RSS; "next" is the best of 3. `kg build` evaluates '
        "the flow network's queries beside its writers and keeps their answers "
        "(`build/.network-answers`, `kg.pipeline.netcache`), so the first export of the build "
        "makes the network from them instead of reading every flow from the store, and keeps "
        "the network's rows (`build/.network-flows.json`) for the next ones; "
        '"nothing kept": the same build with neither file, the flows read from its store (and '
        "kept again), then from `graph.nq` with the store moved aside.",
        "",
        "| corpus | triples | command | s | RSS MB | target |",
        "|---|---:|---|---:|---:|---|",
    ]
    for name, r in results.items():
        for label, (wall, rss) in r["commands"].items():
            target = ""
            if label.startswith(("graphml, first", "graphml, next")) and name in TARGETS:
                goal = TARGETS[name]
                target = f"≤ {goal:.0f} s: {'met' if wall <= goal else 'not met'}"
            lines.append(
                f"| {name} | {r['triples']:,} | `{label}` | {wall:.2f} | {rss:.0f} | {target} |"
            )
    lines += [
        "",
        "In one process on the same builds (CPU seconds, `time.process_time`): reading every "
        "flow from the on-disk store (`from`: or from `graph.nq` in memory, for a build made "
        "without its store) with `flows.rq` (one query, an OPTIONAL per property: a "
        "RocksDB seek per flow and property) against `flow_table.rq` (each property a subquery, "
        "joined by hashing one scan of it); loading the kept "
        "network; writing it with networkx (`write_graphml`/`write_gexf` of the same network as "
        "a MultiDiGraph) against kg's streaming writers.",
        "",
        "| corpus | from | edges | flows.rq s | flow_table.rq s | ratio | kept network s "
        "| GraphML networkx s | GraphML kg s | ratio | GEXF networkx s | GEXF kg s | ratio "
        "| same bytes |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, r in results.items():
        i = r["inside"]
        lines.append(
            f"| {name} | {i.get('from', 'store')} | {int(i['edges']):,} | {i['optional']:.2f} | "
            f"{i['scan']:.2f} | "
            f"{i['optional'] / i['scan']:.1f}× | {i['kept']:.2f} | {i['graphml networkx']:.2f} | "
            f"{i['graphml']:.2f} | {i['graphml networkx'] / i['graphml']:.1f}× | "
            f"{i['gexf networkx']:.2f} | {i['gexf']:.2f} | {i['gexf networkx'] / i['gexf']:.1f}× "
            f"| {'yes' if r['same bytes'] else 'NO'} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", default=["1M", "5M"], choices=sorted(SIZES))
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "work")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--reuse", action="store_true", help="keep builds of an earlier run")
    parser.add_argument("--no-write", action="store_true", help="print only")
    ns = parser.parse_args(argv)
    load = f"{os.getloadavg()[0]:.1f}"
    results = {name: run_size(name, ns.work, ns.reuse) for name in ns.sizes}
    text = render(results, load)
    print(text)
    if not ns.no_write:
        from bench.report import write_section

        write_section(ns.results, "network", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
