"""Push times (issue 16 §4): ``kg push`` of the import build (``kg build --imports
imports.example.yaml`` with ../shared/data present) to a real ``oxigraph serve`` and a real
Virtuoso (``virtuoso-t`` from a minimal virtuoso.ini, HTTP Digest with dba/dba), each started
here on loopback ports with an empty database: the first push, a second push (a no-op: every
graph compares equal and nothing is sent), ``--prune`` after a stale kg graph was put on the
store, each a whole ``kg`` command in a fresh process.

``python -m bench.push_bench`` writes the "push" section of bench/RESULTS.md (``--no-write``
only prints it). Servers are started as the tests start them (tests/oxiserver.py,
tests/virtuoso.py) and stopped by their process ids.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "tests"))  # the tests' server starters: one way to start each

ENV = {"KG_REMOTE_USER": "dba", "KG_REMOTE_PASSWORD": "dba"}
#: Virtuoso's [SPARQL] ResultSetMaxRows here: above the largest graph of the import build.
MAX_ROWS = 10_000_000
STALE = "https://w3id.org/kg-tip/graph/source-bench-stale"


def _kg(args: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    """(wall seconds, stdout and stderr) of one whole ``python -m kg`` command in a fresh
    process."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "kg", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"kg {' '.join(args)} failed:\n{done.stderr}")
    return wall, done.stdout + done.stderr


def build_imports(work: Path) -> tuple[float, Path, dict[str, Any]]:
    """Build the shipped data with imports.example.yaml into ``work``; (seconds, dir, manifest)."""
    out = work / "import-build"
    wall, _ = _kg(["build", "--imports", "imports.example.yaml", "--out", str(out)])
    return wall, out, json.loads((out / "manifest.json").read_text())


@contextmanager
def oxigraph(work: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """An empty ``oxigraph serve``; yields (Graph Store URL, credentials)."""
    from oxiserver import OXIGRAPH, _wait, free_port

    if OXIGRAPH is None:
        raise SystemExit("needs the oxigraph binary (pip install oxigraph)")
    location = Path(tempfile.mkdtemp(prefix="oxigraph-", dir=work))
    port = free_port()
    server = subprocess.Popen(
        [OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait(f"http://127.0.0.1:{port}/query", server)
        yield f"http://127.0.0.1:{port}/store", {}
    finally:
        server.terminate()
        server.wait(timeout=20)


@contextmanager
def virtuoso(work: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """An empty Virtuoso; yields (authenticated Graph Store URL, credentials)."""
    from virtuoso import SKIP_REASON, VIRTUOSO, virtuoso_server

    if VIRTUOSO is None:
        raise SystemExit(SKIP_REASON)
    import virtuoso as v

    # A Graph Store GET answers at most ResultSetMaxRows triples (the tests' 100,000 would cut
    # the GLOTIP graph, so a second push would find it different and send it again)
    v.INI = v.INI.replace("ResultSetMaxRows = 100000", f"ResultSetMaxRows = {MAX_ROWS}")
    with virtuoso_server(Path(tempfile.mkdtemp(prefix="virtuoso-", dir=work))) as server:
        yield server.store, ENV


def _put_stale(url: str, env: dict[str, str]) -> None:
    """Put a kg graph the build lacks on the store (what ``--prune`` deletes)."""
    from kg.remote.http import Client, credentials_from_env
    from kg.remote.store import RemoteStore

    store = RemoteStore(url, None, Client(credentials_from_env(env)))
    store.send("PUT", STALE, b'<http://e/s> <http://e/p> "stale" .\n')


def run_store(name: str, build: Path, work: Path) -> dict[str, float]:
    starter = {"Oxigraph": oxigraph, "Virtuoso": virtuoso}[name]
    with starter(work) as (url, env):
        # one PUT of the GLOTIP graph (243k triples) can take oxigraph serve over the default
        # 60 s on a busy machine: the time per request is raised so the bench measures it
        base = ["push", url, "--build", str(build), "--timeout", "900"]
        first, _ = _kg(base, env)
        _say(name, "first push", first)
        again, said = _kg(base, env)
        _say(name, "again", again)
        sent = re.search(r"pushed (\d+) of", said)
        _put_stale(url, env)
        dry, _ = _kg([*base, "--prune", "--dry-run"], env)
        _say(name, "--prune --dry-run", dry)
        prune, said = _kg([*base, "--prune"], env)
        _say(name, "--prune", prune)
        if "1 deleted" not in said:
            raise SystemExit(f"--prune on {name} did not delete the stale graph:\n{said}")
    resent = float(sent.group(1)) if sent else -1.0
    return {"first": first, "again": again, "resent": resent, "dry": dry, "prune": prune}


def _say(store: str, step: str, seconds: float) -> None:
    print(f"{store}: {step} {seconds:.2f} s", file=sys.stderr, flush=True)


def startup() -> float:
    """Wall seconds of ``python -m kg --version`` (what every command pays before its work)."""
    return min(_kg(["--version"])[0] for _ in range(3))


def render(build_s: float, manifest: dict[str, Any], rows: dict[str, dict[str, float]]) -> str:
    graphs = manifest.get("graphs", {})
    lines = [
        "## Push: `python -m bench.push_bench`",
        "",
        f"{time.strftime('%Y-%m-%d')} · 2 shared cores, load average "
        f"{os.getloadavg()[0]:.1f} at the end · the import build (`kg build --imports "
        f"imports.example.yaml`, {manifest.get('triples', 0):,} triples in {len(graphs)} named "
        f"graphs, built in {build_s:.1f} s) pushed with `kg push URL --build B` to an empty "
        "`oxigraph serve` and an empty Virtuoso 7 (`/sparql-graph-crud-auth`, HTTP Digest), "
        "each command a fresh process (interpreter start-up "
        f"{startup():.2f} s included). Again: every graph compared, none sent. Prune: after a "
        "stale `tkg:` graph was put on the store (`--dry-run` first, then deleting it).",
        "",
        "| store | first push s | again (no-op) s | graphs sent again | --prune --dry-run s "
        "| --prune s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in rows.items():
        lines.append(
            f"| {name} | {r['first']:.2f} | {r['again']:.2f} | {r['resent']:.0f} | {r['dry']:.2f} "
            f"| {r['prune']:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "work" / "push")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--stores", nargs="+", default=["Oxigraph", "Virtuoso"])
    parser.add_argument("--no-write", action="store_true", help="print only")
    ns = parser.parse_args(argv)
    if not SHARED.is_dir():
        raise SystemExit(f"needs {SHARED} (the import datasets)")
    ns.work.mkdir(parents=True, exist_ok=True)
    build_s, build, manifest = build_imports(ns.work)
    rows = {name: run_store(name, build, ns.work) for name in ns.stores}
    text = render(build_s, manifest, rows)
    print(text)
    if not ns.no_write:
        from bench.report import write_section

        write_section(ns.results, "push", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
