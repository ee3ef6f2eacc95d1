"""Complementary suppression (kg.importers.disclosure): after ``withheld``, no banded count of
1-9 follows from a total minus the published rest, checked by tests/importers/smallcells.py, a
reader's attack written apart from it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.importers.common import Count, banded
from kg.importers.disclosure import withheld
from tests.importers.smallcells import exposed


def bands(parts: dict[str, Count]) -> dict[str, tuple[int, int]]:
    return {k: (c.lower, c.upper) for k, c in parts.items()}


def test_angola_2017() -> None:
    """GLOTIP: 27 victims, 23 nationals and "<5" from the Congo: the Congo's count is 4."""
    parts = {"AGO": Count(23, 23), "COG": Count(1, 4, True)}
    assert exposed(27, bands(parts)) == {"COG": 4}
    assert withheld(Count(27, 27), parts) == {"AGO"}
    assert exposed(27, bands({"COG": parts["COG"]})) == {}


def test_nothing_is_withheld_when_nothing_follows() -> None:
    """Two bands share what the total leaves; parts that cannot add up to the total say
    nothing; a banded total pins nothing."""
    two = {"a": Count(1, 9, True), "b": Count(1, 9, True), "c": Count(30, 30)}
    assert withheld(Count(40, 40), two) == set()
    short = {"a": Count(1, 4, True), "b": Count(12, 12)}
    assert withheld(Count(50, 50), short) == set()
    assert withheld(Count(1, 9, True), {"a": Count(1, 4, True)}) == set()


def test_two_bands_at_their_edge_are_given_away_too() -> None:
    """18 = 9 + 9: both bands are pinned; the exact part is withheld first, then a band."""
    parts = {"a": Count(1, 9, True), "b": Count(1, 9, True)}
    assert exposed(18, bands(parts)) == {"a": 9, "b": 9}
    hidden = withheld(Count(18, 18), parts)
    assert len(hidden) == 1
    assert exposed(18, bands({k: c for k, c in parts.items() if k not in hidden})) == {}


def test_the_smallest_exact_part_goes_first() -> None:
    parts = {"a": Count(1, 4, True), "b": Count(40, 40), "c": Count(12, 12), "z": Count(0, 0)}
    assert withheld(Count(55, 55), parts) == {"c"}


COUNTS = st.one_of(
    st.integers(0, 60).map(lambda n: banded(Count(n, n))),
    st.sampled_from([Count(1, 4, True), Count(1, 9, True), Count(13, 16, True)]),
)


@settings(max_examples=600, deadline=None)
@given(st.dictionaries(st.text("abcdefgh", min_size=1, max_size=2), COUNTS, max_size=7),
       st.integers(0, 200), st.booleans())  # fmt: skip
def test_after_withholding_no_reader_finds_a_small_count(
    parts: dict[str, Count], extra: int, adds_up: bool
) -> None:
    """Totals that the parts make up exactly (the worst case) or exceed; the reader sees only
    the published parts and assumes they make up the total, or knows that some are left out."""
    total = sum(c.upper for c in parts.values()) if adds_up else extra
    hidden = withheld(Count(total, total), parts)
    shown = {k: c for k, c in parts.items() if k not in hidden}
    assert exposed(total, bands(shown)) == {}
    assert exposed(total, bands(shown), unknown=bool(hidden)) == {}
    if not exposed(total, bands(parts)):
        assert hidden == set()
