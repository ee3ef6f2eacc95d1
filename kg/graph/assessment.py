"""One assessment as RDF: its node and extraction activity, and its facts (tier placement,
flows with their estimates, policies, claims, recommendations), each minted from the
assessment's key and tied to the source it is stated in. Pure and deterministic, like all of
``kg.graph.build``."""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import Literal as _Lit
from pyoxigraph import NamedNode

from kg.core import vocab as V
from kg.core.errors import Location
from kg.core.terms import (
    RDF_TYPE,
    RDFS_LABEL,
    QuadSink,
    boolean,
    dc,
    decimal,
    integer,
    iri,
    text,
    tk,
    year_literal,
)
from kg.graph import review
from kg.graph.curation import claim_subject
from kg.graph.reference import country_iri, region_iri
from kg.source.records import (
    Assessment,
    Claim,
    Estimate,
    Flow,
    Policy,
    Recommendation,
    Records,
    Tier,
)

PROV_USED = iri(V.PROV + "used")
POLICY_CLASS = {
    "law": "Law",
    "bilateral-agreement": "BilateralAgreement",
    "state-practice": "StatePractice",
    "action-plan": "ActionPlan",
}


def _estimate(node: NamedNode, e: Estimate, doc: NamedNode, g: QuadSink) -> None:
    g.add(node, RDF_TYPE, tk("Estimate"))
    g.opt(node, tk("pointValue"), integer(e.value) if e.value is not None else None)
    g.opt(node, tk("lowerBound"), integer(e.lower) if e.lower is not None else None)
    g.opt(node, tk("upperBound"), integer(e.upper) if e.upper is not None else None)
    g.add(node, tk("countUnit"), iri(e.unit))
    g.add(node, tk("estimateMethod"), iri(e.method))
    if e.censored:
        g.add(node, tk("censored"), boolean(True))
    g.add(node, tk("statedIn"), doc)


class _Scope:
    """Minting and lookup helpers for the facts of one assessment."""

    def __init__(self, a: Assessment, records: Records, g: QuadSink, origins: dict[str, Location]):
        self.a, self.records, self.g, self.origins = a, records, g, origins
        self.key = (a.source, a.country)
        self.doc = iri(V.mint_iri("source", a.source))
        self.node = iri(V.mint_iri("assessment", *self.key))
        self.activity = iri(V.mint_iri("activity", *self.key))

    def mint(self, kind: str, local: str) -> NamedNode:
        return iri(V.mint_iri(kind, *self.key, local))

    def place(self, code: str) -> NamedNode:
        if code in self.records.countries:
            return country_iri(code)
        return region_iri(self.records.regions[code].m49)

    def fact(self, kind: str, local: str, cls: str, locator: str, where: Location) -> NamedNode:
        """Mint a fact node with its type, source, locator and assessment."""
        n = self.mint(kind, local)
        self.origins[n.value] = where
        self.g.add(n, RDF_TYPE, tk(cls))
        self.g.add(n, tk("statedIn"), self.doc)
        self.g.add(n, tk("locator"), _Lit(locator))
        self.g.add(n, tk("inAssessment"), self.node)
        if self.a.draft is not None:
            review.mark(self.g, n, self.a.draft, self.activity)
        return n

    def many(self, s: NamedNode, prop: str, objects: Iterable[NamedNode]) -> None:
        for o in objects:
            self.g.add(s, tk(prop), o)


def assessment_quads(
    a: Assessment, records: Records, g: QuadSink, origins: dict[str, Location]
) -> None:
    """Write one assessment, its extraction activity and its facts."""
    sc = _Scope(a, records, g, origins)
    node = sc.node
    origins[node.value] = a.where
    title = records.sources[a.source].title
    g.add(node, RDF_TYPE, tk("Assessment"))
    g.add(node, RDFS_LABEL, text(f"{records.countries[a.country].name}, assessed in {title}"))
    g.add(node, tk("assessedCountry"), country_iri(a.country))
    g.add(node, tk("assessor"), iri(V.mint_iri("agent", a.assessor)))
    g.add(node, tk("publishedIn"), sc.doc)
    g.opt(node, tk("reportYear"), year_literal(a.year) if a.year else None)
    g.opt(node, tk("principalForm"), iri(a.principal_form) if a.principal_form else None)
    g.opt(node, dc("description"), text(a.summary) if a.summary else None)
    sc.many(node, "profileRole", map(iri, a.profile_roles))
    sc.many(node, "reportsForm", map(iri, a.forms))
    sc.many(node, "victimGroup", map(iri, a.victims))
    origins[sc.activity.value] = a.where
    g.add(sc.activity, RDF_TYPE, tk("ExtractionActivity"))
    if a.draft is None:
        g.add(sc.activity, RDFS_LABEL, text(f"Manual curation of {a.file or a.where.path}", None))
    else:
        review.describe_activity(g, sc.activity, node, a.draft, a.file or a.where.path)
        review.mark(g, node, a.draft, sc.activity)
    g.add(sc.activity, PROV_USED, sc.doc)
    if a.tier is not None:
        _tier(sc, a.tier)
    for f in a.flows:
        _flow(sc, f)
    for p in a.policies:
        _policy(sc, p)
    for c in a.claims:
        _claim(sc, c)
    for rec in a.recommendations:
        _recommendation(sc, rec)


def _tier(sc: _Scope, t: Tier) -> None:
    g = sc.g
    n = iri(V.mint_iri("tier", *sc.key))
    sc.origins[n.value] = t.where
    g.add(sc.node, tk("hasTierPlacement"), n)
    g.add(n, RDF_TYPE, tk("TierPlacement"))
    if sc.a.draft is not None:
        review.mark(g, n, sc.a.draft, sc.activity)
    g.add(n, tk("statedIn"), sc.doc)
    g.add(n, tk("locator"), _Lit(t.locator))
    g.add(n, tk("tier"), iri(t.tier))
    g.opt(n, tk("tierChange"), iri(t.change) if t.change else None)
    wl = t.watch_list_years
    g.opt(n, tk("consecutiveYearsOnWatchList"), integer(wl) if wl is not None else None)
    g.opt(n, tk("waiverApplied"), boolean(t.waiver) if t.waiver is not None else None)
    pp = t.policy_or_pattern
    g.opt(n, tk("governmentPolicyOrPattern"), boolean(pp) if pp is not None else None)
    g.opt(n, tk("restates"), iri(V.mint_iri("agent", t.restates)) if t.restates else None)
    g.opt(n, tk("restatedReportYear"), year_literal(t.restated_year) if t.restated_year else None)


def _flow(sc: _Scope, f: Flow) -> None:
    g = sc.g
    cls = "InternalFlow" if f.internal else "CrossBorderFlow"
    n = sc.fact("flow", f.id, cls, f.locator, f.where)
    g.add(n, tk("origin"), sc.place(f.origin))
    sc.many(n, "destination", map(sc.place, f.destinations))
    sc.many(n, "transit", map(country_iri, f.transit))
    if len(f.destinations) > 1:
        g.add(n, tk("isAggregate"), boolean(True))
    sc.many(n, "concernsForm", map(iri, f.forms))
    sc.many(n, "victimGroup", map(iri, f.victims))
    g.opt(n, tk("partOfFlow"), sc.mint("flow", f.part_of) if f.part_of else None)
    g.opt(n, tk("year"), year_literal(f.year) if f.year else None)
    g.opt(n, dc("description"), text(f.description) if f.description else None)
    sc.many(n, "facilitatedBy", (sc.mint("policy", p) for p in f.facilitated_by))
    sc.many(n, "supportedBy", (sc.mint("claim", c) for c in f.supported_by))
    if f.estimate is not None:
        e = sc.mint("estimate", f.id)
        sc.origins[e.value] = f.estimate.where
        g.add(n, tk("hasEstimate"), e)
        _estimate(e, f.estimate, sc.doc, g)


def _policy(sc: _Scope, p: Policy) -> None:
    g = sc.g
    n = sc.fact("policy", p.id, POLICY_CLASS[p.kind], p.locator, p.where)
    g.add(n, RDFS_LABEL, text(p.label))
    sc.many(n, "appliesTo", map(country_iri, p.applies_to))
    sc.many(n, "party", map(country_iri, p.parties))
    sc.many(n, "policyEffect", map(iri, p.effects))
    sc.many(n, "concernsForm", map(iri, p.forms))
    g.opt(n, dc("description"), text(p.description) if p.description else None)
    sc.many(n, "supportedBy", (sc.mint("claim", c) for c in p.supported_by))


def _claim(sc: _Scope, c: Claim) -> None:
    g = sc.g
    n = sc.fact("claim", c.id, "Claim", c.locator, c.where)
    g.add(n, tk("claimSubject"), claim_subject(sc.a, sc.records, c.subject))
    g.add(n, tk("aspect"), iri(c.aspect))
    g.opt(n, tk("polarity"), boolean(c.polarity) if c.polarity is not None else None)
    g.add(n, tk("evidenceStatus"), iri(c.evidence))
    g.add(n, tk("extractedBy"), sc.activity)
    g.opt(n, tk("section"), iri(c.section) if c.section else None)
    g.opt(n, dc("description"), text(c.summary) if c.summary else None)
    g.opt(n, tk("confidence"), decimal(c.confidence) if c.confidence is not None else None)
    sc.many(n, "contradicts", (sc.mint("claim", o) for o in c.contradicts))


def _recommendation(sc: _Scope, rec: Recommendation) -> None:
    g = sc.g
    n = sc.fact("recommendation", rec.id, "Recommendation", rec.locator, rec.where)
    g.add(n, dc("description"), text(rec.text))
    g.add(n, tk("targetsCountry"), country_iri(rec.target))
    g.opt(n, tk("ordinal"), integer(rec.ordinal) if rec.ordinal is not None else None)
    sc.many(n, "actionType", map(iri, rec.actions))
    sc.many(n, "pillar", map(iri, rec.pillars))
    sc.many(n, "concernsForm", map(iri, rec.forms))
    sc.many(n, "addressesPolicy", (sc.mint("policy", p) for p in rec.policies))
    sc.many(n, "addressesTreaty", (iri(V.mint_iri("treaty", t)) for t in rec.treaties))
    g.opt(n, tk("status"), iri(rec.status) if rec.status else None)
