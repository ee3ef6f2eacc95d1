"""Scoring of who is exploited (victim groups) against ``tests/data/extract_gold/victims.jsonl``.

The gold file has one line per row of ``gold.jsonl`` (same ``gec`` and ``first_seen_commit``):
``victims``, the sorted terms men, women, boys, girls, children, adults the narrative states
are exploited. Scored as (narrative, group) pairs, micro-averaged over the rows that assess a
country (the World rows are left out, as for the other fields):

- *exact*: a group counts only as the term written (girls is not children);
- *closed*: each set is closed under the scheme's hierarchy first (boys and girls also count as
  children, men and women as adults), so "women and girls" against gold "women, children" is
  one miss fewer; it measures who is found at the coarse grain.

The naive baseline lists every group word found anywhere in the text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from bench.extract_score import Row, Score

GROUPS = ("men", "women", "boys", "girls", "children", "adults")
BROADER = {"men": "adults", "women": "adults", "boys": "children", "girls": "children"}
_NAIVE = {
    "men": r"\bmen\b",
    "women": r"\bwomen\b",
    "boys": r"\bboys?\b",
    "girls": r"\bgirls?\b",
    "children": r"\bchild(?:ren)?\b|\bminors?\b",
    "adults": r"\badults?\b",
}


def load_victims(path: Path) -> dict[str, list[str]] | None:
    """Row key (gec@commit) → gold victim groups, or None when the file is absent."""
    if not path.is_file():
        return None
    out: dict[str, list[str]] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        g = json.loads(line)
        bad = [v for v in g["victims"] if v not in GROUPS]
        if bad:
            raise ValueError(f"{path}:{n}: unknown victim group(s) {bad}")
        out[f"{g['gec']}@{g['first_seen_commit'][:7]}"] = list(g["victims"])
    return out


def closed(groups: Iterable[str]) -> set[str]:
    """The groups with their broader groups (girls → girls, children)."""
    found = set(groups)
    return found | {BROADER[g] for g in found if g in BROADER}


def score_victims(
    rows: list[Row], gold: dict[str, list[str]], got: dict[str, list[str]]
) -> dict[str, Score]:
    """Exact and closed scores of ``got`` (row key → groups) on the rows that have gold."""
    out = {"victims": Score(), "victims (closed)": Score()}
    for row in rows:
        if row.key not in gold:
            continue
        out["victims"].add(row.key, gold[row.key], got[row.key])
        out["victims (closed)"].add(row.key, closed(gold[row.key]), closed(got[row.key]))
    return out


def naive_victims(text: str) -> list[str]:
    """Every group word anywhere in the text."""
    low = text.lower()
    return [g for g, cue in _NAIVE.items() if re.search(cue, low)]


def run_victims(rows: list[Row], fn: Callable[[Row], list[str]]) -> dict[str, list[str]]:
    return {row.key: fn(row) for row in rows}


def table(mine: dict[str, Score], base: dict[str, Score]) -> list[str]:
    """A Markdown table: kg extract and the naive baseline, exact and closed."""
    out = [
        "| field | method | precision | recall | F1 | tp | fp | fn |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name in ("victims", "victims (closed)"):
        for method, s in (("kg extract", mine[name]), ("naive", base[name])):
            out.append(
                f"| {name} | {method} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} "
                f"| {s.tp} | {s.fp} | {s.fn} |"
            )
    return out


def errors(s: Score) -> list[str]:
    """Missed and spurious groups with their row keys (exact terms)."""
    out = []
    for kind, items in (("missed", s.missed), ("spurious", s.spurious)):
        by_group: dict[str, list[str]] = {}
        for key, group in items:
            by_group.setdefault(group, []).append(key)
        for group in GROUPS:
            if group in by_group:
                keys = sorted(set(by_group[group]))
                out.append(f"- victims, {kind} {group} ({len(by_group[group])}): {', '.join(keys)}")
    return out


__all__ = [
    "BROADER",
    "GROUPS",
    "closed",
    "errors",
    "load_victims",
    "naive_victims",
    "run_victims",
    "score_victims",
    "table",
]
