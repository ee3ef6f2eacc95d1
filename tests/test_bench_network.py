"""The GraphML/GEXF and push benchmarks render their sections (the runs themselves need big
builds and real servers: the coordinator runs them, see bench/RESULTS.md)."""

from __future__ import annotations

import pytest

from bench import network_bench, push_bench


def test_network_section_names_targets_and_ratios() -> None:
    inside = {
        "scan": 2.0, "optional": 8.0, "kept": 0.3, "edges": 41223,
        "graphml": 0.5, "graphml networkx": 5.0, "gexf": 0.6, "gexf networkx": 3.0,
    }  # fmt: skip
    commands = {"graphml, first (store)": (9.0, 300.0), "graphml, next (kept)": (1.5, 200.0)}
    r = {"commands": commands, "inside": inside, "same bytes": True, "triples": 914628}
    text = network_bench.render(
        {"1M": r, "5M": r | {"commands": {"graphml, next (kept)": (11.0, 1)}}}, "1.0"
    )
    assert "| 1M | 914,628 | `graphml, next (kept)` | 1.50 | 200 | ≤ 2 s: met |" in text
    assert "| 5M | 914,628 | `graphml, next (kept)` | 11.00 | 1 | ≤ 10 s: not met |" in text
    for part in ("| 4.0× |", "| 10.0× |", "| yes |"):
        assert part in text


def test_push_section(monkeypatch: pytest.MonkeyPatch) -> None:
    def row(scale: float) -> dict[str, float]:
        steps = {"first": 3.0, "again": 1.0, "changed": 2.0, "dry": 1.1, "prune": 1.2}
        out = {k: v * scale for k, v in steps.items()}
        return out | {f"{k} cpu": v * scale / 2 for k, v in steps.items()} | {"resent": 0}

    rows = {("Oxigraph", "new"): row(1.0), ("Oxigraph", "old"): row(4.0)}
    manifest = {"triples": 313114, "graphs": {"a": 1, "b": 2}}
    monkeypatch.setattr(push_bench, "startup", lambda: 0.3)
    text = push_bench.render(12.0, manifest, rows, "b5b257aa81d3")
    assert "313,114 triples in 2 named graphs" in text
    assert (
        "| Oxigraph | new | 3.00 (1.50) | 1.00 (0.50) | 2.00 (1.00) | 0 | 1.10 (0.55) "
        "| 1.20 (0.60) |"
    ) in text
    assert "Oxigraph, old / new: first 4.0x wall, 4.0x CPU, again 4.0x wall" in text


def _cmd(wall: float) -> dict[str, float]:
    return {"wall": wall, "cpu": wall, "rss": 50.0}


def _store_section(
    more_builds: dict[str, float] | None = None,
    imports: tuple[dict[str, dict[str, float]] | None, int] = (None, 0),
) -> str:
    """The store section of a made-up 1M run: files 20 s, store 22 s, store + network 23.5 s."""
    from bench import store_bench

    commands = {label: {"store": _cmd(0.3), "files": _cmd(4.0)} for label in store_bench.COMMANDS}
    builds = {"files": 20.0, "store only": 22.0, "store": 23.5} | (more_builds or {})
    run = {"commands": commands, "build": {kind: _cmd(s) for kind, s in builds.items()}}
    return store_bench.render({"1M": run}, (1.0, 1.2), imports=imports)


def test_store_section_compares_three_builds() -> None:
    text = _store_section()
    assert "| 1M | files only (--no-store) | 20.00 | +0 % | 20.00 | +0 % |" in text
    assert "| 1M | store + network | 23.50 | +18 % | 23.50 | +18 % |" in text
    assert (
        "| build time growth (store + network, `kg build`) | ≤ 15 % | +18 % (CPU 20.0 → 23.5 s) "
        "| not met |" in text
    )
    assert "| build time growth (store only) | ≤ 15 % | +10 % (CPU 20.0 → 22.0 s) | met |" in text
    assert "the store's helper took 2.0 s of CPU and the\nnetwork's answers 1.5 s more" in text
    assert "left 20.0 s of a 2-core machine idle" in text


def test_store_section_shows_the_cached_rebuilds() -> None:
    text = _store_section({"files, cached": 18.0, "store, cached": 19.0})
    assert (
        "| 1M | cached, inputs unchanged: store (from its seed) + network | 19.00 | +6 % "
        "| 19.00 | +6 % |" in text
    )
    assert "| 1M | cached, inputs unchanged: files only | 18.00 | +0 % |" in text
    assert (
        "| build time growth, rebuild with the cache and unchanged N-Quads (`kg build`) | ≤ 15 % "
        "| +6 % (CPU 18.0 → 19.0 s) | met |" in text
    )


def test_store_section_shows_the_helper_with_the_c_librarys_malloc() -> None:
    text = _store_section({"store, system malloc": 24.0})
    assert (
        "| 1M | store + network, the helper with the C library's malloc | 24.00 | +20 % "
        "| 24.00 | +20 % |" in text
    )
    assert (
        "| build time growth (`kg build`, the helper with the C library's malloc) | ≤ 15 % "
        "| +20 % (CPU 20.0 → 24.0 s) | not met |" in text
    )
    assert "C library's malloc" not in _store_section()


def test_store_section_names_the_helpers_malloc() -> None:
    from bench import store_bench

    commands = {label: {"store": _cmd(0.3), "files": _cmd(4.0)} for label in store_bench.COMMANDS}
    builds = {kind: _cmd(20.0) for kind in ("files", "store only", "store")}
    run = {"commands": commands, "build": builds, "malloc": "libjemalloc.so.2"}
    text = store_bench.render({"1M": run}, (1.0, 1.2))
    assert "The store's helper ran with `libjemalloc.so.2`" in text
    assert "`KG_STORE_MALLOC=system`" in text


def test_store_section_shows_the_import_build() -> None:
    from bench import import_builds

    walls = (4.0, 6.0, 4.4)
    rows = {kind: _cmd(wall) for kind, wall in zip(import_builds.KINDS, walls, strict=True)}
    text = _store_section(imports=(rows, 3))
    assert "the fastest of 3 runs each:" in text
    assert "| store, loaded afresh (no seed) | 6.00 | +50 % | 6.00 | +50 % |" in text
    assert "| store, grown from its seed | 4.40 | +10 % | 4.40 | +10 % |" in text
    assert import_builds.render(None, 3) == []
