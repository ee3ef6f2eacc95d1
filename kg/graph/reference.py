"""The reference graph (regions, countries with their codes and names, agents, treaties) and the
SourceDocument node of each source. Pure and deterministic, like all of ``kg.graph.build``."""

from __future__ import annotations

from pyoxigraph import Literal as _Lit
from pyoxigraph import NamedNode

from kg.core import vocab as V
from kg.core.errors import Location
from kg.core.terms import (
    RDF_TYPE,
    RDFS_LABEL,
    QuadSink,
    boolean,
    date,
    dc,
    decimal,
    iri,
    text,
    tk,
    year_literal,
)
from kg.source.records import Records, Source

SKOS_ALT = iri(V.SKOS + "altLabel")


def country_iri(code: str) -> NamedNode:
    """Return the node of a country by ISO alpha-3 code."""
    return iri(V.mint_iri("country", code))


def region_iri(m49: str) -> NamedNode:
    """Return the node of an M49 region by code."""
    return iri(V.mint_iri("region", m49))


def reference_quads(records: Records, g: QuadSink, origins: dict[str, Location]) -> None:
    """Write the reference data: regions, countries, agents and treaties."""
    for region in records.regions.values():
        node = region_iri(region.m49)
        origins[node.value] = region.where
        g.add(node, RDF_TYPE, tk("Region"))
        g.add(node, RDFS_LABEL, text(region.name))
        g.add(node, tk("m49Code"), _Lit(region.m49))
        if region.parent is not None:
            g.add(node, tk("inRegion"), region_iri(region.parent))
    for c in records.countries.values():
        node = country_iri(c.code)
        origins[node.value] = c.where
        g.add(node, RDF_TYPE, tk("Country"))
        g.add(node, RDFS_LABEL, text(c.name))
        for alt in (c.official_name, *c.alt_names):
            if alt and alt != c.name:
                g.add(node, SKOS_ALT, text(alt))
        g.add(node, tk("iso3166Alpha3"), _Lit(c.code))
        g.opt(node, tk("iso3166Alpha2"), _Lit(c.alpha2) if c.alpha2 else None)
        g.opt(node, tk("iso3166Numeric"), _Lit(c.numeric) if c.numeric else None)
        g.opt(node, tk("inRegion"), region_iri(c.region) if c.region else None)
        g.opt(node, tk("latitude"), decimal(c.lat) if c.lat is not None else None)
        g.opt(node, tk("longitude"), decimal(c.lon) if c.lon is not None else None)
    for agent in records.agents.values():
        node = iri(V.mint_iri("agent", agent.id))
        origins[node.value] = agent.where
        g.add(node, RDF_TYPE, tk("Agent"))
        g.add(node, RDFS_LABEL, text(agent.name))
        g.add(node, tk("issuesTiers"), boolean(agent.issues_tiers))
        g.opt(node, iri(V.SCHEMA + "url"), iri(agent.homepage) if agent.homepage else None)
    for t in records.treaties.values():
        node = iri(V.mint_iri("treaty", t.id))
        origins[node.value] = t.where
        g.add(node, RDF_TYPE, tk("Treaty"))
        g.add(node, dc("title"), text(t.title))
        g.opt(node, RDFS_LABEL, text(t.short_name) if t.short_name else None)
        g.opt(node, dc("date"), date(t.adopted) if t.adopted else None)
        g.opt(node, iri(V.SCHEMA + "startDate"), date(t.in_force) if t.in_force else None)


def source_quads(s: Source, g: QuadSink, origins: dict[str, Location]) -> None:
    """Write the SourceDocument node of a source."""
    node = iri(V.mint_iri("source", s.id))
    origins[node.value] = s.where
    g.add(node, RDF_TYPE, tk("SourceDocument"))
    g.add(node, dc("title"), text(s.title))
    g.add(node, tk("docType"), iri(s.doc_type))
    g.add(node, tk("reliability"), iri(s.reliability))
    g.opt(node, dc("publisher"), iri(V.mint_iri("agent", s.publisher)) if s.publisher else None)
    g.opt(node, dc("issued"), date(s.issued) if s.issued else None)
    g.opt(node, tk("year"), year_literal(s.year) if s.year else None)
    g.opt(
        node, dc("license"), iri(s.license) if s.license and V.looks_like_url(s.license) else None
    )
    g.opt(node, dc("identifier"), _Lit(s.identifier) if s.identifier else None)
    g.opt(node, tk("sha256"), _Lit(s.sha256) if s.sha256 else None)
    g.opt(node, iri(V.RDFS + "comment"), text(s.note) if s.note else None)
