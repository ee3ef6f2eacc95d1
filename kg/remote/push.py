"""``kg push``: copy the named graphs of a build to any triple store with the SPARQL 1.1 Graph
Store HTTP Protocol (``PUT``/``POST`` of N-Triples to ``ENDPOINT?graph=IRI``).

Each graph is first fetched from the store and compared with the build, so an unchanged graph
is never sent and pushing the same build twice sends nothing. Triples without blank nodes are
compared as sets of canonical N-Triples lines; the triples with blank nodes (OWL restrictions,
for instance) are compared as graphs, up to renaming of the blank nodes (rdflib isomorphism).

In replace mode each changed graph is one ``PUT`` of the whole graph, which the Graph Store
Protocol (and Oxigraph, in one transaction) applies atomically: if a push stops part-way, every
remote graph is either fully old or fully new, and the error names the graphs pushed and not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlencode

import pyoxigraph as ox

from kg.core import vocab as V
from kg.core.errors import ConfigError, RemoteError, choices_hint
from kg.remote.http import Client, Credentials, check_endpoint, credentials_from_env

Mode = Literal["replace", "append"]
NTRIPLES = "application/n-triples"
EXAMPLES = 3


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

    def needs(self, mode: Mode) -> bool:
        """True when pushing in ``mode`` would change the store."""
        if mode == "append":
            return bool(self.added) or (self.bnode_local > 0 and not self.bnodes_equal)
        return self.remote is None or bool(self.added or self.removed) or not self.bnodes_equal

    def line(self, mode: Mode) -> str:
        """One line: graph IRI, counts, and the difference."""
        remote = "absent" if self.remote is None else str(self.remote)
        text = f"<{self.iri}>: {self.local} triples here, {remote} in the store"
        if not self.needs(mode):
            return f"{text}: unchanged"
        diff = f"+{len(self.added)}" + (f" -{len(self.removed)}" if mode == "replace" else "")
        if not self.bnodes_equal:
            diff += f", {self.bnode_local} blank-node triples here vs {self.bnode_remote} there"
        return f"{text}: {diff}"


@dataclass
class PushResult:
    """What a push (or a dry run) found and did."""

    endpoint: str
    mode: Mode
    dry_run: bool
    diffs: list[GraphDiff] = field(default_factory=list)
    pushed: list[str] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (method, url) sent
    warnings: list[str] = field(default_factory=list)

    @property
    def unchanged(self) -> list[str]:
        """Graphs already equal in the store (not sent)."""
        return [d.iri for d in self.diffs if not d.needs(self.mode)]


class PushError(RemoteError):
    """A push stopped part-way; ``result`` says which graphs were pushed."""

    def __init__(
        self,
        message: str,
        result: PushResult,
        *,
        status: int | None = None,
        hint: str | None = None,
    ):
        super().__init__(message, status=status, hint=hint)
        self.result = result


def graph_url(endpoint: str, iri: str) -> str:
    """The Graph Store Protocol URL of graph ``iri`` (indirect identification, ``?graph=``)."""
    return endpoint + ("&" if "?" in endpoint else "?") + urlencode({"graph": iri})


def _order(iri: str) -> tuple[int, str]:
    rank = {V.GRAPH_ONTOLOGY: 0, V.GRAPH_REFERENCE: 1, V.GRAPH_INFERRED: 3}
    return rank.get(iri, 2), iri  # sources between reference and inferred


def select_graphs(store: ox.Store, wanted: Sequence[str]) -> list[str]:
    """The build's named graphs to push (all, or the ``wanted`` IRIs or ``tkg:`` names).

    Raises:
        ConfigError: a wanted graph is not in the build.
    """
    present = sorted(
        (g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)), key=_order
    )
    if not wanted:
        return present
    chosen = []
    for name in wanted:
        prefix, _, local = name.partition(":")
        iri = (
            V.PREFIXES[prefix] + local
            if prefix in V.PREFIXES and not local.startswith("//")
            else name
        )
        if iri not in present:
            shown = [V.shorten(g) for g in present]
            raise ConfigError(
                f"the build has no graph {name}", hint=choices_hint(V.shorten(iri), shown)
            )
        chosen.append(iri)
    return sorted(set(chosen), key=_order)


def _has_bnode(t: ox.Triple) -> bool:
    return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)


def _isomorphic(a: list[ox.Triple], b: list[ox.Triple]) -> bool:
    if len(a) != len(b):
        return False
    if not a:
        return True
    import rdflib
    from rdflib.compare import isomorphic

    def graph(triples: list[ox.Triple]) -> rdflib.Graph:
        return rdflib.Graph().parse(
            data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt"
        )

    return isomorphic(graph(a), graph(b))


def diff_graph(iri: str, local: list[ox.Triple], remote: list[ox.Triple] | None) -> GraphDiff:
    """Compare the build's triples of one graph with the store's (None: graph absent)."""
    theirs = remote or []
    ours_ground = {str(t) for t in local if not _has_bnode(t)}
    theirs_ground = {str(t) for t in theirs if not _has_bnode(t)}
    ours_b = [t for t in local if _has_bnode(t)]
    theirs_b = [t for t in theirs if _has_bnode(t)]
    return GraphDiff(
        iri=iri,
        local=len(local),
        remote=None if remote is None else len(theirs),
        added=tuple(sorted(ours_ground - theirs_ground)),
        removed=tuple(sorted(theirs_ground - ours_ground)),
        bnode_local=len(ours_b),
        bnode_remote=len(theirs_b),
        bnodes_equal=_isomorphic(ours_b, theirs_b),
    )


def _fetch(client: Client, url: str, iri: str) -> list[ox.Triple] | None:
    status, body = client.request("GET", url, headers={"Accept": NTRIPLES})
    if status == 404:
        return None
    try:
        return list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError as exc:
        raise RemoteError(f"GET {url} did not return N-Triples for {iri}: {exc}") from exc


def push_graphs(
    store: ox.Store,
    endpoint: str,
    *,
    graphs: Sequence[str] = (),
    mode: Mode = "replace",
    dry_run: bool = False,
    environ: Mapping[str, str] | None = None,
    credentials: Credentials | None = None,
    client: Client | None = None,
    on_graph: Callable[[GraphDiff, bool], None] | None = None,
) -> PushResult:
    """Push the named graphs of ``store`` to the Graph Store at ``endpoint``.

    Credentials come from ``credentials`` or the ``environ`` variables KG_REMOTE_TOKEN or
    KG_REMOTE_USER/KG_REMOTE_PASSWORD. ``on_graph(diff, sent)`` is called after each graph.

    Raises:
        ConfigError: a bad endpoint, graph name or credential setting.
        PushError: the store failed part-way (its ``result`` lists what was pushed).
        RemoteError: the store failed before anything was sent.
    """
    creds = credentials if credentials is not None else credentials_from_env(environ or {})
    result = PushResult(endpoint, mode, dry_run, warnings=check_endpoint(endpoint, creds))
    client = client or Client(creds)
    client.sent = result.requests
    chosen = select_graphs(store, graphs)
    for iri in chosen:
        url = graph_url(endpoint, iri)
        local = [q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(iri))]
        try:
            diff = diff_graph(iri, local, _fetch(client, url, iri))
            result.diffs.append(diff)
            send = diff.needs(mode) and not dry_run
            if send:
                body = _payload(local, diff, mode)
                client.request(
                    "PUT" if mode == "replace" else "POST", url, body, {"Content-Type": NTRIPLES}
                )
                result.pushed.append(iri)
        except RemoteError as exc:
            raise _stopped(exc, iri, chosen, result) from exc
        if on_graph is not None:
            on_graph(diff, send)
    return result


def _payload(local: list[ox.Triple], diff: GraphDiff, mode: Mode) -> bytes:
    triples = local
    if mode == "append":  # only what the store lacks, so appending twice adds nothing
        missing = set(diff.added)
        resend_bnodes = not diff.bnodes_equal
        triples = [t for t in local if (_has_bnode(t) and resend_bnodes) or str(t) in missing]
    return ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.N_TRIPLES) or b""


def _stopped(exc: RemoteError, iri: str, chosen: list[str], result: PushResult) -> PushError:
    rest = ", ".join(V.shorten(g) for g in chosen[chosen.index(iri) :])
    if not result.pushed:
        return PushError(
            f"{exc.message}; nothing was pushed", result, status=exc.status, hint=exc.hint
        )
    done = ", ".join(V.shorten(g) for g in result.pushed)
    return PushError(
        f"push stopped at {V.shorten(iri)}: {exc.message}; pushed: {done}; not pushed: {rest} "
        "(each graph in the store is either fully old or fully new: run kg push again to finish)",
        result,
        status=exc.status,
    )


def report_lines(result: PushResult) -> list[str]:
    """What a push did (or a dry run would do) graph by graph; a dry run shows a few triples."""
    lines = []
    verb = "PUT" if result.mode == "replace" else "POST"
    for diff in result.diffs:
        lines.append(diff.line(result.mode))
        if not diff.needs(result.mode):
            continue
        url = graph_url(result.endpoint, diff.iri)
        done = "sent" if diff.iri in result.pushed else "would send"
        lines.append(f"  {done} {verb} {url} ({NTRIPLES})")
        if result.dry_run:  # a few examples of the difference
            lines += [f"  + {t} ." for t in diff.added[:EXAMPLES]]
            if result.mode == "replace":
                lines += [f"  - {t} ." for t in diff.removed[:EXAMPLES]]
    changed = [d for d in result.diffs if d.needs(result.mode)]
    if result.dry_run:
        lines.append(f"dry run: {len(changed)} of {len(result.diffs)} graphs would be sent")
    else:
        skipped = len(result.unchanged)
        lines.append(
            f"pushed {len(result.pushed)} of {len(result.diffs)} graphs ({skipped} unchanged)"
        )
    return lines


__all__ = [
    "GraphDiff",
    "Mode",
    "PushError",
    "PushResult",
    "diff_graph",
    "graph_url",
    "push_graphs",
    "report_lines",
    "select_graphs",
]
