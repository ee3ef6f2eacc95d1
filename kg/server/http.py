"""A read-only SPARQL 1.1 Protocol endpoint over the build, with an offline query page: an app
whose queries run in confined, killable worker processes, served until interrupted.

:func:`handle` (from :mod:`kg.server.app`) is a pure function from a request to a
:class:`Response` (tests and ``kg serve --get`` call it directly); :func:`make_server` (from
:mod:`kg.server.listener`) and :func:`serve` put it on a socket.
"""

from __future__ import annotations

import ipaddress
import signal
import threading
from collections.abc import Callable

import pyoxigraph as ox

from kg.core.errors import ConfigError
from kg.server.app import App, Response, ServerConfig, handle, handle_url
from kg.server.listener import make_server
from kg.server.sandbox import Confinement
from kg.server.scheduler import ProcessEngine
from kg.server.workers import WorkerSettings


def is_loopback(host: str) -> bool:
    """True when ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the server like Ctrl+C, so workers are stopped too


def open_app(
    store: ox.Store,
    config: ServerConfig,
    workers: int = 2,
    *,
    long_queries: int = 2,
    fast_lane: float = 0.5,
) -> App:
    """An :class:`App` whose queries run in confined, killable worker processes.

    The explorer's pages read ``store`` in the server process: give an in-memory store (``kg
    serve`` loads a build's graph.nq), since the on-disk store decodes every term with a
    look-up of its own. The workers load a copy of their own in any case."""
    settings = WorkerSettings(max_memory=config.max_memory)
    engine = ProcessEngine(
        store, workers, long_queries=long_queries, fast_limit=fast_lane, settings=settings
    )
    return App(store, config, engine)


def confinement(app: App) -> Confinement:
    """How the app's query workers are cut off the network (nothing for in-process queries)."""
    found = getattr(app.engine, "confinement", None)
    if isinstance(found, Confinement):
        return found
    return Confinement(False, False, ("queries run in the server process",))


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
    "Confinement",
    "Response",
    "ServerConfig",
    "confinement",
    "handle",
    "handle_url",
    "is_loopback",
    "make_server",
    "open_app",
    "serve",
]
