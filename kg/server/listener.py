"""The HTTP/1.1 server that puts :func:`kg.server.app.handle` on a socket: a threading TCP
server that reads requests strictly (:mod:`kg.server.wire`), answers only its own host names
(:mod:`kg.server.hosts`), bounds connections (``MAX_CONNECTIONS`` in all,
``MAX_CONNECTIONS_PER_CLIENT`` from one address; when they are reached, the connection that has
waited longest for a request, or else the slowest reading a body or taking an answer, makes
way: :mod:`kg.server.connections`) and time (:class:`kg.server.pace.ClientTimes`, from the
app's config), and sends the same protective headers with every answer.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import socketserver
import time
from collections.abc import Sequence
from http import HTTPStatus
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from kg.server import wire
from kg.server.app import MAX_BODY, App, Response, error, handle
from kg.server.connections import ConnectionTable
from kg.server.hosts import HostPolicy
from kg.server.pace import Transfer, send_all

log = logging.getLogger("kg.server.http")  # the name the server's access log always had

#: Open connections in all, and from one client address. Beyond, the one that has waited
#: longest for a request, or else the slowest transfer, is closed for the newcomer; when the
#: server works for all of them, 503.
MAX_CONNECTIONS = 256
MAX_CONNECTIONS_PER_CLIENT = 64
#: The largest refused body that is still read to its end before the 413 answer.
DRAIN_LIMIT = 16 * MAX_BODY
#: Sent with every answer: no MIME sniffing, no framing, no referrer, no cross-origin embedding.
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)
_BUSY_TEXT = b"too many open connections; try again\n"
_BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(_BUSY_TEXT), _BUSY_TEXT)
)
_NO_CONTENT_CSP = ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")


class _Handler(socketserver.BaseRequestHandler):
    """One connection: requests in turn (keep-alive) until the client or an error closes it."""

    server: _Server

    def handle(self) -> None:
        reader = wire.Reader(self.request)
        with contextlib.suppress(OSError):
            while self._one(reader):
                pass

    def _one(self, reader: wire.Reader) -> bool:
        """Answer one request; False when the connection must close."""
        table, times = self.server.connections, self.server.times
        if not reader.buffer:  # a pipelined request is here already: not waiting
            table.mark_waiting(self.request)
        try:
            head = wire.read_head(reader, time.monotonic() + times.idle, times.head)
        except wire.BadRequest as exc:
            self._send(error(exc.status, str(exc)), "?", "?", keep_alive=False)
            return False
        except TimeoutError:
            return False  # idle or too slow: close without a word (slowloris)
        if head is None or not table.mark_busy(self.request):
            return False  # closed by the client, or for a newcomer while the head arrived
        refusal = self.server.hosts.refusal(head.get("Host"))
        if refusal is not None:
            self._send(error(403, refusal), head.method, head.target, keep_alive=False)
            return False
        if head.chunked:
            answer = error(411, "send the query with a Content-Length (chunked is not read)")
            self._send(answer, head.method, head.target, keep_alive=False)
            return False
        length = head.content_length
        expect = (head.get("Expect") or "").lower()
        if expect and expect != "100-continue":
            self._send(
                error(417, "only Expect: 100-continue is understood"),
                head.method,
                head.target,
                keep_alive=False,
            )
            return False
        waits = bool(expect) and head.version >= (1, 1)  # for 100 Continue before its body
        if length > MAX_BODY:
            # a client that waits is told at once not to send (RFC 9110 §10.1.1); one that
            # sends anyway finishes sending, then it reads the answer
            if not waits and length <= DRAIN_LIMIT:
                with contextlib.suppress(TimeoutError):
                    reader.discard(length, self._moving(times.body))
            answer = error(413, f"the request body must be 0 to {MAX_BODY} bytes")
            self._send(answer, head.method, head.target, keep_alive=False)
            return False
        if waits and length:
            send_all(self.request, b"HTTP/1.1 100 Continue\r\n\r\n", self._moving(times.send))
        try:
            body = reader.read(length, self._moving(times.body)) if length else b""
        except TimeoutError:
            self._send(
                error(408, "the request body took too long"),
                head.method,
                head.target,
                keep_alive=False,
            )
            return False
        if len(body) < length or not table.mark_busy(self.request):
            return False  # the client closed mid-body, or it was closed for a newcomer
        return self._dispatch(head, body)

    def _moving(self, seconds: float) -> Transfer:
        """A transfer of at most ``seconds`` starting now, in the connection table."""
        transfer = Transfer(seconds, self.server.times)
        self.server.connections.mark_moving(self.request, transfer)
        return transfer

    def _dispatch(self, head: wire.RequestHead, body: bytes) -> bool:
        path, query = wire.split_target(head.target)
        params = parse_qs(query, keep_blank_values=True)
        headers = dict(head.headers)
        client = str(self.client_address[0])
        try:
            response = handle(self.server.app, head.method, path, params, headers, body, client)
        except Exception:  # a bug: keep serving, log the traceback
            log.exception("error answering %s %s", head.method, wire.shown(head.target))
            response = error(500, "internal server error (the traceback is in the server log)")
        return self._send(response, head.method, head.target, head.keep_alive)

    def _send(self, response: Response, method: str, target: str, keep_alive: bool) -> bool:
        status = response.status
        lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}"]
        lines += [f"{name}: {value}" for name, value in response.headers]
        if response.header("Content-Length") is None:
            lines.append(f"Content-Length: {len(response.body)}")
        lines += [f"{name}: {value}" for name, value in SECURITY_HEADERS]
        if response.header("Content-Security-Policy") is None:
            lines.append(": ".join(_NO_CONTENT_CSP))
        if not keep_alive:
            lines.append("Connection: close")
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        transfer = self._moving(self.server.times.send)
        send_all(self.request, data + response.body if method != "HEAD" else data, transfer)
        log.info(
            "%s %s %s %d",
            self.client_address[0],
            wire.shown(method, 20),
            wire.shown(target),
            status,
        )
        return keep_alive


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: App, allow_hosts: Sequence[str]) -> None:
        self.app = app
        self.times = app.config.client_times
        self.connections = ConnectionTable()
        super().__init__(address, _Handler)
        bound_port = int(self.server_address[1])
        self.hosts = HostPolicy.for_server(address[0], bound_port, allow_hosts)

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)  # no reverse DNS lookup of the host name

    def process_request(self, request: socket.socket, client_address: Any) -> None:  # type: ignore[override]
        client = str(client_address[0])
        if not self.connections.admit(request, client, MAX_CONNECTIONS, MAX_CONNECTIONS_PER_CLIENT):
            with contextlib.suppress(OSError):
                request.settimeout(1.0)
                request.sendall(_BUSY)
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def shutdown_request(self, request: socket.socket) -> None:  # type: ignore[override]
        self.connections.release(request)  # before the close: the table never shuts a closed fd
        super().shutdown_request(request)


class _Server6(_Server):
    address_family = socket.AF_INET6


def make_server(
    app: App, host: str = "127.0.0.1", port: int = 7878, allow_hosts: Sequence[str] = ()
) -> ThreadingHTTPServer:
    """Bind an HTTP server for ``app`` (port 0 picks a free port); call ``serve_forever``.

    It answers Host names 127.0.0.1, localhost, [::1], ``host``, ``allow_hosts`` and
    ``app.config.allow_hosts``.
    """
    cls = _Server6 if ":" in host else _Server
    return cls((host, port), app, (*app.config.allow_hosts, *allow_hosts))


__all__ = [
    "DRAIN_LIMIT",
    "MAX_CONNECTIONS",
    "MAX_CONNECTIONS_PER_CLIENT",
    "SECURITY_HEADERS",
    "make_server",
]
