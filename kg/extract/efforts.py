"""Government-effort findings a text states, as claims (aspect, polarity, section).

Read from the tier paragraph (the Factbook and TIP summary form) and from any sentence whose
subject is the government, the authorities, officials or the police. One claim per aspect and
sentence; a sentence that reports some effort ("investigated fewer cases") gives polarity true,
one that says there was none ("did not report prosecuting any traffickers") false, as the
aspects' scope notes in ontology/vocab.ttl define. Summaries are fixed paraphrases, never
the source's words.

Doubt is kept, as the source gives it (data/README.md, "Evidence status"): a finding the text
says is hard to obtain or not known ("information on training is hard to obtain") has polarity
unknown, not false (but the data it lacks are data not published); one it only reports or
alleges ("officials reportedly ...", "allegedly complicit", "it is reported that ...") keeps
that status (``reported``, ``alleged``). An estimate qualifies a number, not a finding, so
drafts leave ``estimated`` (and ``confirmed``) to the person who reviews them. "No prosecutions were
reported" is a plain statement that there were none, not a hedge; nor is "alleged traffickers"
(the usual word for suspects): an allegation qualifies a harm (complicity, punished victims),
not an effort against the crime alleged.

A contrast with an earlier period is not a negation of the current effort: in "identified 24
victims, as opposed to none in the previous year" (also "compared with zero in 2019", "up
from none the prior period") the "none" is the earlier period's, so the phrase is blanked out
before the polarity is read, and the finding is that victims were identified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from kg.extract.segment import Sentence


@dataclass(frozen=True)
class ClaimFinding:
    """One stated finding about the government's efforts."""

    aspect: str
    polarity: bool | None  # None: the text says it is not known
    section: str
    summary: str
    sentence: int
    evidence: str | None = None  # reported, alleged, estimated; None: stated (or not known)


_NEG = re.compile(
    r"\b(?:did\s+not|does\s+not|do\s+not|has\s+not|have\s+not|had\s+not|not|no|none|never|"
    r"zero|failed\s+to|without|lack\w*|neither|nor)\b",
    re.I,
)
_GOVERNMENT = re.compile(
    r"\b(?:the\s+government|government|authorities|officials|police|ministry|prosecutors|"
    r"courts|judges|law\s+enforcement)\b",
    re.I,
)
#: aspect → (section, cue, paraphrase if it holds, paraphrase if it does not).
ASPECTS: Final[dict[str, tuple[str, str, str, str]]] = {
    "significant-efforts": (
        "summary",
        r"significant\s+efforts",
        "The government is making significant efforts to meet the minimum standards.",
        "The government is not making significant efforts to meet the minimum standards.",
    ),
    "prosecutions": (
        "prosecution",
        r"\b(?:prosecut|convict|investigat)\w*",
        "Traffickers were investigated, prosecuted or convicted in the reporting period.",
        "No trafficker was investigated, prosecuted or convicted in the reporting period.",
    ),
    "official-complicity": (
        "prosecution",
        r"\bcomplicit\w*|\bcomplicity\b|\bcorrupt\w*|\bbribes?\b|\bextort\w*",
        "Officials' complicity in trafficking is reported.",
        "No complicity of officials in trafficking is reported.",
    ),
    "victim-protection": (
        "protection",
        r"\bprotect\w*|\bshelters?\b|\bservices\b|\bidentif\w*\s+(?:\w+\s+){0,3}victims|"
        r"\bvictims?\s+(?:\w+\s+){0,3}identif\w*|\brefer\w*\s+(?:\w+\s+){0,3}(?:care|services)",
        "The government identified victims or gave them protection or services.",
        "The government did not identify victims or give them protection or services.",
    ),
    "victims-penalized": (
        "protection",
        r"\bvictims?\s+(?:\w+\s+){0,4}(?:punish|penali[sz]|arrest|detain|deport|prosecuted|"
        r"fined|jailed|imprison)\w*",
        "Victims were punished for acts committed as a result of being trafficked.",
        "Victims were not punished for acts committed as a result of being trafficked.",
    ),
    "official-training": (
        "prosecution",
        r"\btrain(?:ed|ing|s)?\b",
        "Officials were trained to deal with trafficking.",
        "Officials were not trained to deal with trafficking.",
    ),
    "awareness-campaigns": (
        "prevention",
        r"\bawareness\b|\bcampaigns?\b",
        "The government ran awareness campaigns.",
        "The government ran no awareness campaign.",
    ),
    "prevention-efforts": (
        "prevention",
        r"\bprevent\w*|\baction\s+plan\b|\bnational\s+plan\b",
        "The government took steps to prevent trafficking.",
        "The government took no step to prevent trafficking.",
    ),
    "data-published": (
        "prosecution",
        r"\bdata\b|\bstatistics\b",
        "The government published or shared data on its anti-trafficking work.",
        "The government did not publish or share data on its anti-trafficking work.",
    ),
    "comprehensive-law": (
        "prosecution",
        r"\b(?:law|legislation)\s+(?:\w+\s+){0,4}criminali[sz]\w*\s+(?:\w+\s+){0,2}all\s+forms|"
        r"comprehensive\s+anti-trafficking\s+(?:law|legislation)",
        "The country has a law that criminalizes all forms of trafficking.",
        "The country has no law that criminalizes all forms of trafficking.",
    ),
}
_CUES = {a: re.compile(v[1], re.I) for a, v in ASPECTS.items()}
#: "…, as opposed to none in 2013": the negation belongs to an earlier period (see above).
_EARLIER_NONE = re.compile(
    r"\b(?:as\s+opposed\s+to|(?:as\s+)?compared\s+(?:with|to)|in\s+contrast\s+(?:with|to)|"
    r"versus|vs\.?|(?:up|an?\s+increase|a\s+rise)\s+from|than)\s+"
    r"(?:none|zero|nil|no(?:\s+\w+){0,2}|not\s+any(?:\s+\w+){0,2})\s+"
    r"(?:(?:in|during|for|over|from)\s+)?(?:the\s+|a\s+)?"
    r"(?:(?:19|20)\d\d|(?:previous|prior|preceding|last|past|earlier)\s+"
    r"(?:(?:reporting|rating|review)\s+)?(?:period|year|cycle|report)|year\s+before)\b",
    re.I,
)
#: A cut starts where white space starts (``(?<!\s)``): the same cuts, but a long run of white
#: space is not read again from each of its characters.
_CLAUSE_CUT = re.compile(
    r",?(?<!\s)\s+(?:but|however|while|although|though)\b,?|(?<!\s)\s+and\s+(?=did\s+not)", re.I
)
_POSITIVE_COMPLICITY_ONLY = re.compile(r"\bno\s+(?:evidence|reports?)\s+of\s+complicity", re.I)
#: The text says it does not know: the finding is neither true nor false.
_NOT_KNOWN = re.compile(
    r"\b(?:hard|difficult|impossible)\s+to\s+(?:obtain|verify|ascertain|assess|confirm)\b|"
    r"\b(?:no|little|limited|scarce)\s+(?:reliable\s+|verifiable\s+)?(?:information|data)\s+"
    r"(?:is|was|were|are)\s+available\b|"
    r"\b(?:information|data)\s+(?:\w+\s+){0,4}(?:is|was|were|are|remained?)\s+"
    r"(?:unavailable|not\s+available|scarce|unknown)\b|"
    r"\b(?:unknown|unclear|not\s+known)\s+(?:whether|if)\b|\bcould\s+not\s+be\s+verified\b",
    re.I,
)
#: Findings of harm: an allegation qualifies them ("officials allegedly complicit"); for an
#: effort ("prosecuted alleged traffickers") the allegation is about the crime, not the effort.
_HARM = frozenset({"official-complicity", "victims-penalized"})
_ALLEGED = re.compile(
    r"\ballegedly\b|\ballegations?\s+(?:of|that)\b|\bit\s+is\s+alleged\b|"
    r"\balleged(?!\s+(?:traffickers?|perpetrators?|offenders?|slaveholders?|victims?|cases?|"
    r"trafficking\s+(?:cases?|offen\w+|crimes?)))\b",
    re.I,
)
_REPORTEDLY = re.compile(r"\breportedly\b", re.I)
#: A report hedge that covers the whole clause, wherever the finding sits in it.
_REPORTED_CLAUSE = re.compile(
    r"\bit\s+(?:is|was|has\s+been)\s+reported\b|"
    r"\baccording\s+to\s+(?:\w+\s+){0,2}(?:reports?|NGOs?|media|observers)\b|"
    r"\breports\s+(?:indicate|indicated|suggest|suggested)\b",
    re.I,
)


def _blank_earlier(clause: str) -> str:
    """The clause with contrasts to an earlier period's "none" blanked out (same length)."""
    return _EARLIER_NONE.sub(lambda m: " " * len(m.group(0)), clause)


def _polarity(aspect: str, clause: str, cue: re.Match[str]) -> bool:
    window = _blank_earlier(clause)[max(0, cue.start() - 60) : cue.end() + 40]
    if aspect == "official-complicity":
        return not _POSITIVE_COMPLICITY_ONLY.search(window)
    if aspect == "significant-efforts":
        return not re.search(
            r"\bnot\s+(?:making|make|made|demonstrat\w*)\s+significant", window, re.I
        )
    return not _NEG.search(window)


def _evidence(aspect: str, clause: str, cue: re.Match[str]) -> str | None:
    """The hedge the text puts on this finding: the status, or None when it states it. A
    hedge word counts when it stands just before the finding's cue or inside it."""
    near = clause[max(0, cue.start() - 30) : cue.end()]
    if aspect in _HARM and _ALLEGED.search(near):
        return "alleged"
    if _REPORTEDLY.search(near) or _REPORTED_CLAUSE.search(clause[: cue.end()]):
        return "reported"
    return None


def _not_known_summary(yes: str) -> str:
    """'Officials were trained …' -> 'Whether officials were trained … is not known.'"""
    return f"Whether {yes[0].lower()}{yes[1:].rstrip('.')} is not known (the text says so)."


_Vote = tuple[bool | None, str | None]


def _decide(votes: list[_Vote]) -> _Vote:
    """One finding per aspect and sentence: any effort beats none, a stated finding beats a
    hedged one, and the finding is unknown only when no clause says either way."""
    for wanted in (True, False):
        found = [e for p, e in votes if p is wanted]
        if found:
            return wanted, None if None in found else found[0]
    return None, None


def find_claims(sentences: list[Sentence], tier_paragraph: int | None) -> list[ClaimFinding]:
    """Effort findings of the tier paragraph and of sentences about the government."""
    out: list[ClaimFinding] = []
    for s in sentences:
        in_tier = tier_paragraph is not None and s.paragraph == tier_paragraph
        if not in_tier and not _GOVERNMENT.search(s.text):
            continue
        votes: dict[str, list[_Vote]] = {}
        for clause in _CLAUSE_CUT.split(s.text):
            unknown = _NOT_KNOWN.search(clause) is not None
            for aspect, cue in _CUES.items():
                m = cue.search(clause)
                if m is None:
                    continue
                if aspect == "prosecutions" and _CUES["official-complicity"].search(clause):
                    continue  # "no complicit officials were prosecuted" is about complicity
                if unknown:  # "poor data made it difficult to assess prosecutions"
                    vote: _Vote = (False if aspect == "data-published" else None, None)
                else:
                    vote = (_polarity(aspect, clause, m), _evidence(aspect, clause, m))
                votes.setdefault(aspect, []).append(vote)
        for aspect in sorted(votes):
            polarity, evidence = _decide(votes[aspect])
            section, _, yes, no = ASPECTS[aspect]
            summary = _not_known_summary(yes) if polarity is None else yes if polarity else no
            out.append(ClaimFinding(aspect, polarity, section, summary, s.index, evidence))
    return out


__all__ = ["ASPECTS", "ClaimFinding", "find_claims"]
