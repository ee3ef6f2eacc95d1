"""What a recommendation asks for: its action types, pillars, forms and treaties (rule table).

One item may ask for several actions; each action type of ``tkv:action-types``
(ontology/vocab.ttl) has a cue, read on the item's own words:

=====================  =================================================================
action                 cue (case-insensitive)
=====================  =================================================================
``stop-penalizing``    a negation or "stop/end/cease" before a word of punishment
                       (penalize, punish, arrest, detain, deport, prosecute, fine, jail,
                       imprison) near "victims"; "victims … are not punished";
                       "non-punishment"; "solely for (unlawful) acts"
``end-practice``       end, cease, stop, halt, abolish, eliminate, prohibit, discontinue,
                       ban, and their forms (outside a stop-penalizing phrase)
``accede-to-treaty``   accede, accession, ratify, "become a party", join + protocol /
                       convention / treaty
``enact-law``          enact, adopt, pass, amend, draft, revise, finalize, introduce,
                       update, reform, approve + law / legislation / bill / code /
                       provision / statute / decree / act; criminalize; legislative
``cooperate``          cooperate, collaborate, partner, jointly, bilateral, memorandum of
                       understanding / MOU, information sharing, "work / engage /
                       coordinate with"
``recognize-as-crime`` recognize / acknowledge … "as a crime", "exists", "the problem"
``train-officials``    train, training, capacity building
``protect-victims``    identify … victims, victim identification, shelter, services, care,
                       assistance, protection, rehabilitation, reintegration,
                       compensation, restitution, repatriation, legal aid, counselling,
                       screen, refer … victims, protect / support … victims
``other``              none of the above: "investigate, prosecute and convict traffickers"
                       is ``other`` (with pillar prosecution): no action type is about law
                       enforcement itself (``train-officials`` is the training for it,
                       ``enact-law`` the legislation)
=====================  =================================================================

Pillars (at least one; ``tkv:pillars``): prosecution for enact-law, recognize-as-crime and
cues of law enforcement (investigate, prosecute, convict, sentence, penalties, law enforcement,
hold … accountable, criminalize, complicity); protection for stop-penalizing, protect-victims
and cues about victims or survivors; prevention for end-practice and cues of prevention
(prevent, awareness, campaign, recruitment, fees, regulate, inspect, action plan, safe
migration or migration policy, birth registration, demand, contracts); partnership for
cooperate and accede-to-treaty; train-officials takes the pillar of what the training is for
(prosecution when nothing says).
An item with no pillar cue at all is drafted as prevention and noted for the reviewer.

Forms are read with the same rules as the narrative's clauses (``clause_forms``); treaties are
the instruments of ``data/reference/treaties.yaml`` the item names (by short name, the name in
brackets, or the convention number: "Palermo Protocol", "UN TIP Protocol", "ILO Convention
No. 29", "C182"). The paraphrase is built from these terms, never from the item's words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from kg.extract.forms import clause_forms
from kg.extract.phrases import mask_risks

_PUNISH = (
    r"(?:penali[sz]\w*|punish\w*|arrest\w*|detain\w*|deport\w*|prosecut\w*|fin(?:e|ed|es|ing)|"
    r"jail\w*|imprison\w*)"
)
_STOP_PENALIZING = re.compile(
    rf"\b(?:not|never|no\s+longer|stop|cease|end|avoid|refrain\s+from)\s+(?:\w+\s+){{0,4}}?"
    rf"{_PUNISH}\s+(?:\w+\s+){{0,4}}?(?:victims?|survivors?)\b|"
    rf"\b(?:victims?|survivors?)\s+(?:\w+\s+){{0,6}}?(?:are|is|be|were)\s+not\s+(?:\w+\s+){{0,2}}?"
    rf"{_PUNISH}|\bnon-?punishment\b|\bsolely\s+for\s+(?:\w+\s+){{0,2}}acts\b|"
    rf"\b(?:penali[sz]ation|punishment|detention|deportation)\s+of\s+(?:\w+\s+){{0,2}}victims\b",
    re.I,
)
ACTION_CUES: Final[dict[str, re.Pattern[str]]] = {
    "end-practice": re.compile(
        r"\b(?:end(?:s|ing)?|ceas\w*|stop(?:s|ping)?|halt\w*|abolish\w*|eliminat\w*|"
        r"prohibit\w*|discontinu\w*|ban(?:s|ning)?)\b",
        re.I,
    ),
    "accede-to-treaty": re.compile(
        r"\b(?:accede|accession|ratif\w*|become\s+(?:a\s+)?(?:state\s+)?party|join)\b"
        r"(?:\W+\w+){0,8}?\W+(?:protocol|convention|treaty)\b",
        re.I,
    ),
    "enact-law": re.compile(
        r"\b(?:enact|adopt|pass|amend|draft|revise|finali[sz]e|introduce|update|reform|approve)"
        r"\w*\s+(?:[\w-]+\s+){0,6}?(?:laws?|legislation|bills?|code|provisions?|statutes?|"
        r"decrees?|acts?)\b|\bcriminali[sz]\w*|\blegislat\w*",
        re.I,
    ),
    "cooperate": re.compile(
        r"\b(?:co-?operat\w*|collaborat\w*|partner\w*|jointly|bilateral\w*|MOUs?|"
        r"memorand\w+\s+of\s+understanding|information[-\s]sharing|share\s+information)\b|"
        r"\b(?:work|engage|coordinate)\w*\s+(?:closely\s+)?with\b",
        re.I,
    ),
    "recognize-as-crime": re.compile(
        r"\b(?:recogni[sz]|acknowledg)\w*\s+(?:\w+\s+){0,6}?(?:as\s+a\s+(?:serious\s+)?crime|"
        r"exists|the\s+(?:existence|problem)|as\s+a\s+problem)\b",
        re.I,
    ),
    "train-officials": re.compile(r"\btrain\w*\b|\bcapacity[-\s]building\b", re.I),
    "protect-victims": re.compile(
        r"\bidentif\w*\s+(?:[\w-]+\s+){0,6}?(?:victims?|survivors?)\b|\bvictim\s+identification\b|"
        r"\bshelters?\b|\bservices\b|\bcare\b|\bassistance\b|\bprotection\b|\brehabilitat\w*|"
        r"\breintegrat\w*|\bcompensat\w*|\brestitution\b|\brepatriat\w*|\blegal\s+aid\b|"
        r"\bcounsel+ing\b|\bscreen\w*|\brefer\w*\s+(?:\w+\s+){0,4}?(?:victims?|care|services)\b|"
        r"\b(?:protect|support|assist)\w*\s+(?:\w+\s+){0,3}?(?:victims?|survivors?)\b",
        re.I,
    ),
}
_PILLAR_CUES: Final[dict[str, re.Pattern[str]]] = {
    "prosecution": re.compile(
        r"\b(?:investigat|prosecut|convict|sentenc|penalt|criminali[sz]|complicit|accountab)\w*|"
        r"\blaw\s+enforcement\b",
        re.I,
    ),
    "protection": re.compile(r"\bvictims?\b|\bsurvivors?\b", re.I),
    "prevention": re.compile(
        r"\bprevent\w*|\bawareness\b|\bcampaigns?\b|\brecruit\w*|\bfees\b|\bregulat\w*|"
        r"\binspect\w*|\baction\s+plan\b|\bmigration\s+(?:polic\w+|governance|channels)\b|"
        r"\bsafe\s+migration\b|\bbirth\s+registration\b|\bdemand\b|"
        r"\bcontracts?\b",
        re.I,
    ),
}
_ACTION_PILLAR: Final = {
    "enact-law": "prosecution",
    "recognize-as-crime": "prosecution",
    "stop-penalizing": "protection",
    "protect-victims": "protection",
    "end-practice": "prevention",
    "cooperate": "partnership",
    "accede-to-treaty": "partnership",
}
PILLARS: Final = ("prosecution", "protection", "prevention", "partnership")
#: Paraphrases of the action types (their prefLabels in ontology/vocab.ttl, as verbs).
ACTION_PHRASES: Final = {
    "enact-law": "enact or amend a law",
    "end-practice": "end a practice",
    "accede-to-treaty": "accede to a treaty",
    "cooperate": "cooperate with other actors",
    "stop-penalizing": "stop penalizing victims",
    "recognize-as-crime": "recognize trafficking as a crime",
    "train-officials": "train officials",
    "protect-victims": "protect victims",
    "other": "take another action",
}
ACTIONS: Final = tuple(ACTION_PHRASES)


@dataclass(frozen=True)
class TreatyName:
    """A treaty id and the patterns that name it."""

    id: str
    label: str
    pattern: re.Pattern[str]


def treaty_names(treaties: Iterable[tuple[str, str, str | None]]) -> list[TreatyName]:
    """Patterns for ``(id, title, short_name)`` of the reference treaties: the short name with
    and without its bracketed part, the bracketed parts of both, and for a numbered convention
    ("No. 29") "Convention No. 29", "Convention 29" and "C29"."""
    out = []
    for tid, title, short in sorted(treaties):
        names: set[str] = set()
        for k, name in enumerate((short or "", title)):
            inner = re.findall(r"\(([^()]+)\)", name)
            outer = re.sub(r"\s*\([^()]*\)", "", name).strip()
            for n in [*inner, outer] if k == 0 else inner:
                n = n.strip()
                if len(n) >= 6 and not n.isdigit():
                    names.add(n)
                    bare = re.sub(r"^(?:UN|ILO)\s+", "", n)
                    if bare != n and len(bare.split()) >= 2:
                        names.add(bare)
        alternatives = [
            re.escape(n).replace(r"\ ", r"\s+").replace("Labour", "Labou?r")
            for n in sorted(names, key=lambda n: (-len(n), n))
        ]
        number = re.search(r"\bNo\.\s*(\d+)", title)
        if number:
            num = number.group(1)
            alternatives += [rf"Convention\s+(?:No\.?\s*)?{num}", rf"C\s?{num}"]
        if alternatives:
            pattern = re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.I)
            out.append(TreatyName(tid, short or title, pattern))
    return out


#: "Prosecute trafficking crimes": the crime of trafficking, not forced criminality.
_OFFENCES = re.compile(
    r"\b(?:trafficking|traffickers?'?)\s+(?:crimes?|offen[cs]es?)\b|"
    r"\bcrimes?\s+of\s+(?:human\s+)?trafficking\b|\bunlawful\s+acts\b",
    re.I,
)


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group(0))


@dataclass(frozen=True)
class Reading:
    """What one recommendation item asks for, in vocabulary terms."""

    actions: tuple[str, ...]
    pillars: tuple[str, ...]
    forms: frozenset[str]
    treaties: tuple[str, ...]
    pillar_guessed: bool  # no pillar cue: drafted as prevention


def read_item(text: str, treaties: list[TreatyName]) -> Reading:
    """The actions, pillars, forms and treaties of one recommendation's words."""
    actions: list[str] = []
    rest = text
    if _STOP_PENALIZING.search(text):
        actions.append("stop-penalizing")
        rest = _STOP_PENALIZING.sub(_blank, text)
    for action, cue in ACTION_CUES.items():
        if cue.search(rest):
            actions.append(action)
    named = tuple(t.id for t in treaties if t.pattern.search(text))
    if named and "accede-to-treaty" not in actions and re.search(r"\bparty\b|\bjoin", text, re.I):
        actions.append("accede-to-treaty")
    pillars = {_ACTION_PILLAR[a] for a in actions if a in _ACTION_PILLAR}
    pillars |= {p for p, cue in _PILLAR_CUES.items() if cue.search(rest)}
    if "train-officials" in actions and not pillars:
        pillars.add("prosecution")
    guessed = not pillars
    if guessed:
        pillars.add("prevention")
    ordered = tuple(a for a in ACTIONS if a in actions) or ("other",)
    forms = frozenset(clause_forms(mask_risks(_OFFENCES.sub(_blank, text))))
    return Reading(ordered, tuple(p for p in PILLARS if p in pillars), forms, named, guessed)


def paraphrase(reading: Reading, forms: list[str], labels: dict[str, str]) -> str:
    """The draft's text of a recommendation: fixed words from its terms (≤ 500 characters)."""
    acts = [ACTION_PHRASES[a] for a in reading.actions]
    asks = acts[0] if len(acts) == 1 else ", ".join(acts[:-1]) + " and " + acts[-1]
    text = f"Asks the government to {asks} ({', '.join(reading.pillars)})"
    about = [f.replace("-", " ") for f in forms]
    about += [labels.get(t, t) for t in reading.treaties]
    if about:
        text += "; concerns " + ", ".join(about)
    text += ". Machine-drafted paraphrase: read the source at the locator."
    return text if len(text) <= 500 else text[:497] + "..."


__all__ = [
    "ACTIONS",
    "ACTION_CUES",
    "ACTION_PHRASES",
    "PILLARS",
    "Reading",
    "TreatyName",
    "paraphrase",
    "read_item",
    "treaty_names",
]
