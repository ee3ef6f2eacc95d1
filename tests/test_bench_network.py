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


def test_store_section_compares_three_builds() -> None:
    from bench import store_bench

    def cmd(wall: float) -> dict[str, float]:
        return {"wall": wall, "cpu": wall, "rss": 50.0}

    commands = {label: {"store": cmd(0.3), "files": cmd(4.0)} for label in store_bench.COMMANDS}
    builds = {"files": cmd(20.0), "store only": cmd(22.0), "store": cmd(23.5)}
    text = store_bench.render({"1M": {"commands": commands, "build": builds}}, (1.0, 1.2))
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
    from bench import store_bench

    def cmd(wall: float) -> dict[str, float]:
        return {"wall": wall, "cpu": wall, "rss": 50.0}

    commands = {label: {"store": cmd(0.3), "files": cmd(4.0)} for label in store_bench.COMMANDS}
    builds = {"files": cmd(20.0), "store only": cmd(22.0), "store": cmd(23.5)}
    builds |= {"files, cached": cmd(18.0), "store, cached": cmd(19.0)}
    text = store_bench.render({"1M": {"commands": commands, "build": builds}}, (1.0, 1.2))
    assert (
        "| 1M | cached, inputs unchanged: store (from its seed) + network | 19.00 | +6 % "
        "| 19.00 | +6 % |" in text
    )
    assert "| 1M | cached, inputs unchanged: files only | 18.00 | +0 % |" in text
    assert (
        "| build time growth, rebuild with the cache and unchanged N-Quads (`kg build`) | ≤ 15 % "
        "| +6 % (CPU 18.0 → 19.0 s) | met |" in text
    )


def test_store_section_shows_the_import_build() -> None:
    from bench import import_builds, store_bench

    def cmd(wall: float) -> dict[str, float]:
        return {"wall": wall, "cpu": wall, "rss": 50.0}

    commands = {label: {"store": cmd(0.3), "files": cmd(4.0)} for label in store_bench.COMMANDS}
    builds = {"files": cmd(20.0), "store only": cmd(22.0), "store": cmd(23.5)}
    rows = {
        kind: cmd(wall) for kind, wall in zip(import_builds.KINDS, (4.0, 6.0, 4.4), strict=True)
    }
    text = store_bench.render(
        {"1M": {"commands": commands, "build": builds}}, (1.0, 1.2), imports=(rows, 3)
    )
    assert "the fastest of 3 runs each:" in text
    assert "| store, loaded afresh (no seed) | 6.00 | +50 % | 6.00 | +50 % |" in text
    assert "| store, grown from its seed | 4.40 | +10 % | 4.40 | +10 % |" in text
    assert import_builds.render(None, 3) == []
