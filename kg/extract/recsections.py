"""Recommendations sections of a narrative: the heading ("PRIORITIZED RECOMMENDATIONS", …),
where the section ends, and its items (bullets, semicolons, stops, line breaks; a wrapped
line continues its item). The rules are set out in :mod:`kg.extract.recommend`, which also
finds recommendation sentences elsewhere and reads each item."""

from __future__ import annotations

import re

from kg.extract.lexicon import words

HEADING = re.compile(
    r"^[ \t]*(?:prioriti[sz]ed[ \t]+recommendations[ \t]*:?|"
    r"recommendations[ \t]+for[ \t]+[^\n:]{1,80}:|recommendations[ \t]*(?::|(?=\n|$)))|"
    # inside a line (text whose line breaks were lost), after a sentence: capitals or a colon
    r"(?<=[.!?] )(?:(?-i:PRIORITI[SZ]ED[ \t]+RECOMMENDATIONS)[ \t]*:?|(?-i:RECOMMENDATIONS)[ \t]*:|"
    r"Recommendations[ \t]+for[ \t]+[^\n:.;]{1,80}:)",
    re.I | re.M,
)
#: A pillar heading inside a line (text whose line breaks were lost) ends a section there.
_INLINE_HEADING = re.compile(r"\b(?:PROSECUTION|PROTECTION|PREVENTION|TRAFFICKING PROFILE)\b")
_BULLET = re.compile(r"[ \t]*(?:[-*–—•◦▪●·]|\d{1,2}[.)])(?:[ \t]|$)")
#: Where one item ends and the next begins inside a line of a section (line breaks: _new_item).
_SEP = re.compile(r"[;•◦▪●·]|(?<=\s)\*(?=\s)|(?<=[.!?])[ \t]+(?=[\"“(]?[A-Z])")
_LEAD = re.compile(r"^[\s\-*–—•◦▪●·]*(?:\d{1,2}[.)]\s+)?(?:(?:and|or)\s+)?", re.I)
_WORD = re.compile(r"[^\W\d_]{2,}")
_KNOWN_HEADINGS = frozenset(
    {"prosecution", "protection", "prevention", "partnership", "trafficking profile",
     "country narrative", "summary", "government efforts"}
)  # fmt: skip
#: Verbs that open recommendation items ("Increase …", "Train …"); an adverb in -ly may
#: come first ("Vigorously investigate …").
IMPERATIVES = words(
    """abolish accede acknowledge adopt allocate allow amend apply approve assign assist become
    build cease codify collect conduct consider continue convict cooperate coordinate create
    criminalize criminalise dedicate designate develop draft educate eliminate empower enact end
    enforce engage enhance ensure establish expand extend facilitate finalize finalise formalize
    formalise fund give grant guarantee harmonize hold identify implement improve incorporate
    increase inspect institute institutionalize intensify introduce investigate invest issue join
    launch maintain make monitor negotiate offer operationalize oversee partner pass permit
    promote prohibit prosecute protect provide publish raise ratify recognize recognise reduce
    refer reform regulate remove report require respect revise screen seek sentence share sign
    stop streamline strengthen support take train undertake update use utilize work
    address advance align appoint ban bolster boost broaden clarify close combat complete
    conclude deploy disburse disseminate distribute document elevate employ enable equip
    expedite explore hire include inform initiate integrate mandate modify organize organise
    prioritize prioritise pursue punish reinstate repeal rescind resolve restore review revoke
    safeguard scale set specify staff standardize submit suspend systematize target tighten
    track translate uphold verify waive"""
)


def imperative(line: str) -> bool:
    """Whether ``line`` opens with an imperative ("Increase …", "Vigorously investigate …")."""
    first = re.match(r"([A-Za-z]+)(?:\s+([A-Za-z]+))?", line)
    if first is None:
        return False
    one, two = first.group(1).lower(), (first.group(2) or "").lower()
    return one in IMPERATIVES or (one.endswith("ly") and two in IMPERATIVES)


def _is_heading(line: str) -> bool:
    if _BULLET.match(line):
        return False
    bare = line.rstrip(":").strip().lower()
    letters = [c for c in line if c.isalpha()]
    return (
        bare in _KNOWN_HEADINGS
        or (bool(letters) and line.isupper() and len(line) <= 80)
        or (len(line) <= 60 and line.endswith(":"))
    )


def _new_item(previous: str, line: str) -> bool:
    """Whether ``line`` (stripped, not blank) starts a new item rather than continuing the
    item of the line before it (``previous``, stripped): it starts with a bullet or an
    imperative, or the line before ended its item with a stop and this one is not in lower
    case. A line wrapped inside an item ("… among" / "Burmese migrant workers") continues it."""
    if _BULLET.match(line) or imperative(line):
        return True
    if line[0].islower():
        return False
    return previous.endswith((".", ";", "!", "?", ":"))


def section_end(text: str, body: int) -> int:
    """Where the section whose body starts at ``body`` ends (see :mod:`kg.extract.recommend`)."""
    nl = text.find("\n", body)
    inline = _INLINE_HEADING.search(text, body, len(text) if nl == -1 else nl)
    if inline:
        return inline.start()
    if nl == -1:
        return len(text)
    end, pos = nl, nl + 1
    previous = text[body:nl].strip()
    first = not previous  # nothing on the heading's line: the next line belongs
    blank = False
    while pos < len(text):
        nl = text.find("\n", pos)
        line_end = len(text) if nl == -1 else nl
        line = text[pos:line_end].strip()
        if not line:
            blank = True
        elif _is_heading(line):
            break
        elif (
            first
            or _BULLET.match(line)
            or imperative(line)
            or (not blank and not _new_item(previous, line))
        ):
            inline = _INLINE_HEADING.search(text, pos, line_end)
            if inline:
                return inline.start()
            end, blank, first, previous = line_end, False, False, line
        else:
            break
        pos = line_end + 1
    return end


def section_items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The item spans of a section body ``text[start:end]``, without bullets or empty items."""
    cuts = [m.span() for m in _SEP.finditer(text, start, end)]
    pos, previous = start, ""
    while pos < end:  # line breaks that start a new item (see _new_item)
        nl = text.find("\n", pos, end)
        if nl == -1:
            break
        previous = text[pos:nl].strip() or previous
        after = text.find("\n", nl + 1, end)
        line = text[nl + 1 : end if after == -1 else after].strip()
        if not line or not previous or _new_item(previous, line):
            cuts.append((nl, nl + 1))
        pos = nl + 1
    cuts.sort()
    out = []
    a = start
    for b, nxt in [*cuts, (end, end)]:
        if b < a:
            continue
        piece = text[a:b]
        lead = _LEAD.match(piece)
        s = a + (lead.end() if lead else 0)
        e = b
        while e > s and (text[e - 1].isspace() or text[e - 1] in ".,;:"):
            e -= 1
        if e > s and _WORD.search(text, s, e):
            out.append((s, e))
        a = nxt
    return out
