"""Dossier sections about who is exploited, policies, recommendations, claims and sources (HTML
fragments)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from kg.core import vocab as V
from kg.report.model import Dossier, Record
from kg.report.parts import PILLARS, badge, e, iri_code, rel, review_badge, table


def place(d: Dossier, iri: str) -> str:
    p = d.places.get(iri)
    if not p:
        return e(V.shorten(iri))
    suffix = " (region)" if p["kind"] == "region" else ""
    return f"{e(p['label'])}{suffix}"


#: Victim groups in the order of the scheme (adults' groups, children's groups, then the broad).
_GROUP_ORDER = ("men", "women", "boys", "girls", "children", "adults")


def _group_labels(labels: list[Any]) -> str:
    def key(label: Any) -> tuple[int, str]:
        text = str(label)
        return (_GROUP_ORDER.index(text) if text in _GROUP_ORDER else len(_GROUP_ORDER), text)

    return ", ".join(e(x) for x in sorted(labels, key=key))


def victims(d: Dossier, a: dict[str, Any]) -> str:
    """Who is exploited, as the assessment says (and per flow), each fact with its review
    status; "not stated" when the source names no group (never "nobody")."""
    facts = a.get("victims") or []
    own = [v for v in facts if v.get("fact") == a.get("assessment")]
    by_iri = {f.iri: f for f in d.flows}
    lines = []
    if own:
        lines.append(
            f"<p><strong>Who is exploited:</strong> {_group_labels(own[0]['groupLabel'])}"
            f"{review_badge(d.review, a.get('assessment'))}</p>"
        )
    else:
        lines.append(
            '<p><strong>Who is exploited:</strong> <span class="note">not stated</span></p>'
        )
    items = []
    for v in facts:
        if v.get("fact") == a.get("assessment"):
            continue
        f = by_iri.get(str(v.get("fact")))
        route = (
            f"{place(d, f.origin)} → {', '.join(place(d, x) for x in f.destinations)}"
            f' <span class="note">{e(f.locator)}</span>'
            if f is not None
            else iri_code(v.get("fact"))
        )
        items.append(
            f"<li>{_group_labels(v['groupLabel'])}: {route}"
            f"{review_badge(d.review, v.get('fact'))}</li>"
        )
    if items:
        lines.append(f'<ul class="victims">{"".join(items)}</ul>')
    return "".join(lines)


def policies(d: Dossier) -> str:
    if not d.policies:
        return '<p class="none">No policy of this country is in the graph.</p>'
    rows = []
    for p in d.policies:
        effects = " ".join(badge(str(x), "effect") for x in p["effectLabel"]) or "—"
        recs = ", ".join(f"#{e(o)}" for o in sorted(p["ordinal"], key=str)) or "—"
        rows.append(
            [
                f"<strong>{e(p.get('label'))}</strong>{review_badge(d.review, p.get('policy'))}<br>"
                f'<span class="note">{e(", ".join(map(str, p["kindLabel"])))}</span>',
                effects,
                e("; ".join(map(str, p["formLabel"])) or "—"),
                e(p.get("description")),
                str(len(p["flow"])) if p["flow"] else "—",
                recs,
                f"{e(p.get('sourceTitle'))} {e(p.get('locator'))}",
            ]
        )
    head = [
        "Policy",
        "Effects",
        "Forms",
        "What it does",
        "Flows it facilitates",
        "Addressed by recommendation",
        "Source",
    ]
    return table(head, rows)


def recommendations(d: Dossier) -> str:
    if not d.recommendations:
        return '<p class="none">No recommendation to this country is in the graph.</p>'
    by_pillar: dict[str, list[Record]] = defaultdict(list)
    for r in d.recommendations:
        for p in r["pillarLabel"] or ["no pillar"]:
            by_pillar[str(p)].append(r)
    order = [p for p in PILLARS if p in by_pillar] + sorted(set(by_pillar) - set(PILLARS))
    parts = []
    for pillar in order:
        items = []
        ranked = sorted(
            by_pillar[pillar], key=lambda r: (r.get("ordinal") is None, r.get("ordinal") or 0)
        )
        for r in ranked:
            details = [
                ("Action", r["actionLabel"]),
                ("Forms", r["formLabel"]),
                ("Addresses policy", r["policyLabel"]),
                ("Addresses treaty", r["treatyLabel"]),
                ("Status", r["statusLabel"]),
            ]
            meta = " · ".join(f"{k}: {e('; '.join(map(str, v)))}" for k, v in details if v)
            ordinal = r.get("ordinal")
            rank = "" if ordinal is None else f'<span class="ord">#{e(ordinal)}</span> '
            items.append(
                f"<li>{rank}{e(r.get('text'))}"
                f"{review_badge(d.review, r.get('recommendation'))}"
                f'<div class="note">{meta} · {e(r.get("sourceTitle"))} '
                f"{e(r.get('locator'))}</div></li>"
            )
        heading = f'<h3 class="pillar">{e(pillar.capitalize())}</h3>'
        parts.append(f'{heading}<ul class="recs">{"".join(items)}</ul>')
    return "".join(parts)


def _polarity(c: Record) -> str:
    """A claim's polarity as a badge: holds, does not hold, or not known."""
    value = c.get("polarity")
    if value is None:
        return badge("not known", "unknown")
    return badge("holds", "yes") if value is True else badge("does not hold", "no")


def said_by(c: Record) -> str:
    """Who says a claim: its source (title, locator, reliability, evidence status) or, for a
    curator's reading, the curator with the date and the rationale."""
    if c.get("curatorName"):
        return (
            f"{badge('curator', 'curator')} {e(c.get('curatorName'))}, {e(c.get('date'))}"
            f'<br><span class="note">{e(c.get("rationale"))}</span>'
        )
    return (
        f"{e('; '.join(map(str, c['sourceTitle'])))} {e(c.get('locator'))} "
        f"{rel(c.get('reliability'))} {badge(str(c.get('evidenceLabel') or 'stated'), 'evidence')}"
    )


def _claim_card(c: Record) -> str:
    return (
        f'<div class="claim">{_polarity(c)}'
        f" <strong>{e(c.get('aspectLabel'))}</strong>"
        f"<p>{e(c.get('text') or c.get('rationale'))}</p>"
        f'<p class="note">{e(c.get("sectionLabel") or "—")} section · {said_by(c)}</p>'
        f"{iri_code(c['claim'])}</div>"
    )


def contradictions(d: Dossier) -> str:
    if not d.contradictions:
        return '<p class="none">No contradicting claims are recorded for this country.</p>'
    by_claim = {str(c["claim"]): c for c in d.claims}
    parts = []
    for p in d.contradictions:
        resolution = ""
        if p["resolution"]:
            preferred = " ".join(
                f"“{e(by_claim[str(x)].get('text'))}” ({e(by_claim[str(x)].get('locator'))})"
                if str(x) in by_claim
                else iri_code(x)
                for x in p["preferred"]
            )
            by = (
                f" (by {e(p.get('curatorName'))}, {e(p.get('date'))})"
                if p.get("curatorName")
                else ""
            )
            resolution = (
                f'<div class="resolution"><strong>Resolution{by}:</strong> '
                f"{e(' '.join(map(str, p['rationale'])))}"
                f"<br><strong>Preferred:</strong> {preferred or '—'}</div>"
            )
        parts.append(
            f'<div class="pair"><div class="sides">{_claim_card(p["left"])}'
            f'<div class="vs">contradicts</div>{_claim_card(p["right"])}</div>{resolution}</div>'
        )
    return "".join(parts)


def claims(d: Dossier) -> str:
    if not d.claims:
        return '<p class="none">No claim about this country is in the graph.</p>'
    rows = [
        [
            e(c.get("sectionLabel") or "—"),
            e(c.get("aspectLabel")),
            _polarity(c),
            e(c.get("directionLabel")),
            e(c.get("text") or c.get("rationale"))
            + review_badge(d.review, c.get("claim"))
            + (
                f' <span class="note">(confidence {e(c["confidence"])})</span>'
                if c.get("confidence")
                else ""
            ),
            said_by(c),
        ]
        for c in d.claims
    ]
    return table(["Section", "Aspect", "", "Direction", "Claim", "Said by"], rows, "claims")


def sources(d: Dossier) -> str:
    if not d.sources:
        return '<p class="none">No source states anything about this country.</p>'
    rows = [
        [
            f'<strong>{e(s.get("title"))}</strong><br><span class="note">{e(s.get("note"))}</span>',
            e(s.get("docTypeLabel")),
            rel(s.get("reliability")),
            e(s.get("publisherName")),
            e(s.get("issued") or "—"),
            f"<code>{e(s.get('identifier'))}</code>",
            f'<code class="sha">{e(s.get("sha256"))}</code>',
        ]
        for s in d.sources
    ]
    head = ["Source", "Type", "Reliability", "Publisher", "Issued", "Identifier", "SHA-256"]
    return table(head, rows)


__all__ = [
    "claims", "contradictions", "place", "policies", "recommendations", "sources", "victims",
]  # fmt: skip
