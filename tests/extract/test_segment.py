"""Sentence segmentation: semicolon-joined clauses, abbreviations, brackets, paragraphs."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract.segment import segment
from tests.extract.scaling import LINEAR, growth, repeated


def texts(text: str) -> list[str]:
    return [s.text for s in segment(text)]


def test_semicolons_join_clauses_that_become_sentences() -> None:
    text = "Freedonia is a source country for men; its women are exploited abroad; children beg."
    assert texts(text) == [
        "Freedonia is a source country for men",
        "its women are exploited abroad",
        "children beg.",
    ]


def test_abbreviations_do_not_end_a_sentence() -> None:
    text = "Victims go to the U.S. and the U.K. (e.g. for farm work). No. 29 applies. Then more."
    assert texts(text) == [
        "Victims go to the U.S. and the U.K. (e.g. for farm work).",
        "No. 29 applies.",
        "Then more.",
    ]


def test_an_initialism_before_a_sentence_starter_ends_the_sentence() -> None:
    assert texts("Men are exploited in the U.S. The government did nothing.") == [
        "Men are exploited in the U.S.",
        "The government did nothing.",
    ]


def test_semicolons_inside_brackets_do_not_split() -> None:
    text = "Workers (from Ruritania; and elsewhere) are forced to work; others beg"
    assert texts(text) == [
        "Workers (from Ruritania; and elsewhere) are forced to work",
        "others beg",
    ]


def test_an_unclosed_bracket_does_not_swallow_the_rest() -> None:
    assert texts("Men (mostly adults are forced to work; women are sold") == [
        "Men (mostly adults are forced to work",
        "women are sold",
    ]


def test_paragraphs_and_headings() -> None:
    text = "TIER RANKING\nTier 3 - the government does not comply (2020)\n\nProfile text here."
    out = segment(text)
    assert [s.text for s in out] == [
        "TIER RANKING",
        "Tier 3 - the government does not comply (2020)",
        "Profile text here.",
    ]
    assert [s.paragraph for s in out] == [1, 1, 2]
    assert [s.index for s in out] == [1, 2, 3]


def test_spans_index_the_original_text() -> None:
    text = "  Lead space; décor “quoted”;\n\n tail  "
    for s in segment(text):
        assert text[s.start : s.end] == s.text
        assert s.locator == f"s{s.index}"
        assert s.span_locator == f"s{s.index} [{s.start}:{s.end}]"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=string.printable + "“”’–—;.()[]éü\u00a0", max_size=400))
def test_any_text_gives_ordered_spans_inside_it(text: str) -> None:
    out = segment(text)
    last = 0
    for n, s in enumerate(out, start=1):
        assert s.index == n
        assert last <= s.start < s.end <= len(text)
        assert text[s.start : s.end] == s.text == s.text.strip()
        last = s.end
    covered = {i for s in out for i in range(s.start, s.end)}
    assert all(i in covered for i, ch in enumerate(text) if ch.isalnum())


@pytest.mark.parametrize(
    "unit",
    [
        "Thai women are trafficked to Japan, Malaysia, Bahrain, and the United States. ",
        "Victims go to the U.S. The government acted. ",  # an initialism, then a new sentence
    ],
)
def test_a_text_is_segmented_in_linear_time(unit: str) -> None:
    """The word before each stop was found by a regex searched from the start of the text:
    200 kB of such sentences took 17 s, 4 MB did not finish in four minutes."""
    assert growth(segment, repeated(unit), 40_000) < LINEAR
