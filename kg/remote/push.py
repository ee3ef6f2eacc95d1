"""``kg push``: copy the named graphs of a build to any triple store with the SPARQL 1.1 Graph
Store HTTP Protocol (``PUT``/``POST``/``DELETE`` of N-Triples at ``ENDPOINT?graph=IRI``).

What a push guarantees (the README's "Push" section says the same):

* Each graph is first read from the store and compared with the build (``kg.remote.diff``), so
  an unchanged graph is never sent and pushing the same build twice sends nothing.
* In replace mode each changed graph is one ``PUT`` of the whole graph, which the Graph Store
  Protocol applies atomically: a graph in the store is either fully old or fully new. A small
  change (a few triples, none with a blank node) is one SPARQL Update request instead
  (``DELETE DATA``/``INSERT DATA``, atomic too; ``kg.remote.patch``) where the store's Update
  endpoint is known, and the graph is counted right after it (else sent whole).
* Every answer other than 2xx is an error (a 404 to a ``PUT`` is not success). After the
  push, the triples of every graph sent are counted on the store and must match the build.
* Graphs in kg's namespace (``tkg:``) that the store holds and the build lacks (an old import,
  a renamed source) are named in a warning on every push; ``prune`` deletes them (and never a
  graph outside kg's namespace); a dry run lists what would be deleted.
* Requests have a deadline each and the push has one overall; answers are read up to a cap.
* A push that stops part-way (an error, Ctrl+C) says which graphs were committed, which were
  not, and which it could not tell (the store stopped answering right after receiving one).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence

import pyoxigraph as ox

from kg.core.errors import RemoteError
from kg.remote.diff import GraphDiff, Mode, diff_lines
from kg.remote.http import Client, Credentials, check_endpoint, credentials_from_env, origin
from kg.remote.job import Job
from kg.remote.patch import update_url
from kg.remote.result import (
    NAMESPACE,
    PushError,
    PushResult,
    build_graphs,
    report_lines,
    select_graphs,
)
from kg.remote.store import RemoteStore, graph_url, query_url


def push_graphs(
    store: ox.Store,
    endpoint: str,
    *,
    graphs: Sequence[str] = (),
    mode: Mode = "replace",
    dry_run: bool = False,
    prune: bool = False,
    sparql: str | None = None,
    timeout: float = 60.0,
    deadline: float | None = None,
    environ: Mapping[str, str] | None = None,
    credentials: Credentials | None = None,
    client: Client | None = None,
    on_graph: Callable[[GraphDiff, bool], None] | None = None,
    patch: bool = True,
) -> PushResult:
    """Push the named graphs of ``store`` to the Graph Store at ``endpoint``.

    ``sparql`` is the store's SPARQL query endpoint (default: guessed from ``endpoint``, see
    ``kg.remote.store.query_url``); ``timeout`` bounds each request and ``deadline`` (seconds)
    the whole push. Credentials come from ``credentials`` or the ``environ`` variables
    KG_REMOTE_TOKEN, or KG_REMOTE_USER/KG_REMOTE_PASSWORD. ``on_graph(diff, sent)`` is called
    after each graph. ``patch``: a small change to a graph goes as one SPARQL Update request
    where the store's Update endpoint is known (``kg.remote.patch``); False: always whole.

    Raises:
        ConfigError: a bad endpoint, graph name or credential setting.
        PushError: the store failed part-way or did not hold what was pushed (its ``result``
            says what was committed).
        RemoteError: the store failed before anything was sent.
    """
    creds = credentials if credentials is not None else credentials_from_env(environ or {})
    result = PushResult(
        endpoint, mode, dry_run, warnings=check_endpoint(endpoint, creds), prune=prune
    )
    if sparql is not None:
        check_endpoint(sparql, None)
    if client is None:
        client = Client(creds, timeout=timeout)
    client.home = origin(endpoint)
    if deadline is not None:
        client.deadline = time.monotonic() + deadline
    client.sent = result.requests
    chosen = select_graphs(store, graphs)
    remote = RemoteStore(endpoint, sparql or query_url(endpoint), client)
    if patch and remote.sparql is not None:  # a patch is checked by counting on the store
        remote.update = result.update = update_url(endpoint)
    job = Job(store, remote, result, chosen, on_graph)
    try:
        job.run(prune)
    except PushError:
        raise
    except RemoteError as exc:
        raise job.stopped(exc.message, exc.status, exc.hint) from exc
    except KeyboardInterrupt:
        raise job.stopped("interrupted", None, None) from None
    return result


__all__ = [
    "NAMESPACE",
    "GraphDiff",
    "Mode",
    "PushError",
    "PushResult",
    "build_graphs",
    "diff_lines",
    "graph_url",
    "push_graphs",
    "report_lines",
    "select_graphs",
]
