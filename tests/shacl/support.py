"""What the SHACL tests share: a store holding the ontology and one Turtle fixture."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.core import vocab as V
from kg.graph.rules import apply_rules
from kg.source.ontology import Ontology, parse_turtle

#: The named graph a fixture's triples are put in.
FIXTURE = ox.NamedNode(V.source_graph("fixture"))


def fixture_store(ontology: Ontology, path: Path, rules: bool) -> ox.Store:
    """The ontology and the Turtle fixture at ``path`` (in ``FIXTURE``), with kg's rules
    applied when ``rules``."""
    store = ox.Store()
    store.extend(ontology.quads)
    store.extend(
        ox.Quad(t.subject, t.predicate, t.object, FIXTURE) for t in parse_turtle(path, prefix="f")
    )
    if rules:
        apply_rules(store)
    return store
