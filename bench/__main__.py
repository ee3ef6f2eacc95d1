"""``python -m bench``: the build benchmark; writes the scale section of bench/RESULTS.md.

Scenarios, each in its own process (see bench/scale.py):

* ``shipped`` — build of data/ and a rebuild after editing one YAML file;
* ``imports`` — the three real datasets of ../shared/data (skipped when absent);
* ``synthetic-SIZE`` — validated builds of the synthetic corpus (bench/synthetic.py);
* ``naive-SIZE`` — the naive path (bench/naive.py) on the corpus of ``--naive-size``, in the
  same run as the fast path on it.

Examples::

    python -m bench                       # 100k, 1M, 5M; naive at 100k (about 10 minutes)
    python -m bench --quick               # 20k only, naive at 20k, no RESULTS.md
    python -m bench --only synthetic-1M   # one scenario
    python -m bench --only shipped --queries  # plus the kg query benchmark (bench/queries_bench.py)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import report
from bench.synthetic import parse_size, size_name

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
WORK = ROOT / "bench" / "work"


def machine() -> str:
    """CPU model, cores and memory."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f", {mem_kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, StopIteration):
        memory = ""
    return f"{model}, {os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}"


def software() -> str:
    """Python and the versions of the libraries that matter."""
    from importlib.metadata import version

    libs = ("pyoxigraph", "rdflib", "pyshacl", "PyYAML", "networkx")
    return f"Python {platform.python_version()}, " + ", ".join(f"{n} {version(n)}" for n in libs)


def load() -> str:
    """The 1-minute load average."""
    return f"{os.getloadavg()[0]:.2f}"


def run_scenario(name: str, work: Path, timeout: float, parts: bool = False) -> dict[str, Any]:
    """Run one scenario in a child process; return its JSON result (or an error)."""
    kind, _, size = name.partition("-")
    cmd = [sys.executable, "-m", "bench.scale", kind, "--work", str(work)]
    if size:
        cmd += ["--size", str(parse_size(size))]
    if parts:
        cmd.append("--parts")
    started = time.perf_counter()
    print(f"… {name}", file=sys.stderr, flush=True)
    try:
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {proc.returncode}: {tail}"}
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"  {name}: {time.perf_counter() - started:.1f} s wall", file=sys.stderr, flush=True)
    return result


def scenarios(sizes: list[str], naive_size: str) -> list[str]:
    """Every scenario of a run, in order."""
    names = ["shipped", "imports", *(f"synthetic-{s}" for s in sizes)]
    if f"synthetic-{naive_size}" not in names:
        names.append(f"synthetic-{naive_size}")
    return [*names, f"naive-{naive_size}"]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write bench/RESULTS.md."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes", default="100k,1M,5M", help="synthetic sizes (default: %(default)s)"
    )
    parser.add_argument("--naive-size", default="100k", help="size of the naive comparison")
    parser.add_argument("--quick", action="store_true", help="20k only; RESULTS.md untouched")
    parser.add_argument("--only", metavar="NAME", help="run one scenario, e.g. synthetic-1M")
    parser.add_argument("--work", type=Path, default=WORK, help="corpora and builds go here")
    parser.add_argument("--timeout", type=float, default=3600.0, help="per scenario, seconds")
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    parser.add_argument(
        "--queries", action="store_true", help="also run bench.queries_bench (kg query, 1M)"
    )
    args = parser.parse_args(argv)
    sizes = [size_name(parse_size(s)) for s in args.sizes.split(",") if s]
    naive_size = size_name(parse_size(args.naive_size))
    if args.quick:
        sizes, naive_size = ["20k"], "20k"
    names = scenarios(sizes, naive_size)
    if args.only:
        if args.only not in names and not args.only.startswith(("synthetic-", "naive-")):
            parser.error(f"unknown scenario {args.only!r}; choose from {', '.join(names)}")
        names = [args.only]
    meta = {
        "command": " ".join(["python -m bench", *(argv if argv is not None else sys.argv[1:])]),
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "software": software(),
        "load_before": load(),
        "naive_size": naive_size,
    }
    results: dict[str, dict[str, Any]] = {}
    args.work.mkdir(parents=True, exist_ok=True)
    for name in names:
        parts = name == f"synthetic-{naive_size}"
        results[name] = run_scenario(name, args.work, args.timeout, parts)
    meta["load_after"] = load()
    section = report.render(meta, results)
    print(section)
    (args.work / "scale-results.json").write_text(json.dumps({"meta": meta, **results}, indent=1))
    if not (args.quick or args.no_write):
        report.update_results(RESULTS, section)
        print(f"wrote {RESULTS.relative_to(ROOT)}", file=sys.stderr)
    if args.queries:  # its own process and its own RESULTS.md section
        quiet = ["--no-write"] if args.quick or args.no_write else []
        subprocess.run([sys.executable, "-m", "bench.queries_bench", *quiet], cwd=ROOT, check=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
