"""Hostile and arbitrary text: the extractor never crashes, and every locator points inside
the text it read."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.extract.draft import DraftOptions, draft_document, dump_draft
from kg.extract.errors import ExtractError
from kg.extract.extractor import extract
from kg.extract.gazetteer import Gazetteer

#: Words that steer the text into the rules: countries, demonyms, cues, hedges, punctuation.
VOCABULARY = [
    "Kenya",
    "Kenyan",
    "women",
    "children",
    "from",
    "in",
    "to",
    "through",
    "Uganda",
    "Qatar",
    "Congolese",
    "forced",
    "labor",
    "sex",
    "trafficking",
    "traffickers",
    "vulnerable",
    "may",
    "possibly",
    "transit",
    "destination",
    "source",
    "country",
    "en",
    "route",
    "domestic",
    "servitude",
    "beg",
    "Tier",
    "3",
    "(2020)",
    "and",
    ",",
    ";",
    ".",
    "U.S.",
    "(",
    ")",
    "—",
    "abroad",
    "domestically",
    "Middle",
    "East",
    "subjected",
    "exploited",
    "these",
    "migrants",
]
SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def check(text: str, g: Gazetteer) -> None:
    try:
        x = extract(text, "KEN", g)
    except ExtractError:
        return
    n = len(x.sentences)
    for f in x.flows:
        assert 1 <= f.sentence <= n
        assert 0 <= f.start < f.end <= len(text)
        s = x.sentences[f.sentence - 1]
        assert s.start <= f.start
        assert f.end <= s.end
    for numbers in (*x.roles.values(), *x.forms.values()):
        assert all(1 <= i <= n for i in numbers)
    if x.tier is not None:
        assert 1 <= x.tier.sentence <= n
    assert all(1 <= c.sentence <= n for c in x.claims)
    doc = draft_document(x, g, DraftOptions("s", "unidentified-author", "t.txt"))
    assert dump_draft(doc) == dump_draft(
        draft_document(x, g, DraftOptions("s", "unidentified-author", "t.txt"))
    )


@SETTINGS
@given(st.text(max_size=300))
def test_arbitrary_text(gazetteer: Gazetteer, text: str) -> None:
    check(text, gazetteer)


@SETTINGS
@given(st.lists(st.sampled_from(VOCABULARY), max_size=60).map(" ".join))
def test_narrative_like_text(gazetteer: Gazetteer, text: str) -> None:
    check(text, gazetteer)
