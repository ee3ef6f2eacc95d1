"""The flow map: SVG structure, PNG pixels, and the interactive page in real headless Chromium."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from flowdata import synthetic_store
from kgbrowser import needs_browser, not_blank, visit

from kg import pipeline
from kg.cli import cli
from kg.network import flows as F
from kg.viz import render as viz

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def store(shipped_build: pipeline.BuildResult) -> ox.Store:
    return shipped_build.store


@pytest.fixture(scope="module")
def big(shipped_build: pipeline.BuildResult) -> ox.Store:
    return synthetic_store(shipped_build.store)


def parse(svg: bytes) -> ET.Element:
    return ET.fromstring(svg)


def flow_paths(root: ET.Element) -> list[ET.Element]:
    return [p for p in root.iter(f"{SVG}path") if p.get("class") == "flow"]


def test_svg_has_one_path_per_flow(store: ox.Store) -> None:
    root = parse(viz.render_flows(store, "svg"))
    graph = F.flow_network(store)
    flows = {d["flow"] for _, _, d in graph.edges(data=True)}
    paths = flow_paths(root)
    assert len(paths) == len(flows)
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "flow-group"]
    assert {g.get("data-flow") for g in groups} == flows
    numbered = {d["flow"] for _, _, d in graph.edges(data=True) if "estimate_point" in d}
    dashed = [p for p in paths if p.get("stroke-dasharray")]
    assert len(dashed) == len(flows) - len(numbered)  # dashed exactly where no number
    aggregate = next(g for g in groups if g.get("data-flow") in numbered)
    path = next(p for p in aggregate.iter(f"{SVG}path") if p.get("class") == "flow")
    destinations = sum(1 for _, _, d in graph.edges(data=True) if d["flow"] in numbered)
    assert path.get("d", "").count("M") == destinations  # one sub-path per destination
    regions = [g for g in root.iter(f"{SVG}g") if g.get("class") == "node region"]
    assert len(regions) == sum(1 for _, d in graph.nodes(data=True) if d["kind"] == "region")


def test_svg_legend_names_units_sources_and_assessor(store: ox.Store) -> None:
    text = " ".join(t.text or "" for t in parse(viz.render_flows(store, "svg")).iter(f"{SVG}text"))
    graph = F.flow_network(store)
    edge = next(d for _, _, d in graph.edges(data=True) if "estimate_point" in d)
    assert edge["unit_label"] in text
    assert edge["method"] in text
    assert edge["source_title"] in text
    assert "unverified" in text
    assert graph.nodes["PRK"]["tier_assessor"] in text
    assert f"{edge['estimate_point']:,}" in text


def test_png_decodes_and_is_not_blank(store: ox.Store) -> None:
    from PIL import Image

    png = viz.render_flows(store, "png")
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.width >= 1200
    colours, inked = not_blank(png)
    assert colours > 20
    assert inked > 0.05


def test_top_and_auto_top_on_thousands_of_flows(big: ox.Store) -> None:
    root = parse(viz.render_flows(big, "svg", top=100))
    assert len(flow_paths(root)) == 100
    root = parse(viz.render_flows(big, "svg"))
    groups = [g for g in root.iter(f"{SVG}g") if "flow-group" in g.get("class", "")]
    shown = {i for g in groups for i in (g.get("data-flows") or g.get("data-flow", "")).split()}
    assert len(shown) == viz.AUTO_TOP  # joined into one arrow per pair above a few hundred
    subtitle = [t.text or "" for t in root.iter(f"{SVG}text")][1]
    assert re.search(rf"the {viz.AUTO_TOP} largest of \d+ flows", subtitle)


def test_html_is_self_contained(store: ox.Store) -> None:
    page = viz.render_flows(store, "html").decode("utf-8")
    assert "default-src 'none'" in page
    assert not re.search(r"<(script|img|link|iframe)[^>]*\s(src|href)=", page)
    assert "@import" not in page
    assert "url(" not in page
    assert page.count('class="flow"') == len(
        {d["flow"] for _, _, d in F.flow_network(store).edges(data=True)}
    )


def test_cli_viz(runner: CliRunner, shipped_build_dir: Path, tmp_path: Path) -> None:
    build = ["--build", str(shipped_build_dir)]
    out = tmp_path / "prk.svg"
    result = runner.invoke(cli, ["viz", "flows", "PRK", *build, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert flow_paths(parse(out.read_bytes()))
    result = runner.invoke(cli, ["viz", "flows", "PKR", *build, "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Error: unknown country code 'PKR' (did you mean 'PRK'?)"
    ]
    result = runner.invoke(cli, ["viz", "flows", *build, "--form", "forcd-labour", "-o", str(out)])
    assert result.exit_code == 1
    assert "did you mean 'forced-labour'" in result.stderr
    result = runner.invoke(cli, ["viz", "flows", *build, "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1
    assert "use .svg, .png or .html" in result.stderr


POINT_ON_FLOW = """(iri) => {
  const g = [...document.querySelectorAll('.flow-group')].find(x => x.dataset.flow === iri);
  const p = g.querySelector('path.flow');
  const pt = p.getPointAtLength(p.getTotalLength() * 0.45);
  const m = p.getScreenCTM();
  return [pt.x * m.a + pt.y * m.c + m.e, pt.x * m.b + pt.y * m.d + m.f];
}"""


@pytest.mark.browser
@needs_browser
def test_interactive_map_in_chromium(store: ox.Store, tmp_path: Path) -> None:
    path = tmp_path / "flows.html"
    path.write_bytes(viz.render_flows(store, "html"))
    graph = F.flow_network(store)
    edge = next(d for _, _, d in graph.edges(data=True) if "estimate_point" in d)
    with visit(path) as seen:
        page = seen.page
        shot = page.screenshot(full_page=True)
        colours, inked = not_blank(shot)
        assert colours > 20
        assert inked > 0.05
        (tmp_path / "screenshot.png").write_bytes(shot)
        assert page.is_hidden("#tip")
        x, y = page.evaluate(POINT_ON_FLOW, edge["flow"])
        page.mouse.move(x, y)
        page.wait_for_selector("#tip", state="visible")
        tip = page.inner_text("#tip")
        assert edge["flow"] in tip
        assert f"{edge['estimate_point']:,}" in tip
        assert edge["unit_label"] in tip
        assert edge["source_title"] in tip
        before = page.get_attribute("#map", "viewBox")
        page.mouse.wheel(0, -300)
        page.wait_for_function(
            f"document.getElementById('map').getAttribute('viewBox') !== '{before}'"
        )
        page.select_option("#form", "forced-labour-in-detention")
        assert page.inner_text("#shown").startswith("1 of ")
        page.select_option("#form", "")
        assert seen.errors == []
        assert seen.foreign_requests == []
