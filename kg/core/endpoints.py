"""The form of an endpoint URL a user gives (``kg push``, ``kg query --endpoint``): checked
before anything is sent, in one line that never repeats credentials written into it."""

from __future__ import annotations

from urllib.parse import SplitResult, urlsplit

from kg.core.errors import ConfigError

#: Characters an URL cannot hold as they are.
_NOT_IN_URLS = ' \t\r\n<>"{}|\\^`'


def check_endpoint_url(url: str, *, credentials_hint: str, example: str) -> SplitResult:
    """``url`` split, once it is an http(s) URL with a host, a valid port, no credentials in
    it (``user:pass@``: refused first, without repeating the URL) and no character URLs cannot
    hold.

    Raises:
        ConfigError: the URL cannot be used; ``credentials_hint`` and ``example`` (a URL) go
            into the hints.
    """
    parts = urlsplit(url)
    if parts.netloc.rpartition("@")[1]:
        raise ConfigError("do not put credentials in the endpoint URL", hint=credentials_hint)
    shown = "".join(ch if ch.isprintable() else "?" for ch in url[:100])
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise ConfigError(f"bad port in the endpoint URL '{shown}'") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"the endpoint must be an http:// or https:// URL, not '{shown}'",
            hint=f"give its whole URL, e.g. {example}",
        )
    if any(c in url for c in _NOT_IN_URLS):
        raise ConfigError(f"the endpoint URL '{shown}' contains characters URLs cannot hold")
    return parts


__all__ = ["check_endpoint_url"]
