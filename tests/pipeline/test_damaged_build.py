"""A damaged build directory (a truncated or edited graph.nq) is one line and exit 1 for every
command that reads it, not a SyntaxError traceback."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kg.cli import cli


def test_a_damaged_graph_is_one_line(sample_repo: Path, runner: CliRunner) -> None:
    assert runner.invoke(cli, ["build", "--out", "out"]).exit_code == 0
    graph = sample_repo / "out" / "graph.nq"
    graph.write_bytes(graph.read_bytes() + b'<http://e/a> "cut off\n')
    lines = len(graph.read_bytes().splitlines())
    for args in (["query", "tiers"], ["export", "--format", "turtle"]):
        result = runner.invoke(cli, [*args, "--build", "out"])
        assert result.exit_code == 1, result.output
        assert result.stdout == ""
        (line,) = result.stderr.splitlines()
        assert line.startswith(f"Error: out/graph.nq:{lines}:")
        assert line.endswith("(the build is damaged or incomplete: run 'kg build --out out')")
