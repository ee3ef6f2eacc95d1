"""Stage 3, curator content: one named graph per source, ``tkg:curation-<source>``.

What kg's curators add to a source never enters the source's own graph and is never
``tk:statedIn`` the source: re-readings of its claims (``tk:CuratedClaim``), resolutions of
conflicts, and links the source does not make (asserted as plain triples so that queries follow
them, each recorded by a ``tk:CuratorLink``). Every item is ``prov:wasAttributedTo`` its curator
agent, dated (``dcterms:date``), explained (``tk:rationale``) and ``prov:wasGeneratedBy`` the
``tk:CurationActivity`` of the file. Pure and deterministic, like kg.graph.build.
"""

from __future__ import annotations

from pyoxigraph import Literal as _Lit
from pyoxigraph import NamedNode

from kg.core import vocab as V
from kg.core.errors import Location
from kg.core.terms import RDF_TYPE, RDFS_LABEL, QuadSink, boolean, date, dc, decimal, iri, text, tk
from kg.source.records import Assessment, Curated, Records

PROV = {k: iri(V.PROV + k) for k in ("wasAttributedTo", "wasDerivedFrom", "wasGeneratedBy")}
PROV_ASSOCIATED = iri(V.PROV + "wasAssociatedWith")
PROV_USED = iri(V.PROV + "used")
#: What a curated link adds, per YAML key: (asserted property, recording property on the link).
LINK_PROPERTIES = {
    "forms": ("concernsForm", "addedForm"),
    "effects": ("policyEffect", "addedEffect"),
    "policies": ("addressesPolicy", "addedPolicy"),
}


def claim_subject(a: Assessment, records: Records, subject: str) -> NamedNode:
    """The node a claim of ``a`` is about: a country, or a flow or policy of the file."""
    if subject in records.countries:
        return iri(V.mint_iri("country", subject))
    kind = "flow" if any(f.id == subject for f in a.flows) else "policy"
    return iri(V.mint_iri(kind, a.source, a.country, subject))


def curation_quads(
    a: Assessment, records: Records, g: QuadSink, origins: dict[str, Location]
) -> None:
    """Write the curation block of ``a`` into ``g`` (the source's curation graph)."""
    cur = a.curation
    assert cur is not None
    key = (a.source, a.country)
    doc = iri(V.mint_iri("source", a.source))
    activity = iri(V.mint_iri("curation", *key))
    origins[activity.value] = cur.where
    g.add(activity, RDF_TYPE, tk("CurationActivity"))
    g.add(activity, RDFS_LABEL, text(f"Curation of {a.file or a.where.path}", None))
    g.add(activity, PROV_ASSOCIATED, iri(V.mint_iri("agent", cur.curator)))
    g.add(activity, PROV_USED, doc)
    g.add(activity, dc("date"), date(cur.date))

    def item(kind: str, c: Curated, cls: str) -> NamedNode:
        n = iri(V.mint_iri(kind, *key, c.id))
        origins[n.value] = c.where
        g.add(n, RDF_TYPE, tk(cls))
        g.add(n, PROV["wasAttributedTo"], iri(V.mint_iri("agent", c.curator)))
        g.add(n, PROV["wasGeneratedBy"], activity)
        if c.date is not None:
            g.add(n, dc("date"), date(c.date))
        g.add(n, tk("rationale"), _Lit(c.rationale))
        return n

    def claim(local: str) -> NamedNode:
        return iri(V.mint_iri("claim", *key, local))

    for c in cur.claims:
        n = item("claim", c, "CuratedClaim")
        g.add(n, RDF_TYPE, tk("Claim"))
        g.add(n, PROV["wasDerivedFrom"], claim(c.reading_of))
        g.add(n, tk("claimSubject"), claim_subject(a, records, c.subject))
        g.add(n, tk("aspect"), iri(c.aspect))
        g.opt(n, tk("polarity"), boolean(c.polarity) if c.polarity is not None else None)
        g.opt(n, tk("confidence"), decimal(c.confidence) if c.confidence is not None else None)
        g.add(n, tk("inAssessment"), iri(V.mint_iri("assessment", *key)))
    for r in cur.resolutions:
        n = item("resolution", r, "Resolution")
        for local in r.claims:
            g.add(claim(local), tk("resolvedBy"), n)
        for local in r.preferred:
            g.add(n, tk("preferredClaim"), claim(local))
    for link in cur.links:
        n = item("link", link, "CuratorLink")
        subject = iri(V.mint_iri(link.kind, *key, link.subject))
        g.add(n, tk("linkSubject"), subject)
        added = {
            "forms": [iri(f) for f in link.forms],
            "effects": [iri(e) for e in link.effects],
            "policies": [iri(V.mint_iri("policy", *key, p)) for p in link.policies],
        }
        for name, objects in added.items():
            asserted, recorded = LINK_PROPERTIES[name]
            for o in objects:
                g.add(subject, tk(asserted), o)
                g.add(n, tk(recorded), o)
