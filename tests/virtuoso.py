"""Start a real Virtuoso (Debian ``virtuoso-opensource-7-bin``) on loopback ports for tests,
from a minimal virtuoso.ini in a temporary directory; stopped by its process id.

Its authenticated Graph Store endpoint (``/sparql-graph-crud-auth``) takes HTTP Digest with the
default account dba/dba; ``/sparql`` answers queries over all its graphs.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from oxiserver import free_port

VIRTUOSO = shutil.which("virtuoso-t")
SKIP_REASON = "needs Virtuoso: apt-get install virtuoso-opensource-7-bin (.ci/run installs it)"
USER = PASSWORD = "dba"

INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 0
MaxQueryMem = 200M
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
MaxClientConnections = 4
ServerThreads = 4

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 120
MaxSortedTopRows = 100000
"""


@dataclass(frozen=True)
class Virtuoso:
    """A running Virtuoso: its HTTP base URL."""

    base: str

    @property
    def store(self) -> str:
        """The authenticated Graph Store endpoint (HTTP Digest, dba/dba)."""
        return self.base + "/sparql-graph-crud-auth"

    @property
    def sparql(self) -> str:
        """The SPARQL query endpoint."""
        return self.base + "/sparql"


@contextmanager
def virtuoso_server(directory: Path) -> Iterator[Virtuoso]:
    """Virtuoso with its database in ``directory``, on free loopback ports."""
    assert VIRTUOSO is not None
    directory.mkdir(parents=True, exist_ok=True)
    http = free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(INI.format(d=directory, sql=free_port(), http=http))
    log = (directory / "stdout.log").open("wb")
    process = subprocess.Popen(
        [VIRTUOSO, "-f", "-c", str(ini)], cwd=directory, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{http}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited: {(directory / 'stdout.log').read_text()}")
            try:
                with urllib.request.urlopen(base + "/sparql?query=ASK%7B%7D", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise RuntimeError("virtuoso-t did not answer within 90 s") from None
                time.sleep(0.2)
        yield Virtuoso(base)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


__all__ = ["PASSWORD", "SKIP_REASON", "USER", "VIRTUOSO", "Virtuoso", "virtuoso_server"]
