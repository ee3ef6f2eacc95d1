"""Reading a clause takes time linear in its length, however the input repeats itself.

Each test builds an input four times longer than another and checks that reading it takes
well under sixteen times as long (tests/extract/scaling.py); each names the step that was
quadratic before."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kg.extract.clauses import read_clauses
from kg.extract.extractor import extract
from kg.extract.gazetteer import Gazetteer
from kg.extract.phrases import mask_risks
from kg.extract.tokens import Token, tokenize
from tests.extract.scaling import LINEAR, growth, repeated

Sentence = tuple[str, list[Token]]


def sentence(unit: str, head: str = "", tail: str = "") -> Callable[[int], Sentence]:
    """An input maker for ``read_clauses``: the text and its tokens."""
    text = repeated(unit, head, tail)

    def make(n: int) -> Sentence:
        t = text(n)
        return t, tokenize(t)

    return make


@pytest.mark.parametrize(
    ("unit", "head", "tail"),
    [
        # every place walked back over the places before it to find "to": 200 kB took 212 s
        (
            "Japan, Malaysia, Laos, Burma, Cambodia, Vietnam, China, India, ",
            "Victims are trafficked from Thailand to ",
            "India for forced labor.",
        ),
        # every demonym skipped the adjacent names after it to find its noun
        ("Thai Lao Burmese ", "forced labor of ", "women."),
    ],
)
def test_places_and_demonyms_are_read_in_linear_time(
    gazetteer: Gazetteer, unit: str, head: str, tail: str
) -> None:
    def read(s: Sentence) -> None:
        read_clauses(s[0], 0, len(s[0]), gazetteer, s[1])

    assert growth(read, sentence(unit, head, tail), 10_000) < LINEAR


def test_a_list_of_places_keeps_its_preposition(gazetteer: Gazetteer) -> None:
    text = "Victims are trafficked from Thailand to Japan, Malaysia, Laos, and Burma."
    (clause,) = read_clauses(text, 0, len(text), gazetteer)
    assert [(p.code, p.how) for p in clause.places] == [
        ("JPN", "in"), ("MYS", "in"), ("LAO", "in"), ("MMR", "in"),
    ]  # fmt: skip
    assert [(p.code, p.how) for p in clause.victims] == [("THA", "from")]


def test_risk_phrases_are_masked_in_linear_time() -> None:
    """The end of each risk phrase was searched in a copy of the rest of the clause: 4 MB of
    "… vulnerable to abuse and are forced to work" took 10 s in each of three readings."""
    text = repeated("women are vulnerable to abuse and are forced to work, ")
    assert mask_risks(text(60)).split() == ["women", "and", "are", "forced", "to", "work,"]
    assert growth(mask_risks, text, 500_000) < LINEAR


def test_many_hedged_conjuncts_are_read_in_linear_time(gazetteer: Gazetteer) -> None:
    """For each modal after "and", the words from the clause's start were joined and searched
    for an exploitation cue again."""
    make = sentence("workers and may move ", "", " and are forced to work")

    def read(s: Sentence) -> None:
        read_clauses(s[0], 0, len(s[0]), gazetteer, s[1])

    assert growth(read, make, 10_000) < LINEAR
    text = "children are forced to beg and adults may be coerced"
    assert len(read_clauses(text, 0, len(text), gazetteer)) == 2


@pytest.mark.parametrize(
    ("head", "tail"),
    [
        # a "(2019)" tag: "\s*\.?\s*$" backtracked between its two runs of white space
        ("Tier 2 Watch List - forced labor (2019)", "x"),
        # a recommendations heading: "[ \t]*" and then a lookahead "[ \t]*" over the same run
        ("forced labor.\nrecommendations", "x"),
        # the clauses of a sentence about the government, of a recommendation sentence:
        # ",?\s+but" was tried from every character of the run
        ("forced labor. The government data", "x"),
        ("forced labor. The government", "should prosecute traffickers."),
    ],
)
def test_a_long_run_of_white_space_is_read_in_linear_time(
    gazetteer: Gazetteer, head: str, tail: str
) -> None:
    """80,000 spaces in such places took 140 to 150 s."""

    def text(n: int) -> str:
        return head + " " * n + tail

    assert growth(lambda t: extract(t, "THA", gazetteer), text, 5_000) < LINEAR
