"""``kg serve``'s options for the bounds and the Host check: flags, environment variables,
help, bad values, and the start-up lines that say how the workers are confined."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from kg.cli import cli

ROOT = Path(__file__).resolve().parents[2]
OPTIONS = ["--allow-host", "--max-query-size", "--max-depth", "--max-result-size",
           "--max-memory", "--long-queries", "--fast-lane", "--min-rate",
           "--send-limit"]  # fmt: skip


def test_help_lists_every_bound_with_its_variable(runner: object) -> None:
    result = runner.invoke(cli, ["serve", "--help"], terminal_width=200)  # type: ignore[attr-defined]
    assert result.exit_code == 0
    for option in OPTIONS:
        assert option in result.output
    assert "KG_SERVE_ALLOW_HOSTS" in result.output or "--allow-host NAME" in result.output
    assert "kg serve --host 0.0.0.0 --allow-host" in result.output  # an example


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--max-query-size", "lots"], "is not a size"),
        (["--max-memory", "0"], "is not a size"),
        (["--max-depth", "0"], "0 is not in the range"),
        (["--max-depth", "100000"], "is not in the range"),
    ],
)
def test_bad_values_are_usage_errors(runner: object, args: list[str], message: str) -> None:
    result = runner.invoke(cli, ["serve", *args, "--get", "/"])  # type: ignore[attr-defined]
    assert result.exit_code == 2
    assert message in result.output


@pytest.fixture(scope="module")
def served(shipped_build_dir: Path) -> Iterator[tuple[str, int, str]]:
    """``kg serve`` configured through environment variables only."""
    env = {
        **os.environ,
        "KG_SERVE_ALLOW_HOSTS": "kg.example.org other.example",
        "KG_SERVE_MAX_DEPTH": "3",
        "KG_SERVE_MAX_QUERY_SIZE": "2K",
        "KG_SERVE_WORKERS": "1",
    }
    command = [
        sys.executable,
        "-m",
        "kg",
        "serve",
        "--build",
        str(shipped_build_dir),
        "--port",
        "0",
    ]
    proc = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stderr is not None
    first, second = proc.stderr.readline(), proc.stderr.readline()
    match = re.search(r"serving http://127\.0\.0\.1:(\d+)/", first)
    if not match:
        proc.kill()
        pytest.fail(f"kg serve did not start: {first}{second}{proc.stderr.read()}")
    threading.Thread(target=proc.stderr.read, daemon=True).start()
    yield first, int(match.group(1)), second
    proc.terminate()
    assert proc.wait(20) == 0


def get(port: int, target: str, host: str = "127.0.0.1") -> tuple[int, bytes]:
    raw = f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(raw.encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_the_start_up_lines_name_the_barrier(served: tuple[str, int, str]) -> None:
    _, _, second = served
    assert second.startswith("query workers cut off the network by: ")
    assert "seccomp filter" in second  # Linux, x86-64 or aarch64: always here


def test_settings_from_the_environment(served: tuple[str, int, str]) -> None:
    _, port, _ = served
    ask = "/sparql?query=" + quote("ASK { ?s ?p ?o }")
    assert get(port, ask, "other.example")[0] == 200
    assert get(port, ask, f"kg.example.org:{port}")[0] == 200
    assert get(port, ask, "third.example")[0] == 403
    deep = "/sparql?query=" + quote("ASK { { { { ?s ?p ?o } } } }")
    status, body = get(port, deep)
    assert status == 400
    assert b"more than 3 levels" in body
    status, body = get(port, "/sparql?query=" + quote("ASK {}" + " " * 3000))
    assert status == 413
    assert b"more than this server's 2048" in body
