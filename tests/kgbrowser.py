"""Open a local HTML file in real headless Chromium (Debian ``chromium``) through Playwright's
Chrome DevTools Protocol driver, recording every request and console message."""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

needs_browser = pytest.mark.skipif(
    CHROMIUM is None or importlib.util.find_spec("playwright") is None,
    reason="needs Debian chromium and the playwright package",
)


@dataclass
class Visit:
    """A page opened in Chromium and what it did."""

    page: Any
    url: str
    requests: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        """Console errors and uncaught exceptions."""
        return [text for kind, text in self.console if kind in ("error", "pageerror")]

    @property
    def foreign_requests(self) -> list[str]:
        """Requests for anything but the page itself."""
        return [r for r in self.requests if r != self.url]


@contextmanager
def visit(path: Path, width: int = 1280, height: int = 900) -> Iterator[Visit]:
    """Open ``path`` and yield the live page with its request and console logs."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            seen = Visit(page, path.resolve().as_uri())
            page.on("request", lambda r: seen.requests.append(r.url))
            page.on("console", lambda m: seen.console.append((m.type, m.text)))
            page.on("pageerror", lambda exc: seen.console.append(("pageerror", str(exc))))
            page.goto(seen.url, wait_until="load")
            yield seen
        finally:
            browser.close()


@contextmanager
def browse(base: str, width: int = 1400, height: int = 900) -> Iterator[Visit]:
    """A page for browsing a served site at ``base``; ``foreign_requests`` are requests for
    anything not on that site."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            seen = Site(page, base)
            page.on("request", lambda r: seen.requests.append(r.url))
            page.on("console", lambda m: seen.console.append((m.type, m.text)))
            page.on("pageerror", lambda exc: seen.console.append(("pageerror", str(exc))))
            yield seen
        finally:
            browser.close()


@dataclass
class Site(Visit):
    """A browsing session on a served site."""

    @property
    def foreign_requests(self) -> list[str]:
        """Requests for anything not on the site."""
        return [r for r in self.requests if not r.startswith(self.url)]

    def go(self, path: str) -> None:
        """Open ``path`` (relative to the site) and wait for it to load."""
        self.page.goto(self.url + path.lstrip("/"), wait_until="load")


def not_blank(png: bytes) -> tuple[int, float]:
    """(number of distinct colours, share of non-white pixels) of a PNG."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    small = image.resize((image.width // 4 or 1, image.height // 4 or 1))
    found = small.getcolors(maxcolors=small.width * small.height) or []
    total = sum(n for n, _ in found)
    inked = sum(n for n, px in found if min(px) < 235) / total
    return len(found), inked
