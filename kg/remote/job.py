"""One push in progress (``kg.remote.push.push_graphs`` starts it): compare each graph with
the store, send what changed (whole, or as a patch), prune, count what was sent, and when it
stops part-way, say what was committed."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.core import vocab as V
from kg.core.errors import RemoteError
from kg.remote.diff import GraphDiff, Mode, diff_lines, graph_lines, has_bnode, unread
from kg.remote.http import TooLarge
from kg.remote.patch import patch_request, patchable
from kg.remote.result import NAMESPACE, PushError, PushResult, build_graphs
from kg.remote.store import RemoteStore

#: Bytes of a graph's copy read for comparing, beyond its size here (then: sent whole).
SLACK = 64 << 20
#: A request that sends or reads a graph gets ``--timeout`` seconds per this many bytes.
PER_TIMEOUT = 8 << 20


def _payload(local: list[bytes], diff: GraphDiff, mode: Mode) -> bytes:
    """What to send: the whole graph (replace), or what the store lacks (append)."""
    if mode == "append" and not diff.unread:
        missing = set(diff.plus)
        resend_bnodes = not diff.bnodes_equal
        return b"".join(x for x in local if x in missing or (resend_bnodes and has_bnode(x)))
    return b"".join(local)


@dataclass
class Job:
    """One push in progress."""

    store: ox.Store
    remote: RemoteStore
    result: PushResult
    chosen: list[str]
    on_graph: Callable[[GraphDiff, bool], None] | None
    in_flight: tuple[str, str] | None = None  # (send or delete, graph) under way
    sizes: dict[str, int] = field(default_factory=dict)  # graph: bytes as N-Triples here
    #: Graph: triples the store counts (SPARQL), to tell a capped answer from a full one.
    counted: dict[str, int] = field(default_factory=dict)
    _cached: tuple[str, list[bytes]] | None = None

    def local(self, iri: str) -> list[bytes]:
        """The build's graph ``iri`` as sorted N-Triples lines (the last one asked is kept)."""
        if self._cached is None or self._cached[0] != iri:
            lines = graph_lines(self.store, iri)
            self.sizes[iri] = sum(map(len, lines))
            self._cached = (iri, lines)
        return self._cached[1]

    @contextlib.contextmanager
    def scaled(self, size: int) -> Iterator[None]:
        """Requests that carry ``size`` bytes get ``--timeout`` per PER_TIMEOUT bytes."""
        client = self.remote.client
        saved = client.timeout
        client.timeout = max(saved, saved * size / PER_TIMEOUT)
        try:
            yield
        finally:
            client.timeout = saved

    def compare(self, iri: str, local: list[bytes]) -> GraphDiff:
        """Read graph ``iri`` from the store and compare it with ``local``."""
        size = self.sizes[iri]
        try:
            with self.scaled(size):
                body = self.remote.fetch(iri, 2 * size + SLACK)
        except TooLarge:
            return unread(iri, len(local), None, "too large to read")
        try:
            diff = diff_lines(iri, local, body)
        except SyntaxError as exc:
            raise self.remote.not_ntriples(iri, exc) from exc
        counted = self.counted.get(iri)
        if counted is None or diff.remote is None or counted == diff.remote:
            return diff
        why = f"the store counts {counted} triples but answered {diff.remote}"
        if counted > diff.remote:  # Virtuoso: a GET answers at most ResultSetMaxRows triples
            why += " (a cap on its answers, such as Virtuoso's ResultSetMaxRows): cannot verify"
        return unread(iri, len(local), counted, why)

    def patch(self, diff: GraphDiff) -> bool:
        """Send a small change as one SPARQL Update request and count the graph afterwards;
        False: it is to be sent whole (no Update endpoint, a large change, the store refused the
        request or did not apply it exactly)."""
        result = self.result
        if self.remote.update is None or not patchable(diff, result.mode):
            return False
        name = V.shorten(diff.iri)
        try:
            self.remote.patch(patch_request(diff))
        except TooLarge:
            raise
        except RemoteError as exc:
            if exc.status is None or exc.status >= 500:
                raise
            result.warnings.append(f"{name}: the store refused a SPARQL Update ({exc}): sent whole")
            return False
        got = self.remote.counts([diff.iri], 0)[diff.iri]
        if got != diff.local:
            result.warnings.append(
                f"{name}: after a SPARQL Update the store has {got} triples, {diff.local} here: "
                "sent whole"
            )
            return False
        result.patched.append(diff.iri)
        return True

    def run(self, prune: bool) -> None:
        result = self.result
        if self.remote.sparql is None:
            result.warnings.append(
                "no SPARQL query endpoint is known for this store, so kg cannot list the graphs "
                "the build lacks: give --sparql URL"
            )
        else:
            ours = set(build_graphs(self.store))
            result.stale = [g for g in self.remote.graphs(NAMESPACE) if g not in ours]
            if result.stale and not prune:
                names = ", ".join(V.shorten(g) for g in result.stale)
                result.warnings.append(
                    f"the store has {len(result.stale)} graph(s) of kg's that this build lacks: "
                    f"{names} (kg push --prune deletes them)"
                )
            self.counted = self.remote.counts(self.chosen, 0)
        for iri in self.chosen:
            local = self.local(iri)
            diff = self.compare(iri, local)
            result.diffs.append(diff)
            send = diff.needs(result.mode) and not result.dry_run
            if send:
                self.in_flight = ("send", iri)
                if not self.patch(diff):
                    method = "PUT" if result.mode == "replace" else "POST"
                    body = _payload(local, diff, result.mode)
                    with self.scaled(len(body)):
                        self.remote.send(method, iri, body)
                result.pushed.append(iri)
                self.in_flight = None
            if self.on_graph is not None:
                self.on_graph(diff, send)
        if prune and not result.dry_run:
            for iri in result.stale:
                if not iri.startswith(NAMESPACE):  # never outside kg's namespace
                    continue
                self.in_flight = ("delete", iri)
                self.remote.delete(iri)
                result.deleted.append(iri)
                self.in_flight = None
        if not result.dry_run:
            self.verify()

    def verify(self) -> None:
        """Count the triples of every graph sent or deleted on the store."""
        result = self.result
        expected = {d.iri: d.local for d in result.diffs if d.iri in result.pushed}
        checked = [*result.pushed, *result.deleted]
        if not checked:
            return
        biggest = max((self.sizes[g] for g in result.pushed), default=0)
        with self.scaled(biggest):
            counts = self.remote.counts(checked, 2 * biggest + SLACK)
        result.verified = counts
        wrong = []
        for iri in result.pushed:
            want, got = expected[iri], counts.get(iri, 0)
            short = got < want if result.mode == "append" else got != want
            if short:
                wrong.append(f"{V.shorten(iri)} has {got} triples there, {want} here")
        for iri in result.deleted:
            if counts.get(iri, 0):
                wrong.append(f"{V.shorten(iri)} still has {counts[iri]} triples after DELETE")
        if wrong:
            raise PushError(
                "the store does not hold what was pushed: " + "; ".join(wrong),
                result,
                hint="the store accepted requests it did not apply in full; check its logs",
            )

    def committed(self, kind: str, iri: str) -> bool | None:
        """Whether the store now holds graph ``iri`` as the build has it (``send``) or no more
        (``delete``); None: it cannot tell (the store does not answer)."""
        client = self.remote.client
        saved = (client.tries, client.timeout, client.deadline)
        client.tries, client.timeout, client.deadline = 1, min(client.timeout, 10.0), None
        try:
            local = self.local(iri)
            remote = self.remote.fetch(iri, 2 * self.sizes[iri] + SLACK)
            if kind == "delete" or remote is None:
                return (remote is None) == (kind == "delete")
            diff = diff_lines(iri, local, remote)
            if self.result.mode == "append":
                return not diff.added
            return not diff.needs("replace")
        except (RemoteError, OSError, SyntaxError, KeyboardInterrupt):
            return None
        finally:
            client.tries, client.timeout, client.deadline = saved

    def stopped(self, reason: str, status: int | None, hint: str | None) -> PushError:
        """The error of a push that stopped part-way, naming what was committed."""
        result = self.result
        unsure: list[str] = []
        if self.in_flight is not None:
            kind, iri = self.in_flight
            state = self.committed(kind, iri)
            if state is True:
                (result.deleted if kind == "delete" else result.pushed).append(iri)
            elif state is None:
                unsure.append(iri)
        done = [*result.pushed, *result.deleted]
        todo = [
            g
            for g in [*self.chosen, *(result.stale if result.prune else [])]
            if g not in done and g not in unsure and g not in result.unchanged
        ]
        if not done and not unsure:
            return PushError(f"{reason}; nothing was pushed", result, status=status, hint=hint)
        parts = [f"push stopped: {reason}"]
        if result.pushed:
            parts.append("pushed: " + ", ".join(V.shorten(g) for g in result.pushed))
        if result.deleted:
            parts.append("deleted: " + ", ".join(V.shorten(g) for g in result.deleted))
        if unsure:
            parts.append(
                "unknown (the store stopped answering after receiving it): "
                + ", ".join(V.shorten(g) for g in unsure)
            )
        if todo:
            parts.append("not pushed: " + ", ".join(V.shorten(g) for g in todo))
        return PushError(
            "; ".join(parts)
            + " (each graph in the store is either fully old or fully new: run kg push again)",
            result,
            status=status,
        )


__all__ = ["PER_TIMEOUT", "SLACK", "Job"]
