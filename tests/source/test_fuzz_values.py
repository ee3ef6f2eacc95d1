"""Hypothesis over YAML values: whatever a user writes at any key, kg answers with one
KGError line or builds a graph, never a traceback (issue 11, item 13)."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.core.errors import KGError
from kg.graph.build import build_graph
from kg.source.loader import SourceDoc, load_sources, read_yaml
from kg.source.ontology import load_ontology
from kg.source.parse import parse_records
from tests.conftest import DATA, ONTOLOGY

VOCAB = load_ontology(ONTOLOGY).vocabulary
DOCS = load_sources(DATA)
ESSAY = next(d for d in DOCS if d.name.endswith("prk-essay.yaml"))
AGENTS = next(d for d in DOCS if d.name.endswith("agents.yaml"))
SOURCES = next(d for d in DOCS if d.name.endswith("sources.yaml"))

#: Where values are replaced: (document, path into it).
TARGETS: list[tuple[SourceDoc, tuple[str | int, ...]]] = [
    (ESSAY, ("assessment", "year")),
    (ESSAY, ("assessment", "summary")),
    (ESSAY, ("assessment", "country")),
    (ESSAY, ("assessment", "tier", "tier")),
    (ESSAY, ("assessment", "forms")),
    (ESSAY, ("flows", 0, "year")),
    (ESSAY, ("flows", 0, "origin")),
    (ESSAY, ("flows", 0, "destinations")),
    (ESSAY, ("flows", 0, "estimate", "value")),
    (ESSAY, ("flows", 0, "estimate", "lower")),
    (ESSAY, ("flows", 0, "estimate", "censored")),
    (ESSAY, ("flows", 0, "estimate", "unit")),
    (ESSAY, ("flows", 1, "part_of")),
    (ESSAY, ("flows", 0, "id")),
    (ESSAY, ("claims", 0, "confidence")),
    (ESSAY, ("claims", 0, "summary")),
    (ESSAY, ("claims", 0, "contradicts")),
    (ESSAY, ("claims", 0, "locator")),
    (ESSAY, ("policies", 0, "label")),
    (ESSAY, ("recommendations", 0, "text")),
    (ESSAY, ("recommendations", 0, "ordinal")),
    (AGENTS, ("agents", 0, "homepage")),
    (AGENTS, ("agents", 0, "id")),
    (SOURCES, ("sources", 0, "license")),
    (SOURCES, ("sources", 0, "identifier")),
    (SOURCES, ("sources", 0, "issued")),
]

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.sampled_from(
        [
            "http://exa mple.org/a b",
            "https://x.org/<a>",
            "javascript:alert(1)",
            "https://x.org/%zz",
            "PRK",
            "SD",
            "europe",
            "middle-east",
            "tier-3",
            "forced-labour",
            "identified-victims",
            "\u202egnp.exe",
            "a\x1bb",
            "0",
            "https://example.org/ok",
            "overseas-labour",
            "no-law",
        ]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
RAW = st.text(
    alphabet=st.sampled_from(list(":-[]{}#&*!|>'\"%@`,? \t\\n0123456789abcXYZ\u202e\x07")),
    max_size=20,
)


def _set(data: Any, path: tuple[str | int, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _run(doc: SourceDoc, text: str) -> None:
    try:
        replaced = read_yaml(doc.path, text)
        docs = [replaced if d is doc else d for d in DOCS]
        build_graph(parse_records(docs, VOCAB))
    except KGError as exc:
        line = str(exc)
        assert "\n" not in line, line
        assert "\x1b" not in line, line


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(target=st.integers(0, len(TARGETS) - 1), value=VALUES)
def test_any_value_at_any_key_is_a_graph_or_one_line(target: int, value: Any) -> None:
    doc, path = TARGETS[target]
    data = copy.deepcopy(doc.data)
    _set(data, path, value)
    _run(doc, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(target=st.integers(0, len(TARGETS) - 1), raw=RAW)
def test_any_raw_text_after_a_key_is_a_graph_or_one_line(target: int, raw: str) -> None:
    """The value written by hand, unquoted: YAML syntax errors, tags, anchors, colons."""
    doc, path = TARGETS[target]
    data = copy.deepcopy(doc.data)
    marker = "XXFUZZXX"
    _set(data, path, marker)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False).replace(marker, raw, 1)
    _run(doc, text)


def test_every_target_is_inside_the_shipped_documents() -> None:
    """Each target's parent exists (a missing leaf key is added, like a user would)."""
    for doc, path in TARGETS:
        data = doc.data
        for part in path[:-1]:
            data = data[part]
        assert isinstance(data, dict | list)
    assert Path(ESSAY.name).name == "prk-essay.yaml"
