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
            rf"\bforced\s+(?:in)?to\s+(?!prostitut|marr|sex|commit|spy|fight|donat|the\s+sex)\w+|"
            rf"\b{_LAB}\s+exploitation|exploitative\s+{_LAB}|forced\s+or\s+coerced|\bcompel\w*\s+"
            rf"(?:{_W}{{0,6}})?into\s+forced|sex\s+(?:and|or)\s+{_LAB}\s+traffick"
        ),
        "sex-trafficking": (
            r"\bsex(?:ually)?\s+(?:and\s+(?:forced\s+)?labou?r\s+|or\s+labou?r\s+)?traffick|"
            r"sexual(?:ly)?\s+exploit|prostitut|commercial\s+sex|sex\s+trade|brothels?|sex\s+touris"
        ),
        "child-sex-trafficking": (
            r"\bchild\s+(?:sex\s+traffick|prostitut|sex\s+touris)|sexual\s+exploitation\s+of\s+"
            r"(?:children|minors)|\bchild\s+sex\b"
        ),
        "domestic-servitude": (
            r"domestic\s+servitude|(?:forced|involuntary)\s+domestic\s+(?:service|servitude|"
            r"work|labou?r|servants?)|\brestaveks?\b|forced\s+(?:in)?to\s+[^;]{0,60}\bdomestic\s+"
            r"(?:service|work|servitude|labou?r)\b"
        ),
        "debt-bondage": (
            r"debt\s+bondage|bonded\s+(?:\w+\s+){0,3}labou?r|debt-based\s+coercion|debt\s+servitude"
            r"|(?:forced|traffick\w*|labou?r)\b[^;]{0,60}\bto\s+(?:pay\s+off|repay)\s+(?:\w+\s+)?"
            r"debts?"
        ),
        "forced-begging": r"\bbeg\b|\bbegging\b|\bbeggars?\b",
        "forced-criminality": (
            r"forced\s+criminality|(?<!organized\s)\bcrimes?\b(?!\s+(?:groups?|networks?|rings?|"
            r"syndicates?|gangs?))|\btheft\b|\bthieves\b|\bsteal\w*|drug\s+(?:traffick\w*|"
            r"production|smuggling|trade|transport\w*)|narcotics|criminal\s+(?:activit|behavio)|"
            r"illicit\s+activit|\bscam\w*|pickpocket|illegal\s+mining"
        ),
        "forced-child-labour": r"forced\s+child\s+labou?r|child\s+forced\s+labou?r",
        "state-imposed-forced-labour": (
            r"\b(?:state|government)-(?:sponsored|imposed|run|organized|organised|compelled)|"
            r"forced\s+labou?r\s+(?:\w+\s+){0,3}by\s+(?:the\s+)?(?:government|state|authorities)|"
            r"national\s+service\b[^;]{0,60}\b(?:abused|forc\w*)|\b(?:government|officials|"
            r"authorities)\s+(?:\w+\s+){0,3}(?:force|forced|forcing|require|required|requires|"
            r"mobili[sz]\w*|compel\w*|uses?\s+(?:\w+\s+){0,2}(?:students|citizens|workers|teachers"
            r"|people|prisoners|detainees|conscripts|residents))\b|\bmobili[sz]ed\s+to\s+harvest|"
            r"bilateral\s+(?:contracts|government\s+arrangements)|labou?r\s+export|medical\s+"
            r"missions|work\s+missions|harvest\b[^;]{0,40}\b(?:mandatory|compulsory)|(?:mandatory|"
            r"compulsory)\b[^;]{0,40}\bharvest"
        ),
        "forced-labour-in-detention": (
            r"prison\s+camps?|\bprisoners?\b|\bdetainees?\b|mass\s+detention|re-?education\s+"
            r"(?:camps?|through)|labou?r\s+camps?|detention\s+cent(?:er|re)s"
        ),
        "forced-marriage": (
            r"forced\s+(?:and\s+fraudulent\s+)?marriages?|(?:sold|sell|sells|selling|forced|"
            rf"coerced|trade)\s+(?:{_W}{{0,4}})?(?:into|for)\s+(?:{_W}{{0,2}})?marriages?|to\s+marry"
            r"|\bbrides?\b|fraudulent\s+marriages?|temporary.{0,20}marriages|marriage\s+brokers|"
            r"concubin\w*"
        ),
        "organ-removal": r"\borgans?\b(?!\w*\s+of\s+the\s+state)|\bkidneys?\b",
        "slavery-practices": (
            r"(?<!modern-day\s)(?<!modern\s)\bslavery\b|slavery-related|hereditary\s+servitude|"
            r"\benslav\w*|sex\s+slaves?"
        ),
    }.items()
}
_SOLDIERS = re.compile(r"child\s+soldiers?|child\s+combatants?", re.I)
_MILITARY = re.compile(
    r"\bsoldiers?\b|\bcombat\w*|\bmilitary\b|armed\s+(?:forces|groups)|\bmilitia\w*|\bfighters?\b|"
    r"\bspy\b|\bspies\b|human\s+shields|suicide\s+(?:bomb\w*|attacks?)|\bmilitant\w*|\bto\s+fight\b",
    re.I,
)
_RECRUIT = re.compile(
    r"\brecruit\w*|\bconscript\w*|\bus(?:e|ed|es|ing)\b|\babduct\w*|\bforc\w*", re.I
)
#: Forms whose cue is only a context word: they need an exploitation cue in the same clause.
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
    r"without\s+pay\w*|\bsold\b|rented|maimed|bonded|servitude|labou?r|require\w*|mandatory|"
    r"mobili[sz]ed",
    re.I,
)
#: Words one of which must be in a clause before a form's pattern is tried (speed only).
_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "forced-labour": ("forc", "labo", "servitude", "compel", "exploitat", "coerc"),
    "sex-trafficking": ("sex", "prostitut", "brothel"),
    "child-sex-trafficking": ("child",),
    "domestic-servitude": ("domestic", "restavek"),
    "debt-bondage": ("debt", "bond"),
    "forced-begging": ("beg",),
    "forced-criminality": (
        "crim",
        "theft",
        "thiev",
        "steal",
        "drug",
        "narcotic",
        "illicit",
        "scam",
        "pickpocket",
        "illegal",
    ),
    "forced-child-labour": ("child",),
    "state-imposed-forced-labour": (
        "state",
        "government",
        "service",
        "official",
        "authorit",
        "mobili",
        "bilateral",
        "export",
        "mission",
        "harvest",
    ),
    "forced-labour-in-detention": ("prison", "detain", "detention", "education", "camp"),
    "forced-marriage": ("marr", "bride", "concubin"),
    "organ-removal": ("organ", "kidney"),
    "slavery-practices": ("slave", "enslav", "servitude"),
}
#: Forms of forced labour that, done by children, are forced child labour.
_LABOUR_KINDS = frozenset(
    {"forced-labour", "forced-begging", "domestic-servitude", "debt-bondage", "forced-criminality"}
)


def clause_forms(masked: str, *, domestic_work: bool = False) -> set[str]:
    """Forms a clause supports (``masked``: the clause with risk phrases blanked out).

    Coordinated victims and forms are read distributively, as the TIP formula means them: in
    "men, women, and children subjected to forced labour and sex trafficking" the children are
    in both, so the clause also supports forced child labour and child sex trafficking; and
    forced labour of people who work in households (``domestic_work``: domestic workers, maids)
    is domestic servitude.
    """
    low = masked.lower()
    found = {
        form
        for form, cue in _CUES.items()
        if any(key in low for key in _KEYS[form]) and cue.search(masked)
    }
    if found & _NEEDS_FORCE and not _FORCE.search(masked):
        found -= _NEEDS_FORCE
    if found & {"debt-bondage", "domestic-servitude", "forced-begging", "forced-criminality"}:
        found.add("forced-labour")
    child = bool(_CHILD.search(masked))
    if child and found & _LABOUR_KINDS:
        found.add("forced-child-labour")
    if child and "sex-trafficking" in found:
        found.add("child-sex-trafficking")
    if domestic_work and "forced-labour" in found:
        found.add("domestic-servitude")
    if _SOLDIERS.search(masked) or (child and _MILITARY.search(masked) and _RECRUIT.search(masked)):
        found.add("child-soldiering")
    return found


def with_parents(forms: set[str]) -> set[str]:
    """Add each form's ancestors up to (not including) trafficking in persons."""
    out = set(forms)
    for f in forms:
        while f in PARENT:
            f = PARENT[f]
            out.add(f)
    return out


__all__ = ["COARSE", "PARENT", "SPECIFIC", "clause_forms", "with_parents"]
