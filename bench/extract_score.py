"""Scoring of ``kg extract`` summaries against the gold set (tests/data/extract_gold).

Micro-averaged over the gold rows (one per row of factbook_tip_history.csv with a narrative;
rows whose ``country`` is null, the World entry, are skipped): roles (source, transit,
destination), coarse and specific forms, and named countries as (role, country) pairs with
role destination, origin or transit onward. A naive keyword/gazetteer baseline is scored the
same way for the ratio.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.extract.forms import with_parents
from kg.extract.gazetteer import Gazetteer
from kg.extract.tokens import tokenize

ROLES = ("source", "transit", "destination")
COARSE = (
    "forced-labour",
    "sex-trafficking",
    "forced-marriage",
    "child-soldiering",
    "organ-removal",
)
SPECIFIC = (
    "domestic-servitude",
    "debt-bondage",
    "forced-begging",
    "forced-criminality",
    "child-sex-trafficking",
    "forced-child-labour",
    "state-imposed-forced-labour",
)
PAIRS = (("destination", "destinations"), ("origin", "origins"), ("transit onward", "transit_to"))
#: Targets of issue 13: field → (minimum precision, minimum recall); roles use F1.
TARGETS = {
    "roles": (0.98, 0.98),
    "coarse forms": (0.97, 0.97),
    "specific forms": (0.95, 0.90),
    "pairs": (0.90, 0.85),
}

Summary = dict[str, Any]


@dataclass(frozen=True)
class Row:
    """One gold row with the narrative it labels."""

    gec: str
    commit: str
    country: str
    split: str
    text: str
    gold: Summary

    @property
    def key(self) -> str:
        return f"{self.gec}@{self.commit[:7]}"


def load_rows(gold_path: Path, csv_path: Path) -> list[Row]:
    """Gold rows joined to their narratives (rows without a country are left out)."""
    limit = csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # process-wide: put back below
    try:
        with csv_path.open(encoding="utf-8", newline="") as stream:
            texts = {
                (r["gec"], r["first_seen_commit"]): r["current_situation_text"]
                for r in csv.DictReader(stream)
            }
    finally:
        csv.field_size_limit(limit)
    rows = []
    for line in gold_path.read_text(encoding="utf-8").splitlines():
        g = json.loads(line)
        if not g.get("country"):
            continue
        text = texts.get((g["gec"], g["first_seen_commit"]), "")
        rows.append(Row(g["gec"], g["first_seen_commit"], g["country"], g["split"], text, g))
    return rows


@dataclass
class Score:
    """True positives, false positives and false negatives, with the items behind them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    missed: list[tuple[str, str]] = field(default_factory=list)  # (row key, item)
    spurious: list[tuple[str, str]] = field(default_factory=list)

    def add(self, key: str, gold: Iterable[str], got: Iterable[str]) -> None:
        g, x = set(gold), set(got)
        self.tp += len(g & x)
        self.fp += len(x - g)
        self.fn += len(g - x)
        self.missed += [(key, i) for i in sorted(g - x)]
        self.spurious += [(key, i) for i in sorted(x - g)]

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(rows: list[Row], summaries: dict[str, Summary]) -> dict[str, Score]:
    """Score ``summaries`` (row key → summary JSON) on ``rows``."""
    out = {name: Score() for name in ("roles", "coarse forms", "specific forms", "pairs")}
    for row in rows:
        got = summaries[row.key]
        gold = row.gold
        out["roles"].add(row.key, _only(gold["roles"], ROLES), _only(got["roles"], ROLES))
        out["coarse forms"].add(row.key, _only(gold["forms"], COARSE), _only(got["forms"], COARSE))
        out["specific forms"].add(
            row.key, _only(gold["forms"], SPECIFIC), _only(got["forms"], SPECIFIC)
        )
        out["pairs"].add(
            row.key,
            [f"{role} {c}" for role, k in PAIRS for c in gold[k]],
            [f"{role} {c}" for role, k in PAIRS for c in got[k]],
        )
    return out


def _only(items: Iterable[str], allowed: tuple[str, ...]) -> list[str]:
    return [i for i in items if i in allowed]


def meets(name: str, s: Score) -> bool:
    """Whether a field meets its target (roles: F1; the others: precision and recall)."""
    p_min, r_min = TARGETS[name]
    if name == "roles":
        return s.f1 >= p_min
    return s.precision >= p_min and s.recall >= r_min


# --- the naive baseline ---------------------------------------------------------------------

_NAIVE_FORMS: dict[str, str] = {
    "forced-labour": r"forced\s+lab|labou?r\s+traffick",
    "sex-trafficking": r"sex\s+traffick|prostitut|sexual\s+exploit",
    "forced-marriage": r"marriage|marry",
    "child-soldiering": r"soldier",
    "organ-removal": r"organ|kidney",
    "domestic-servitude": r"domestic\s+serv",
    "debt-bondage": r"debt|bond",
    "forced-begging": r"\bbeg",
    "forced-criminality": r"crime|theft|drug",
    "state-imposed-forced-labour": r"state-|government",
}


def naive_summary(text: str, country: str, g: Gazetteer) -> Summary:
    """Keywords for roles and forms; every other country named is a destination, or an origin
    when it follows "from" or is a demonym; "through" or "transit" before it makes it transit."""
    low = text.lower()
    roles = [r for r in ROLES if r in low]
    forms = {f for f, cue in _NAIVE_FORMS.items() if re.search(cue, low)}
    child = re.search(r"child|girl|boy", low)
    if child and "sex-trafficking" in forms:
        forms.add("child-sex-trafficking")
    if child and "forced-labour" in forms:
        forms.add("forced-child-labour")
    tokens = tokenize(text)
    found: dict[str, set[str]] = {"destinations": set(), "origins": set(), "transit_to": set()}
    for m in g.find(tokens):
        if len(m.entry.codes) != 1 or m.entry.codes[0] == country:
            continue
        before = {t.lower for t in tokens[max(0, m.first - 3) : m.first]}
        if "through" in before or "transit" in before:
            found["transit_to"].add(m.entry.codes[0])
        elif "from" in before or m.entry.kind == "demonym":
            found["origins"].add(m.entry.codes[0])
        else:
            found["destinations"].add(m.entry.codes[0])
    return {
        "country": country,
        "roles": roles,
        "forms": sorted(with_parents(forms)),
        **{k: sorted(v) for k, v in found.items()},
        "tier": None,
        "year": None,
    }


def run_all(rows: list[Row], fn: Callable[[Row], Summary]) -> dict[str, Summary]:
    """Summaries of every row, keyed by row key."""
    return {row.key: fn(row) for row in rows}


__all__ = [
    "COARSE",
    "PAIRS",
    "ROLES",
    "SPECIFIC",
    "TARGETS",
    "Row",
    "Score",
    "load_rows",
    "meets",
    "naive_summary",
    "run_all",
    "score",
]
