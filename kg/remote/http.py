"""The HTTP side of ``kg push``: credentials from the environment, verified HTTPS, no
redirects, bounded retries with exponential backoff, and error messages that never contain a
secret. Standard library only (urllib)."""

from __future__ import annotations

import base64
import http.client
import ipaddress
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from kg.core.errors import ConfigError, RemoteError

AUTH_HINT = "set KG_REMOTE_TOKEN (Bearer) or KG_REMOTE_USER and KG_REMOTE_PASSWORD (Basic)"


@dataclass(frozen=True)
class Credentials:
    """An Authorization header value and the secrets to keep out of every message."""

    header: str = field(repr=False)
    secrets: tuple[str, ...] = field(repr=False)
    scheme: str = "Bearer"

    def redact(self, text: str) -> str:
        """``text`` with every secret (and the header value) replaced by ``***``."""
        for secret in sorted({self.header, *self.secrets}, key=len, reverse=True):
            if secret:
                text = text.replace(secret, "***")
        return text


def credentials_from_env(environ: Mapping[str, str]) -> Credentials | None:
    """Read KG_REMOTE_TOKEN, or KG_REMOTE_USER and KG_REMOTE_PASSWORD; None when unset.

    Raises:
        ConfigError: both kinds are set, or only one of user and password.
    """
    token = environ.get("KG_REMOTE_TOKEN", "")
    user = environ.get("KG_REMOTE_USER", "")
    password = environ.get("KG_REMOTE_PASSWORD", "")
    if token and (user or password):
        raise ConfigError(
            "both KG_REMOTE_TOKEN and KG_REMOTE_USER/PASSWORD are set", hint=AUTH_HINT
        )
    if token:
        return Credentials(f"Bearer {token}", (token,))
    if user or password:
        if not (user and password):
            raise ConfigError("KG_REMOTE_USER and KG_REMOTE_PASSWORD must be set together")
        encoded = base64.b64encode(f"{user}:{password}".encode()).decode()
        return Credentials(f"Basic {encoded}", (password, encoded), "Basic")
    return None


def check_endpoint(url: str, credentials: Credentials | None) -> list[str]:
    """Refuse URLs that are not http(s) or carry credentials; return warnings (plain HTTP).

    Raises:
        ConfigError: the URL cannot be used.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"the endpoint must be an http:// or https:// URL, not {url!r}",
            hint="e.g. http://localhost:7878/store for Oxigraph",
        )
    if parts.username or parts.password:
        raise ConfigError("do not put credentials in the endpoint URL", hint=AUTH_HINT)
    warnings = []
    if credentials and parts.scheme == "http" and not _is_loopback(parts.hostname):
        warnings.append(
            f"sending {credentials.scheme} credentials over plain HTTP to {parts.hostname}; "
            "use https://"
        )
    return warnings


def _is_loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Never follow redirects: urllib would resend the Authorization header to any host."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_RETRIED = (http.client.HTTPException, ConnectionError, TimeoutError)


@dataclass
class Client:
    """Sends Graph Store Protocol requests; retries 5xx and connection errors with backoff."""

    credentials: Credentials | None = None
    timeout: float = 60.0
    tries: int = 4
    backoff: float = 0.5
    sleep: Callable[[float], None] = time.sleep
    sent: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        """Build an opener with the default (verifying) TLS context and no redirects."""
        https = urllib.request.HTTPSHandler(context=ssl.create_default_context())
        self._opener = urllib.request.build_opener(_NoRedirect(), https)

    def _redact(self, text: str) -> str:
        return self.credentials.redact(text) if self.credentials else text

    def request(
        self,
        method: str,
        url: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, bytes]:
        """Send one request; return (status, body) for 2xx and 404.

        Raises:
            RemoteError: refused credentials (401/403, no retry), another 4xx or 3xx, or a 5xx
                or connection failure that lasted through every try.
        """
        all_headers = dict(headers or {})
        if self.credentials:
            all_headers["Authorization"] = self.credentials.header
        delay, last, status = self.backoff, "", None
        for attempt in range(1, self.tries + 1):
            self.sent.append((method, url))
            request = urllib.request.Request(url, data=body, headers=all_headers, method=method)
            try:
                with self._opener.open(request, timeout=self.timeout) as response:
                    return response.status, response.read()
            except urllib.error.HTTPError as exc:
                excerpt = self._redact(exc.read(300).decode("utf-8", "replace")).strip()
                first = excerpt.splitlines()[0] if excerpt else ""
                if exc.code == 404:
                    return 404, b""
                if exc.code in (401, 403):
                    raise RemoteError(
                        f"{method} {url}: the store refused the request (HTTP {exc.code} "
                        f"{exc.reason})",
                        status=exc.code,
                        hint=AUTH_HINT if exc.code == 401 else "the credentials lack write access",
                    ) from None
                status = exc.code
                last = f"HTTP {exc.code} {exc.reason}" + (f": {first}" if first else "")
                if 300 <= exc.code < 400:
                    target = exc.headers.get("Location", "?")
                    raise RemoteError(
                        f"{method} {url}: redirected to {target} (HTTP {exc.code}); redirects "
                        "are not followed",
                        status=exc.code,
                        hint="give the final Graph Store URL",
                    ) from None
                if exc.code < 500:
                    raise RemoteError(f"{method} {url}: {last}", status=exc.code) from None
            except urllib.error.URLError as exc:
                if isinstance(exc.reason, ssl.SSLCertVerificationError):  # no retry: permanent
                    raise RemoteError(
                        f"{method} {url}: the server's TLS certificate is not trusted: "
                        f"{exc.reason.verify_message}",
                        hint="HTTPS is always verified; install the CA certificate system-wide",
                    ) from None
                last = self._redact(str(exc.reason))
            except _RETRIED as exc:
                last = self._redact(f"{type(exc).__name__}: {exc}")
            if attempt < self.tries:
                self.sleep(delay)
                delay *= 2
        raise RemoteError(f"{method} {url} failed after {self.tries} tries: {last}", status=status)


__all__ = ["Client", "Credentials", "check_endpoint", "credentials_from_env"]
