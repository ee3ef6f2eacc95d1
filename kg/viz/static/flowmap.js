// kg flow map, interactive: filters first (form with its narrower forms, year, origin), then
// the N largest, then one arrow per flow or, above AGGREGATE_ABOVE flows, one arrow per pair
// (its tooltip lists the pair's flows; numbers are never added), the rest faded behind.
// Labels never cover a marker, another label or an arrow; the focal country is always
// labelled. The same rules as kg/viz/mapmodel.py, maps.py and placement.py, which draw the
// static SVG: every redraw starts from the data, so nothing stays drawn for a hidden flow.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("flow-data").textContent);
  var NS = "http://www.w3.org/2000/svg";
  var map = document.getElementById("map");
  var V = D.view;
  var PALETTE_GREY = "#6b7280", MIXED = "#4b5563", CHAR = 0.6;
  var ROLE = { source: "#b91c1c", destination: "#1e40af", both: "#6d28d9", internal: "#92400e" };
  function xy(p) { return [(p[2] - V.lon0) / (V.lon1 - V.lon0) * V.w, (V.lat1 - p[3]) / (V.lat1 - V.lat0) * V.h]; }
  var places = {}, pos = {};
  D.places.forEach(function (p) { places[p[0]] = p; pos[p[0]] = xy(p); });
  var flows = D.flows.map(function (f) {
    return { iri: f[0], o: f[1], d: f[2], year: f[3], forms: f[4], number: f[5], unit: f[6],
      colour: D.colours[f[7]], size: f[8], partOf: f[9], estimate: f[10], method: D.methods[f[11]] || "",
      source: D.sources[f[12]] || "", reliability: f[13], type: f[14], formText: f[15] };
  });
  function el(tag, attrs, text) {
    var e = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function f1(v) { return v.toFixed(1); }
  function width(n, vmax, span) { return n === null ? 1.8 : 1.6 + span * Math.sqrt(Math.max(n, 0) / Math.max(vmax, 1)); }
  function geometry(a, b, rEnd, w) {
    var head = 7 + 1.6 * w, c1, c2, tip;
    if (Math.hypot(a[0] - b[0], a[1] - b[1]) < 1) {
      c1 = [a[0] + 4, a[1] - 62]; c2 = [a[0] + 62, a[1] - 4]; tip = [a[0] + rEnd + 1.5, a[1] - 1.5];
    } else {
      var mx = (a[0] + b[0]) / 2, my = (a[1] + b[1]) / 2, dx = b[0] - a[0], dy = b[1] - a[1];
      c1 = c2 = [mx - dy * 0.2, my + dx * 0.2];
      var length = Math.hypot(dx, dy), tx = b[0] - c2[0], ty = b[1] - c2[1], n = Math.hypot(tx, ty) || 1;
      var back = Math.min(rEnd + 1.5, length / 3);
      tip = [b[0] - tx / n * back, b[1] - ty / n * back];
    }
    var ux = tip[0] - c2[0], uy = tip[1] - c2[1], m = Math.hypot(ux, uy) || 1;
    ux /= m; uy /= m;
    var end = [tip[0] - ux * head * 0.7, tip[1] - uy * head * 0.7];
    var base = [tip[0] - ux * head, tip[1] - uy * head], half = head * 0.45;
    return { a: a, c1: c1, c2: c2, end: end, tip: tip,
      head: [tip, [base[0] - uy * half, base[1] + ux * half], [base[0] + uy * half, base[1] - ux * half]] };
  }
  function bezier(p0, c1, c2, p3) {
    var length = Math.hypot(c1[0] - p0[0], c1[1] - p0[1]) + Math.hypot(c2[0] - c1[0], c2[1] - c1[1]) +
      Math.hypot(p3[0] - c2[0], p3[1] - c2[1]);
    var n = Math.max(2, Math.floor(length / 7) + 1), out = [];
    for (var i = 0; i <= n; i++) {
      var t = i / n, u = 1 - t;
      out.push([u * u * u * p0[0] + 3 * u * u * t * c1[0] + 3 * u * t * t * c2[0] + t * t * t * p3[0],
                u * u * u * p0[1] + 3 * u * u * t * c1[1] + 3 * u * t * t * c2[1] + t * t * t * p3[1]]);
    }
    return out;
  }
  function Occupancy() { this.cells = {}; this.boxes = []; }
  Occupancy.prototype.addPoints = function (pts, owner, half) {
    var self = this;
    pts.forEach(function (p) {
      var k = Math.floor(p[0] / 16) + "," + Math.floor(p[1] / 16);
      (self.cells[k] = self.cells[k] || []).push([p[0], p[1], owner, half]);
    });
  };
  Occupancy.prototype.inside = function (b) { return b[0] >= 2 && b[1] >= 2 && b[2] <= V.w - 2 && b[3] <= V.h - 2; };
  Occupancy.prototype.overlaps = function (b) {
    return this.boxes.filter(function (o) { return b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3]; }).length;
  };
  Occupancy.prototype.crossings = function (b, owner) {
    var n = 0, reach = 8;
    for (var i = Math.floor((b[0] - reach) / 16); i <= Math.floor((b[2] + reach) / 16); i++) {
      for (var j = Math.floor((b[1] - reach) / 16); j <= Math.floor((b[3] + reach) / 16); j++) {
        (this.cells[i + "," + j] || []).forEach(function (p) {
          var h = p[3];
          if (p[2] !== owner && b[0] - h <= p[0] && p[0] <= b[2] + h && b[1] - h <= p[1] && p[1] <= b[3] + h) { n += 1; }
        });
      }
    }
    return n;
  };
  function textBox(x, y, text, size, anchor) {
    var w = text.length * size * CHAR;
    var left = x - (anchor === "end" ? w : anchor === "middle" ? w / 2 : 0);
    return [left - 1, y - size * 0.85, left + w + 1, y + size * 0.3];
  }
  function around(x, y, r, size) {
    var out = [];
    [1.0, 2.2].forEach(function (k) {
      var d = r + 4 * k;
      out.push([x + d, y + size * 0.35, "start"], [x - d, y + size * 0.35, "end"], [x, y - d - 2, "middle"],
        [x, y + d + size * 0.8, "middle"], [x + d * 0.8, y - d * 0.8, "start"], [x - d * 0.8, y - d * 0.8, "end"],
        [x + d * 0.8, y + d * 0.8 + size * 0.6, "start"], [x - d * 0.8, y + d * 0.8 + size * 0.6, "end"]);
    });
    return out;
  }
  function place(occ, candidates, text, size, owner, force) {
    var best = null;
    for (var i = 0; i < candidates.length; i++) {
      var c = candidates[i], box = textBox(c[0], c[1], text, size, c[2]);
      if (!occ.inside(box)) { continue; }
      var cost = [occ.overlaps(box), occ.crossings(box, owner), i];
      if (cost[0] === 0 && cost[1] === 0) { occ.boxes.push(box); return c; }
      if (best === null || cost[0] < best[0][0] || (cost[0] === best[0][0] && cost[1] < best[0][1])) { best = [cost, c, box]; }
    }
    if (force && best) { occ.boxes.push(best[2]); return best[1]; }
    return null;
  }
  function halo(parent, x, y, text, size, anchor, extra) {
    [true, false].forEach(function (under) {
      var t = el("text", { x: f1(x), y: f1(y), "font-size": size, "text-anchor": anchor }, text);
      Object.keys(extra || {}).forEach(function (k) { t.setAttribute(k, extra[k]); });
      if (under) { t.setAttribute("fill", "none"); t.setAttribute("stroke", "#ffffff");
        t.setAttribute("stroke-width", "3.5"); t.setAttribute("stroke-linejoin", "round"); t.setAttribute("aria-hidden", "true"); }
      else { t.setAttribute("fill", "#111827"); }
      parent.appendChild(t);
    });
  }
  function rankKey(f) { return [-(f.size === null ? -1 : f.size), f.partOf || f.iri, f.iri]; }
  function cmp(a, b) { for (var i = 0; i < a.length; i++) { if (a[i] < b[i]) { return -1; } if (a[i] > b[i]) { return 1; } } return 0; }
  function within(f, form) {
    if (!form) { return true; }
    return f.forms.some(function (x) { return (D.tree[x] || [x]).indexOf(form) >= 0; });
  }
  var ui = { form: document.getElementById("form"), year: document.getElementById("year"),
    origin: document.getElementById("origin"), top: document.getElementById("top") };
  var layers = {};
  ["context", "flows", "nodes", "labels"].forEach(function (name) {
    var g = map.querySelector("g." + name) || map.querySelector("path." + name);
    layers[name] = g;
  });
  function clear(g) { while (g.firstChild) { g.removeChild(g.firstChild); } }
  function estimateOf(f) { return f.estimate; }
  function draw() {
    var form = ui.form.value, year = ui.year.value, origin = ui.origin.value;
    var top = ui.top.value === "all" ? Infinity : parseInt(ui.top.value, 10);
    var matching = flows.filter(function (f) {
      return within(f, form) && (!year || String(f.year) === year || (year === "none" && f.year === null)) &&
        (!origin || f.o === origin) && pos[f.o] && f.d.some(function (d) { return pos[d]; });
    });
    var ranked = matching.slice().sort(function (a, b) { return cmp(rankKey(a), rankKey(b)); });
    var chosen = ranked.slice(0, top), rest = ranked.slice(top);
    var aggregate = chosen.length > D.aggregateAbove;
    var marks = [];
    if (!aggregate) {
      chosen.slice().sort(function (a, b) { return a.iri < b.iri ? -1 : 1; }).forEach(function (f) {
        marks.push({ key: f.iri, o: f.o, d: f.d.filter(function (x) { return pos[x]; }), flows: [f], number: f.number, colour: f.colour });
      });
    } else {
      var pairs = {};
      chosen.forEach(function (f) {
        f.d.forEach(function (d) {
          if (!pos[d]) { return; }
          var k = f.o + "→" + d;
          (pairs[k] = pairs[k] || { key: k, o: f.o, d: [d], flows: [] }).flows.push(f);
        });
      });
      Object.keys(pairs).sort().forEach(function (k) {
        var m = pairs[k], numbers = m.flows.filter(function (f) { return f.number !== null; });
        m.number = numbers.length ? Math.max.apply(null, numbers.map(function (f) { return f.number; })) : null;
        var colours = {};
        (numbers.length ? numbers : m.flows).forEach(function (f) { colours[f.colour] = 1; });
        var list = Object.keys(colours);
        m.colour = list.length === 1 ? list[0] : MIXED;
        m.pair = true;
        marks.push(m);
      });
    }
    var vmax = Math.max.apply(null, [1].concat(marks.map(function (m) { return m.number || 0; })));
    var count = marks.length;
    var span = count <= 12 ? 9 : Math.max(2.2, 9 * Math.sqrt(12 / count));
    var opacity = count <= 40 ? 0.82 : count <= D.aggregateAbove ? 0.55 : 0.5;
    Object.keys(layers).forEach(function (k) { if (k !== "context") { clear(layers[k]); } });
    var ctx = {}, faded = 0;
    rest.forEach(function (f) {
      f.d.forEach(function (d) {
        if (pos[d] && pos[f.o] && d !== f.o) { ctx[f.o + " " + d] = 1; }
      });
      faded += 1;
    });
    var segs = Object.keys(ctx).sort().slice(0, 4000).map(function (k) {
      var p = k.split(" "), a = pos[p[0]], b = pos[p[1]];
      return "M" + Math.round(a[0]) + "," + Math.round(a[1]) + "L" + Math.round(b[0]) + "," + Math.round(b[1]);
    });
    layers.context.setAttribute("d", segs.join("") || "M0,0");
    var occ = new Occupancy(), involved = {};
    marks.forEach(function (m) { involved[m.o] = 1; m.d.forEach(function (d) { involved[d] = 1; }); });
    if (D.focal && pos[D.focal]) { involved[D.focal] = 1; }
    Object.keys(involved).forEach(function (n) {
      var p = pos[n], r = places[n][4] === "region" ? 9 : 6;
      occ.boxes.push([p[0] - r, p[1] - r, p[0] + r, p[1] + r]);
    });
    var strong = {};
    marks.slice().sort(function (a, b) {
      return cmp([-(a.number === null ? -1 : a.number), a.key], [-(b.number === null ? -1 : b.number), b.key]);
    }).slice(0, aggregate ? D.emphasis : marks.length).forEach(function (m) { strong[m.key] = 1; });
    marks.forEach(function (m, i) {
      var w = width(m.number, vmax, span), ds = [], isStrong = !!strong[m.key];
      var g = el("g", { "class": m.pair ? "flow-group pair" : "flow-group", id: "flow-" + i });
      m.d.forEach(function (d) {
        var geo = geometry(pos[m.o], pos[d], places[d][4] === "region" ? 10 : 6, w);
        ds.push("M" + f1(geo.a[0]) + "," + f1(geo.a[1]) + "C" + f1(geo.c1[0]) + "," + f1(geo.c1[1]) + " " +
          f1(geo.c2[0]) + "," + f1(geo.c2[1]) + " " + f1(geo.end[0]) + "," + f1(geo.end[1]));
        if (isStrong) {
          g.appendChild(el("polygon", { "class": "arrow", fill: m.colour,
            points: geo.head.map(function (p) { return f1(p[0]) + "," + f1(p[1]); }).join(" ") }));
        }
        occ.addPoints(bezier(geo.a, geo.c1, geo.c2, geo.tip), m.key, w / 2 + 1);
      });
      var path = el("path", { "class": "flow", d: ds.join(" "), fill: "none", stroke: m.colour,
        "stroke-width": f1(w), "stroke-opacity": isStrong ? opacity : D.weak, "stroke-linecap": "round" });
      if (m.number === null) { path.setAttribute("stroke-dasharray", "7 5"); }
      g.insertBefore(path, g.firstChild);
      g.appendChild(el("path", { "class": "hit", d: ds.join(" "), fill: "none", stroke: "#000",
        "stroke-opacity": 0, "stroke-width": 14 }));
      var route = places[m.o][1] + " → " + m.d.map(function (d) { return places[d][1]; }).join(", ");
      if (m.pair) {
        g.setAttribute("data-flows", m.flows.map(function (f) { return f.iri; }).join(" "));
        g.setAttribute("data-count", m.flows.length);
        g.setAttribute("data-route", route);
        g.setAttribute("data-estimate", m.number === null ? "no number of its own" : "largest: " + m.number.toLocaleString("en"));
        var lines = m.flows.slice().sort(function (a, b) { return (b.number || 0) - (a.number || 0); }).slice(0, 12).map(function (f) {
          return (f.year === null ? "no year" : f.year) + " · " + (f.formText || "form not stated") + " · " + estimateOf(f) + " · " + (f.source || "no source");
        });
        if (m.flows.length > 12) { lines.push("… and " + (m.flows.length - 12) + " more flows"); }
        g.setAttribute("data-breakdown", lines.join("\n"));
      } else {
        var f = m.flows[0];
        g.setAttribute("data-flow", f.iri); g.setAttribute("data-route", route);
        g.setAttribute("data-forms", f.formText); g.setAttribute("data-year", f.year === null ? "" : f.year);
        g.setAttribute("data-estimate", f.estimate); g.setAttribute("data-method", f.method);
        g.setAttribute("data-type", f.type); g.setAttribute("data-source", f.source);
        g.setAttribute("data-reliability", f.reliability);
      }
      layers.flows.appendChild(g);
    });
    var numbered = marks.filter(function (m) { return m.number !== null; }).sort(function (a, b) { return b.number - a.number; });
    numbered.slice(0, count <= 40 ? 8 : 6).forEach(function (m) {
      var a = pos[m.o], b = pos[m.d[0]], w = width(m.number, vmax, span);
      var len = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1, nx = -(b[1] - a[1]) / len, ny = (b[0] - a[0]) / len;
      var f = m.flows.slice().sort(function (x, y) { return (y.number || 0) - (x.number || 0); })[0];
      var text = (m.pair && m.flows.length > 1 ? "largest " : "") + m.number.toLocaleString("en") + " " + (D.units[f.unit] || "");
      var candidates = [];
      [0.5, 0.4, 0.6].forEach(function (t) {
        var mx = a[0] + (b[0] - a[0]) * t, my = a[1] + (b[1] - a[1]) * t;
        [len * 0.15 + w / 2 + 14, len * 0.15 + w / 2 + 30, -(w / 2 + 12)].forEach(function (out) {
          candidates.push([mx + nx * out, my + ny * out + 4, "middle"]);
        });
      });
      text = text.trim();
      var spot = null;
      if (m.d.length > 1) {
        var longer = text + " (" + m.d.map(function (d) { return places[d][1]; }).join(" + ") + " together)";
        spot = place(occ, candidates, longer, 12, null, false);
        if (spot) { text = longer; }
      }
      spot = spot || place(occ, candidates, text, 12, null, false);
      if (spot) { halo(layers.labels, spot[0], spot[1], text, 12, "middle", { "font-weight": "bold", "data-for": m.key }); }
    });
    var weight = {}, sends = {}, gets = {};
    marks.forEach(function (m) {
      [m.o].concat(m.d).forEach(function (n) { weight[n] = (weight[n] || 0) + m.flows.length + (m.number || 0) / vmax; });
      m.flows.forEach(function (f) { f.d.forEach(function (d) { if (d !== f.o) { sends[f.o] = 1; gets[d] = 1; } }); });
    });
    var order = Object.keys(involved).sort(function (a, b) {
      return cmp([a !== D.focal ? 1 : 0, -(weight[a] || 0), a], [b !== D.focal ? 1 : 0, -(weight[b] || 0), b]);
    });
    var most = aggregate ? 60 : 45, major = {};
    order.slice(0, most + 1).forEach(function (n) { major[n] = 1; });
    Object.keys(involved).sort().forEach(function (n) {
      var p = places[n], at = pos[n], g = el("g", { "class": "node " + p[4] + (n === D.focal ? " focal" : ""), "data-code": n });
      g.appendChild(el("title", {}, p[1] + " (" + n + ")"));
      if (n === D.focal) { g.appendChild(el("circle", { cx: f1(at[0]), cy: f1(at[1]), r: 10, fill: "none", stroke: "#111827", "stroke-width": 2 })); }
      if (p[4] === "region") {
        var r = 9, pts = [[at[0], at[1] - r], [at[0] + r, at[1]], [at[0], at[1] + r], [at[0] - r, at[1]]];
        g.appendChild(el("polygon", { points: pts.map(function (q) { return f1(q[0]) + "," + f1(q[1]); }).join(" "),
          fill: "#ffffff", stroke: "#374151", "stroke-width": 1.8, "stroke-dasharray": "3 2" }));
      } else {
        var role = sends[n] && gets[n] ? "both" : sends[n] ? "source" : gets[n] ? "destination" : "internal";
        var big = major[n] ? 5 : 3;
        g.appendChild(el("circle", { cx: f1(at[0]), cy: f1(at[1]), r: big, fill: ROLE[role] || PALETTE_GREY, stroke: "#fff", "stroke-width": big === 5 ? 1.5 : 1 }));
      }
      layers.nodes.appendChild(g);
    });
    order.slice(0, most + (D.focal ? 1 : 0)).forEach(function (n) {
      var p = places[n], at = pos[n], focal = n === D.focal;
      var text = p[1] + (p[4] === "region" ? " (region)" : "") + (p[5] ? " · " + p[5] : "");
      var size = focal ? 14 : 12, spot = place(occ, around(at[0], at[1], focal ? 10 : 6, size), text, size, null, focal);
      if (!spot) { return; }
      var extra = {};
      if (p[4] === "region") { extra["font-style"] = "italic"; }
      if (focal) { extra["font-weight"] = "bold"; extra["class"] = "focal-label"; }
      halo(layers.labels, spot[0], spot[1], text, size, spot[2], extra);
    });
    var note = chosen.length + " of " + matching.length + " matching flows drawn";
    if (rest.length) { note += " (the " + chosen.length + " largest; " + faded + " faded behind)"; }
    if (aggregate) { note += " · parallel flows joined: " + marks.length + " arrows"; }
    note += " · " + flows.length + " flows in all";
    document.getElementById("shown").textContent = note;
    bindTips();
  }
  // Pan and zoom change the map's viewBox.
  var base = map.getAttribute("viewBox").split(" ").map(Number), view = base.slice();
  function apply() { map.setAttribute("viewBox", view.map(function (v) { return v.toFixed(2); }).join(" ")); }
  function toMap(e) {
    var r = map.getBoundingClientRect();
    return [view[0] + (e.clientX - r.left) / r.width * view[2], view[1] + (e.clientY - r.top) / r.height * view[3]];
  }
  function zoom(k, p) {
    var w = Math.min(base[2], Math.max(base[2] / 40, view[2] * k)), s = w / view[2];
    p = p || [view[0] + view[2] / 2, view[1] + view[3] / 2];
    view = [p[0] - (p[0] - view[0]) * s, p[1] - (p[1] - view[1]) * s, w, view[3] * s];
    apply();
  }
  map.addEventListener("wheel", function (e) { e.preventDefault(); zoom(e.deltaY < 0 ? 0.8 : 1.25, toMap(e)); }, { passive: false });
  var drag = null;
  map.addEventListener("pointerdown", function (e) { drag = [e.clientX, e.clientY, view[0], view[1]]; map.classList.add("dragging"); });
  window.addEventListener("pointerup", function () { drag = null; map.classList.remove("dragging"); });
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
  var rows = [["route", "Route"], ["count", "Flows"], ["forms", "Forms"], ["estimate", "Estimate"],
    ["method", "Method"], ["year", "Year"], ["type", "Type"], ["source", "Source"],
    ["reliability", "Reliability"], ["breakdown", "Flows between them"], ["flow", "Flow IRI"]];
  function show(g, e) {
    while (tip.firstChild) { tip.removeChild(tip.firstChild); }
    rows.forEach(function (row) {
      var value = g.getAttribute("data-" + row[0]);
      if (!value) { return; }
      var line = document.createElement("div"), key = document.createElement("b"), text = document.createElement("span");
      key.textContent = row[1] + ": "; text.textContent = value;
      if (row[0] === "flow") { text.className = "iri"; }
      if (row[0] === "breakdown") { text.className = "breakdown"; }
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
  function bindTips() {
    Array.prototype.forEach.call(layers.flows.querySelectorAll(".flow-group"), function (g) {
      g.addEventListener("mouseenter", function (e) { show(g, e); });
      g.addEventListener("mousemove", move);
      g.addEventListener("mouseleave", function () { tip.style.display = "none"; g.classList.remove("active"); });
    });
  }
  [ui.form, ui.year, ui.origin, ui.top].forEach(function (s) { s.addEventListener("change", draw); });
  draw();
})();
