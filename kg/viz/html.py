"""The interactive flow map: one self-contained HTML file (inline SVG, CSS and a small script).

No CDN, fonts or images are loaded: a Content-Security-Policy of ``default-src 'none'`` makes
the browser refuse any request. Pan by dragging, zoom with the wheel or the buttons (both change
the map's SVG ``viewBox``), hover a flow for its details, filter by form and by year.
"""

from __future__ import annotations

import networkx as nx

from kg.viz.legend import esc, q
from kg.viz.maps import drawn_flows, flow_map_svg

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"

STYLE = """
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; margin: 0; color: #111827;
  background: #f9fafb; }
header { display: flex; flex-wrap: wrap; gap: 14px; align-items: center; padding: 10px 20px;
  background: #ffffff; border-bottom: 1px solid #e5e7eb; font-size: 14px; }
header label { display: flex; gap: 6px; align-items: center; }
select, button { font: inherit; padding: 3px 8px; border: 1px solid #d1d5db; border-radius: 4px;
  background: #fff; }
button { cursor: pointer; }
#hint, #shown { color: #6b7280; font-size: 13px; }
main { padding: 12px 20px; }
main > svg { width: 100%; height: auto; max-width: 1200px; background: #fff;
  box-shadow: 0 1px 3px rgba(0,0,0,.08); }
#map { cursor: grab; }
#map.dragging { cursor: grabbing; }
.flow-group.active .flow { stroke-opacity: 1; filter: drop-shadow(0 0 2px #11182766); }
.flow-group.dim { opacity: 0.25; }
#tip { position: fixed; display: none; max-width: 430px; background: #111827; color: #f9fafb;
  padding: 8px 10px; border-radius: 6px; font-size: 12.5px; line-height: 1.45;
  pointer-events: none; box-shadow: 0 4px 14px rgba(0,0,0,.25); z-index: 10; }
#tip b { color: #fde68a; font-weight: 600; }
#tip .iri { color: #93c5fd; word-break: break-all; }
"""

SCRIPT = """
(function () {
  "use strict";
  var map = document.getElementById("map");
  var base = map.getAttribute("viewBox").split(" ").map(Number);
  var view = base.slice();
  function apply() { map.setAttribute("viewBox", view.map(function (v) {
    return v.toFixed(2); }).join(" ")); }
  function toMap(e) {
    var r = map.getBoundingClientRect();
    return [view[0] + (e.clientX - r.left) / r.width * view[2],
            view[1] + (e.clientY - r.top) / r.height * view[3]];
  }
  function zoom(k, p) {
    var w = Math.min(base[2], Math.max(base[2] / 40, view[2] * k));
    var s = w / view[2];
    p = p || [view[0] + view[2] / 2, view[1] + view[3] / 2];
    view = [p[0] - (p[0] - view[0]) * s, p[1] - (p[1] - view[1]) * s, w, view[3] * s];
    apply();
  }
  map.addEventListener("wheel", function (e) {
    e.preventDefault(); zoom(e.deltaY < 0 ? 0.8 : 1.25, toMap(e)); }, { passive: false });
  var drag = null;
  map.addEventListener("pointerdown", function (e) {
    drag = [e.clientX, e.clientY, view[0], view[1]]; map.classList.add("dragging"); });
  window.addEventListener("pointerup", function () {
    drag = null; map.classList.remove("dragging"); });
  window.addEventListener("pointermove", function (e) {
    if (!drag) { return; }
    var r = map.getBoundingClientRect();
    view[0] = drag[2] - (e.clientX - drag[0]) / r.width * view[2];
    view[1] = drag[3] - (e.clientY - drag[1]) / r.height * view[3];
    apply();
  });
  document.getElementById("zoom-in").onclick = function () { zoom(0.7); };
  document.getElementById("zoom-out").onclick = function () { zoom(1 / 0.7); };
  document.getElementById("reset").onclick = function () { view = base.slice(); apply(); };

  var tip = document.getElementById("tip");
  var rows = [["route", "Route"], ["forms", "Forms"], ["estimate", "Estimate"],
              ["method", "Method"], ["year", "Year"], ["type", "Type"],
              ["source", "Source"], ["reliability", "Reliability"], ["flow", "Flow IRI"]];
  function show(g, e) {
    while (tip.firstChild) { tip.removeChild(tip.firstChild); }
    rows.forEach(function (row) {
      var value = g.getAttribute("data-" + row[0]);
      if (!value) { return; }
      var line = document.createElement("div");
      var key = document.createElement("b");
      key.textContent = row[1] + ": ";
      var text = document.createElement("span");
      text.textContent = value;
      if (row[0] === "flow") { text.className = "iri"; }
      line.appendChild(key); line.appendChild(text); tip.appendChild(line);
    });
    tip.style.display = "block"; g.classList.add("active"); move(e);
  }
  function move(e) {
    var x = e.clientX + 16, y = e.clientY + 16;
    if (x + tip.offsetWidth > window.innerWidth) { x = e.clientX - tip.offsetWidth - 16; }
    if (y + tip.offsetHeight > window.innerHeight) { y = e.clientY - tip.offsetHeight - 16; }
    tip.style.left = x + "px"; tip.style.top = y + "px";
  }
  var groups = Array.prototype.slice.call(document.querySelectorAll(".flow-group"));
  groups.forEach(function (g) {
    g.addEventListener("mouseenter", function (e) { show(g, e); });
    g.addEventListener("mousemove", move);
    g.addEventListener("mouseleave", function () {
      tip.style.display = "none"; g.classList.remove("active"); });
  });

  var form = document.getElementById("form"), year = document.getElementById("year");
  function filter() {
    var shown = 0;
    groups.forEach(function (g) {
      var forms = (g.getAttribute("data-form-ids") || "").split("; ");
      var y = g.getAttribute("data-year") || "none";
      var ok = (!form.value || forms.indexOf(form.value) >= 0) &&
               (!year.value || year.value === y);
      g.style.display = ok ? "" : "none";
      if (ok) { shown += 1; }
    });
    document.getElementById("shown").textContent = shown + " of " + groups.length + " flows shown";
  }
  form.onchange = filter; year.onchange = filter; filter();
})();
"""


def flow_map_html(
    graph: nx.MultiDiGraph, *, title: str = "Trafficking flows", note: str = ""
) -> str:
    """A self-contained interactive page of the flow map of ``graph``."""
    flows = drawn_flows(graph)
    forms: dict[str, str] = {}
    years: set[str] = set()
    for f in flows:
        ids = str(f.attrs.get("form_ids", "")).split("; ")
        labels = str(f.attrs.get("forms", "")).split("; ")
        for fid, label in zip(ids, labels if len(labels) == len(ids) else ids, strict=True):
            if fid:
                forms[fid] = label
        years.add(str(f.attrs["year"]) if "year" in f.attrs else "none")
    form_options = "".join(
        f"<option value={q(k)}>{esc(v)}</option>"
        for k, v in sorted(forms.items(), key=lambda x: x[1])
    )
    year_options = "".join(
        f"<option value={q(y)}>{esc('no year given' if y == 'none' else y)}</option>"
        for y in sorted(years, key=lambda y: (y == "none", y))
    )
    svg = flow_map_svg(graph, title=title, note=note, interactive=True)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>{STYLE}</style>
</head>
<body>
<header>
<label>Form <select id="form"><option value="">all forms</option>{form_options}</select></label>
<label>Year <select id="year"><option value="">all years</option>{year_options}</select></label>
<button id="zoom-in" type="button" title="Zoom in">+</button>
<button id="zoom-out" type="button" title="Zoom out">−</button>
<button id="reset" type="button">Reset view</button>
<span id="shown"></span>
<span id="hint">Drag to pan, scroll to zoom, hover a flow for its details.</span>
</header>
<main>
{svg}</main>
<div id="tip" role="tooltip"></div>
<script>{SCRIPT}</script>
</body>
</html>
"""


__all__ = ["CSP", "flow_map_html"]
