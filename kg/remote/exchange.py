"""One HTTP exchange for ``kg.remote.http``: send a request and read its answer under a
deadline (a watchdog closes the socket when it passes, however slowly the answer trickles in),
through a proxy when one applies, TLS always verified, the answer read up to a cap and refused
beyond it (``TooLarge``). Redirects, credentials and retries are the client's (``http``)."""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from kg.core.errors import RemoteError
from kg.remote.auth import origin
from kg.remote.net import TimedOut, connector, proxy_for

_CHUNK = 1 << 16
#: Seconds a TLS handshake may take (at most the request's budget): a plain-HTTP port given as
#: https:// never answers the ClientHello (Oxigraph and Virtuoso wait for more of the request).
HANDSHAKE = 10.0


class NoTLS(Exception):
    """The server did not complete a TLS handshake (a timeout, or an answer that is not TLS)."""


class _HTTPSConnection(http.client.HTTPSConnection):
    """``HTTPSConnection`` whose handshake has ``HANDSHAKE`` seconds and fails as ``NoTLS``."""

    def connect(self) -> None:
        http.client.HTTPConnection.connect(self)
        sock = self.sock
        limit = min(HANDSHAKE, self.timeout or HANDSHAKE)
        sock.settimeout(limit)
        try:
            self.sock = self._context.wrap_socket(  # type: ignore[attr-defined]
                sock, server_hostname=getattr(self, "_tunnel_host", None) or self.host
            )
        except ssl.SSLCertVerificationError:
            raise
        except TimeoutError:
            raise NoTLS(f"none within {limit:g} s") from None
        except ssl.SSLError as exc:
            raise NoTLS(str(exc)) from None
        self.sock.settimeout(self.timeout)


@dataclass
class Answer:
    """One HTTP answer."""

    status: int
    reason: str
    headers: http.client.HTTPMessage
    body: bytes


class TooLarge(RemoteError):
    """An answer was larger than the caller's cap."""


def exchange(
    method: str,
    url: str,
    body: bytes | None,
    headers: dict[str, str],
    limit: int,
    budget: float,
    authorization: Callable[[], str],
) -> Answer:
    """Send one request and read its answer within ``budget`` seconds; ``authorization()``
    gives the ``Authorization`` header's value ("" for none).

    Raises:
        TimedOut: the budget ran out (the watchdog closed the connection).
        TooLarge: the answer is longer than ``limit``.
        NoTLS: an https:// server did not complete a TLS handshake.
        OSError, http.client.HTTPException: the connection failed.
    """
    ends = time.monotonic() + budget
    scheme, host, port = origin(url)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    proxy = proxy_for(scheme, host)
    conn_host, conn_port = host, port
    if proxy is not None:
        p = urlsplit(proxy)
        conn_host, conn_port = p.hostname or "", p.port or 80
        if scheme == "http":
            target = url
    conn: http.client.HTTPConnection
    if scheme == "https":
        context = ssl.create_default_context()
        conn = _HTTPSConnection(conn_host, conn_port, timeout=budget, context=context)
        if proxy is not None:
            conn.set_tunnel(host, port)
    else:
        conn = http.client.HTTPConnection(conn_host, conn_port, timeout=budget)
    conn._create_connection = connector(lambda: max(0.01, ends - time.monotonic()))  # type: ignore[attr-defined]
    timed_out = threading.Event()

    def watchdog() -> None:
        timed_out.set()
        sock = conn.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(budget, watchdog)
    timer.daemon = True
    timer.start()
    all_headers = {"User-Agent": "kg", **headers}
    auth = authorization()
    if auth:
        all_headers["Authorization"] = auth
    try:
        conn.request(method, target, body=body, headers=all_headers)
        response = conn.getresponse()
        data = read_capped(response, limit, method, url, ends)
        if timed_out.is_set():  # the watchdog's shutdown looks like the end of the answer
            raise TimedOut("reading the answer")
        return Answer(response.status, response.reason, response.headers, data)
    except NoTLS:
        if timed_out.is_set():  # the watchdog cut the handshake: that ended it, not the server
            raise NoTLS(f"none within {budget:g} s") from None
        raise
    except (OSError, http.client.HTTPException) as exc:
        if timed_out.is_set():
            raise TimedOut(type(exc).__name__) from None
        raise
    finally:
        timer.cancel()
        conn.close()


def read_capped(
    response: http.client.HTTPResponse, limit: int, method: str, url: str, ends: float
) -> bytes:
    """The answer's body, read until ``ends`` (``time.monotonic()``) and up to ``limit`` bytes.

    Raises:
        TooLarge: the answer (or its Content-Length) is longer than ``limit``.
        TimedOut: ``ends`` passed.
        http.client.IncompleteRead: the connection ended before Content-Length did.
    """
    length = response.getheader("Content-Length")
    if length and length.strip().isdigit() and int(length) > limit:
        response.close()
        raise TooLarge(
            f"{method} {url}: the answer is {int(length):,} bytes, more than the "
            f"{limit:,} kg reads",
            status=response.status,
        )
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > ends:
            raise TimedOut("reading the answer")
        chunk = response.read1(_CHUNK)
        if not chunk:
            if response.length:  # the connection ended before Content-Length did
                raise http.client.IncompleteRead(b"".join(chunks), response.length)
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            response.close()
            raise TooLarge(
                f"{method} {url}: the answer is more than the {limit:,} bytes kg reads",
                status=response.status,
            )
        chunks.append(chunk)
