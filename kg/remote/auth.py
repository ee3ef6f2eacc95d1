"""Credentials for ``kg push`` and where they may go: read only from the environment, sent only
to the endpoint's own origin, never in a message (``Credentials.redact``); answered to a store's
challenge with HTTP Digest (RFC 7616: MD5, SHA-256, SHA-512-256, their ``-sess`` forms,
``qop=auth``/``auth-int``) or Basic, whichever it asks for (``KG_REMOTE_AUTH=basic`` sends Basic
without waiting to be asked)."""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import re
import secrets as tokens
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from kg.core.endpoints import check_endpoint_url
from kg.core.errors import ConfigError, RemoteError

AUTH_HINT = (
    "set KG_REMOTE_TOKEN (Bearer), or KG_REMOTE_USER and KG_REMOTE_PASSWORD (Digest or Basic, "
    "as the store asks)"
)


@dataclass(frozen=True)
class Credentials:
    """A Bearer token, or a user and password (Digest or Basic, as the store asks)."""

    token: str = field(default="", repr=False)
    user: str = ""
    password: str = field(default="", repr=False)
    #: Send Basic with every request without waiting for a challenge (KG_REMOTE_AUTH=basic).
    basic_first: bool = False

    @property
    def scheme(self) -> str:
        """How the credentials are sent, for messages."""
        if self.token:
            return "Bearer"
        return "Basic" if self.basic_first else "Digest or Basic"

    @property
    def basic(self) -> str:
        """The Basic ``Authorization`` value of the user and password."""
        return "Basic " + base64.b64encode(f"{self.user}:{self.password}".encode()).decode()

    @property
    def header(self) -> str:
        """The ``Authorization`` value sent before any challenge ('' when none is)."""
        if self.token:
            return f"Bearer {self.token}"
        return self.basic if self.basic_first else ""

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every string that must never appear in a message."""
        if self.token:
            return (self.token, f"Bearer {self.token}")
        encoded = self.basic.removeprefix("Basic ")
        return (self.password, encoded) if self.password else ()

    def redact(self, text: str) -> str:
        """``text`` with every secret replaced by ``***``."""
        for secret in sorted(set(self.secrets), key=len, reverse=True):
            if secret:
                text = text.replace(secret, "***")
        return text


def credentials_from_env(environ: Mapping[str, str]) -> Credentials | None:
    """Read KG_REMOTE_TOKEN, or KG_REMOTE_USER and KG_REMOTE_PASSWORD (and KG_REMOTE_AUTH:
    ``basic`` to send Basic before being asked); None when unset.

    Raises:
        ConfigError: both kinds are set, only one of user and password, or a bad KG_REMOTE_AUTH.
    """
    token = environ.get("KG_REMOTE_TOKEN", "")
    user = environ.get("KG_REMOTE_USER", "")
    password = environ.get("KG_REMOTE_PASSWORD", "")
    auth = environ.get("KG_REMOTE_AUTH", "").strip().lower()
    if auth not in ("", "basic", "digest"):
        raise ConfigError(
            f"KG_REMOTE_AUTH must be basic or digest, not {auth!r}",
            hint="unset it to answer whatever the store asks for",
        )
    if token and (user or password):
        raise ConfigError(
            "both KG_REMOTE_TOKEN and KG_REMOTE_USER/PASSWORD are set", hint=AUTH_HINT
        )
    if token:
        return Credentials(token=token)
    if user or password:
        if not (user and password):
            raise ConfigError("KG_REMOTE_USER and KG_REMOTE_PASSWORD must be set together")
        if ":" in user:
            raise ConfigError("KG_REMOTE_USER cannot contain ':'")
        return Credentials(user=user, password=password, basic_first=auth == "basic")
    return None


def origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a URL."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme, (parts.hostname or "").lower(), port


def check_endpoint(url: str, credentials: Credentials | None) -> list[str]:
    """Refuse URLs that are not http(s) or carry credentials; return warnings (plain HTTP).

    Raises:
        ConfigError: the URL cannot be used.
    """
    parts = check_endpoint_url(
        url, credentials_hint=AUTH_HINT, example="http://localhost:7878/store for Oxigraph"
    )
    warnings = []
    if credentials and parts.scheme == "http" and not is_loopback(parts.hostname or ""):
        warnings.append(
            f"sending {credentials.scheme} credentials over plain HTTP to {parts.hostname}; "
            "use https://"
        )
    return warnings


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses."""
    try:
        return host == "localhost" or ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_PARAM = re.compile(rf'\s*({_TOKEN})\s*=\s*("(?:[^"\\]|\\.)*"|{_TOKEN}=*)\s*,?')
_SCHEME = re.compile(rf"\s*,?\s*({_TOKEN})(?:\s+|$)")
_HASHES: dict[str, Callable[[bytes], Any]] = {
    "MD5": hashlib.md5,
    "SHA-256": hashlib.sha256,
    "SHA-512-256": lambda data: hashlib.new("sha512_256", data),
}


def parse_challenges(value: str) -> list[tuple[str, dict[str, str]]]:
    """The challenges of a ``WWW-Authenticate`` value: (scheme in lower case, parameters)."""
    out: list[tuple[str, dict[str, str]]] = []
    pos = 0
    while pos < len(value):
        scheme = _SCHEME.match(value, pos)
        if scheme is None:
            break
        pos = scheme.end()
        params: dict[str, str] = {}
        while pos < len(value):
            param = _PARAM.match(value, pos)
            if param is None:
                break
            raw = param.group(2)
            text = re.sub(r"\\(.)", r"\1", raw[1:-1]) if raw.startswith('"') else raw
            params[param.group(1).lower()] = text
            pos = param.end()
        out.append((scheme.group(1).lower(), params))
        if pos < len(value) and not _SCHEME.match(value, pos):
            break
    return out


@dataclass
class Digest:
    """The state of Digest authentication with one origin: its last challenge and count."""

    challenge: dict[str, str]
    count: int = 0

    def header(self, creds: Credentials, method: str, target: str, body: bytes | None) -> str:
        """The ``Authorization`` value for one request (``target``: path and query).

        Raises:
            RemoteError: the store asks for an algorithm or quality of protection kg lacks.
        """
        ch = self.challenge
        algorithm = ch.get("algorithm", "MD5")
        base = algorithm.upper().removesuffix("-SESS")
        if base not in _HASHES:
            raise RemoteError(
                f"the store asks for Digest algorithm {_shown(algorithm)}, which kg lacks"
            )

        def h(text: str | bytes) -> str:
            data = text.encode() if isinstance(text, str) else text
            return str(_HASHES[base](data).hexdigest())

        realm, nonce = ch.get("realm", ""), ch.get("nonce", "")
        offered = [q.strip() for q in ch.get("qop", "").split(",") if q.strip()]
        qop = "auth" if "auth" in offered or not offered else "auth-int"
        if offered and qop not in offered:
            raise RemoteError(f"the store asks for Digest qop {_shown(ch['qop'])}, which kg lacks")
        self.count += 1
        nc, cnonce = f"{self.count:08x}", tokens.token_hex(16)
        ha1 = h(f"{creds.user}:{realm}:{creds.password}")
        if algorithm.upper().endswith("-SESS"):
            ha1 = h(f"{ha1}:{nonce}:{cnonce}")
        ha2 = h(f"{method}:{target}")
        if qop == "auth-int":
            ha2 = h(f"{method}:{target}:{h(body or b'')}")
        if offered:
            response = h(f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")
        else:
            response = h(f"{ha1}:{nonce}:{ha2}")
        fields = [
            f'username="{_quote(creds.user)}"',
            f'realm="{_quote(realm)}"',
            f'nonce="{_quote(nonce)}"',
            f'uri="{_quote(target)}"',
            f"algorithm={algorithm}",
            f'response="{response}"',
        ]
        if offered:
            fields += [f"qop={qop}", f"nc={nc}", f'cnonce="{cnonce}"']
        elif algorithm.upper().endswith("-SESS"):  # its HA1 holds cnonce: the store needs it
            fields.append(f'cnonce="{cnonce}"')
        if "opaque" in ch:
            fields.append(f'opaque="{_quote(ch["opaque"])}"')
        return "Digest " + ", ".join(fields)


def _shown(text: str) -> str:
    """A value from the store's challenge as a message may show it: one line, at most 60
    characters, control characters escaped."""
    shown = text if text.isprintable() else repr(text)[1:-1]
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


__all__ = [
    "AUTH_HINT",
    "Credentials",
    "Digest",
    "check_endpoint",
    "credentials_from_env",
    "is_loopback",
    "origin",
    "parse_challenges",
]
