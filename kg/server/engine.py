"""Run one SPARQL query with its bounds: the guard, a row cap, a result-size cap, a timeout.

:func:`execute` checks, runs and serialises one query and never raises for a user's error: it
answers with an :class:`Outcome`. It runs in a worker process (:mod:`kg.server.workers`,
scheduled by :mod:`kg.server.scheduler`) in ``kg serve``, or in a thread of the calling
process with :class:`InlineEngine` (``--get`` and tests): there the time limit is enforced on
the answer, but an abandoned query runs to its end, and memory is not bounded.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

import pyoxigraph as ox

from kg.core import vocab as V
from kg.server.dataset import dataset_options
from kg.server.failures import Failure, is_storage_error, storage_failure
from kg.server.formats import (
    Format,
    Kind,
    NotRepresentableError,
    ResultTooLargeError,
    complete_formats,
    format_names,
    negotiate,
    write_boolean,
    write_solutions,
    write_triples,
)
from kg.server.guard import (
    ForbiddenQueryError,
    QueryLimits,
    QueryRefusedError,
    QueryTooLargeError,
    check_query,
)
from kg.server.wire import shown

log = logging.getLogger(__name__)

#: Stack of a thread that runs queries: pyoxigraph evaluates nested patterns recursively (3,000
#: chained BINDs overflow the default 8 MB; the guard allows 2,000).
QUERY_STACK = 256 << 20
#: Largest serialised result answered (``--max-result-size``).
MAX_RESULT_BYTES = 32 << 20


@dataclass(frozen=True)
class QueryRequest:
    """One query with everything needed to answer it (picklable, sent to workers)."""

    query: str
    accept: str | None = None
    format: tuple[str, ...] = ()
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    max_rows: int = 10_000
    max_result_bytes: int = MAX_RESULT_BYTES
    limits: QueryLimits = field(default_factory=QueryLimits)


@dataclass(frozen=True)
class Outcome:
    """An HTTP-ready answer: status, content type and body."""

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = field(default=())
    log: str = ""  # a line for the server's log (the engine writes it): what failed, and where


def text_outcome(status: int, message: str) -> Outcome:
    """A plain-text answer (errors)."""
    return Outcome(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode())


def _kind(result: object) -> Kind:
    if isinstance(result, ox.QueryBoolean):
        return "boolean"
    if isinstance(result, ox.QueryTriples):
        return "graph"
    return "solutions"


def _options(request: QueryRequest, text: str, dataset: bool | None) -> dict[str, object]:
    options: dict[str, object] = {
        "prefixes": V.PREFIXES,  # kg's prefixes are predeclared; PREFIX lines override them
    }
    graphs = (request.default_graphs, request.named_graphs)
    options.update(dataset_options(text, *graphs, has_dataset=dataset))
    return options


def _size(term: object) -> int:
    """A lower bound of the bytes ``term`` takes in any result format."""
    if isinstance(term, ox.Triple):
        return _size(term.subject) + _size(term.predicate) + _size(term.object)
    return len(getattr(term, "value", "")) + 2


def _collect(
    result: ox.QuerySolutions | ox.QueryTriples, kind: Kind, request: QueryRequest
) -> list[Any]:
    """The rows or triples of ``result``, stopping as soon as a cap is passed."""
    items: list[Any] = []
    size = 0
    for item in result:
        items.append(item)
        if len(items) > request.max_rows:
            noun = "triples" if kind == "graph" else "rows"
            raise _Refusal(
                400,
                f"the result has more than {request.max_rows} {noun}, this server's limit; "
                "add LIMIT and OFFSET to page through it (or restart with a larger --max-rows)",
            )
        size += sum(_size(term) for term in item)
        if size > request.max_result_bytes:
            raise ResultTooLargeError(f"the result is larger than {request.max_result_bytes} bytes")
    return items


class _Refusal(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def execute(store: ox.Store, request: QueryRequest, *, guard: bool = True) -> Outcome:
    """Check, run and serialise one query against ``store``; never raises for user errors.

    ``guard=False`` skips the query check (only the sandbox tests do that).
    """
    text, dataset = request.query, None
    if guard:
        try:
            checked = check_query(request.query, V.PREFIXES, request.limits)
        except (ForbiddenQueryError, QueryTooLargeError, QueryRefusedError) as exc:
            return text_outcome(exc.status, str(exc))
        text, dataset = checked.text, checked.dataset  # the dataset as the parse found it
    kind: Kind = "solutions"
    fmt: Format | None = None
    try:
        result = store.query(text, **_options(request, text, dataset))  # type: ignore[arg-type]
        kind = _kind(result)
        fmt = negotiate(kind, request.accept, request.format)
        if fmt is None:
            wanted = shown(", ".join(request.format) or request.accept or "", 100)
            usable = ", ".join(format_names(kind))
            return text_outcome(406, f"cannot answer in {wanted}; this result can be: {usable}")
        if isinstance(result, ox.QueryBoolean):
            return Outcome(200, fmt.content_type, write_boolean(result, fmt))
        items = _collect(result, kind, request)
        if isinstance(result, ox.QuerySolutions):
            names = [v.value for v in result.variables]
            body = write_solutions(names, items, fmt, request.max_result_bytes)
        else:
            body = write_triples(items, fmt, request.max_result_bytes)
        return Outcome(200, fmt.content_type, body)
    except _Refusal as exc:
        return text_outcome(exc.status, str(exc))
    except ResultTooLargeError as exc:
        return text_outcome(
            400,
            f"{exc}, this server's limit; add LIMIT and OFFSET to page through it "
            "(or restart with a larger --max-result-size)",
        )
    except NotRepresentableError as exc:
        label = fmt.label if fmt is not None else "this format"
        return text_outcome(
            406, f"cannot answer in {label}: {exc}; ask for {complete_formats(kind)} instead"
        )
    except SyntaxError as exc:
        return text_outcome(400, f"query syntax error: {shown(str(exc), 500)}")
    except RuntimeError as exc:  # pyoxigraph's evaluation errors (an unknown function IRI…)
        if is_storage_error(exc):  # …or the store's (a file cut short while serving)
            return failure_outcome(storage_failure(exc))
        return text_outcome(400, f"the query cannot be evaluated: {shown(str(exc))}")
    except ValueError as exc:  # e.g. an invalid default-graph-uri IRI
        return text_outcome(400, f"bad request: {shown(str(exc), 500)}")
    except MemoryError:
        return memory_outcome()
    except OSError as exc:
        return failure_outcome(storage_failure(exc))


def failure_outcome(failure: Failure) -> Outcome:
    """The answer to a query the server failed (one line, no path), with its log line."""
    retry = failure.retry_after
    headers = (("Retry-After", str(retry)),) if retry is not None else ()
    outcome = text_outcome(failure.status, failure.message)
    return Outcome(outcome.status, outcome.content_type, outcome.body, headers, failure.log)


def logged(outcome: Outcome, request: QueryRequest) -> Outcome:
    """``outcome``, its log line (if any) written to the server's log once."""
    if outcome.log:
        log.error("%s (query: %s)", outcome.log, shown(request.query, 100))
    return outcome


def memory_outcome(limit: int | None = None) -> Outcome:
    """The answer to a query that needed more memory than a worker may use."""
    bound = f" ({limit >> 20} MB, --max-memory)" if limit else ""
    return text_outcome(
        503,
        f"the query needed more memory than this server allows a query{bound}; "
        "simplify it or add LIMIT",
    )


def timeout_outcome(seconds: float) -> Outcome:
    """The answer to a query that ran out of time."""
    return text_outcome(
        503, f"query timed out after {seconds:g} s (this server's limit); simplify it or add LIMIT"
    )


class Engine(Protocol):
    """Something that answers a :class:`QueryRequest` within ``timeout`` seconds."""

    def run(self, request: QueryRequest, timeout: float, client: str = "") -> Outcome:
        """Answer ``request`` for ``client`` (its address), or a 503 after ``timeout``."""
        ...

    def close(self) -> None:
        """Release workers."""
        ...


class InlineEngine:
    """Run queries in a daemon thread of this process; an overrun is answered, not stopped."""

    def __init__(self, store: ox.Store) -> None:
        """Wrap ``store``."""
        self.store = store

    def run(self, request: QueryRequest, timeout: float, client: str = "") -> Outcome:
        """Answer ``request`` or give up waiting after ``timeout`` seconds."""
        box: list[Outcome | BaseException] = []

        def work() -> None:
            try:
                box.append(execute(self.store, request))
            except BaseException as exc:  # a bug: re-raised in the caller's thread
                box.append(exc)

        previous = threading.stack_size(QUERY_STACK)  # pyoxigraph recurses on nesting
        try:
            worker = threading.Thread(target=work, daemon=True)
            worker.start()
        finally:
            threading.stack_size(previous)
        worker.join(timeout)
        if not box:
            return timeout_outcome(timeout)
        if isinstance(box[0], BaseException):
            raise box[0]
        return logged(box[0], request)

    def close(self) -> None:
        """Nothing to release."""


__all__ = [
    "MAX_RESULT_BYTES",
    "Engine",
    "InlineEngine",
    "Outcome",
    "QueryRequest",
    "execute",
    "failure_outcome",
    "logged",
    "memory_outcome",
    "text_outcome",
    "timeout_outcome",
]
