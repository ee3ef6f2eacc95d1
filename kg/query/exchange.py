"""One SPARQL 1.1 Protocol exchange over HTTP: a query POSTed as a form, its answer read within a
time limit and a size cap, redirects refused (``kg.query.endpoint`` builds paging and graph
modes on top of it)."""

from __future__ import annotations

import http.client
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kg.core.endpoints import check_endpoint_url
from kg.core.errors import RemoteError

ACCEPT = "application/sparql-results+json"
#: Bytes of one answer kg reads at most (a page of rows is far smaller).
MAX_ANSWER = 256 << 20
_CHUNK = 1 << 16


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: the body and the row cap the server announced, if any."""

    body: bytes
    max_rows: int | None = None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse every redirect: the answer is an error naming where it pointed."""

    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> None:
        raise RemoteError(
            f"{req.full_url} redirected to {newurl} (HTTP {code}); kg does not follow redirects "
            "of a SPARQL endpoint",
            status=code,
            hint="give the endpoint's final URL",
        )


_OPENER = urllib.request.build_opener(_NoRedirect())


def _read_capped(response: Any, url: str, cap: int, timeout: float) -> bytes:
    ends = time.monotonic() + timeout
    length = response.headers.get("Content-Length", "")
    if length.strip().isascii() and length.strip().isdigit() and int(length) > cap:
        raise RemoteError(f"{url} answered {int(length):,} bytes, more than the {cap:,} kg reads")
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read1(_CHUNK):
        size += len(chunk)
        if size > cap:
            raise RemoteError(f"{url} answered more than the {cap:,} bytes kg reads")
        if time.monotonic() > ends:
            raise RemoteError(f"{url} gave no complete answer within {timeout:g} s")
        chunks.append(chunk)
    return b"".join(chunks)


def _exchange(request: urllib.request.Request, timeout: float, cap: int) -> Answer:
    with _OPENER.open(request, timeout=timeout) as response:
        data = _read_capped(response, request.full_url, cap, timeout)
        cap_header = response.headers.get("X-SPARQL-MaxRows") or ""
        rows = cap_header.strip()
        return Answer(data, int(rows) if rows.isascii() and rows.isdigit() else None)


def post_query(
    url: str,
    query: str,
    *,
    timeout: float = 60.0,
    default_graphs: Sequence[str] = (),
    named_graphs: Sequence[str] = (),
    max_bytes: int = MAX_ANSWER,
) -> Answer:
    """POST ``query`` to ``url`` as a form (with the protocol's dataset parameters, if any).

    The whole exchange (name resolution, connecting, the answer however slowly it trickles in)
    must end within ``timeout`` seconds, the answer is read up to ``max_bytes``, and a redirect
    is not followed: each is a RemoteError, as is any answer that is not HTTP. A URL with
    credentials in it (``user:pass@``) is a ConfigError that does not repeat the URL.
    """
    check_endpoint_url(
        url,
        credentials_hint="kg query sends none: give the URL without user:password@",
        example="http://127.0.0.1:7878/sparql",
    )
    fields = [("query", query)]
    fields += [("default-graph-uri", g) for g in default_graphs]
    fields += [("named-graph-uri", g) for g in named_graphs]
    body = urllib.parse.urlencode(fields).encode()
    headers = {"Accept": ACCEPT, "Content-Type": "application/x-www-form-urlencoded"}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    box: list[Answer | BaseException] = []

    def work() -> None:
        try:
            box.append(_exchange(request, timeout, max_bytes))
        except BaseException as exc:  # handed to the caller's thread
            box.append(exc)

    worker = threading.Thread(target=work, daemon=True, name=f"kg query {url}")
    worker.start()
    worker.join(timeout + 1.0)  # the socket timeout covers each step; this covers them all
    if not box:
        raise RemoteError(
            f"{url} gave no complete answer within {timeout:g} s", hint="is the endpoint running?"
        )
    outcome = box[0]
    if isinstance(outcome, Answer):
        return outcome
    try:
        raise outcome
    except RemoteError:
        raise
    except urllib.error.HTTPError as exc:
        excerpt = exc.read(300).decode("utf-8", "replace").strip().splitlines()
        detail = f": {excerpt[0]}" if excerpt else ""
        raise RemoteError(
            f"{url} answered HTTP {exc.code} {exc.reason}{detail}", status=exc.code
        ) from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        hint = "is the endpoint running?"
        tls = isinstance(reason, ssl.SSLError) or "handshake" in str(reason).lower()
        if tls and not isinstance(reason, ssl.SSLCertVerificationError):
            hint = "no TLS handshake: is this port plain HTTP? then give the URL with http://"
        raise RemoteError(f"cannot reach {url}: {reason}", hint=hint) from exc
    except http.client.HTTPException as exc:
        raise RemoteError(
            f"{url} did not answer in HTTP: {type(exc).__name__}: {exc}",
            hint="is this a SPARQL endpoint's URL?",
        ) from exc


__all__ = ["ACCEPT", "MAX_ANSWER", "Answer", "post_query"]
