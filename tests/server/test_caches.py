"""The server's caches are bounded in bytes, not only in entries: answers of named queries with
large cells, and the flow map and dossiers (one page per ISO code a client names)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.server import site
from kg.server.app import handle
from kg.server.engine import Outcome
from kg.server.http import App
from kg.server.state import PAGE_BYTES, RESULT_BYTES, Explorer, Result


def test_answers_with_large_cells_are_kept_within_the_byte_budget() -> None:
    """The named queries' answers were bounded by cells (2,000,000): answers of ten rows whose
    cells hold a 1 MB literal took 10 MB each for ten cells, and a thousand of them fit."""
    state = Explorer(ox.Store(), ())
    big = ox.Literal("x" * (1 << 20))  # one object: the test holds 1 MB, the cache counts 10
    answers = [Result(["v"], [(big,)] * 10) for _ in range(40)]
    for n, answer in enumerate(answers):
        state.results.put(("q", (("n", str(n)),)), answer)
    kept = [state.results.get(("q", (("n", str(n)),))) for n in range(len(answers))]
    text = sum(len(term.value) for r in kept if r is not None for row in r.rows for term in row)
    assert text <= RESULT_BYTES
    assert kept[-1] is answers[-1]  # the newest is kept


def test_dossiers_are_kept_within_the_byte_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """The flow map and the dossiers were kept in a dict for the server's life, one per ISO
    code asked for (17,576 of them, misses included): 2 MB pages for 40 codes kept 80 MB."""
    body = b"x" * (2 << 20)
    rendered: list[str] = []

    def report_page(store: ox.Store, iso: str) -> Outcome:
        rendered.append(iso)
        if iso.startswith("Z"):
            return Outcome(404, "text/plain; charset=utf-8", b"no such country\n")
        return Outcome(200, "text/html; charset=utf-8", body)

    monkeypatch.setattr(site, "report_page", report_page)
    app = App(ox.Store())
    codes = [f"A{chr(65 + n // 26)}{chr(65 + n % 26)}" for n in range(40)]
    for iso in codes:
        assert handle(app, "GET", f"/report/{iso}.html").status == 200
    assert len(codes) * len(body) > PAGE_BYTES
    handle(app, "GET", f"/report/{codes[-1]}.html")  # the newest page is kept…
    assert rendered == codes
    handle(app, "GET", f"/report/{codes[0]}.html")  # …the oldest made way
    assert rendered == [*codes, codes[0]]
    for _ in range(2):  # an error is not kept
        assert handle(app, "GET", "/report/ZZZ.html").status == 404
    assert rendered[-2:] == ["ZZZ", "ZZZ"]
