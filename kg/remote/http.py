"""The HTTP side of ``kg push``: a small, careful client on ``http.client``.

* **Credentials** come only from the environment (``credentials_from_env``): a Bearer token, or
  a user and password answered to the store's challenge with HTTP Digest (RFC 7616: MD5,
  SHA-256, their ``-sess`` forms, ``qop=auth``/``auth-int``) or Basic, whichever it asks for
  (``KG_REMOTE_AUTH=basic`` sends Basic without waiting to be asked). They are sent to the
  endpoint's own origin only, and no message ever contains them (``Credentials.redact``).
* **Bounds.** Every request has a deadline (``timeout`` seconds for name resolution, connecting,
  TLS, sending and the whole answer, however slowly it trickles in; and the client's overall
  ``deadline``); a watchdog closes the socket when it passes. Answers are read up to a cap
  (``limit``) and refused beyond it, so a huge answer is one line, not a ``MemoryError``.
* **Redirects** are followed only within the endpoint's origin (or to HTTPS on the same host;
  never from HTTPS to plain HTTP, nor to another scheme),
  at most 5 hops, 301/302/303 only for GET; any other redirect is an error naming its target.
* **TLS** is always verified (the system's CA store; ``SSL_CERT_FILE`` adds one).
* **Retries**: a 5xx answer or a failed connection is retried with exponential backoff; every
  other non-2xx answer is an error at once (404 only when the caller allows it, as a graph that
  does not exist).
* **Proxies** from ``HTTPS_PROXY``/``HTTP_PROXY`` (not for loopback hosts or ``NO_PROXY``).
"""

from __future__ import annotations

import http.client
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from kg.core.errors import RemoteError
from kg.remote.auth import (
    AUTH_HINT,
    Credentials,
    Digest,
    check_endpoint,
    credentials_from_env,
    origin,
    parse_challenges,
)
from kg.remote.exchange import Answer, NoTLS, TooLarge, exchange
from kg.remote.net import TimedOut

#: Answers other than a graph's content (PUT/POST/DELETE replies, errors) are read up to this.
SMALL_ANSWER = 1 << 20
MAX_REDIRECTS = 5


_RETRIED = (http.client.HTTPException, ConnectionError, TimeoutError, TimedOut, OSError)


def may_follow(url: str, target: str) -> bool:
    """Whether a redirect from ``url`` to ``target`` stays where kg may go: the same host and
    port over HTTP from HTTP, or the same host over HTTPS; never from HTTPS to plain HTTP, to
    another host, or to a scheme other than http(s). (Credentials go to the endpoint's own
    origin only, wherever a redirect leads.)"""
    (scheme, host, port), (to_scheme, to_host, to_port) = origin(url), origin(target)
    if to_scheme not in ("http", "https") or to_host != host:
        return False
    if to_scheme == "https":
        return True
    return scheme == "http" and to_port == port


@dataclass
class Client:
    """Sends Graph Store Protocol and SPARQL requests (see the module docstring)."""

    credentials: Credentials | None = None
    #: Seconds one request may take, from resolving the host name to the end of the answer.
    timeout: float = 60.0
    #: ``time.monotonic()`` value by which every request must be done (None: no overall bound).
    deadline: float | None = None
    tries: int = 4
    backoff: float = 0.5
    sleep: Callable[[float], None] = time.sleep
    sent: list[tuple[str, str]] = field(default_factory=list)
    #: The origin (scheme, host, port) the credentials are for; None: the first URL asked.
    home: tuple[str, str, int] | None = None
    _digest: dict[tuple[str, str, int], Digest] = field(default_factory=dict, repr=False)
    _basic: set[tuple[str, str, int]] = field(default_factory=set, repr=False)

    def redact(self, text: str) -> str:
        """``text`` without the credentials."""
        return self.credentials.redact(text) if self.credentials else text

    def _budget(self, what: str) -> float:
        """Seconds the next request may take; RemoteError when the overall deadline passed."""
        budget = self.timeout
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise RemoteError(f"{what}: the overall deadline passed", hint="see --deadline")
            budget = min(budget, left)
        return budget

    def request(
        self,
        method: str,
        url: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        *,
        limit: int = SMALL_ANSWER,
        allow_404: bool = False,
    ) -> tuple[int, bytes]:
        """Send one request; return (status, body) of a 2xx answer, or (404, b"") when
        ``allow_404``. The body is read up to ``limit`` bytes.

        Raises:
            TooLarge: the answer is longer than ``limit``.
            RemoteError: refused credentials (401/403), any other non-2xx answer, a redirect
                kg does not follow, an untrusted TLS certificate, or a 5xx answer or failed
                connection that lasted through every try, or the deadline passed.
        """
        if self.home is None:
            self.home = origin(url)
        delay, last, status = self.backoff, "", None
        for attempt in range(1, self.tries + 1):
            self.sent.append((method, url))
            try:
                answer = self._follow(method, url, body, dict(headers or {}), limit)
            except (TooLarge, RemoteError):
                raise
            except ssl.SSLCertVerificationError as exc:  # permanent: no retry
                raise RemoteError(
                    f"{method} {url}: the server's TLS certificate is not trusted: "
                    f"{exc.verify_message}",
                    hint="HTTPS is always verified; install the CA certificate system-wide "
                    "or name it in SSL_CERT_FILE",
                ) from None
            except NoTLS as exc:  # permanent: no retry
                raise RemoteError(
                    f"{method} {url}: no TLS handshake with the server ({exc})",
                    hint="is this port plain HTTP? then give the URL with http://",
                ) from None
            except TimedOut as exc:
                last = f"no complete answer within {self._budget_text()} ({exc})"
            except _RETRIED as exc:
                last = self.redact(f"{type(exc).__name__}: {exc}")
            else:
                status = answer.status
                if 200 <= status < 300:
                    return status, answer.body
                if status == 404 and allow_404:
                    return 404, b""
                reply = self._refusal(method, url, answer)
                if reply is not None:
                    raise reply
                last = self._status_text(answer)
            if attempt < self.tries:
                pause = delay
                if self.deadline is not None:
                    pause = min(pause, max(0.0, self.deadline - time.monotonic()))
                self.sleep(pause)
                delay *= 2
                self._budget(f"{method} {url}")
        raise RemoteError(f"{method} {url} failed after {self.tries} tries: {last}", status=status)

    def _budget_text(self) -> str:
        return f"{self.timeout:g} s (--timeout)"

    def _status_text(self, answer: Answer) -> str:
        excerpt = self.redact(answer.body[:300].decode("utf-8", "replace")).strip()
        first = excerpt.splitlines()[0] if excerpt else ""
        return f"HTTP {answer.status} {answer.reason}" + (f": {first}" if first else "")

    def _refusal(self, method: str, url: str, answer: Answer) -> RemoteError | None:
        """The error for a non-2xx answer that must not be retried (None: retry a 5xx)."""
        status = answer.status
        if status in (401, 403):
            creds = self.credentials
            hint = (
                AUTH_HINT if status == 401 or creds is None else "the credentials lack write access"
            )
            if status == 403 and urlsplit(url).path.rstrip("/").endswith("/sparql-graph-crud"):
                hint = (
                    "Virtuoso's /sparql-graph-crud takes no writes: give /sparql-graph-crud-auth, "
                    "with KG_REMOTE_USER and KG_REMOTE_PASSWORD"
                )
            if status == 401 and creds is not None:
                names = "KG_REMOTE_TOKEN" if creds.token else "KG_REMOTE_USER/KG_REMOTE_PASSWORD"
                hint = f"the store refused the credentials in {names}"
            return RemoteError(
                f"{method} {url}: the store refused the request (HTTP {status} {answer.reason})",
                status=status,
                hint=hint,
            )
        if 300 <= status < 400:
            target = answer.headers.get("Location", "?")
            return RemoteError(
                f"{method} {url}: redirected to {self.redact(target)} (HTTP {status}); kg follows "
                "redirects only within the endpoint's host, so credentials never go elsewhere",
                status=status,
                hint="give the final Graph Store URL",
            )
        if status < 500:
            text = self._status_text(answer)
            where = "is this the store's Graph Store URL? (Oxigraph: http://HOST:PORT/store)"
            return RemoteError(
                f"{method} {url}: {text}", status=status, hint=where if status == 404 else None
            )
        return None

    def _follow(
        self, method: str, url: str, body: bytes | None, headers: dict[str, str], limit: int
    ) -> Answer:
        """One request, following same-origin redirects and answering auth challenges."""
        hops = 0
        challenged = False
        while True:
            answer = self._once(method, url, body, headers, limit)
            if answer.status == 401 and not challenged and self._challenge(url, answer):
                challenged = True
                continue
            if answer.status in (301, 302, 303, 307, 308) and "Location" in answer.headers:
                target = urljoin(url, answer.headers["Location"])
                same = may_follow(url, target)
                keeps_method = answer.status in (307, 308) or method in ("GET", "HEAD")
                if same and keeps_method and hops < MAX_REDIRECTS and target != url:
                    hops += 1
                    url = target
                    continue
            return answer

    def _challenge(self, url: str, answer: Answer) -> bool:
        """Take up a 401's challenge; True when the request should be sent again."""
        creds = self.credentials
        where = origin(url)
        if creds is None or creds.token or where != self.home:
            return False
        offered = parse_challenges(", ".join(answer.headers.get_all("WWW-Authenticate") or []))
        for scheme, params in offered:  # Digest first: the password never crosses the wire
            if scheme == "digest" and "nonce" in params:
                self._digest[where] = Digest(params)
                return True
        for scheme, _ in offered:
            if scheme == "basic" and where not in self._basic and not creds.basic_first:
                self._basic.add(where)
                return True
        return False

    def _authorization(self, method: str, url: str, body: bytes | None) -> str:
        creds = self.credentials
        where = origin(url)
        if creds is None or where != self.home:
            return ""
        if creds.token:
            return creds.header
        digest = self._digest.get(where)
        if digest is not None:
            parts = urlsplit(url)
            target = parts.path or "/"
            if parts.query:
                target += "?" + parts.query
            return digest.header(creds, method, target, body)
        if creds.basic_first or where in self._basic:
            return creds.basic
        return ""

    def _once(
        self, method: str, url: str, body: bytes | None, headers: dict[str, str], limit: int
    ) -> Answer:
        """Send one request and read its answer under the request's deadline."""
        budget = self._budget(f"{method} {url}")
        return exchange(
            method,
            url,
            body,
            headers,
            limit,
            budget,
            lambda: self._authorization(method, url, body),
        )


__all__ = [
    "AUTH_HINT",
    "SMALL_ANSWER",
    "Client",
    "Credentials",
    "TooLarge",
    "check_endpoint",
    "credentials_from_env",
    "may_follow",
    "origin",
]
