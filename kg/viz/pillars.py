"""The 4P findings of one country: what its assessments find under prosecution, protection,
prevention and partnership (each claim through its aspect: the aspect holds, "yes", or does
not, "no"), and how many recommendations they make under each pillar. One column per pillar;
every finding names its year and assessor on hover. Polarity is shown as stated, not judged: a
"yes" to "victims penalized" is a finding against the government."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg.core import rq
from kg.network.read import read_places, resolve_country
from kg.viz.chartkit import INK, MUTED, RULE, clip, svg_open, text
from kg.viz.legend import esc
from kg.viz.series import select_country, short_name

PILLARS = ("prosecution", "protection", "prevention", "partnership")
COLOURS = {"yes": "#1d4ed8", "no": "#b45309", "recommendation": "#047857"}


@dataclass(frozen=True)
class Finding:
    """One claim under a pillar."""

    aspect: str
    holds: bool | None
    year: int | None
    assessor: str
    source: str
    locator: str


@dataclass
class Pillar:
    """What the assessments say under one pillar."""

    name: str
    findings: list[Finding] = field(default_factory=list)
    recommendations: list[str] = field(default_factory=list)


@dataclass
class Findings:
    """The four pillars of one country."""

    iso3: str
    label: str
    pillars: list[Pillar]

    @property
    def empty(self) -> bool:
        """True when no assessment of the country says anything under any pillar."""
        return not any(p.findings or p.recommendations for p in self.pillars)


def pillar_findings(
    store: ox.Store, code: str, *, places: dict[str, dict[str, Any]] | None = None
) -> Findings:
    """The findings and recommendations of country ``code`` (ISO3) by pillar (``places``: as
    ``kg.network.read_places(store)``, when the caller has it)."""
    places = places if places is not None else read_places(store)
    iri = resolve_country(store, code, places)
    pillars = {name: Pillar(name) for name in PILLARS}
    seen: set[tuple[str, str]] = set()
    for r in select_country(store, "pillars", iri):
        name = rq.text(r, "pillar").rsplit("pillar-", 1)[-1]
        item = rq.text(r, "item")
        if name not in pillars or (name, item) in seen:
            continue
        seen.add((name, item))
        if r["kind"] == "recommendation":
            pillars[name].recommendations.append(rq.text(r, "label"))
            continue
        polarity = r.get("polarity")
        pillars[name].findings.append(
            Finding(
                aspect=rq.text(r, "label") or item.rsplit("/", 1)[-1],
                holds=polarity if isinstance(polarity, bool) else None,
                year=rq.integer(r, "year"),
                assessor=short_name(rq.text(r, "assessorName")),
                source=rq.text(r, "sourceTitle"),
                locator=rq.text(r, "locator"),
            )
        )
    place = places[iri]
    return Findings(str(place["code"]), str(place["label"]), list(pillars.values()))


def pillars_svg(f: Findings, *, width: int = 1000) -> str:
    """Four columns: the recommendation count as a bar, then each finding as a labelled chip."""
    title = f"4P findings: {f.label} ({f.iso3})"
    col = (width - 40) / 4
    rows = max([len(p.findings) for p in f.pillars] + [1])
    top = 78
    height = top + 74 + rows * 22 + 20
    most = max([len(p.recommendations) for p in f.pillars] + [1])
    n_find = sum(len(p.findings) for p in f.pillars)
    n_rec = sum(len(p.recommendations) for p in f.pillars)
    sub = (
        f"{n_find} findings and {n_rec} recommendations in the assessments of this country · "
        "yes/no: the aspect holds or does not, as the source states it"
    )
    out = [
        svg_open(width, height, title, "pillars"),
        text(20, 28, title, size=16, extra=' font-weight="bold"'),
        text(20, 48, sub, size=11.5, fill=MUTED),
    ]
    if f.empty:
        out.append(text(20, 70, "No assessment of this country says anything under the 4Ps."))
    for i, p in enumerate(f.pillars):
        x = 20 + i * col
        out.append(text(x, top, p.name.capitalize(), size=14, extra=' font-weight="bold"'))
        out.append(
            f'<line x1="{x}" y1="{top + 6}" x2="{x + col - 16}" y2="{top + 6}" stroke="{RULE}"/>'
        )
        bar = (col - 170) * len(p.recommendations) / most
        tip = "; ".join(p.recommendations) or "no recommendation"
        out.append(
            f'<rect class="recs" data-pillar="{p.name}" x="{x}" y="{top + 16}" width="{bar:.1f}"'
            f' height="14" fill="{COLOURS["recommendation"]}"><title>{esc(tip)}</title></rect>'
        )
        noun = "recommendation" if len(p.recommendations) == 1 else "recommendations"
        out.append(
            text(x + bar + 6, top + 27, f"{len(p.recommendations)} {noun}", size=11, fill=MUTED)
        )
        out.append(text(x, top + 54, f"{len(p.findings)} findings", size=11, fill=MUTED))
        for k, finding in enumerate(sorted(p.findings, key=lambda x: (x.aspect, x.year or 0))):
            y = top + 66 + k * 22
            word = "yes" if finding.holds else "no" if finding.holds is False else "?"
            colour = COLOURS.get(word, INK)
            when = f"{finding.year}" if finding.year else "undated"
            label = f"{finding.aspect} ({finding.year})" if finding.year else finding.aspect
            tip = (
                f"{finding.aspect}: {word} — {finding.assessor}, {when}; "
                f"{finding.source} {finding.locator}".strip()
            )
            out.append(
                f'<g class="finding" data-pillar="{p.name}" data-holds="{word}">'
                f"<title>{esc(tip)}</title>"
                f'<rect x="{x}" y="{y}" width="30" height="16" rx="3" fill="{colour}"/>'
                + text(x + 15, y + 12, word, size=10.5, anchor="middle", fill="#ffffff")
                + text(
                    x + 36,
                    y + 12,
                    clip(label, int((col - 66) / 6.6)),
                    size=11,
                )
                + "</g>"
            )
    out.append("</svg>")
    return "\n".join(out) + "\n"


__all__ = ["Finding", "Findings", "Pillar", "pillar_findings", "pillars_svg"]
