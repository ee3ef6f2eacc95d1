"""Stage 4, second half: derive the facts the named queries would otherwise compute per query.

Five rules materialise conclusions that answer whole-graph questions in a few milliseconds on
a graph of millions of triples, where computing them per query scans every placement, claim,
estimate or fact (see bench/RESULTS.md, "kg query"):

========================================  =================================================
rule (tkv:rule-…)                          conclusions (in ``tkg:inferred``)
========================================  =================================================
latest-tier-placement                      ``?country tk:latestTierPlacement ?placement``
tier-change                                ``?placement tk:previousTier ?tier`` and
                                           ``tk:computedTierChange`` (up, down, remained)
opposed-claims                             ``?positiveClaim tk:opposedBy ?negativeClaim``
provenance-gaps                            ``?fact tk:provenanceGap "source"`` (or "locator"…)
size-rank                                  ``?estimate tk:sizeRank 1`` … 25 (per kind, unit, year)
role-evidence                              ``?country tk:roleEvidence ?e`` (kg.graph.evidence)
========================================  =================================================

Each rule also writes ``tkg:inferred tk:appliedRule tkv:rule-<name>``. A named query reads a
rule's conclusions only where that marker is present and otherwise computes the same answer
from the asserted facts, so every query stays correct on any graph, with or without kg's
rules. The conclusions are a snapshot: a store changed after the build must be derived again
(``kg.rules.apply_rules``, which every build runs).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import pyoxigraph as ox

from kg.core import rq
from kg.core import vocab as V
from kg.graph import evidence

_XSD_INTEGER = ox.NamedNode(V.XSD + "integer")
Estimate = ox.NamedNode | ox.BlankNode
QUERIES = rq.Library("kg.graph")


@dataclass(frozen=True)
class Derivation:
    """One rule whose conclusions come from a SPARQL file (``kg/graph/sparql/<query>.rq``)."""

    name: str
    query: str


#: The CONSTRUCT rules, the longest first (size-rank, computed in Python, starts before them).
CONSTRUCTED: tuple[Derivation, ...] = (
    Derivation("provenance-gaps", "provenance_gaps"),
    Derivation("latest-tier-placement", "latest_tier"),
    Derivation("tier-change", "tier_change"),
    Derivation("opposed-claims", "opposed_claims"),
)
SIZE_RANK = "size-rank"
#: How many estimates of each partition get a tk:sizeRank (queries/largest-flows.rq lists 25).
TOP = 25
#: Every rule's name, as in ``tkv:rule-<name>``.
NAMES: tuple[str, ...] = (*(d.name for d in CONSTRUCTED), SIZE_RANK, evidence.NAME)


def rule_iri(name: str) -> ox.NamedNode:
    """The concept that names a rule, e.g. ``tkv:rule-size-rank``."""
    return ox.NamedNode(f"{V.TKV}rule-{name}")


def derive(store: ox.Store, *, workers: int = 2) -> dict[str, int]:
    """Add every rule's conclusions and marker to ``tkg:inferred``; return the number of
    triples each rule added (its conclusions plus its marker).

    No rule reads another's conclusions, so they are computed side by side (pyoxigraph runs
    a query without holding the GIL) and added to the store once all are done. The inferred
    graph should hold no earlier conclusions of these rules (``apply_rules`` clears it first).
    """
    jobs: dict[str, Callable[[], list[ox.Quad]]] = {
        SIZE_RANK: partial(size_ranks, store),
        evidence.NAME: partial(evidence.role_evidence, store),
    }
    for rule in CONSTRUCTED:
        jobs[rule.name] = partial(_construct, store, rule.query)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending = {name: pool.submit(job) for name, job in jobs.items()}
        found = {name: future.result() for name, future in pending.items()}
    return {name: _add(store, found[name], name) for name in NAMES}


def _construct(store: ox.Store, query: str) -> list[ox.Quad]:
    graph = ox.NamedNode(V.GRAPH_INFERRED)
    answer = store.query(QUERIES.load(query), use_default_graph_as_union=True)
    assert isinstance(answer, ox.QueryTriples)
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in answer]


def _add(store: ox.Store, quads: list[ox.Quad], name: str) -> int:
    graph = ox.NamedNode(V.GRAPH_INFERRED)
    marker = ox.Quad(graph, ox.NamedNode(V.TK + "appliedRule"), rule_iri(name), graph)
    store.extend([*quads, marker])
    return len(set(quads)) + 1


def size_ranks(store: ox.Store) -> list[ox.Quad]:
    """``tk:sizeRank`` 1 to ``TOP`` of the largest flow estimates within each kind of flow,
    count unit and year (the other estimates get no rank).

    Rank 1 is the largest size (point value, else lower bound); ties go to the smaller flow
    IRI, then estimate IRI, the order ``queries/largest-flows.rq`` sorts by. Because the
    partitions are exactly that query's filters, the 25 largest of any filtered set are among
    the estimates ranked 1-25 in the partitions it covers.
    """
    answer = store.query(QUERIES.load("size_rank_input"), use_default_graph_as_union=True)
    assert isinstance(answer, ox.QuerySolutions)
    partitions: dict[tuple[object, ...], dict[tuple[str, str], tuple[int, Estimate]]] = {}
    # Unpacked in the order of the SELECT clause (much faster than looking cells up by name).
    for flow, estimate, kind, unit, year, point, lower in answer:
        size = _size(point, lower)
        nodes = isinstance(flow, ox.NamedNode | ox.BlankNode) and isinstance(estimate, Estimate)
        if size is None or not nodes:
            continue  # no usable number: validation reports it
        members = partitions.setdefault((kind, unit, year), {})
        members[(flow.value, estimate.value)] = (size, estimate)
    graph = ox.NamedNode(V.GRAPH_INFERRED)
    rank = ox.NamedNode(V.TK + "sizeRank")
    quads = []
    for members in partitions.values():
        top = heapq.nsmallest(TOP, members, key=lambda k: (-members[k][0], k))
        for n, key in enumerate(top, start=1):
            literal = ox.Literal(str(n), datatype=_XSD_INTEGER)
            quads.append(ox.Quad(members[key][1], rank, literal, graph))
    return quads


def _size(*terms: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> int | None:
    """The first term that is an integer literal, as an int."""
    for term in terms:
        if isinstance(term, ox.Literal) and term.datatype == _XSD_INTEGER:
            try:
                return int(term.value)
            except ValueError:
                return None
    return None


__all__ = ["CONSTRUCTED", "NAMES", "SIZE_RANK", "TOP", "derive", "rule_iri", "size_ranks"]
