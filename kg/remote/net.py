"""Connections with a deadline from the first step: name resolution (``getaddrinfo`` has no
timeout of its own, so a slow DNS server would hang a push) runs in a thread that is waited for
only so long; proxies from ``HTTPS_PROXY``/``HTTP_PROXY`` except for loopback hosts and
``NO_PROXY``."""

from __future__ import annotations

import socket
import threading
import urllib.request
from collections.abc import Callable
from typing import Any

from kg.remote.auth import is_loopback


class TimedOut(Exception):
    """The watchdog closed the connection: the request ran past its deadline."""


def _resolve(host: str, port: int, timeout: float) -> list[Any]:
    """``getaddrinfo`` with a deadline (it has none of its own: a slow DNS server would hang)."""
    box: list[Any] = []

    def work() -> None:
        try:
            box.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except OSError as exc:
            box.append(exc)

    worker = threading.Thread(target=work, daemon=True, name=f"resolve {host}")
    worker.start()
    worker.join(timeout)
    if not box:
        raise TimedOut(f"resolving {host}")
    if isinstance(box[0], OSError):
        raise box[0]
    return list(box[0])


def connector(resolve_timeout: Callable[[], float]) -> Callable[..., socket.socket]:
    """``socket.create_connection`` with name resolution under a deadline."""

    def create(
        address: tuple[str, int], timeout: Any = None, source_address: Any = None
    ) -> socket.socket:
        host, port = address
        error: OSError | None = None
        for family, kind, proto, _, sockaddr in _resolve(host, port, resolve_timeout()):
            sock = socket.socket(family, kind, proto)
            try:
                if timeout is not None:
                    sock.settimeout(timeout)
                sock.connect(sockaddr)
                return sock
            except OSError as exc:
                error = exc
                sock.close()
        raise error or OSError(f"cannot connect to {host}")

    return create


def proxy_for(scheme: str, host: str) -> str | None:
    if is_loopback(host):
        return None
    proxies = urllib.request.getproxies()
    if not proxies.get(scheme) or urllib.request.proxy_bypass(host):
        return None
    return proxies[scheme]


__all__ = ["TimedOut", "connector", "proxy_for"]
