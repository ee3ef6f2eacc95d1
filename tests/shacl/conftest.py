"""Fixtures of the SHACL tests."""

from __future__ import annotations

import pytest

from kg.source.ontology import Ontology, load_ontology
from tests.conftest import ONTOLOGY


@pytest.fixture(scope="module")
def ontology() -> Ontology:
    """The shipped ontology with its shapes."""
    return load_ontology(ONTOLOGY)
