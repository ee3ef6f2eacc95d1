"""Effort findings: a contrast with an earlier period is not a negation of this period's effort.

The texts are written for these tests (TIP-like wording, not copied from any report).
"""

from __future__ import annotations

import pytest

from kg.extract.efforts import find_claims
from kg.extract.segment import segment


def polarity(text: str, aspect: str) -> bool | None:
    found = [c for c in find_claims(segment(text), 1) if c.aspect == aspect]
    assert found, f"no {aspect} finding in {text!r}"
    return found[0].polarity


@pytest.mark.parametrize(
    "text",
    [
        "Tier 2 — the police identified 31 victims, as opposed to none in the previous period",
        "Tier 2 — the ministry identified nine victims, compared with none in 2019",
        "Tier 2 — officials identified 12 victims compared to zero the previous year",
        "Tier 2 — authorities identified six victims, up from none during the prior reporting "
        "period, and referred them to shelters",
        "Tier 2 — the government identified 40 victims, in contrast to no victims in 2021",
        "Tier 2 — authorities identified 15 victims versus none the year before",
    ],
)
def test_none_in_an_earlier_period_does_not_negate_this_periods_effort(text: str) -> None:
    assert polarity(text, "victim-protection") is True


@pytest.mark.parametrize(
    "text",
    [
        "Tier 2 — courts convicted four traffickers, as opposed to none in 2020",
        "Tier 2 — prosecutors charged and convicted two traffickers compared with none the "
        "preceding year",
    ],
)
def test_convictions_after_a_year_without_any_are_an_effort(text: str) -> None:
    assert polarity(text, "prosecutions") is True


@pytest.mark.parametrize(
    "text",
    [
        # the current period's own negation stays: the contrast names the earlier figure
        "Tier 3 — authorities did not identify any victims, compared with eight in 2020",
        "Tier 3 — the government convicted no traffickers, as opposed to three the previous year",
        # "none" with no earlier period is this period's none
        "Tier 3 — the police identified none of the victims, as opposed to NGOs",
        # "no data in 2013" is a plain statement about that period, not a contrast
        "Tier 3 — the government reported no data in 2013 on its efforts to identify victims",
    ],
)
def test_a_current_negation_is_still_read_as_one(text: str) -> None:
    aspect = "data-published" if "data" in text else "victim-protection"
    if "convicted" in text:
        aspect = "prosecutions"
    assert polarity(text, aspect) is False
