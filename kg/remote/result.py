"""What a push works on and reports: the build's graphs in push order, the result of a push
(or a dry run) and its lines for the terminal. ``kg.remote.push`` does the pushing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.core import vocab as V
from kg.core.errors import ConfigError, RemoteError, choices_hint
from kg.remote.diff import GraphDiff, Mode
from kg.remote.patch import UPDATE, patchable
from kg.remote.store import NTRIPLES, graph_url

#: Example triples a dry run shows per changed graph.
EXAMPLES = 3
#: kg's graphs: the only ones a push may delete.
NAMESPACE = V.GRAPH_ONTOLOGY.rsplit("/", 1)[0] + "/"


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
    #: Graphs in kg's namespace on the store that the build lacks.
    stale: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    prune: bool = False
    #: Graph → triples counted on the store after the push.
    verified: dict[str, int] = field(default_factory=dict)
    #: The store's SPARQL Update endpoint (None: unknown, every changed graph is sent whole).
    update: str | None = None
    #: Graphs changed by one SPARQL Update request (a small change) rather than sent whole.
    patched: list[str] = field(default_factory=list)

    @property
    def unchanged(self) -> list[str]:
        """Graphs already equal in the store (not sent)."""
        return [d.iri for d in self.diffs if not d.needs(self.mode)]


class PushError(RemoteError):
    """A push stopped part-way or did not verify; ``result`` says what was committed."""

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


def _order(iri: str) -> tuple[int, str]:
    rank = {V.GRAPH_ONTOLOGY: 0, V.GRAPH_REFERENCE: 1, V.GRAPH_INFERRED: 4}
    if iri.startswith(V.curation_graph("")):
        return 3, iri  # curator content after the sources it is about
    return rank.get(iri, 2), iri  # sources between reference and inferred


def build_graphs(store: ox.Store) -> list[str]:
    """The build's named graphs, in push order."""
    return sorted(
        (g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)), key=_order
    )


def select_graphs(store: ox.Store, wanted: Sequence[str]) -> list[str]:
    """The build's named graphs to push (all, or the ``wanted`` IRIs or ``tkg:`` names).

    Raises:
        ConfigError: a wanted graph is not in the build.
    """
    present = build_graphs(store)
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
        if diff.iri in result.patched or (
            result.dry_run and result.update and patchable(diff, result.mode)
        ):
            lines.append(f"  {done} POST {result.update} ({UPDATE}: DELETE DATA, INSERT DATA)")
        else:
            lines.append(f"  {done} {verb} {url} ({NTRIPLES})")
        if result.dry_run:  # a few examples of the difference
            lines += [f"  + {t} ." for t in diff.added[:EXAMPLES]]
            if result.mode == "replace":
                lines += [f"  - {t} ." for t in diff.removed[:EXAMPLES]]
    if result.prune:
        for iri in result.stale:
            done = "deleted" if iri in result.deleted else "would delete"
            lines.append(f"<{iri}>: not in the build: {done}")
    changed = [d for d in result.diffs if d.needs(result.mode)]
    if result.dry_run:
        text = f"dry run: {len(changed)} of {len(result.diffs)} graphs would be sent"
        if result.prune and result.stale:
            text += f", {len(result.stale)} would be deleted"
        lines.append(text)
    else:
        skipped = len(result.unchanged)
        text = f"pushed {len(result.pushed)} of {len(result.diffs)} graphs ({skipped} unchanged"
        if result.deleted:
            text += f", {len(result.deleted)} deleted"
        if result.verified:
            text += "; triple counts checked on the store"
        lines.append(text + ")")
    return lines
