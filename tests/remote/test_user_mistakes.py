"""Mistakes a new user makes with ``kg push`` and ``kg query --endpoint``: each is one line on
stderr, exit 1, no traceback, and never shows a secret."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kg.cli import cli


@pytest.mark.parametrize(
    "url",
    ["http://dba:s3cretX@127.0.0.1:9/sparql", "http://s3cretX@127.0.0.1:9/sparql"],
)
def test_query_endpoint_with_credentials_in_the_url(url: str) -> None:
    result = CliRunner().invoke(cli, ["query", "tiers", "--endpoint", url])
    assert result.exit_code == 1, result.output
    assert "s3cretX" not in result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert lines == [
        "Error: do not put credentials in the endpoint URL "
        "(kg query sends none: give the URL without user:password@)"
    ]
