"""Provenance of machine-extracted drafts in the graph: who made each fact and whether a person
has checked it.

Every fact of a draft (the assessment, its tier, flows, policies, claims, resolutions and
recommendations) gets ``tk:reviewStatus`` (``tkv:review-unreviewed`` or ``-reviewed``) and
``prov:wasGeneratedBy`` the assessment's extraction activity, which is
``prov:wasAssociatedWith`` a ``prov:SoftwareAgent`` (the extractor at its version). A reviewed
draft's assessment also says who reviewed it and when. Hand-curated files carry no status.
"""

from __future__ import annotations

from pyoxigraph import Literal as _Lit
from pyoxigraph import NamedNode

from kg.core import vocab as V
from kg.core.terms import RDF_TYPE, RDFS_LABEL, QuadSink, date, iri, text, tk
from kg.source.records import Draft

PROV_GENERATED = iri(V.PROV + "wasGeneratedBy")
PROV_ASSOCIATED = iri(V.PROV + "wasAssociatedWith")
SOFTWARE_AGENT = iri(V.PROV + "SoftwareAgent")
SOFTWARE_VERSION = iri(V.SCHEMA + "softwareVersion")


def status(draft: Draft) -> NamedNode:
    """The review-status concept of a draft."""
    return iri(V.concept(f"review-{draft.review}"))


def software_agent(draft: Draft) -> NamedNode:
    """The node of the extractor that made a draft, one per tool and version."""
    return iri(V.mint_iri("agent", draft.extracted_by, draft.version))


def describe_activity(
    g: QuadSink, activity: NamedNode, assessment: NamedNode, draft: Draft, path: str
) -> None:
    """Label the extraction activity of a draft and link it to the software that ran it."""
    agent = software_agent(draft)
    g.add(
        activity,
        RDFS_LABEL,
        text(f"Machine extraction by {draft.extracted_by} {draft.version} of {path}", None),
    )
    g.add(activity, PROV_ASSOCIATED, agent)
    g.add(agent, RDF_TYPE, SOFTWARE_AGENT)
    g.add(agent, RDFS_LABEL, text(f"{draft.extracted_by} {draft.version}", None))
    g.add(agent, SOFTWARE_VERSION, _Lit(draft.version))
    g.add(activity, tk("textSha256"), _Lit(draft.text_sha256))
    if draft.reviewer is not None and draft.reviewed_on is not None:
        g.add(assessment, tk("reviewedBy"), iri(V.mint_iri("agent", draft.reviewer)))
        g.add(assessment, tk("reviewedOn"), date(draft.reviewed_on))


def mark(g: QuadSink, node: NamedNode, draft: Draft, activity: NamedNode) -> None:
    """Attribute one fact of a draft to its extraction and give its review status."""
    g.add(node, tk("reviewStatus"), status(draft))
    g.add(node, PROV_GENERATED, activity)


__all__ = ["describe_activity", "mark", "software_agent", "status"]
