"""The queries the whole flow network is read with (``kg.network.flows.flow_rows`` without
filters), so that their answers can be evaluated ahead and kept (``kg.core.kept``): a build
keeps them beside it, and the first export of the flows writes from them instead of reading
every flow from the on-disk store (``kg.pipeline.netcache``).

Only the answers are kept, not the network made from them: evaluating the queries runs in
pyoxigraph without Python's lock, beside a build's derivation rules and writers; turning the
answers into the network is Python work, left to the export that needs it.

The readers' queries are planned for the on-disk store (one scan of each property, joined by
hashing, where a look-up per flow would seek RocksDB each time). The build evaluates them on
its in-memory store, where look-ups are cheap: for two of them it evaluates a twin planned so
(``<name>_memory.rq``, the same rows) and keeps the answer under the reader's query. At 1M
triples that is 0.84 s of CPU in place of 1.17 s, in the part of the build where both cores
are busy.
"""

from __future__ import annotations

from kg.core.kept import Queryable, record
from kg.network.flowtable import scan_query, short_table_query
from kg.network.resolve import QUERIES

#: The queries read by name from ``kg/network/sparql`` (places, forms, flows, tiers).
_NAMED = (
    "places",
    "region_members",
    "forms",
    "labels",
    "flow_classes",
    "flow_sources_joined",
    "source_labels",
    "agents",
    "sources",
    "tier_concepts",
    "placements_joined",
)
#: The predicates read by one scan each (``kg.network.flowtable.scan``).
_SCANNED = ("destination", "concernsForm")
#: The queries that have a twin planned for an in-memory store (``<name>_memory.rq``).
_TWINNED = ("flow_sources_joined",)


def network_queries() -> list[str]:
    """The text of every query the whole flow network is read with, as its readers send it.

    Flows with several values of a property are read again by a query naming them
    (``kg.network.flowtable.query_rows``): that one depends on the answers, is not among
    these, and goes to the store."""
    return [
        *(QUERIES.load(name) for name in _NAMED),
        short_table_query(),
        *(scan_query(p) for p in _SCANNED),
    ]


def memory_twins() -> dict[str, str]:
    """Reader query → the same question planned for an in-memory store, for the queries of
    ``network_queries`` that have such a twin."""
    twins = {QUERIES.load(name): QUERIES.load(f"{name}_memory") for name in _TWINNED}
    twins[short_table_query()] = short_table_query("flow_table_memory")
    return twins


def network_answers(store: Queryable) -> dict[str, bytes]:
    """The answers of ``network_queries`` over ``store``, an in-memory store: the reader
    queries with a twin are answered by their twin (``kg.core.kept.record``)."""
    return record(store, network_queries(), memory_twins())


__all__ = ["memory_twins", "network_answers", "network_queries"]
