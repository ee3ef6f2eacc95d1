"""IRI minting: deterministic, collision-free, valid prefixed names."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.core import vocab as V

keys = st.lists(
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x24F), min_size=1).filter(
        lambda s: V.slug(s) != ""
    ),
    min_size=1,
    max_size=3,
)


@given(keys, keys)
def test_distinct_slug_keys_give_distinct_iris(a: list[str], b: list[str]) -> None:
    if [V.slug(x) for x in a] != [V.slug(x) for x in b]:
        assert V.mint_iri("flow", *a) != V.mint_iri("flow", *b)


@given(keys)
def test_minted_iris_are_stable_and_valid_prefixed_names(key: list[str]) -> None:
    iri = V.mint_iri("claim", *key)
    assert iri == V.mint_iri("claim", *key)
    triple = ox.Triple(ox.NamedNode(iri), ox.NamedNode(V.TK + "p"), ox.NamedNode(iri))
    text = ox.serialize([triple], format=ox.RdfFormat.TURTLE, prefixes={"tkd": V.TKD, "tk": V.TK})
    body = text.split(b" .\n", 2)[-1]
    assert b"<https://" not in body  # written as tkd:… prefixed names
    assert [q.triple for q in ox.parse(text, format=ox.RdfFormat.TURTLE)] == [triple]


def test_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown IRI kind"):
        V.mint_iri("person", "x")


def test_shorten() -> None:
    assert V.shorten(V.TKV + "tier-3") == "tkv:tier-3"
    assert V.shorten("http://example.org/x") == "http://example.org/x"
