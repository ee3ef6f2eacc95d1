"""How the ``kg`` process ends: as ``sys.exit`` would, without freeing what it holds.

A command over a big build holds millions of objects (the graph in memory, the records, the
rows). Freeing them one by one costs time nobody needs: 0.3 s for a 1M build's result, once
every output is written. So ``kg.cli.app.main`` ends the process with ``quick_exit``, and a
command hands what it no longer needs to ``keep`` instead of dropping it. Every output is
written and closed before (atomically, in ``try``/``finally`` blocks; kg registers nothing to
run at exit); only the standard streams and the log handlers are flushed.

Under a test runner, or when ``kg.cli.cli`` is called as a library, ``keep`` keeps nothing:
only ``main`` turns it on.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import NoReturn

import click

_kept: list[object] | None = None


def start() -> None:
    """From now on, ``keep`` keeps: the process will end with ``quick_exit``."""
    global _kept
    _kept = []


def keep(*objects: object) -> None:
    """Leave ``objects`` to the end of the process, which never frees them (only after
    ``start``; otherwise they are dropped as usual)."""
    if _kept is not None:
        _kept.extend(objects)


def quick_exit(code: object) -> NoReturn:
    """End the process as ``sys.exit(code)`` would: status 0 for None, the integer, or 1 with
    the message on stderr. A standard stream whose reader went away (a closed pipe) ends it
    with 141, as ``cat`` ends in ``cat FILE | head``; one that cannot be flushed for another
    reason (a full disk) with 120, as Python's own shutdown does."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        click.echo(str(code), err=True)
        status = 1
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:
            status = status or 141  # its reader went away (kg ... | head), as ExitCode says
        except (OSError, ValueError):
            status = status or 120
    os._exit(status)


__all__ = ["keep", "quick_exit", "start"]
