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
import resource
import shutil
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
#: kg/remote before issue 16's push work (the diff in Python objects, whole-graph PUTs).
BEFORE = "b5b257aa81d3ef65e0a5389866285d9e088841d1"


def _kg(
    args: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT
) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, stdout and stderr) of one whole ``python -m kg`` command in
    a fresh process, run in ``cwd`` (its ``kg`` package is the one imported)."""
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-m", "kg", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if done.returncode != 0:
        raise SystemExit(f"kg {' '.join(args)} failed:\n{done.stderr}")
    return wall, cpu, done.stdout + done.stderr


def tree(ref: str, work: Path) -> Path:
    """A copy of this tree's ``kg`` package (without data/: a build is read as it is), with
    ``kg/remote`` as it was at ``ref`` unless ``ref`` is empty."""
    where = work / f"code-{ref[:12] or 'now'}"
    shutil.rmtree(where, ignore_errors=True)
    shutil.copytree(ROOT / "kg", where / "kg", ignore=shutil.ignore_patterns("__pycache__"))
    if not ref:
        return where
    shutil.rmtree(where / "kg" / "remote")
    archive = subprocess.run(
        ["git", "archive", ref, "kg/remote"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    return where


def build_imports(work: Path) -> tuple[float, Path, dict[str, Any]]:
    """Build the shipped data with imports.example.yaml into ``work``; (seconds, dir, manifest)."""
    out = work / "import-build"
    wall, _, _ = _kg(["build", "--imports", "imports.example.yaml", "--out", str(out)])
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


def _put(url: str, env: dict[str, str], graph: str, line: bytes) -> None:
    """Add one triple to a graph on the store (Graph Store POST)."""
    from kg.remote.http import Client, credentials_from_env
    from kg.remote.store import RemoteStore

    store = RemoteStore(url, None, Client(credentials_from_env(env), timeout=900))
    store.send("POST", graph, line)


Row = dict[str, float]


def run_store(name: str, build: Path, work: Path, code: Path, label: str, biggest: str) -> Row:
    """The steps of one store with the ``kg`` package in ``code``, on an empty server."""
    starter = {"Oxigraph": oxigraph, "Virtuoso": virtuoso}[name]
    row: Row = {}
    with starter(work) as (url, env):
        # one PUT of the GLOTIP graph (243k triples) can take oxigraph serve over the default
        # 60 s on a busy machine: the time per request is raised so the bench measures it
        base = ["push", url, "--build", str(build), "--timeout", "900"]

        def step(key: str, args: list[str]) -> str:
            wall, cpu, said = _kg(args, env, code)
            row[key], row[key + " cpu"] = wall, cpu
            _say(name, f"{label} {key}", wall, cpu)
            return said

        step("first", base)
        said = step("again", base)
        sent = re.search(r"pushed (\d+) of", said)
        row["resent"] = float(sent.group(1)) if sent else -1.0
        _put(url, env, biggest, b'<http://e/s> <http://e/p> "one more" .\n')
        said = step("changed", base)
        if "pushed 1 of" not in said:
            raise SystemExit(f"{name}: the push after one change did not send one graph:\n{said}")
        _put(url, env, STALE, b'<http://e/s> <http://e/p> "stale" .\n')
        step("dry", [*base, "--prune", "--dry-run"])
        said = step("prune", [*base, "--prune"])
        if "1 deleted" not in said:
            raise SystemExit(f"--prune on {name} did not delete the stale graph:\n{said}")
    return row


def _say(store: str, step: str, seconds: float, cpu: float) -> None:
    print(f"{store}: {step} {seconds:.2f} s (CPU {cpu:.2f} s)", file=sys.stderr, flush=True)


def startup() -> float:
    """Wall seconds of ``python -m kg --version`` (what every command pays before its work)."""
    return min(_kg(["--version"])[0] for _ in range(3))


def _cell(r: Row, key: str) -> str:
    return f"{r[key]:.2f} ({r[key + ' cpu']:.2f})"


def render(
    build_s: float, manifest: dict[str, Any], rows: dict[tuple[str, str], Row], before: str
) -> str:
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
        f"{startup():.2f} s included); wall seconds, CPU seconds of the kg process in "
        "brackets. Again: every graph compared, none sent. One changed: the store was given "
        "one extra triple in the biggest graph. Prune: after a stale `tkg:` graph was put on "
        "the store (`--dry-run` first, then deleting it)."
        + (f" Old: `kg/remote` at {before[:10]}, same steps, own empty server." if before else ""),
        "",
        "| store | code | first push s | again (no-op) s | one changed s | graphs sent again "
        "| --prune --dry-run s | --prune s |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for (name, code), r in rows.items():
        lines.append(
            f"| {name} | {code} | {_cell(r, 'first')} | {_cell(r, 'again')} "
            f"| {_cell(r, 'changed')} | {r['resent']:.0f} | {_cell(r, 'dry')} "
            f"| {_cell(r, 'prune')} |"
        )
    for name in dict.fromkeys(n for n, _ in rows):
        old, new = rows.get((name, "old")), rows.get((name, "new"))
        if old is None or new is None:
            continue
        ratios = ", ".join(
            f"{step} {old[step] / new[step]:.1f}x wall, "
            f"{old[step + ' cpu'] / max(new[step + ' cpu'], 1e-3):.1f}x CPU"
            for step in ("first", "again", "changed")
        )
        lines.append(f"\n{name}, old / new: {ratios}.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "work" / "push")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--stores", nargs="+", default=["Oxigraph", "Virtuoso"])
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--before", default=BEFORE, help="old kg/remote (git ref) or none")
    parser.add_argument("--build", type=Path, help="an import build to reuse (else built)")
    ns = parser.parse_args(argv)
    ns.work.mkdir(parents=True, exist_ok=True)
    if ns.build is not None:
        build_s, build = 0.0, ns.build.resolve()
        manifest = json.loads((build / "manifest.json").read_text())
    else:
        if not SHARED.is_dir():
            raise SystemExit(f"needs {SHARED} (the import datasets)")
        build_s, build, manifest = build_imports(ns.work)
    biggest = max(manifest["graphs"], key=manifest["graphs"].get)
    before = "" if ns.before == "none" else ns.before
    codes = {"new": tree("", ns.work), **({"old": tree(before, ns.work)} if before else {})}
    rows = {
        (name, code): run_store(name, build, ns.work, where, code, biggest)
        for name in ns.stores
        for code, where in codes.items()
    }
    text = render(build_s, manifest, rows, before)
    print(text)
    if not ns.no_write:
        from bench.report import write_section

        write_section(ns.results, "push", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
