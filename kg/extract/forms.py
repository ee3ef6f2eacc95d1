"""Forms of exploitation a clause supports, as vocabulary ids, most specific first.

Cues are read on the clause with "vulnerable to …" / "at risk of …" phrases masked out, so a
form named only as a risk is not reported. Specific forms bring their coarse parent along
(:data:`PARENT`), as the vocabulary's ``skos:broader`` does.
"""

from __future__ import annotations

import re
from typing import Final

#: Each form's parent in ontology/vocab.ttl (skos:broader), below trafficking in persons.
PARENT: Final[dict[str, str]] = {
    "state-imposed-forced-labour": "forced-labour",
    "forced-labour-in-detention": "state-imposed-forced-labour",
    "debt-bondage": "forced-labour",
    "domestic-servitude": "forced-labour",
    "forced-child-labour": "forced-labour",
    "forced-begging": "forced-labour",
    "forced-criminality": "forced-labour",
    "child-sex-trafficking": "sex-trafficking",
}
COARSE: Final = (
    "forced-labour",
    "sex-trafficking",
    "forced-marriage",
    "child-soldiering",
    "organ-removal",
    "slavery-practices",
)
SPECIFIC: Final = (
    "domestic-servitude",
    "debt-bondage",
    "forced-begging",
    "forced-criminality",
    "child-sex-trafficking",
    "forced-child-labour",
    "state-imposed-forced-labour",
    "forced-labour-in-detention",
)

_W = r"(?:[\w'-]+\s+)"
_LAB = r"labou?r"
_CHILD = re.compile(r"\b(?:children|child|boys|girls|minors|juveniles|underage)\b", re.I)
_CUES: Final[dict[str, re.Pattern[str]]] = {
    k: re.compile(v, re.I)
    for k, v in {
        "forced-labour": (
            rf"\bforced\s+(?:or\s+\w+\s+)?{_LAB}|\b{_LAB}\s+traffick|\bforced\s+(?:{_W}{{0,2}})?"
            rf"{_LAB}ers?\b|involuntary\s+servitude|conditions\s+(?:indicative\s+)?of\s+forced|"
            rf"\bforced\s+(?:in)?to\s+(?!prostitut|marr|sex|commit|spy|fight|the\s+sex)\w+|"
            rf"\b{_LAB}\s+exploitation|exploitative\s+{_LAB}|forced\s+or\s+coerced|\bcompel\w*\s+"
            rf"(?:{_W}{{0,6}})?into\s+forced|sex\s+(?:and|or)\s+{_LAB}\s+traffick"
        ),
        "sex-trafficking": (
            r"\bsex(?:ually)?\s+(?:and\s+(?:forced\s+)?labou?r\s+|or\s+labou?r\s+)?traffick|"
            r"sexual(?:ly)?\s+exploit|prostitut|commercial\s+sex|sex\s+trade|sex\s+slave|"
            r"sexual\s+slavery|brothels?|sex\s+touris"
        ),
        "child-sex-trafficking": (
            r"\bchild\s+(?:sex\s+traffick|prostitut|sex\s+touris)|sexual\s+exploitation\s+of\s+"
            r"(?:children|minors)|\bchild\s+sex\b"
        ),
        "domestic-servitude": (
            r"domestic\s+servitude|(?:forced|involuntary)\s+domestic\s+(?:service|servitude|"
            r"work|labou?r|servants?)|\brestaveks?\b"
        ),
        "debt-bondage": r"debt\s+bondage|bonded\s+labou?r|debt-based\s+coercion|debt\s+servitude",
        "forced-begging": r"\bbeg\b|\bbegging\b|\bbeggars?\b",
        "forced-criminality": (
            r"forced\s+criminality|\bcrimes?\b|\btheft\b|\bsteal\w*|drug\s+(?:traffick\w*|"
            r"production|smuggling|trade)|narcotics|criminal\s+activit|illicit\s+activit|"
            r"\bscam\w*|pickpocket"
        ),
        "forced-child-labour": r"forced\s+child\s+labou?r|child\s+forced\s+labou?r",
        "state-imposed-forced-labour": (
            r"\b(?:state|government)-(?:sponsored|imposed|run|organized|organised|compelled)|"
            r"forced\s+labou?r\s+(?:\w+\s+){0,3}by\s+(?:the\s+)?(?:government|state|authorities)|"
            r"national\s+service|\b(?:government|officials|authorities)\s+(?:\w+\s+){0,3}"
            r"(?:force|forced|forcing|mobili[sz]\w*|compel\w*|uses?\s+(?:\w+\s+){0,2}(?:students|"
            r"citizens|workers|teachers|people|prisoners|detainees|conscripts|residents))\b|"
            r"bilateral\s+(?:contracts|government\s+"
            r"arrangements)|labou?r\s+export|medical\s+missions|work\s+missions"
        ),
        "forced-labour-in-detention": (
            r"prison\s+camps?|\bprisoners?\b|\bdetainees?\b|mass\s+detention|re-?education\s+"
            r"(?:camps?|through)|labou?r\s+camps?"
        ),
        "forced-marriage": (
            r"forced\s+(?:and\s+fraudulent\s+)?marriages?|(?:sold|sell|sells|selling|forced|"
            rf"coerced|trade)\s+(?:{_W}{{0,4}})?(?:into|for)\s+(?:{_W}{{0,2}})?marriages?|to\s+marry"
            r"|\bbrides?\b|fraudulent\s+marriages?|temporary.{0,20}marriages|marriage\s+brokers"
        ),
        "organ-removal": r"\borgans?\b(?!\w*\s+of\s+the\s+state)|\bkidneys?\b",
        "slavery-practices": (
            r"(?<!sexual\s)(?<!modern-day\s)(?<!modern\s)\bslavery\b|slavery-related|"
            r"hereditary\s+servitude|\benslav\w*"
        ),
    }.items()
}
#: Forms whose cue is only a context word: they need an exploitation cue in the same clause.
_SOLDIERS = re.compile(r"child\s+soldiers?|child\s+combatants?", re.I)
_MILITARY = re.compile(
    r"\bsoldiers?\b|\bcombat\w*|\bmilitary\b|armed\s+(?:forces|groups)|\bmilitia\w*|\bfighters?\b|"
    r"\bspy\b|\bspies\b|human\s+shields|suicide\s+(?:bomb\w*|attacks?)|\bmilitant\w*|\bto\s+fight\b",
    re.I,
)
_RECRUIT = re.compile(
    r"\brecruit\w*|\bconscript\w*|\bus(?:e|ed|es|ing)\b|\babduct\w*|\bforc\w*", re.I
)
_NEEDS_FORCE = frozenset(
    {
        "forced-begging",
        "forced-criminality",
        "forced-labour-in-detention",
        "state-imposed-forced-labour",
        "organ-removal",
    }
)
_FORCE = re.compile(
    r"\bforc\w*|exploit\w*|traffick\w*|coerc\w*|compel\w*|subject(?:ed)?\s+to|victims?|"
    r"without\s+pay|\bsold\b|rented|maimed|bonded|servitude|labou?r",
    re.I,
)


def clause_forms(masked: str) -> set[str]:
    """Forms a clause supports (``masked``: the clause with risk phrases blanked out)."""
    found = {form for form, cue in _CUES.items() if cue.search(masked)}
    if found & _NEEDS_FORCE and not _FORCE.search(masked):
        found -= _NEEDS_FORCE
    if "forced-labour" in found and _CHILD.search(masked) and _children_forced(masked):
        found.add("forced-child-labour")
    if "sex-trafficking" in found and _CHILD.search(masked) and _children_sexual(masked):
        found.add("child-sex-trafficking")
    if _SOLDIERS.search(masked) or (
        _CHILD.search(masked) and _MILITARY.search(masked) and _RECRUIT.search(masked)
    ):
        found.add("child-soldiering")
    return found


def _children_forced(text: str) -> bool:
    """Children are the ones in forced labour, not one of a list of victims of everything."""
    return bool(
        re.search(
            r"\b(?:children|boys|child|minors)\b(?:\s+\w+){0,12}\s+(?:forced|subjected|exploited|"
            r"compelled|made)\s+(?:\w+\s+){0,3}(?:to\s+(?:work|labou?r|beg|mine)|into\s+|labou?r)",
            text,
            re.I,
        )
    )


def _children_sexual(text: str) -> bool:
    return bool(
        re.search(
            r"\b(?:children|girls|boys|child|minors)\b(?:\s+[\w,]+){0,6}\s+(?:are\s+|were\s+)?"
            r"(?:also\s+)?(?:forced\s+into\s+prostitut|sex\s+traffick|(?:sexually\s+)?exploited\s+in"
            r"\s+(?:commercial\s+)?sex|prostitut|subjected\s+to\s+sex)|(?:prostitute|exploit|"
            r"traffic\w*)\s+(?:their\s+)?children",
            text,
            re.I,
        )
    )


def with_parents(forms: set[str]) -> set[str]:
    """Add each form's ancestors up to (not including) trafficking in persons."""
    out = set(forms)
    for f in forms:
        while f in PARENT:
            f = PARENT[f]
            out.add(f)
    return out


__all__ = ["COARSE", "PARENT", "SPECIFIC", "clause_forms", "with_parents"]
