"""Start-up cost of ``import kg`` and ``kg --help`` (issue 14): whole-process timings and
``python -X importtime``, naive and lazy side by side in the same run.

Run ``python -m bench.startup`` from the repository root; it writes the ``startup`` section of
bench/RESULTS.md. Each command runs as a fresh process, the variants interleaved round by round
so machine noise hits them alike; the table gives the median and the fastest run.

* ``python -c pass``: the interpreter alone (site, the editable-install finder), the floor;
* ``import kg``: the package as shipped (its names load on first use) against the naive
  ``import kg`` that re-exports the API and loads its stages (pyoxigraph, rdflib, networkx…);
* ``kg --help``: the command line as shipped (commands import their stages when they run)
  against the naive one whose command modules import their stages at import time.

kg's bytecode is compiled first (``compileall``), as pip does when it installs a package.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.report import write_section

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
TARGET_IMPORT_MS, TARGET_HELP_MS = 150.0, 300.0

#: What a package that loads everything at import does (the shape kg had before issue 14).
NAIVE_IMPORT = (
    "import kg.api, kg.pipeline, kg.importers.registry, kg.query.output, kg.network.flows, "
    "kg.report.dossier, kg.viz.render"
)
NAIVE_HELP = f"{NAIVE_IMPORT}\nfrom kg.cli import cli\ncli(['--help'], prog_name='kg')"
HEAVY = (
    "pyoxigraph",
    "rdflib",
    "pyshacl",
    "networkx",
    "yaml",
    "kg.pipeline",
    "kg.importers.registry",
)


def kg_command() -> list[str]:
    """The installed ``kg`` script beside this interpreter, else ``python -m kg``."""
    script = Path(sys.executable).with_name("kg")
    return [str(script)] if script.exists() else [sys.executable, "-m", "kg"]


def variants() -> dict[str, list[str]]:
    """Name → command line, for every process timed."""
    py = [sys.executable, "-c"]
    return {
        "python -c pass": [*py, "pass"],
        "import kg (naive)": [*py, NAIVE_IMPORT],
        "import kg": [*py, "import kg"],
        "kg --help (naive)": [*py, NAIVE_HELP],
        "kg --help": [*kg_command(), "--help"],
    }


def time_processes(
    commands: dict[str, list[str]], rounds: int, cwd: Path
) -> dict[str, list[tuple[float, float]]]:
    """(wall seconds, CPU seconds) of each command per round, the commands interleaved within a
    round. CPU time (user + system, from the child's rusage) is what the process itself spent;
    wall time also counts waiting for a core on a busy machine."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPROFILEIMPORTTIME"}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, args in commands.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run(args, cwd=cwd, env=env, capture_output=True, check=True)
            wall = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            times[name].append((wall, cpu))
    return times


def parse_importtime(stderr: str) -> list[tuple[int, str, int, int]]:
    """``-X importtime`` lines as (depth, module, self µs, cumulative µs)."""
    rows = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, field = line.removeprefix("import time:").split("|", 2)
        depth = (len(field) - len(field.lstrip()) - 1) // 2
        rows.append((depth, field.strip(), int(own), int(cumulative)))
    return rows


def import_profile(code: str, cwd: Path, top: int = 8) -> tuple[float, list[tuple[str, float]]]:
    """``python -X importtime -c CODE``: ms spent importing kg (everything below its top-level
    imports), and the modules with the largest self time in ms."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        cwd=cwd, capture_output=True, text=True, check=True,
    )  # fmt: skip
    rows = parse_importtime(proc.stderr)
    kg_us = sum(c for d, n, _, c in rows if d == 0 and (n == "kg" or n.startswith("kg.")))
    ranked = sorted(((n, own / 1000) for _, n, own, _ in rows), key=lambda r: -r[1])
    return kg_us / 1000, ranked[:top]


def loaded(code: str, cwd: Path) -> list[str]:
    """Which of the heavy modules a Python process has loaded after running ``code``."""
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout
    return out.split()


def render(
    times: dict[str, list[tuple[float, float]]],
    profiles: dict[str, tuple[float, list[tuple[str, float]]]],
    heavy: dict[str, list[str]],
    rounds: int,
) -> str:
    """The Markdown section."""
    ms = {
        name: (statistics.median(w for w, _ in t) * 1000, min(w for w, _ in t) * 1000)
        for name, t in times.items()
    }
    cpu = {name: statistics.median(c for _, c in t) * 1000 for name, t in times.items()}
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        "## Start-up: `python -m bench.startup`",
        "",
        f"{dt.date.today().isoformat()} · Python {platform.python_version()} · {os.cpu_count()} "
        f"cores, load average {load:.1f} at the start · {rounds} rounds, each command a fresh "
        "process, variants interleaved",
        "",
        "| command (whole process) | wall, median | wall, fastest | CPU, median | loads |",
        "|---|---:|---:|---:|---|",
    ]
    for name in times:
        median, fastest = ms[name]
        mods = ", ".join(heavy.get(name, [])) or "–"
        lines.append(
            f"| `{name}` | {median:.0f} ms | {fastest:.0f} ms | {cpu[name]:.0f} ms | {mods} |"
        )
    floor = ms["python -c pass"]

    def row(
        label: str, naive: tuple[float, float], now: tuple[float, float], target: float | None
    ) -> str:
        met = "–" if target is None else ("yes" if now[1] <= target else "no")
        goal = "–" if target is None else f"≤ {target:.0f} ms"
        ratio = f"{naive[0] / now[0]:.1f}×" if now[0] >= 1.0 else "–"  # below the noise
        return (
            f"| {label} | {naive[0]:.0f} / {naive[1]:.0f} ms | {now[0]:.0f} / {now[1]:.0f} ms | "
            f"{ratio} | {goal} | {met} |"
        )

    def above(name: str) -> tuple[float, float]:  # noise can make a difference negative
        return max(ms[name][0] - floor[0], 0.0), max(ms[name][1] - floor[1], 0.0)

    lines += [
        "",
        "| | naive (median / fastest) | now (median / fastest) | ratio (medians) | target "
        "| met (fastest run) |",
        "|---|---:|---:|---:|---:|---|",
        row("`import kg`, whole process", ms["import kg (naive)"], ms["import kg"], None),
        row(
            "`import kg` above the interpreter's start-up",
            above("import kg (naive)"),
            above("import kg"),
            TARGET_IMPORT_MS,
        ),
        row("`kg --help`, whole process", ms["kg --help (naive)"], ms["kg --help"], TARGET_HELP_MS),
        "",
        "`python -X importtime` (cumulative time of the kg import, and the largest self times):",
        "",
    ]
    for code, (total, top) in profiles.items():
        tops = ", ".join(f"{name} {own:.1f}" for name, own in top)
        lines.append(f"- `{code}`: {total:.0f} ms; largest (ms): {tops}")
    lines += [
        "",
        "Naive `import kg` = `" + NAIVE_IMPORT + "` (a package that re-exports its API "
        "eagerly); naive `kg --help` = the same imports, then the help (command modules that "
        "import their stages at import time, as kg's did before). On a shared machine other "
        "processes slow every run; the fastest of the runs is the one least disturbed, so the "
        "targets are checked on it (timeit's rule), and the ratio on the medians.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Time, profile, write the section (unless ``--no-write``)."""
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__)
    parser.add_argument("--rounds", type=int, default=21, help="runs of each command")
    parser.add_argument("--no-write", action="store_true", help="print, do not write RESULTS.md")
    parser.add_argument("--results", type=Path, default=RESULTS, help="the results file")
    args = parser.parse_args(argv)
    cwd = ROOT
    # pip compiles an installed package's bytecode; do the same for this checkout, so that no
    # run pays for compiling kg's sources (PYTHONDONTWRITEBYTECODE would make every run do it)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "kg")], check=True)
    commands = variants()
    times = time_processes(commands, args.rounds, cwd)
    heavy = {
        "import kg": loaded("import kg", cwd),
        "import kg (naive)": loaded(NAIVE_IMPORT, cwd),
        "kg --help": loaded("import kg.cli", cwd),
        "kg --help (naive)": loaded(NAIVE_IMPORT + "\nimport kg.cli", cwd),
    }
    profiles = {
        "import kg": import_profile("import kg", cwd),
        "import kg.cli": import_profile("import kg.cli", cwd),
    }
    text = render(times, profiles, heavy, args.rounds)
    print(text)
    if not args.no_write:
        write_section(args.results, "startup", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
