"""HTML rendering of a country dossier (:class:`kg.report.model.Dossier`): one self-contained
page, every value HTML-escaped, no script and no external resource (a CSP forbids any request)."""

from __future__ import annotations

from typing import Any

from kg.core import vocab as V
from kg.core.version import __version__
from kg.network.flows import Flow
from kg.report import sections as S
from kg.report.model import Dossier
from kg.report.parts import badge, e, iri_code, review_badge, section, table
from kg.report.style import CSS


def _tiers(d: Dossier) -> str:
    if not d.tiers:
        return '<p class="none">No tier placement of this country is in the graph.</p>'
    given: dict[tuple[str, str], set[str]] = {}  # (assessor, year) → tiers the sources give
    for t in d.tiers:
        if t.get("year"):
            given.setdefault((str(t.get("assessor")), str(t.get("year"))), set()).add(
                str(t.get("tier"))
            )
    rows = []
    for t in d.tiers:
        status = _tier_status(t)
        if len(given.get((str(t.get("assessor")), str(t.get("year"))), ())) > 1:
            status += " " + badge("sources disagree on this year's tier", "warn")
        rows.append(
            [
                e(t.get("year") or "not dated"),
                f"<strong>{e(t.get('tierLabel'))}</strong>",
                e(t.get("changeLabel") or "—"),
                e(t.get("assessorName") or V.shorten(str(t.get("assessor")))),
                status + review_badge(d.review, t.get("assessment")),
                e(t.get("sourceTitle")),
                e(t.get("locator")),
            ]
        )
    head = ["Year", "Tier", "Change", "Assessor", "Status", "Source", "Locator"]
    return table(head, rows)


def _tier_status(t: dict[str, Any]) -> str:
    """Official in the assessor's own publication; restated by another; or not J/TIP's."""
    if t.get("official") is True:
        return badge("official J/TIP placement", "ok")
    if t.get("restated") is True:
        by = t.get("restatedByName") or V.shorten(str(t.get("restatedBy")))
        return badge(f"J/TIP placement, restated by {by}", "info")
    if t.get("issuesTiers") is True:
        return badge("not in the assessor's own publication, nor marked as restated", "warn")
    return badge("not a J/TIP placement", "warn")


def _assessments(d: Dossier) -> str:
    cards = []
    for a in d.assessments:
        forms = "".join(
            f"<li><strong>{e(f.get('formLabel'))}</strong>"
            + (" " + badge("principal form", "info") if f.get("principal") else "")
            + f'<br><span class="def">{e(f.get("definition"))}</span></li>'
            for f in a["forms"]
        )
        roles = ", ".join(e(r) for r in a["roleLabel"]) or "—"
        victims = S.victims(d, a)
        cards.append(
            f'<div class="card"><p class="meta">Assessed by <strong>{e(a.get("assessorName"))}'
            f"</strong> · {e(a.get('year') or 'not dated')} · in <em>{e(a.get('sourceTitle'))}"
            f"</em>{review_badge(d.review, a.get('assessment'))}</p><p>{e(a.get('summary'))}</p>"
            f"<p><strong>Profile:</strong> {roles}</p>{victims}"
            f'<h3>Forms reported</h3><ul class="forms">{forms}</ul></div>'
        )
    return "".join(cards) or '<p class="none">No assessment of this country is in the graph.</p>'


_place = S.place


def flow_number(f: Flow, by_iri: dict[str, Flow], d: Dossier) -> str:
    """The number cell of a flow: the estimate, or where its number lives."""
    if f.magnitude is not None:
        if f.point is not None:
            text = f"{f.point:,}"
        else:
            text = "–".join(f"{v:,}" for v in (f.low, f.high) if v is not None)
        if len(f.destinations) > 1:
            names = " and ".join(_place(d, x) for x in sorted(f.destinations))
            text += f' <span class="note">({names} together)</span>'
        return f"<strong>{text}</strong>" + (" (censored)" if f.censored else "")
    if f.part_of:
        parent = by_iri.get(f.part_of)
        route = ", ".join(_place(d, x) for x in parent.destinations) if parent else ""
        return f'<span class="note">no number of its own: part of the flow to {route}</span>'
    return '<span class="note">not quantified</span>'


def roles(d: Dossier) -> str:
    """What each derived role of the country (destination, source, transit) rests on."""
    items = []
    for r in d.roles:
        largest = r.get("largest")
        weak = r.get("allCensored") is True or (largest is not None and int(str(largest)) < 10)
        number = f"largest number {e(largest)}" if largest is not None else "no number of its own"
        censored = ", all censored bands" if r.get("allCensored") is True else ""
        items.append(
            f"<li><strong>{e(r.get('roleLabel'))} country</strong>: {e(r.get('flows'))} flow(s) "
            f"from {e(r.get('sources'))} source(s), {e(r.get('estimated'))} with a number, "
            f"{number}{censored}" + (f" {badge('weak evidence', 'warn')}" if weak else "") + "</li>"
        )
    if not items:
        return ""
    return f'<ul class="roles">{"".join(items)}</ul>'


def _flows(d: Dossier) -> str:
    if not d.flows:
        return '<p class="none">No flow to or from this country is in the graph.</p>'
    by_iri = {f.iri: f for f in d.flows}
    rows = []
    for f in d.flows:
        dests = ", ".join(_place(d, x) for x in f.destinations)
        rows.append(
            [
                f"{_place(d, f.origin)} → {dests}{review_badge(d.review, f.iri)}",
                e("; ".join(f.forms[k] for k in sorted(f.forms))),
                e(f"{f.flow_class}, {f.flow_type}"),
                flow_number(f, by_iri, d),
                e(f.unit_label or "—"),
                e(f.method or "—"),
                e(f.year or "—"),
                "; ".join(e(s[0]) for s in f.sources.values()),
                e(f.locator),
            ]
        )
    head = ["Route", "Forms", "Kind", "Number", "Unit", "Method", "Year", "Source", "Locator"]
    return f'<figure class="map">{d.flow_svg}</figure>' + roles(d) + table(head, rows)


def _statistics(d: Dossier) -> str:
    if not d.statistics:
        return '<p class="none">No country statistic is in the graph for this country.</p>'
    rows = []
    for s in d.statistics:
        point, low, high = s.get("point"), s.get("low"), s.get("high")
        number = (
            f"{point:,}"
            if isinstance(point, int)
            else "–".join(f"{v:,}" for v in (low, high) if isinstance(v, int))
        )
        if s.get("censored") is True:
            number += " (censored: small counts are banded)"
        rows.append(
            [
                e(s.get("indicatorLabel")),
                e(s.get("year") or "—"),
                f"<strong>{e(number)}</strong>",
                e(s.get("unitLabel")),
                e(s.get("methodLabel")),
                e(s.get("sourceTitle")),
                e(s.get("locator")),
            ]
        )
    return table(["Indicator", "Year", "Number", "Unit", "Method", "Source", "Locator"], rows)


def _charts(d: Dossier) -> str:
    if not d.charts:
        return '<p class="none">No tier, detection or 4P finding of this country to chart.</p>'
    return "".join(
        f'<figure class="chart" aria-label="{e(title)}">{svg}</figure>' for title, svg in d.charts
    )


def dossier_html(d: Dossier, *, stylesheet: str | None = None, banner: str = "") -> str:
    """The whole dossier page: self-contained (inline style, a CSP that forbids every request),
    or, with ``stylesheet``, linking that style sheet and showing ``banner`` HTML above the
    header (how kg serve shows it inside the explorer, whose CSP comes with the response)."""
    c: dict[str, Any] = d.country
    name = str(c.get("label") or d.code)
    codes = " · ".join(e(x) for x in (c.get("iso3"), c.get("iso2"), c.get("numeric")) if x)
    unverified = [s for s in d.sources if s.get("reliability") == "unverified"]
    alert = ""
    if unverified:
        titles = "; ".join(e(s.get("title")) for s in unverified)
        alert = (
            f'<div class="alert">⚠ {len(unverified)} of {len(d.sources)} sources are '
            f"<strong>unverified</strong> ({titles}). Treat their statements as unconfirmed.</div>"
        )
    drafted = sum(1 for status in d.review.values() if status == "unreviewed")
    if drafted:
        tools = ", ".join(e(t) for t in d.review_tools) or "a program"
        alert += (
            f'<div class="alert">⚠ {drafted} facts on this page were drafted by {tools} from a '
            "narrative and <strong>not yet reviewed</strong> by a person; each is marked "
            "“machine-extracted, unreviewed”. Read them as leads, not as what the source says."
            "</div>"
        )
    sections = [
        (
            "glance",
            "At a glance",
            _charts(d),
            "Hover any mark for its year, source and assessor. Tiers: solid is J/TIP's own "
            "placement, hollow a restatement by another source; a broken line is a year "
            "without a placement.",
        ),
        (
            "tiers",
            "Tier placements",
            _tiers(d),
            "Tiers are a judgement of the US Department of State (J/TIP office), official only "
            "in its own report. A document that repeats J/TIP's tier (the CIA World Factbook, a "
            "dataset, an essay) is shown as a restatement, with its source; a tier from any other "
            "assessor is shown with that assessor's name and is not a J/TIP placement.",
        ),
        ("assessments", "Assessments and forms", _assessments(d), ""),
        (
            "flows",
            "Flows",
            _flows(d),
            "Arrows run from origin to destination. A number is carried once: parts of an "
            "aggregate flow carry none of their own, and numbers in different units are never "
            "added.",
        ),
        ("numbers", "Country statistics", _statistics(d), ""),
        ("policies", "Policies and their effects", S.policies(d), ""),
        ("recommendations", "Recommendations by pillar", S.recommendations(d), ""),
        (
            "contradictions",
            "Contradicting claims",
            S.contradictions(d),
            "Claims that contradict each other, side by side, with the curators' resolution.",
        ),
        ("claims", "All claims", S.claims(d), ""),
        ("sources", "Sources", S.sources(d), ""),
    ]
    if stylesheet is None:
        csp = "default-src 'none'; style-src 'unsafe-inline'"
        head = f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n<style>{CSS}</style>'
    else:
        head = f'<link rel="stylesheet" href="{e(stylesheet)}">'
    nav = "".join(f'<a href="#{i}">{e(t)}</a>' for i, t, _, _ in sections)
    body = "".join(section(i, t, b, intro) for i, t, b, intro in sections)
    also = ", ".join(e(x) for x in c.get("alt", []))
    regions = ", ".join(e(x) for x in c.get("regionLabel", []))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
{head}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(name)} — country dossier</title>
</head>
<body>
{banner}<header><div class="wrap"><p class="kicker">Country dossier</p>
<h1>{e(name)} <span class="codes">{codes}</span></h1>
<p class="sub">Also known as: {also or "—"} · Regions: {regions or "—"}</p>
<nav>{nav}</nav></div></header>
<main class="wrap">
<p class="intro">Generated from the kg knowledge graph by SPARQL. Every statement is a paraphrase
taken from the sources listed at the end, with its locator (¶N is paragraph N of the source).</p>
{alert}
{body}
</main>
<footer class="wrap">kg {e(__version__)} · {iri_code(d.iri)}</footer>
</body>
</html>
"""


__all__ = ["dossier_html", "e", "flow_number"]
