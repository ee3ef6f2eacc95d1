"""Loopback load test of ``kg serve``: 8 client threads for 10 s against a lookup query.

Run ``python -m bench.serve_bench`` from the repository root. It builds the shipped data into a
temporary directory and measures two servers, each started as its own process on 127.0.0.1:

* naive: what a first attempt looks like -- the store reloaded from graph.nq for every request,
  HTTP/1.0 (a new TCP connection per query);
* fast: ``kg serve`` itself -- the store loaded once into worker processes, HTTP/1.1
  keep-alive.

It reports queries/s, p50/p99 latency and errors for each, the ratios, checks the target
(>= 300 q/s, p99 <= 50 ms, 0 errors) and writes its section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from bench.report import write_section

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
TARGET_QPS, TARGET_P99_MS = 300.0, 50.0

LOOKUP = """PREFIX tk: <https://w3id.org/kg-tip/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?country ?label ?region WHERE {
  ?country tk:iso3166Alpha3 "%s" ; rdfs:label ?label ; tk:inRegion ?region .
}"""
CODES = ("PRK", "CHN", "RUS", "DEU", "FRA", "USA", "BRA", "IND", "NGA", "KOR", "JPN", "ZAF")


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


def _naive_server(build: Path) -> None:
    """Serve with the store reloaded for every request and no keep-alive (the baseline)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import parse_qs

    from kg import pipeline
    from kg.server.http import handle

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:
            split = urlsplit(self.path)
            store = pipeline.load_build(build)
            response = handle(store, "GET", split.path, parse_qs(split.query), dict(self.headers))
            self.send_response(response.status)
            for name, value in response.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            self.wfile.write(response.body)

        def log_message(self, *args: object) -> None:
            pass

    with ThreadingHTTPServer(("127.0.0.1", 0), Handler) as server:
        print(f"serving http://127.0.0.1:{server.server_address[1]}/", file=sys.stderr, flush=True)
        server.serve_forever()


def _start(command: list[str]) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        match = re.search(r"serving (http://\S+?/)", line)
        if match:
            threading.Thread(target=proc.stderr.read, daemon=True).start()  # drain
            return proc, match.group(1)
        if not line and proc.poll() is not None:
            break
    proc.kill()
    raise RuntimeError(f"server did not start: {' '.join(command)}")


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()  # by PID: SIGTERM, then SIGKILL if it lingers
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _client(url: str, keep_alive: bool, until: float, run: Run, lock: threading.Lock) -> None:
    parts = urlsplit(url)
    conn: http.client.HTTPConnection | None = None
    latencies: list[float] = []
    errors, first, i = 0, "", 0
    while time.monotonic() < until:
        path = "/sparql?query=" + quote(LOOKUP % CODES[i % len(CODES)])
        i += 1
        started = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(
                    parts.hostname or "127.0.0.1", parts.port, timeout=30
                )
            conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
            response = conn.getresponse()
            body = response.read()
            if response.status != 200 or not json.loads(body)["results"]["bindings"]:
                raise RuntimeError(f"HTTP {response.status}: {body[:100]!r}")
            latencies.append(time.perf_counter() - started)
        except Exception as exc:
            errors += 1
            first = first or f"{type(exc).__name__}: {exc}"
            conn = None
        if not keep_alive and conn is not None:
            conn.close()
            conn = None
    with lock:
        run.latencies += latencies
        run.errors += errors
        run.first_error = run.first_error or first


def load(name: str, url: str, *, clients: int, seconds: float, keep_alive: bool) -> Run:
    """Run ``clients`` threads against ``url`` for ``seconds``."""
    run, lock = Run(name, seconds, [], 0), threading.Lock()
    _client(url, keep_alive, time.monotonic() + 0.5, Run(name, 1, [], 0), lock)  # warm up
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_client, args=(url, keep_alive, until, run, lock))
        for _ in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return run


def _row(run: Run) -> str:
    return (
        f"| {run.name} | {len(run.latencies)} | {run.qps:.0f} | {run.pct(50):.1f} | "
        f"{run.pct(99):.1f} | {run.errors} |"
    )


def report(naive: Run, fast: Run, clients: int) -> str:
    """The markdown section for bench/RESULTS.md."""
    ok = fast.qps >= TARGET_QPS and fast.pct(99) <= TARGET_P99_MS and fast.errors == 0
    return "\n".join(
        [
            "## kg serve: loopback SPARQL load test",
            "",
            f"`python -m bench.serve_bench`: {clients} client threads for {fast.seconds:g} s "
            "each, one lookup query (a country by ISO code, 12 codes in turn) sent as GET "
            f"/sparql, JSON results; server and clients on 127.0.0.1, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}.",
            "",
            "| server | queries | queries/s | p50 ms | p99 ms | errors |",
            "|---|---:|---:|---:|---:|---:|",
            _row(naive),
            _row(fast),
            "",
            "naive: store reloaded from graph.nq per request, HTTP/1.0 (new connection per "
            "query). fast: `kg serve` (store loaded once into 2 worker processes, HTTP/1.1 "
            "keep-alive).",
            "",
            f"Ratio fast/naive: {fast.qps / max(naive.qps, 1e-9):.1f}x queries/s, p99 "
            f"{naive.pct(99) / max(fast.pct(99), 1e-9):.1f}x lower. Target (>= "
            f"{TARGET_QPS:.0f} q/s, p99 <= {TARGET_P99_MS:.0f} ms, 0 errors): "
            f"{'met' if ok else 'NOT met'}.",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    """Build, start both servers in turn, load them, report."""
    parser = argparse.ArgumentParser(prog="python -m bench.serve_bench", description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    parser.add_argument("--naive-server", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.naive_server:
        _naive_server(args.naive_server)
        return 0
    from kg import pipeline

    with tempfile.TemporaryDirectory() as tmp:
        build = Path(tmp) / "build"
        settings = pipeline.Settings(ROOT / "data", ROOT / "ontology", build)
        if not pipeline.run(settings).report.conforms:
            raise SystemExit("the shipped data does not conform; cannot benchmark")
        runs = []
        for name, command, keep_alive in (
            (
                "naive",
                [sys.executable, "-m", "bench.serve_bench", "--naive-server", str(build)],
                False,
            ),
            (
                "fast",
                [sys.executable, "-m", "kg", "serve", "--build", str(build), "--port", "0"],
                True,
            ),
        ):
            proc, url = _start(command)
            try:
                runs.append(
                    load(
                        name, url, clients=args.clients, seconds=args.seconds, keep_alive=keep_alive
                    )
                )
            finally:
                _stop(proc)
            print(_row(runs[-1]), runs[-1].first_error, file=sys.stderr, flush=True)
    text = report(runs[0], runs[1], args.clients)
    print(text)
    if not args.no_write:
        write_section(RESULTS, "serve", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
