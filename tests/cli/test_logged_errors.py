"""kg's logged warnings and errors on stderr: one line each, an error's exception named on it,
its stack trace only with ``--traceback``. A bug in a query worker of ``kg serve`` printed its
trace straight to stderr (library code never prints); it is logged now."""

from __future__ import annotations

import logging

import pytest

from kg.cli.app import show_warnings


def log_a_bug() -> None:
    try:
        raise ValueError("boom\nsecond line")
    except ValueError:
        logging.getLogger("kg.server.workers").exception("a bug in kg answering a query")


def test_an_error_is_one_line_naming_its_exception(capsys: pytest.CaptureFixture[str]) -> None:
    show_warnings()
    logging.getLogger("kg.pipeline").warning("the store is not used")
    log_a_bug()
    assert capsys.readouterr().err == (
        "warning: the store is not used\n"
        "error: a bug in kg answering a query (ValueError: boom second line)\n"
    )


def test_with_traceback_the_trace_follows(capsys: pytest.CaptureFixture[str]) -> None:
    show_warnings(traces=True)
    try:
        log_a_bug()
    finally:
        show_warnings()
    err = capsys.readouterr().err
    assert err.startswith("error: a bug in kg answering a query (ValueError: boom second line)\n")
    assert "Traceback (most recent call last):" in err
    assert 'raise ValueError("boom\\nsecond line")' in err
