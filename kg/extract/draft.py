"""Write an extraction as a draft assessment file (the format of data/README.md).

The draft carries a top-level ``draft:`` block that says it was machine-extracted and is
unreviewed, by which extractor version, from which text (its SHA-256), where each profile role,
form and victim group (``assessment.victims``: who is exploited) was read, and notes for the
reviewer (ambiguous names left out, regions outside M49, transit without a stated origin).
Every flow, claim, recommendation and the tier has a locator ``sN [start:end]`` (sentence N,
character span; for a recommendation, the item's own span). Output is deterministic: same text
and options, same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml

from kg.extract.direction import Finding
from kg.extract.extractor import ROLES, VERSION, Extraction
from kg.extract.forms import PARENT, with_parents
from kg.extract.gazetteer import Gazetteer
from kg.extract.victims import GROUPS

TOOL = "kg-extract"
HEADER = (
    "# Machine-extracted draft (kg extract): every fact below is UNREVIEWED.\n"
    "# Check each one against the source at its locator (sN = N-th sentence, [start:end] =\n"
    "# characters), fix or delete it, then set draft.review to reviewed with reviewer and\n"
    "# reviewed_on. Until then a build marks every fact of this file as unreviewed.\n"
)


@dataclass
class DraftOptions:
    """Where the text came from and who stands behind it."""

    source: str
    assessor: str
    text_name: str
    source_entry: dict[str, Any] | None = None  # defines the source when data/ lacks it
    extra_notes: list[str] = field(default_factory=list)
    restates: str | None = None  # the tier issuer a stated tier repeats (us-dos-jtip)


def _with_coarse(forms: set[str]) -> list[str]:
    """The forms and their coarse parents (forced labour, sex trafficking): a flow of "men and
    boys in forced labour" is forced labour and forced child labour, not only the latter."""
    return sorted(forms | {p for p in with_parents(forms) if p not in PARENT})


def _locator(spans: Iterable[tuple[int, int, int]]) -> str:
    return "; ".join(f"s{n} [{a}:{b}]" for n, a, b in sorted(set(spans)))


def _sentences(numbers: Iterable[int]) -> str:
    return ", ".join(f"s{n}" for n in sorted(set(numbers)))


def _place_key(f: Finding) -> str | None:
    return f.code or f.region


def _flows(x: Extraction, g: Gazetteer, notes: list[str]) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in x.flows:
        key = _place_key(f)
        if key is None:
            notes.append(
                f"s{f.sentence}: {f.kind} '{f.label}' is not a country or a UN M49 region; "
                "record it by hand if it matters"
            )
            continue
        groups.setdefault((f.kind, key), []).append(f)
    out: list[dict[str, Any]] = []
    for (kind, place), found in sorted(groups.items()):
        named = {form for f in found for form in f.forms}
        forms = _with_coarse(named) or ["trafficking-in-persons"]
        tied = {
            v for f in found for v in x.flow_victims.get((f.sentence, f.kind, f.code, f.region), ())
        }
        victims = [v for v in GROUPS if v in tied]
        spans = [(f.sentence, f.start, f.end) for f in found]
        name = g.countries.get(place) or g.regions.get(place, place)
        if kind == "destination":
            flow = {
                "id": f"to-{place.lower()}",
                "origin": x.country,
                "destinations": [place],
                "description": f"Nationals exploited in {name}.",
            }
        elif kind == "origin":
            flow = {
                "id": f"from-{place.lower()}",
                "origin": place,
                "destinations": [x.country],
                "description": f"People from {name} exploited in the country.",
            }
        else:
            origins = sorted({o for f in found for o in f.origins})
            if not origins:
                notes.append(
                    f"{_sentences(s for s, _, _ in spans)}: victims pass through the country on "
                    f"to {name}; no origin is stated, so no flow is drafted"
                )
                continue
            for origin in origins:
                out.append(
                    {
                        "id": f"via-{origin.lower()}-to-{place.lower()}",
                        "kind": "cross-border",
                        "origin": origin,
                        "destinations": [place],
                        "transit": [x.country],
                        "forms": forms,
                        **({"victims": victims} if victims else {}),
                        "description": f"People passing through on to {name}.",
                        "locator": _locator(spans),
                    }
                )
            continue
        out.append(
            {
                "id": flow["id"],
                "kind": "cross-border",
                "origin": flow["origin"],
                "destinations": flow["destinations"],
                "forms": forms,
                **({"victims": victims} if victims else {}),
                "description": flow["description"],
                "locator": _locator(spans),
            }
        )
    return out


def draft_document(x: Extraction, g: Gazetteer, opts: DraftOptions) -> dict[str, Any]:
    """The draft as a mapping in file order (see the module docstring)."""
    notes = list(x.notes) + list(opts.extra_notes)
    flows = _flows(x, g, notes)
    forms = x.all_forms()
    roles = [r for r in ROLES if r in x.roles]
    draft: dict[str, Any] = {
        "extracted_by": TOOL,
        "version": VERSION,
        "text": opts.text_name,
        "text_sha256": x.text_sha256,
        "review": "unreviewed",
    }
    if opts.source_entry is not None:
        draft["source"] = dict(opts.source_entry)
    draft["evidence"] = {
        "profile_roles": {r: _sentences(x.roles[r]) for r in roles},
        "forms": {f: _sentences(x.forms[f]) for f in sorted(x.forms)},
    }
    victims = x.victim_groups()
    if victims:
        draft["evidence"]["victims"] = {v: _sentences(x.victims[v]) for v in victims}
    if x.year_sentence is not None:
        draft["evidence"]["year"] = f"s{x.year_sentence}"
    if notes:
        draft["notes"] = notes
    head: dict[str, Any] = {"source": opts.source, "country": x.country, "assessor": opts.assessor}
    if x.year is not None:
        head["year"] = x.year
    if roles:
        head["profile_roles"] = roles
    if forms:
        head["forms"] = forms
    if victims:
        head["victims"] = victims
    head["summary"] = _summary(x, g, roles)
    if x.tier is not None:
        tier: dict[str, Any] = {"tier": x.tier.tier}
        if x.tier.change:
            tier["change"] = x.tier.change
        if x.tier.watch_list_years is not None:
            tier["watch_list_years"] = x.tier.watch_list_years
        if x.tier.waiver:
            tier["waiver"] = True
        if opts.restates is not None:
            tier["restates"] = {"assessor": opts.restates}
            if x.year is not None:
                tier["restates"]["year"] = x.year
        sentence = next(s for s in x.sentences if s.index == x.tier.sentence)
        tier["locator"] = sentence.span_locator
        head["tier"] = tier
    doc: dict[str, Any] = {"draft": draft, "assessment": head}
    if flows:
        doc["flows"] = flows
    claims = _claims(x)
    if claims:
        doc["claims"] = claims
    recommendations = _recommendations(x)
    if recommendations:
        doc["recommendations"] = recommendations
    return doc


def _recommendations(x: Extraction) -> list[dict[str, Any]]:
    """One entry per recommendation, in the format of data/README.md; the text is a fixed
    paraphrase built from the terms, as claim summaries are."""
    out: list[dict[str, Any]] = []
    for n, r in enumerate(x.recommendations, 1):
        rec: dict[str, Any] = {"id": f"rec-{n}", "text": r.text}
        if r.ordinal is not None:
            rec["ordinal"] = r.ordinal
        rec["actions"] = list(r.reading.actions)
        rec["pillars"] = list(r.reading.pillars)
        if r.forms:
            rec["forms"] = list(r.forms)
        if r.reading.treaties:
            rec["treaties"] = list(r.reading.treaties)
        rec["locator"] = r.locator
        out.append(rec)
    return out


def _claims(x: Extraction) -> list[dict[str, Any]]:
    by_index = {s.index: s for s in x.sentences}
    out: list[dict[str, Any]] = []
    for c in x.claims:
        claim: dict[str, Any] = {
            "id": f"{c.aspect}-s{c.sentence}",
            "subject": x.country,
            "aspect": c.aspect,
            "polarity": "unknown" if c.polarity is None else c.polarity,
        }
        if c.evidence is not None:
            claim["evidence"] = c.evidence
        claim.update(
            section=c.section, summary=c.summary, locator=by_index[c.sentence].span_locator
        )
        out.append(claim)
    return out


def _summary(x: Extraction, g: Gazetteer, roles: list[str]) -> str:
    name = g.countries.get(x.country, x.country)
    coarse = sorted(f for f in with_parents(set(x.forms)) if f not in PARENT)
    parts = [f"Machine-extracted: {name}"]
    if roles:
        parts.append(f"as a {', '.join(roles)} country")
    if coarse:
        parts.append(f"for {', '.join(f.replace('-', ' ') for f in coarse)}")
    counts = [
        f"{len(x.codes(k))} {k} countries"
        for k in ("destination", "origin", "transit")
        if x.codes(k)
    ]
    text = " ".join(parts) + "."
    if counts:
        text += " Names " + ", ".join(counts) + "."
    return text


class _Dumper(yaml.SafeDumper):
    """Block style, no anchors or aliases (kg's loader refuses them)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flat = all(not isinstance(item, dict | list) and len(str(item)) < 40 for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat)


def _dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=False)


_Dumper.add_representer(list, _list)
_Dumper.add_representer(dict, _dict)


def dump_draft(doc: dict[str, Any]) -> str:
    """The draft as YAML text, header comment first, keys in file order."""
    body = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=96)
    return HEADER + body


__all__ = ["TOOL", "DraftOptions", "draft_document", "dump_draft"]
