"""Role words said of the country ("a source, transit, and destination country"): the same
matches as the rule's regular expression, in linear time."""

from __future__ import annotations

import os
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract.rolelist import ROLE, role_words
from tests.conftest import ROOT
from tests.extract.scaling import LINEAR, growth, repeated

PIECES = [
    "source", "sources", "transit", "destination", "Source", "TRANSIT", "\u017fource", " ", "\n",
    ",", "and", "an", "a", "or", "the", "ly", "only", "likely", "possible", "presumed", "major",
    "significant", "main", "minor", "to a lesser extent", "to a much greater degree", "to a",
    "country", "countries", "countr", "point", "hubs", "for", "of", "fort", "off", "-", "x",
    "acountry", "afor", "anly", "resource", "them",
]  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=16), st.lists(st.sampled_from(["", " "])))
def test_role_words_are_the_matches_of_the_rule(pieces: list[str], gaps: list[str]) -> None:
    text = "".join(p + (gaps[i] if i < len(gaps) else "") for i, p in enumerate(pieces))
    assert [m.span() for m in role_words(text)] == [m.span() for m in ROLE.finditer(text)]


def test_role_words_examples() -> None:
    text = "X is a source, possible transit, and to a lesser extent destination country for men"
    assert [m.group(1) for m in role_words(text)] == ["source", "transit", "destination"]
    assert role_words("traffickers source victims from abroad") == []


def test_a_long_list_of_role_words_is_read_in_linear_time() -> None:
    """The lookahead read the rest of the list again for each role word in it: 80 kB of
    "source, transit, " took 17 s."""
    assert growth(role_words, repeated("source, transit, ", "a ", "country"), 20_000) < LINEAR


def test_a_word_in_ly_after_a_role_word_does_not_hang() -> None:
    """``\\w+ly`` repeated in the lookahead tried every way of cutting "lylyly…" into words in
    -ly: 60 characters took 0.2 s, each 8 more about seven times as long. Run in a process of
    its own, which is killed if it hangs."""
    script = (
        "from kg.extract.extractor import extract; "
        "from kg.extract.gazetteer_build import load_gazetteer; "
        "from tests.conftest import DATA; "
        "x = extract('Thailand is a source ' + 'ly' * 100 + 'x, forced labor', 'THA', "
        "load_gazetteer(DATA)); print(x.summary()['roles'])"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[]\n"
