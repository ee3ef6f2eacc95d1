"""How one graph of the build differs from its copy in a store.

Both sides are put in canonical form first (each is loaded into a pyoxigraph store, which keeps
one lexical form per value: ``"01"^^xsd:integer`` is ``1``, ``"1"^^xsd:boolean`` is ``true``),
so a store that writes a value differently (Virtuoso) still compares equal. Triples without
blank nodes are compared as sets of N-Triples lines; the triples with blank nodes (OWL
restrictions, for instance) are compared as graphs, up to renaming of the blank nodes (rdflib
isomorphism).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import pyoxigraph as ox

Mode = Literal["replace", "append"]


@dataclass(frozen=True)
class GraphDiff:
    """How one graph of the build differs from the same graph in the store."""

    iri: str
    local: int
    remote: int | None  # None: the store has no such graph
    added: tuple[str, ...]  # ground triples (N-Triples) only the build has
    removed: tuple[str, ...]  # ground triples only the store has
    bnode_local: int = 0
    bnode_remote: int = 0
    bnodes_equal: bool = True  # the blank-node triples are the same graph up to renaming
    #: The store's copy was too large to read: not compared, sent whole.
    unread: bool = False

    def needs(self, mode: Mode) -> bool:
        """True when pushing in ``mode`` would change the store."""
        if self.unread:
            return True
        if mode == "append":
            return bool(self.added) or (self.bnode_local > 0 and not self.bnodes_equal)
        return self.remote is None or bool(self.added or self.removed) or not self.bnodes_equal

    def line(self, mode: Mode) -> str:
        """One line: graph IRI, counts, and the difference."""
        remote = "absent" if self.remote is None else str(self.remote)
        if self.unread:
            remote = "too many to read"
        text = f"<{self.iri}>: {self.local} triples here, {remote} in the store"
        if not self.needs(mode):
            return f"{text}: unchanged"
        if self.unread:
            return f"{text}: sent whole"
        diff = f"+{len(self.added)}" + (f" -{len(self.removed)}" if mode == "replace" else "")
        if not self.bnodes_equal:
            diff += f", {self.bnode_local} blank-node triples here vs {self.bnode_remote} there"
        return f"{text}: {diff}"


def has_bnode(t: ox.Triple) -> bool:
    """True when the triple has a blank node."""
    return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)


def canonical(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The triples with one lexical form per value, as a pyoxigraph store keeps them."""
    store = ox.Store()
    graph = ox.NamedNode("urn:kg:canonical")
    store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    return [q.triple for q in store.quads_for_pattern(None, None, None, graph)]


def isomorphic(a: list[ox.Triple], b: list[ox.Triple]) -> bool:
    """True when two lists of triples are the same graph up to renaming blank nodes."""
    if len(a) != len(b):
        return False
    if not a:
        return True
    import rdflib
    from rdflib.compare import isomorphic as same

    def graph(triples: list[ox.Triple]) -> rdflib.Graph:
        return rdflib.Graph().parse(
            data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt"
        )

    return bool(same(graph(a), graph(b)))


def diff_graph(iri: str, local: list[ox.Triple], remote: list[ox.Triple] | None) -> GraphDiff:
    """Compare the build's triples of one graph with the store's (None: graph absent)."""
    theirs = canonical(remote or [])
    ours_ground = {str(t) for t in local if not has_bnode(t)}
    theirs_ground = {str(t) for t in theirs if not has_bnode(t)}
    ours_b = [t for t in local if has_bnode(t)]
    theirs_b = [t for t in theirs if has_bnode(t)]
    return GraphDiff(
        iri=iri,
        local=len(local),
        remote=None if remote is None else len(theirs),
        added=tuple(sorted(ours_ground - theirs_ground)),
        removed=tuple(sorted(theirs_ground - ours_ground)),
        bnode_local=len(ours_b),
        bnode_remote=len(theirs_b),
        bnodes_equal=isomorphic(ours_b, theirs_b),
    )


def unread(iri: str, local: list[ox.Triple]) -> GraphDiff:
    """The diff of a graph whose copy in the store was too large to read."""
    return GraphDiff(iri, len(local), None, (), (), unread=True)


__all__ = ["GraphDiff", "Mode", "canonical", "diff_graph", "has_bnode", "isomorphic", "unread"]
