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
#: A four-way cross product of the whole graph: never ends, so it runs into the timeout.
SLOW = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CONTENTION_TIMEOUT = 2.0  # --timeout of both servers under contention
#: (slow clients, a new text each time) of the contention runs.
SCENARIOS = ((4, False), (4, True), (20, True))
_SERIAL = itertools.count()
LOAD_AT_START = 0.0


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


def _row(run: Run) -> str:
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
            f"(load average {LOAD_AT_START:.1f} when the run began: the machine is shared), "
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
                _contention_row(f"{n}, {'new text' if d else 'same text'}", name, *result)
                for name, n, d, result in contended
            ],
            "",
            *_ratios(contended),
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


def _contention_row(scenario: str, name: str, run: Run, slow: list[int]) -> str:
    return (
        f"| {scenario} | {name} | {len(run.latencies)} | {run.qps:.0f} | {run.pct(50):.1f} | "
        f"{run.pct(99):.1f} | {run.errors} | {len(slow)} |"
    )


def _ratios(contended: list[tuple[str, int, bool, tuple[Run, list[int]]]]) -> list[str]:
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
            print(_row(runs[-1]), runs[-1].first_error, file=sys.stderr, flush=True)
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
                    row = _contention_row(f"{n}, {distinct}", name, *result)
                    print(row, result[0].first_error, file=sys.stderr, flush=True)
            finally:
                _stop(proc)
    guard = guard_cost()
    text = report(runs[0], runs[1], args.clients, contended, guard)
    print(text)
    if not args.no_write:
        write_section(RESULTS, "serve", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
