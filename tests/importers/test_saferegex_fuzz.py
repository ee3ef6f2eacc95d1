"""kg.importers.saferegex reads patterns from a data file (hostile input, a grammar): on any
text it either refuses the pattern (UnsafePattern, one line) or gives its bound (a text that is
no regex at all is then refused by ``re.compile``, as kg.importers.gec expects); it never fails
otherwise, and what it accepts runs on the nastiest
names of the longest length it allows within the bound's budget."""

from __future__ import annotations

import re
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.importers.saferegex import MAX_STEPS, MAX_SUBJECT, UnsafePattern, check_pattern

#: Pieces patterns are made of: characters, classes, groups, quantifiers, anchors,
#: look-arounds, backreferences and flags, in any order (most results are not regexes).
PIECES = st.sampled_from(
    [
        "a", "b", ".", " ", "\\s", "\\w", "\\b", "[a-z]", "[^a]", "(", ")", "(?:", "(?=", "(?!",
        "(?<=a)", "(?i)", "|", "*", "+", "?", "*?", "+?", "{2}", "{1,3}", "{2,}", "^", "$",
        "\\1", "(?P<n>", "(?P=n)", "\\", "]", "{",
    ]
)  # fmt: skip
patterns = st.lists(PIECES, max_size=14).map("".join)
#: Names that make a backtracking search try hardest: long runs with no match at the end.
NASTY = ["a" * MAX_SUBJECT, "ab" * (MAX_SUBJECT // 2), ("a " * MAX_SUBJECT)[:MAX_SUBJECT]]


@settings(max_examples=1500, deadline=None)
@given(st.one_of(patterns, st.text(max_size=40)))
def test_any_pattern_is_refused_or_accepted_and_compiles(pattern: str) -> None:
    try:
        cost = check_pattern(pattern)
    except UnsafePattern as exc:
        why = str(exc)
    else:
        why = ""
    if why:
        assert "\n" not in why
        return
    assert 0 <= cost <= MAX_STEPS
    try:
        compiled = re.compile(pattern, re.IGNORECASE)  # as kg.importers.gec compiles them
    except re.error:
        return  # not a regex: gec skips it and says so
    started = time.process_time()
    for name in NASTY:
        compiled.search(name)
    # the bound's budget is about 0.5 s of search; a pattern that escaped it would take minutes
    assert time.process_time() - started < 10, pattern
