"""Loopback load test of ``kg serve``: 8 client threads for 10 s against a lookup query.

Run ``python -m bench.serve_bench`` from the repository root. It builds the shipped data into a
temporary directory and measures servers started as their own processes on 127.0.0.1:

* naive: what a first attempt looks like -- the store reloaded from graph.nq for every request,
  HTTP/1.0 (a new TCP connection per query);
* fast: ``kg serve`` itself -- the store loaded once into worker processes, HTTP/1.1
  keep-alive.

It reports queries/s, p50/p99 latency and errors for each, the ratios, and checks the target
(>= 300 q/s, p99 <= 50 ms, 0 errors). Then, under contention -- 4 clients (then 20) sending
queries that run into the timeout, the same text or a new one each time, while 8 clients send
the lookup, everything from 127.0.0.1 -- it measures the lookups' p99 on

* before: a plain pool of workers (``ProcessEngine(fast_limit=None)``: each query holds its
  worker until it ends or times out, as kg serve did before the lanes);
* after: ``kg serve`` with its fast and long lanes.

Last, the guard's cost per query (parse and check, uncached and cached) for the lookup and
every named query. It writes its section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

from bench.report import write_section
from bench.serve_render import (
    CONTENTION_TIMEOUT,
    LOOKUP,
    SCENARIOS,
    Run,
    contention_row,
    report,
    row,
)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
CODES = ("PRK", "CHN", "RUS", "DEU", "FRA", "USA", "BRA", "IND", "NGA", "KOR", "JPN", "ZAF")
#: A four-way cross product of the whole graph: never ends, so it runs into the timeout.
SLOW = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
_SERIAL = itertools.count()
LOAD_AT_START = 0.0


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


def _fifo_server(build: Path, timeout: float) -> None:
    """kg serve's HTTP server over a plain pool (no lanes): the 'before' of the contention run."""
    from kg import pipeline
    from kg.server.http import App, ServerConfig, make_server
    from kg.server.scheduler import ProcessEngine

    store = pipeline.load_build(build)
    app = App(store, ServerConfig(timeout=timeout), ProcessEngine(store, 2, fast_limit=None))
    with make_server(app, "127.0.0.1", 0) as server:
        print(f"serving http://127.0.0.1:{server.server_address[1]}/", file=sys.stderr, flush=True)
        try:
            server.serve_forever()
        finally:
            app.close()


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
            if response.status != 200:  # answered, late or refused: its wait counts too
                latencies.append(time.perf_counter() - started)
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


def _slow_client(url: str, until: float, answers: list[int], distinct: bool) -> None:
    """Send the never-ending query again and again, each time waiting for its answer; with
    ``distinct``, each time a new text (a comment with a number: the server cannot know it
    as long from an earlier run)."""
    parts = urlsplit(url)
    while time.monotonic() < until:
        text = f"{SLOW} # {next(_SERIAL)}" if distinct else SLOW
        path = "/sparql?query=" + quote(text)
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            answers.append(response.status)
        except OSError:
            answers.append(0)
        finally:
            conn.close()


def contention(
    name: str, url: str, *, clients: int, seconds: float, slow_clients: int, distinct: bool
) -> tuple[Run, list[int]]:
    """Lookups from ``clients`` threads while ``slow_clients`` send queries that time out."""
    answers: list[int] = []
    until = time.monotonic() + seconds
    slow = [
        threading.Thread(target=_slow_client, args=(url, until, answers, distinct))
        for _ in range(slow_clients)
    ]
    for thread in slow:
        thread.start()
    time.sleep(0.5)  # the slow queries are running
    run = load(name, url, clients=clients, seconds=seconds - 0.5, keep_alive=True)
    for thread in slow:
        thread.join()
    return run, answers


def guard_cost(repeat: int = 200) -> list[tuple[str, int, float, float]]:
    """(query, bytes, µs uncached, µs cached) of the guard for the lookup and named queries."""
    from kg.core import vocab as V
    from kg.server import guard

    texts = [("lookup", LOOKUP % "PRK")]
    texts += [
        (p.stem, p.read_text(encoding="utf-8")) for p in sorted((ROOT / "queries").glob("*.rq"))
    ]
    prefixes = tuple(sorted(V.PREFIXES.items()))
    rows = []
    for name, text in texts:
        uncached = guard._check.__wrapped__  # type: ignore[attr-defined]
        uncached(text, prefixes, guard.QueryLimits())
        started = time.perf_counter()
        for _ in range(repeat):
            uncached(text, prefixes, guard.QueryLimits())
        cold = (time.perf_counter() - started) / repeat * 1e6
        guard.check_query(text)
        started = time.perf_counter()
        for _ in range(repeat * 10):
            guard.check_query(text)
        warm = (time.perf_counter() - started) / (repeat * 10) * 1e6
        rows.append((name, len(text.encode()), cold, warm))
    return rows


def main(argv: list[str] | None = None) -> int:
    """Build, start both servers in turn, load them, report."""
    parser = argparse.ArgumentParser(prog="python -m bench.serve_bench", description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    parser.add_argument("--naive-server", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--fifo-server", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--explorer", action="store_true", help="time the explorer's pages (bench.explorer_bench)"
    )
    args, rest = parser.parse_known_args(argv)
    if args.explorer:
        from bench import explorer_bench

        return explorer_bench.main(rest + (["--no-write"] if args.no_write else []))
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    global LOAD_AT_START
    LOAD_AT_START = os.getloadavg()[0]
    if args.naive_server:
        _naive_server(args.naive_server)
        return 0
    if args.fifo_server:
        _fifo_server(args.fifo_server, CONTENTION_TIMEOUT)
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
            print(row(runs[-1]), runs[-1].first_error, file=sys.stderr, flush=True)
        contended = []
        timeout = ["--timeout", str(CONTENTION_TIMEOUT)]
        for name, command in (
            ("before", [sys.executable, "-m", "bench.serve_bench", "--fifo-server", str(build)]),
            ("after", [sys.executable, "-m", "kg", "serve", "--build", str(build), "--port", "0",
                       *timeout]),
        ):  # fmt: skip
            proc, url = _start(command)
            try:
                for n, distinct in SCENARIOS:
                    result = contention(
                        name,
                        url,
                        clients=args.clients,
                        seconds=args.seconds,
                        slow_clients=n,
                        distinct=distinct,
                    )
                    contended.append((name, n, distinct, result))
                    line = contention_row(f"{n}, {distinct}", name, *result)
                    print(line, result[0].first_error, file=sys.stderr, flush=True)
            finally:
                _stop(proc)
    guard = guard_cost()
    text = report(runs[0], runs[1], args.clients, contended, guard, LOAD_AT_START)
    print(text)
    if not args.no_write:
        write_section(RESULTS, "serve", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
