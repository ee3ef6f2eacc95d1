"""Complementary suppression: no count of 1-9 identified victims follows, exactly, from a
published total minus its published parts.

A dataset that bands a small count ("<5", or kg's band 1-9) but publishes the total and every
other part exactly gives the small count away by subtraction: GLOTIP's Angola, 2017, has 27
victims, 23 of them nationals and "<5" from the Congo, so 4. Whoever reads the graph can do
that sum, so before an import writes a breakdown, ``withheld`` picks the parts to leave out
(the smallest exact ones first, then bands) until no banded part's value is pinned to one number
of 1-9 by the total and what is left. It assumes the worst case: that the parts add up to the
total (they need not; when they cannot, nothing follows from the sum).

A left-out part is not published at all (its value could otherwise be read as a lower bound),
so the others' bands keep their width: the reader learns only what the source's bands say.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

from kg.importers.common import Count

K = TypeVar("K", bound=Hashable)
#: The counts that must never be known exactly (kg publishes them only as bands).
SMALL = range(1, 10)
#: Why an import's report says a part was left out.
WITHHELD = "withheld: with the total and the rest it would give a banded count away"


def pinned(total: Count, parts: Mapping[K, Count], hidden: set[K]) -> list[K]:
    """The banded parts whose value follows exactly, and is 1-9, from ``total`` minus the
    other parts not ``hidden``, as a reader may reckon: knowing that hidden parts exist (any
    count from 0 up), or taking the parts shown for all there is."""
    if total.exact is None:
        return []
    shown = {k: c for k, c in parts.items() if k not in hidden}
    floor = sum(c.lower for c in shown.values())
    ceiling = sum(c.upper for c in shown.values())
    found = []
    for key, count in shown.items():
        if count.exact is None:
            # What the others leave for this part, if the parts make up the total.
            most = total.exact - (floor - count.lower)
            least = total.exact - (ceiling - count.upper)
            views = [(max(count.lower, least), min(count.upper, most))]
            if hidden:
                views.append((count.lower, min(count.upper, most)))
            if any(low == high and low in SMALL for low, high in views):
                found.append(key)
    return found


def withheld(total: Count, parts: Mapping[K, Count]) -> set[K]:
    """The parts to leave out so that no banded part is pinned to a count of 1-9: the
    smallest exact parts first (a zero last, since hiding it tells little), then banded ones,
    in a stable order (by count, then key)."""
    hidden: set[K] = set()
    order = sorted(
        parts,
        key=lambda k: (
            parts[k].exact is None,
            parts[k].exact == 0,
            parts[k].lower,
            parts[k].upper,
            repr(k),
        ),
    )
    while pinned(total, parts, hidden):
        hidden.add(next(k for k in order if k not in hidden))
    return hidden


__all__ = ["SMALL", "WITHHELD", "pinned", "withheld"]
