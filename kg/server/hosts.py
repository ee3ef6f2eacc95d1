"""Answer only requests addressed to this server (against DNS rebinding).

A web page on ``evil.example`` can make its own name resolve to 127.0.0.1 and then read the
loopback endpoint as "same origin". Its requests still say ``Host: evil.example``, so the
server answers only the names it knows it has: ``127.0.0.1``, ``localhost``, ``[::1]``, the
``--host`` it listens on, and each ``--allow-host NAME``, with its own port or none (a name
may end with the root's dot, ``localhost.``: the same name, absolute). A literal
loopback address is always accepted (it names this machine and cannot be rebound), and when the
server listens on every interface (``0.0.0.0`` or ``::``) any literal IP address is (an IP in
the Host header is what a browser sends for ``http://IP:PORT/``, never a rebound name).
Anything else is refused with 403 and one line saying how to allow the name.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

from kg.server.wire import shown

_HOST = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[^:\[\]@/\\\s]+)(?::([0-9]{1,5}))?")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_NAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def _ip(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name[1:-1] if name.startswith("[") else name)
    except ValueError:
        return None


def _bracketed(host: str) -> str:
    """``::1`` → ``[::1]`` (how an IPv6 address appears in a Host header)."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


@dataclass(frozen=True)
class HostPolicy:
    """The Host header values a server answers."""

    names: tuple[str, ...]  # lower-case, IPv6 in brackets
    port: int
    any_ip: bool = False

    @classmethod
    def for_server(cls, bind_host: str, port: int, allow: Iterable[str] = ()) -> HostPolicy:
        """The policy of a server listening on ``bind_host``:``port``."""
        names = [*LOOPBACK_NAMES, _bracketed(bind_host).lower()]
        names += [_bracketed(a.strip().rstrip(".")).lower() for a in allow if a.strip()]
        wildcard = bind_host in ("0.0.0.0", "::", "[::]", "")
        return cls(tuple(dict.fromkeys(names)), port, wildcard)

    def refusal(self, host: str | None) -> str | None:
        """None when ``host`` (the Host header, None if absent) names this server, else the
        one-line reason to answer 403."""
        if host is None:
            return None  # HTTP/1.0 without Host: not a browser (the parser requires it in 1.1)
        match = _HOST.fullmatch(host)
        if match is None:
            return f"the Host header {shown(host, 80)!r} is not a host name"
        name, port = match.group(1).lower(), match.group(2)
        if name.endswith(".") and not name.endswith("..") and len(name) > 1:
            name = name[:-1]  # the absolute form of the same name (``localhost.``)
        if port is not None and int(port) != self.port:
            return f"this server listens on port {self.port}, not {port} (Host: {shown(host, 80)})"
        address = _ip(name)
        if name in self.names or (address is not None and (address.is_loopback or self.any_ip)):
            return None
        allowed = ", ".join(self.names)
        hint = (
            f"to allow it, restart kg serve with --allow-host {name}"
            if _NAME.fullmatch(name) or address is not None
            else "it is not a valid host name"
        )
        return f"this server answers requests for {allowed} only, not {shown(name, 80)}: {hint}"


__all__ = ["LOOPBACK_NAMES", "HostPolicy"]
