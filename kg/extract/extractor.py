"""Extract roles, forms, flows, tier, year, effort findings and recommendations from one
narrative.

Recommendations (kg.extract.recommend) are found first and their text is blanked out (same
length, so sentence numbers and character spans stay those of the original text) before the
roles, forms, flows, tier, year and effort findings are read: what a government is asked to do
is not a fact about the situation.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from kg.core.errors import choices_hint
from kg.extract.actions import treaty_names
from kg.extract.clauses import Place, mask_risks, read_clauses
from kg.extract.direction import Finding, clause_findings
from kg.extract.efforts import ClaimFinding, find_claims
from kg.extract.errors import ExtractError
from kg.extract.forms import COARSE, clause_forms, with_parents
from kg.extract.gazetteer import Gazetteer
from kg.extract.recommend import RecommendationFinding, blank_spans, find_recommendations
from kg.extract.segment import Sentence, segment
from kg.extract.tier import TierFinding, find_tier, find_year
from kg.extract.tokens import tokenize
from kg.extract.victims import GROUPS, clause_groups

#: The extractor's version; drafts record it. Bump it whenever a rule changes output.
VERSION = "1.2.4"
ROLES = ("source", "transit", "destination", "internal")
_ANAPHOR = re.compile(
    r"\b(?:these|those|such)\s+(?:\w+\s+)?(?:migrants|workers|women|men|children|victims|"
    r"countries|nationals|people|individuals)\b",
    re.I,
)
_TOPIC = re.compile(
    r"traffick|forced\s+labou?r|servitude|debt\s+bondage|forced\s+(?:into|to)\s+|prostitut|"
    r"sexual(?:ly)?\s+exploit|child\s+soldier|forced\s+marriage|exploit",
    re.I,
)


@dataclass
class Extraction:
    """What a narrative states about one country, each fact with its sentence numbers."""

    country: str
    text_sha256: str
    sentences: list[Sentence]
    roles: dict[str, list[int]] = field(default_factory=dict)
    forms: dict[str, list[int]] = field(default_factory=dict)  # as found (most specific)
    flows: list[Finding] = field(default_factory=list)
    tier: TierFinding | None = None
    year: int | None = None
    year_sentence: int | None = None
    claims: list[ClaimFinding] = field(default_factory=list)
    recommendations: list[RecommendationFinding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Who is exploited: victim group -> sentence numbers (not part of ``summary()``).
    victims: dict[str, list[int]] = field(default_factory=dict)
    #: Groups a clause ties to a flow finding: (sentence, kind, code, region) -> groups.
    flow_victims: dict[tuple[int, str, str | None, str | None], set[str]] = field(
        default_factory=dict
    )

    def victim_groups(self) -> list[str]:
        """The victim groups found, in the scheme's order (men, women, boys, girls, …)."""
        return [g for g in GROUPS if g in self.victims]

    def codes(self, kind: str) -> list[str]:
        """ISO3 codes of the flows of one kind (destination, origin, transit), sorted."""
        return sorted({f.code for f in self.flows if f.kind == kind and f.code})

    def all_forms(self) -> list[str]:
        """Forms found plus their coarse parents (forced labour, sex trafficking), sorted."""
        found = set(self.forms)
        return sorted(found | {p for p in with_parents(found) if p in COARSE})

    def summary(self) -> dict[str, Any]:
        """The ``--summary json`` object (see the README)."""
        return {
            "country": self.country,
            "roles": [r for r in ROLES if r in self.roles],
            "forms": self.all_forms(),
            "destinations": self.codes("destination"),
            "origins": self.codes("origin"),
            "transit_to": self.codes("transit"),
            "tier": self.tier.tier if self.tier else None,
            "year": self.year,
        }


def check_text(text: str, where: str) -> None:
    """Refuse text that is empty or not about trafficking (ExtractError, one line)."""
    if not text.strip():
        raise ExtractError(f"{where}:1:1: the text is empty", hint="give a narrative")
    if not _TOPIC.search(text):
        raise ExtractError(
            f"{where}:1:1: the text is not a trafficking narrative",
            hint="it names no trafficking, forced labour, servitude or exploitation",
        )


def extract(
    text: str,
    country: str,
    gazetteer: Gazetteer,
    *,
    year: int | None = None,
    where: str = "<text>",
    treaties: Iterable[tuple[str, str, str | None]] = (),
) -> Extraction:
    """Extract what ``text`` says about ``country`` (ISO3). Deterministic and pure.
    ``treaties`` are ``(id, title, short_name)`` of the instruments a recommendation may name
    (data/reference/treaties.yaml)."""
    if country not in gazetteer.countries:
        raise ExtractError(
            f"unknown country code '{country}'", hint=choices_hint(country, gazetteer.countries)
        )
    check_text(text, where)
    sentences = segment(text)
    x = Extraction(country, hashlib.sha256(text.encode("utf-8")).hexdigest(), sentences)
    recs = find_recommendations(text, sentences, treaty_names(treaties))
    x.recommendations, x.notes = recs.found, list(recs.notes)
    if recs.spans:  # read facts from the text without its recommendations
        text = blank_spans(text, recs.spans)
        sentences = [replace(s, text=text[s.start : s.end]) for s in sentences]
    x.tier = find_tier(sentences)
    tier_paragraph = summary_paragraph = None
    if x.tier is not None:
        placed = next(s for s in sentences if s.index == x.tier.sentence)
        tier_paragraph = placed.paragraph
        if re.match(r"\s*(?:tier|special)", placed.text, re.I):
            summary_paragraph = placed.paragraph  # "Tier 3 — …": efforts, not the profile
    stated = find_year(
        text, sentences, tier_paragraph, x.tier.sentence if x.tier is not None else None
    )
    if year is not None:
        x.year = year
    elif stated is not None:
        x.year, x.year_sentence = stated
    x.claims = find_claims(sentences, summary_paragraph)
    tokens = tokenize(text)
    starts = [t.start for t in tokens]
    context = {m.entry.codes[0] for m in gazetteer.find(tokens) if len(m.entry.codes) == 1}
    previous: tuple[list[Place], bool] | None = None
    for s in sentences:
        if s.paragraph == summary_paragraph:
            continue
        own = tokens[bisect.bisect_left(starts, s.start) : bisect.bisect_left(starts, s.end)]
        clauses = read_clauses(text, s.start, s.end, gazetteer, own)
        for n, c in enumerate(clauses):
            if not c.victims and previous and _ANAPHOR.search(c.text):
                c.victims = list(previous[0])  # "… upon arrival some of these migrants are …"
                if previous[1] and not c.hedged:
                    c.forms = clause_forms(mask_risks(c.text), domestic_work=True)
            if c.victims:
                previous = (c.victims, c.domestic_work)
            for form in c.forms:
                x.forms.setdefault(form, []).append(s.index)
            said = clause_groups(c, clauses[n + 1] if n + 1 < len(clauses) else None)
            for gm in said:
                x.victims.setdefault(gm.group, []).append(s.index)
            findings, notes = clause_findings(c, country, s.index, context)
            x.notes.extend(notes)
            for f in findings:
                if f.kind == "role":
                    x.roles.setdefault(str(f.code), []).append(s.index)
                else:
                    x.flows.append(f)
                    if said:  # "Kenyan women are exploited in Oman": women on that flow
                        key = (f.sentence, f.kind, f.code, f.region)
                        x.flow_victims.setdefault(key, set()).update(g.group for g in said)
    _tidy(x)
    return x


def _tidy(x: Extraction) -> None:
    """Sort, de-duplicate, and drop an origin that is also a destination in the same clause."""
    for d in (x.roles, x.forms, x.victims):
        for k in d:
            d[k] = sorted(set(d[k]))
    seen: set[tuple[str, str | None, str | None, int]] = set()
    flows = []
    for f in sorted(x.flows, key=lambda f: (f.sentence, f.kind, f.code or "", f.region or "")):
        key = (f.kind, f.code, f.region, f.sentence)
        if key not in seen:
            seen.add(key)
            flows.append(f)
    x.flows = flows
    x.notes = sorted(
        set(x.notes),
        key=lambda n: (
            int(re.match(r"s(\d+)", n).group(1))  # type: ignore[union-attr]
            if re.match(r"s\d+", n)
            else 0,
            n,
        ),
    )


__all__ = ["ROLES", "VERSION", "Extraction", "check_text", "extract"]
