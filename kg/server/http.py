"""A read-only SPARQL 1.1 Protocol endpoint over the build, with an offline query page.

:func:`handle` is a pure function from a request to a :class:`Response` (tests and
``kg serve --get`` call it directly); :func:`make_server` and :func:`serve` bind it to a socket
with the standard library's ``ThreadingHTTPServer`` (HTTP/1.1, keep-alive).
"""

from __future__ import annotations

import ipaddress
import logging
import signal
import threading
from collections.abc import Callable, Mapping, Sequence
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from kg.core.errors import ConfigError
from kg.server.app import MAX_BODY, App, Response, ServerConfig, error, route
from kg.server.engine import ProcessEngine

log = logging.getLogger(__name__)


def handle(
    app: App | ox.Store,
    method: str,
    path: str,
    query_params: Mapping[str, Sequence[str]] | None = None,
    headers: Mapping[str, str] | None = None,
    body: bytes = b"",
) -> Response:
    """Answer one HTTP request (a pure function of the store and the request).

    Args:
        app: the :class:`App`, or a bare store (queries then run in-process).
        method: the HTTP method.
        path: the URL path, without the query string.
        query_params: the decoded URL query parameters (``parse_qs`` shape).
        headers: request headers (any case).
        body: the request body.
    """
    if isinstance(app, ox.Store):
        app = App(app)
    lower = {k.lower(): v for k, v in (headers or {}).items()}
    method = method.upper()
    response = route(app, method, path, query_params or {}, lower, body)
    if method == "HEAD":
        size = ("Content-Length", str(len(response.body)))
        return Response(response.status, (*response.headers, size), b"")
    return response


def handle_url(app: App | ox.Store, url: str, headers: Mapping[str, str] | None = None) -> Response:
    """Answer ``GET url`` (a path with an optional query string), as ``kg serve --get`` does."""
    split = urlsplit(url)
    params = parse_qs(split.query, keep_blank_values=True)
    return handle(app, "GET", split.path or "/", params, headers or {}, b"")


#: The largest refused body that is still read to its end before the 413 answer.
DRAIN_LIMIT = 16 * MAX_BODY


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: every response has a Content-Length
    disable_nagle_algorithm = True  # headers and body go out in two writes
    timeout = 60  # seconds a connection may sit idle or stall mid-request
    server: _Server

    def _answer(self) -> None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True
            return self._send(error(411, "send the query with a Content-Length"))
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True
            # Read (and drop) a body of reasonable size first, so that the client is not cut
            # off mid-upload and can read the answer; a larger one is simply not read.
            self._discard(min(length, DRAIN_LIMIT))
            return self._send(error(413, f"the request body must be 0 to {MAX_BODY} bytes"))
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        params = parse_qs(split.query, keep_blank_values=True)
        headers = {k: v for k, v in self.headers.items()}
        try:
            response = handle(self.server.app, self.command, split.path, params, headers, body)
        except Exception:  # a bug: keep serving, log the traceback
            log.exception("error answering %s %s", self.command, self.path)
            response = error(500, "internal server error (the traceback is in the server log)")
        self._send(response)

    def _discard(self, length: int) -> None:
        while length > 0:
            chunk = self.rfile.read(min(length, 1 << 16))
            if not chunk:
                return
            length -= len(chunk)

    def _send(self, response: Response) -> None:
        self.send_response(response.status, HTTPStatus(response.status).phrase)
        for name, value in response.headers:
            self.send_header(name, value)
        if response.header("Content-Length") is None:
            self.send_header("Content-Length", str(len(response.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if response.body:
            self.wfile.write(response.body)

    do_GET = do_POST = do_HEAD = do_OPTIONS = do_PUT = do_DELETE = do_PATCH = _answer

    def log_message(self, format: str, *args: object) -> None:
        log.info("%s %s", self.address_string(), format % args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: App) -> None:
        self.app = app
        super().__init__(address, _Handler)


def is_loopback(host: str) -> bool:
    """True when ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def make_server(app: App, host: str = "127.0.0.1", port: int = 7878) -> ThreadingHTTPServer:
    """Bind an HTTP server for ``app`` (port 0 picks a free port); call ``serve_forever``."""
    return _Server((host, port), app)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the server like Ctrl+C, so workers are stopped too


def open_app(store: ox.Store, config: ServerConfig, workers: int = 2) -> App:
    """An :class:`App` whose queries run in ``workers`` killable worker processes."""
    return App(store, config, ProcessEngine(store, workers))


def serve(
    app: App,
    host: str = "127.0.0.1",
    port: int = 7878,
    ready: Callable[[str], None] | None = None,
) -> None:
    """Serve ``app`` until interrupted, then stop its workers; ``ready`` gets the base URL.

    Raises:
        ConfigError: the address cannot be bound (port in use, unknown host).
    """
    try:
        server = make_server(app, host, port)
    except OSError as exc:
        app.close()
        reason = exc.strerror or str(exc)
        raise ConfigError(
            f"cannot listen on {host}:{port}: {reason}", hint="choose another --port"
        ) from exc
    with server:
        if ready is not None:
            bound_host, bound_port = str(server.server_address[0]), int(server.server_address[1])
            shown = f"[{bound_host}]" if ":" in bound_host else bound_host
            ready(f"http://{shown}:{bound_port}/")
        stop_on_term = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, _interrupt) if stop_on_term else None
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            app.close()
            if stop_on_term:
                signal.signal(signal.SIGTERM, previous)


__all__ = [
    "App",
    "Response",
    "ServerConfig",
    "handle",
    "handle_url",
    "is_loopback",
    "make_server",
    "open_app",
    "serve",
]
