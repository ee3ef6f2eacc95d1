"""Stage 3: records to RDF quads. Pure and deterministic: no I/O, no clock, no randomness.

The reference graph and source documents are written by ``kg.graph.reference``, each
assessment and its facts by ``kg.graph.assessment``; their public names are importable from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyoxigraph import Quad

from kg.core import vocab as V
from kg.core.errors import Location
from kg.core.terms import QuadSink
from kg.graph.assessment import POLICY_CLASS, PROV_USED, assessment_quads
from kg.graph.curation import curation_quads
from kg.graph.reference import SKOS_ALT, country_iri, reference_quads, region_iri, source_quads
from kg.source.records import Assessment, Records


@dataclass
class BuiltGraph:
    """The asserted quads of a build and, for each minted subject, where it was written."""

    quads: list[Quad] = field(default_factory=list)
    origins: dict[str, Location] = field(default_factory=dict)
    graphs: list[str] = field(default_factory=list)


def build_graph(records: Records) -> BuiltGraph:
    """Build the reference graph and one graph per source document."""
    out = BuiltGraph()
    ref = QuadSink(V.GRAPH_REFERENCE)
    reference_quads(records, ref, out.origins)
    out.quads.extend(ref.quads)
    out.graphs.append(V.GRAPH_REFERENCE)
    by_source: dict[str, list[Assessment]] = {}
    for a in records.assessments:
        by_source.setdefault(a.source, []).append(a)
    for sid in sorted(records.sources):
        sink = QuadSink(V.source_graph(sid))
        source_quads(records.sources[sid], sink, out.origins)
        for a in by_source.get(sid, []):
            assessment_quads(a, records, sink, out.origins)
        out.quads.extend(sink.quads)
        out.graphs.append(V.source_graph(sid))
        curated = [a for a in by_source.get(sid, []) if a.curation is not None]
        if curated:
            cur = QuadSink(V.curation_graph(sid))
            for a in curated:
                curation_quads(a, records, cur, out.origins)
            out.quads.extend(cur.quads)
            out.graphs.append(V.curation_graph(sid))
    return out


__all__ = [
    "POLICY_CLASS",
    "PROV_USED",
    "SKOS_ALT",
    "BuiltGraph",
    "build_graph",
    "country_iri",
    "region_iri",
]
