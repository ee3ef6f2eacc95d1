"""Flow maps that stay readable: the focal country always labelled, labels clear of arrows and of
each other, filters applied before the N largest are chosen, parallel flows joined into one
arrow per pair above a few hundred (with their breakdown), the rest faded; in the interactive
page the same choices redone in the browser, with nothing left drawn for a hidden flow.
Screenshots at 1400×900 of the shipped build and of a synthetic build of 7,000 flows are
compared with references."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
from flowdata import synthetic_store
from kgbrowser import needs_browser, visit
from shots import check

from kg import pipeline
from kg.network import flows as F
from kg.viz import render as viz
from kg.viz.mapmodel import AGGREGATE_ABOVE, largest
from kg.viz.maps import drawn_flows
from kg.viz.placement import bezier, text_box

SVG = "{http://www.w3.org/2000/svg}"
NUMBER = r"-?\d+(?:\.\d+)?"


@pytest.fixture(scope="module")
def big(shipped_build: pipeline.BuildResult) -> ox.Store:
    """The shipped build plus 7,000 synthetic flows between every pair of countries."""
    return synthetic_store(shipped_build.store, n=7000)


def groups(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if "flow-group" in g.get("class", "")]


def flows_in(root: ET.Element) -> set[str]:
    return {
        i for g in groups(root) for i in (g.get("data-flows") or g.get("data-flow", "")).split()
    }


def curves(root: ET.Element) -> list[tuple[list[tuple[float, float]], float]]:
    """Every drawn arrow as sampled points with its half stroke width."""
    out = []
    for path in root.iter(f"{SVG}path"):
        if path.get("class") != "flow":
            continue
        half = float(path.get("stroke-width", "1")) / 2
        for sub in re.findall(r"M[^M]+", path.get("d", "")):
            n = [float(x) for x in re.findall(NUMBER, sub)]
            out.append((bezier((n[0], n[1]), (n[2], n[3]), (n[4], n[5]), (n[6], n[7])), half))
    return out


def labels(root: ET.Element) -> list[tuple[ET.Element, tuple[float, float, float, float]]]:
    """Every visible label (not its white halo) with its box."""
    found = []
    for group in root.iter(f"{SVG}g"):
        if group.get("class") != "labels":
            continue
        for t in group.iter(f"{SVG}text"):
            if t.get("aria-hidden"):
                continue
            x, y = float(t.get("x", 0)), float(t.get("y", 0))
            size, anchor = float(t.get("font-size", 12)), t.get("text-anchor", "start")
            box = text_box(x, y, t.text or "", size, anchor)
            found.append((t, box))
    return found


def crossings(
    box: tuple[float, float, float, float], arrows: list[tuple[list[tuple[float, float]], float]]
) -> int:
    return sum(
        1
        for points, half in arrows
        for x, y in points
        if box[0] - half <= x <= box[2] + half and box[1] - half <= y <= box[3] + half
    )


def test_focal_country_is_always_labelled(
    big: ox.Store, shipped_build: pipeline.BuildResult
) -> None:
    for store, code in ((shipped_build.store, "PRK"), (big, "DEU"), (big, "LUX")):
        root = ET.fromstring(viz.render_flows(store, "svg", origin=code))
        focal = [t for t, _ in labels(root) if t.get("class") == "focal-label"]
        assert len(focal) == 1, code
        graph = F.flow_network(store, origin=code)
        assert (focal[0].text or "").startswith(str(graph.nodes[code]["label"]))
        assert any(g.get("class") == "node country focal" for g in root.iter(f"{SVG}g"))


def test_labels_avoid_arrows_and_each_other(
    big: ox.Store, shipped_build: pipeline.BuildResult
) -> None:
    for store, top in ((shipped_build.store, None), (big, 100), (big, None)):
        root = ET.fromstring(viz.render_flows(store, "svg", top=top))
        arrows = curves(root)
        placed = labels(root)
        assert placed
        for text, box in placed:
            if text.get("class") == "focal-label":
                continue
            assert crossings(box, arrows) == 0, text.text
        boxes = [b for _, b in placed]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])


def test_filters_come_before_the_n_largest(big: ox.Store) -> None:
    graph, sizes, _ = F.map_flows(big, year=2020)
    expected = {f.iri for f in largest(drawn_flows(graph), sizes, 50)}
    root = ET.fromstring(viz.render_flows(big, "svg", year=2020, top=50))
    assert flows_in(root) == expected
    assert len(expected) == 50
    assert all(g.get("data-year") == "2020" for g in groups(root))
    # the same 50 as flow_network's own choice after the filter
    same = F.flow_network(big, year=2020, top=50)
    assert {d["flow"] for *_, d in same.edges(data=True)} == expected
    subtitle = [t.text or "" for t in root.iter(f"{SVG}text")][1]
    assert f"year 2020 · the 50 largest of {graph.graph['flows_matching']} flows" in subtitle


def test_many_flows_are_joined_per_pair_and_the_rest_faded(big: ox.Store) -> None:
    root = ET.fromstring(viz.render_flows(big, "svg", top=400))
    pairs = groups(root)
    assert all("pair" in g.get("class", "") for g in pairs)
    assert len(flows_in(root)) == 400 > AGGREGATE_ABOVE
    graph, _, _ = F.map_flows(big)
    numbers = {f.iri: f.number for f in drawn_flows(graph)}
    for g in pairs:
        members = g.get("data-flows", "").split()
        assert int(g.get("data-count", "0")) == len(members)
        largest_one = max((numbers[m] for m in members if numbers[m] is not None), default=None)
        if largest_one is not None:
            assert g.get("data-estimate") == f"largest: {largest_one:,}"  # never a sum
        assert len(g.get("data-breakdown", "").splitlines()) == min(len(members), 12) + (
            len(members) > 12
        )
    context = next(p for p in root.iter(f"{SVG}path") if p.get("class") == "context")
    assert context.get("d", "").count("M") > 1000
    assert "smaller flows faded behind" in ET.tostring(root, encoding="unicode")


def test_dossier_map_labels_its_country(big: ox.Store) -> None:
    from kg.report.dossier import dossier

    d = dossier(big, "NLD")
    root = ET.fromstring(d.flow_svg)
    focal = [t for t, _ in labels(root) if t.get("class") == "focal-label"]
    assert [(t.text or "").split(" · ")[0] for t in focal] == ["Netherlands"]


SHOWN = "() => document.getElementById('shown').textContent"
STATE = """() => {
  const groups = [...document.querySelectorAll('#map g.flows .flow-group')];
  const ids = groups.flatMap(g => (g.dataset.flows || g.dataset.flow || '').split(' '));
  const texts = [...document.querySelectorAll('#map g.labels text:not([aria-hidden])')];
  return {ids: ids.filter(Boolean),
          years: groups.map(g => g.dataset.year || ''),
          labelled: texts.filter(t => t.dataset.for).map(t => t.dataset.for),
          pairs: groups.filter(g => g.classList.contains('pair')).length,
          keys: groups.map(g => g.dataset.flow ? g.dataset.flow : null),
          focal: texts.filter(t => t.classList.contains('focal-label')).length};
}"""


@pytest.mark.browser
@needs_browser
def test_interactive_map_redraws_from_the_filters(
    big: ox.Store, tmp_path: Path, update_golden: bool
) -> None:
    path = tmp_path / "flows.html"
    path.write_bytes(viz.render_flows(big, "html"))
    graph, sizes, _ = F.map_flows(big)
    every = drawn_flows(graph)
    with visit(path, width=1400, height=900) as seen:
        page = seen.page
        page.wait_for_function("document.getElementById('shown').textContent.length > 0")
        state = page.evaluate(STATE)
        assert set(state["ids"]) == {f.iri for f in largest(every, sizes, viz.AUTO_TOP)}
        assert state["pairs"] > 0  # 250 flows: one arrow per pair
        check(page.screenshot(), "map-synthetic-7000", update=update_golden)
        page.select_option("#year", "2020")
        state = page.evaluate(STATE)
        in_2020 = [f for f in every if f.attrs.get("year") == 2020]
        assert set(state["ids"]) == {f.iri for f in largest(in_2020, sizes, viz.AUTO_TOP)}
        assert page.evaluate(SHOWN).startswith(f"250 of {len(in_2020)} matching flows drawn")
        page.select_option("#top", "50")
        state = page.evaluate(STATE)
        assert set(state["ids"]) == {f.iri for f in largest(in_2020, sizes, 50)}
        assert state["pairs"] == 0  # few flows: one arrow each
        drawn = {k for k in state["keys"] if k}
        assert set(state["labelled"]) <= drawn  # no number stays for a hidden flow
        assert all(y == "2020" for y in state["years"])
        page.select_option("#form", "sex-trafficking")
        state = page.evaluate(STATE)
        sex = {f.iri for f in in_2020 if "sex-trafficking" in str(f.attrs.get("form_ids"))}
        assert set(state["ids"]) == {
            f.iri for f in largest([f for f in in_2020 if f.iri in sex], sizes, 50)
        }
        page.select_option("#origin", "DEU")
        state = page.evaluate(STATE)
        assert state["focal"] == 0  # no focal country in this page
        germany = {f.iri for f in in_2020 if f.iri in sex and f.origin == "DEU"}
        assert set(state["ids"]) == germany
        assert seen.errors == []
        assert seen.foreign_requests == []


@pytest.mark.browser
@needs_browser
def test_interactive_map_of_the_shipped_build(
    shipped_build: pipeline.BuildResult, tmp_path: Path, update_golden: bool
) -> None:
    path = tmp_path / "flows.html"
    path.write_bytes(viz.render_flows(shipped_build.store, "html", origin="PRK"))
    with visit(path, width=1400, height=900) as seen:
        page = seen.page
        page.wait_for_function("document.getElementById('shown').textContent.length > 0")
        assert page.evaluate(STATE)["focal"] == 1
        check(page.screenshot(), "map-shipped", update=update_golden)
        assert seen.errors == []
        assert seen.foreign_requests == []
