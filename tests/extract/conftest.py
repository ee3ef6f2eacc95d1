"""Fixtures of the extraction tests: one gazetteer of the shipped reference data."""

from __future__ import annotations

import pytest

from kg.extract.gazetteer import Gazetteer
from kg.extract.gazetteer_build import load_gazetteer
from tests.conftest import DATA


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    """The gazetteer built from data/reference and the countryinfo package."""
    return load_gazetteer(DATA)
