"""How one graph of the build differs from its copy in a store, compared as N-Triples lines.

The build's graph is dumped by pyoxigraph as canonical N-Triples (one lexical form per value:
``"01"^^xsd:integer`` is ``1``) and its lines sorted; the store's answer is split and sorted the
same way. Equal sorted lines of the triples without blank nodes are the common case (a no-op
push against Oxigraph) and cost one sort, no object per triple. When they differ, the store's
lines that are not the build's are put in canonical form (loaded into a pyoxigraph store and
dumped again), so a store that writes a value or a line differently (Virtuoso) still compares
equal, and only then are the differing lines taken (set differences of bytes). The triples
with blank nodes (OWL restrictions, for instance) are compared as graphs, up to renaming of the
blank nodes (those triples only, canonically relabelled by pyoxigraph).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import pyoxigraph as ox

Mode = Literal["replace", "append"]
#: A canonical N-Triples line with a blank node as subject or as object.
_BNODE = re.compile(rb'^_:|\s_:[^\s"<>]+\s*\.\s*$')
_G = ox.NamedNode("urn:kg:canonical")


@dataclass(frozen=True)
class GraphDiff:
    """How one graph of the build differs from the same graph in the store."""

    iri: str
    local: int
    remote: int | None  # None: the store has no such graph
    plus: tuple[bytes, ...]  # ground N-Triples lines only the build has (sorted)
    minus: tuple[bytes, ...]  # ground lines only the store has (sorted)
    bnode_local: int = 0
    bnode_remote: int = 0
    bnodes_equal: bool = True  # the blank-node triples are the same graph up to renaming
    #: Why the store's copy could not be compared (too large to read, a capped answer): it is
    #: sent whole. Empty: compared.
    unread: str = ""

    @property
    def added(self) -> tuple[str, ...]:
        """Ground triples only the build has (N-Triples without the final `` .``)."""
        return tuple(_text(line) for line in self.plus)

    @property
    def removed(self) -> tuple[str, ...]:
        """Ground triples only the store has."""
        return tuple(_text(line) for line in self.minus)

    def needs(self, mode: Mode) -> bool:
        """True when pushing in ``mode`` would change the store."""
        if self.unread:
            return True
        if mode == "append":
            return bool(self.plus) or (self.bnode_local > 0 and not self.bnodes_equal)
        return self.remote is None or bool(self.plus or self.minus) or not self.bnodes_equal

    def line(self, mode: Mode) -> str:
        """One line: graph IRI, counts, and the difference."""
        remote = "absent" if self.remote is None else str(self.remote)
        if self.unread:
            remote = "too many to read" if self.remote is None else remote
        text = f"<{self.iri}>: {self.local} triples here, {remote} in the store"
        if not self.needs(mode):
            return f"{text}: unchanged"
        if self.unread:
            return f"{text}: {self.unread}: sent whole"
        diff = f"+{len(self.plus)}" + (f" -{len(self.minus)}" if mode == "replace" else "")
        if not self.bnodes_equal:
            diff += f", {self.bnode_local} blank-node triples here vs {self.bnode_remote} there"
        return f"{text}: {diff}"


def _text(line: bytes) -> str:
    return line.rstrip(b"\r\n").removesuffix(b" .").decode()


def has_bnode(line: bytes) -> bool:
    """True when a canonical N-Triples line has a blank node."""
    return _BNODE.search(line) is not None


def sorted_lines(body: bytes) -> list[bytes]:
    """The lines of an N-Triples document, each ending with a newline, sorted."""
    lines = body.splitlines(keepends=True)
    if lines and not lines[-1].endswith(b"\n"):
        lines[-1] += b"\n"
    lines.sort()
    return lines


def graph_lines(store: ox.Store, iri: str) -> list[bytes]:
    """The build's graph ``iri`` as sorted canonical N-Triples lines."""
    body = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(iri))
    return sorted_lines(body or b"")


def canonical(body: bytes) -> list[bytes]:
    """An N-Triples document as sorted lines with one lexical form per value and no duplicates,
    as pyoxigraph writes them.

    Raises:
        SyntaxError: ``body`` is not N-Triples.
    """
    store = ox.Store()
    store.load(body, format=ox.RdfFormat.N_TRIPLES, to_graph=_G)
    return graph_lines(store, _G.value)


def _split(lines: list[bytes]) -> tuple[list[bytes], list[bytes]]:
    """(ground lines, lines with a blank node), each in the order given."""
    blank = [x for x in lines if b"_:" in x and has_bnode(x)]  # the substring test is cheap
    if not blank:
        return lines, []
    others = set(blank)
    return [x for x in lines if x not in others], blank


def _dataset(lines: list[bytes]) -> ox.Dataset:
    triples = ox.parse(b"".join(lines), format=ox.RdfFormat.N_TRIPLES)
    return ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)


def isomorphic(a: list[bytes], b: list[bytes]) -> bool:
    """True when two lists of N-Triples lines are the same graph up to renaming blank nodes
    (both relabelled canonically by pyoxigraph, then compared)."""
    if len(a) != len(b):
        return False
    if not a:
        return True
    ours, theirs = _dataset(a), _dataset(b)
    ours.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)  # same version on both sides
    theirs.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return bool(ours == theirs)


def diff_lines(iri: str, local: list[bytes], remote: bytes | None) -> GraphDiff:
    """Compare the build's sorted lines of one graph with the store's N-Triples answer (None:
    the graph is absent). Only the store's lines that are not byte for byte the build's are put
    in canonical form (all of them for a store that writes values its own way).

    Raises:
        SyntaxError: the store's answer is not N-Triples (only checked where it differs).
    """
    ours, ours_b = _split(local)
    if remote is None:
        return GraphDiff(iri, len(local), None, tuple(ours), (), len(ours_b), 0, not ours_b)
    theirs, theirs_b = _split(sorted_lines(remote))
    if theirs == ours:
        plus: tuple[bytes, ...] = ()
        minus: tuple[bytes, ...] = ()
        count = len(theirs)
    else:
        mine = set(ours)
        odd = [x for x in theirs if x not in mine]  # as the store wrote them
        fixed, more_b = _split(canonical(b"".join(odd))) if odd else ([], [])
        theirs_b = theirs_b + more_b
        have = {x for x in theirs if x in mine}
        have.update(fixed)
        plus = tuple(x for x in ours if x not in have)
        minus = tuple(sorted(set(fixed) - mine))
        count = len(have)
    return GraphDiff(
        iri,
        len(local),
        count + len(theirs_b),
        plus,
        minus,
        len(ours_b),
        len(theirs_b),
        isomorphic(ours_b, theirs_b),
    )


def unread(iri: str, local: int, remote: int | None, why: str) -> GraphDiff:
    """The diff of a graph whose copy in the store could not be compared (``why``)."""
    return GraphDiff(iri, local, remote, (), (), unread=why)


__all__ = [
    "GraphDiff",
    "Mode",
    "canonical",
    "diff_lines",
    "graph_lines",
    "has_bnode",
    "isomorphic",
    "sorted_lines",
    "unread",
]
