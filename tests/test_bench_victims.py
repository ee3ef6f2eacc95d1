"""The victim-group scoring of bench/extract.py on hand-made rows (no shared data needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.extract_score import Row
from bench.extract_victims import closed, errors, load_victims, score_victims


def row(gec: str) -> Row:
    return Row(gec, "abcdef0123", "KEN", "dev", "", {})


def test_closed_adds_the_broader_groups() -> None:
    assert closed(["girls", "men"]) == {"girls", "children", "men", "adults"}
    assert closed(["children"]) == {"children"}


def test_exact_and_closed_scores() -> None:
    rows = [row("aa"), row("bb")]
    gold = {"aa@abcdef0": ["children", "women"], "bb@abcdef0": ["men"]}
    got = {"aa@abcdef0": ["girls", "women"], "bb@abcdef0": ["men", "boys"]}
    s = score_victims(rows, gold, got)
    exact, coarse = s["victims"], s["victims (closed)"]
    assert (exact.tp, exact.fp, exact.fn) == (2, 2, 1)  # girls ≠ children, boys spurious
    # closed: aa gold {children, women, adults}, got {girls, children, women, adults};
    # bb gold {men, adults}, got {men, boys, adults, children}
    assert (coarse.tp, coarse.fp, coarse.fn) == (5, 3, 0)
    assert "- victims, missed children (1): aa@abcdef0" in errors(exact)
    assert "- victims, spurious boys (1): bb@abcdef0" in errors(exact)


def test_an_absent_gold_file_is_none_and_a_bad_term_is_refused(tmp_path: Path) -> None:
    assert load_victims(tmp_path / "victims.jsonl") is None
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"gec": "aa", "first_seen_commit": "abc", "victims": ["kids"]}))
    with pytest.raises(ValueError, match="kids"):
        load_victims(bad)
