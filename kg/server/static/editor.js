// kg explorer: the SPARQL editor. Posts the query to /sparql, shows SPARQL JSON results as a
// table with IRIs by their labels (asked from /labels) and one click away from their page,
// Turtle for CONSTRUCT/DESCRIBE, and syntax errors with their line and column marked.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var PREFIXES = JSON.parse($("prefixes").textContent);
  var QUERIES = JSON.parse($("queries").textContent);
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }
  function short(iri) {
    var best = "", name = "";
    Object.keys(PREFIXES).forEach(function (p) {
      var ns = PREFIXES[p];
      if (iri.indexOf(ns) === 0 && ns.length > best.length) { best = ns; name = p; }
    });
    return best ? name + ":" + iri.slice(best.length) : "<" + iri + ">";
  }
  function pageOf(iri) {
    var m = /^https:\/\/w3id\.org\/kg-tip\/id\/country-([a-z]{3})$/.exec(iri);
    if (m) { return "/country/" + m[1].toUpperCase(); }
    return "/resource?iri=" + encodeURIComponent(iri);
  }
  function cell(t, labels) {
    var td = el("td");
    if (!t) { return td; }
    if (t.type === "uri") {
      var a = el("a", labels[t.value] || short(t.value), "iri");
      a.href = pageOf(t.value); a.title = t.value; a.setAttribute("data-iri", t.value);
      td.appendChild(a);
    } else if (t.type === "bnode") {
      td.textContent = "_:" + t.value;
    } else if (t.type === "triple") {
      td.textContent = "<< " + [t.value.subject, t.value.predicate, t.value.object].map(function (x) {
        return x.type === "uri" ? short(x.value) : x.value; }).join(" ") + " >>";
    } else {
      td.textContent = t.value;
      var dt = t.datatype || "";
      if (/#(integer|decimal|double|float|int|long)$/.test(dt)) { td.className = "num"; }
      td.title = t["xml:lang"] ? "@" + t["xml:lang"] : (dt ? short(dt) : "string");
    }
    return td;
  }
  function labelsFor(data) {
    var iris = {};
    data.results.bindings.forEach(function (row) {
      Object.keys(row).forEach(function (k) { if (row[k].type === "uri") { iris[row[k].value] = 1; } });
    });
    var list = Object.keys(iris).slice(0, 5000);
    if (!list.length) { return Promise.resolve({}); }
    return fetch("/labels", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(list) }).then(function (r) { return r.ok ? r.json() : {}; })
      .catch(function () { return {}; });
  }
  function table(data, labels) {
    var vars = data.head.vars, rows = data.results.bindings;
    var wrap = el("div", undefined, "table-wrap");
    var t = el("table", undefined, "results");
    var head = t.createTHead().insertRow();
    vars.forEach(function (v) { head.appendChild(el("th", v)); });
    var body = t.createTBody();
    rows.forEach(function (row) {
      var tr = body.insertRow();
      vars.forEach(function (v) { tr.appendChild(cell(row[v], labels)); });
    });
    wrap.appendChild(t);
    return wrap;
  }
  function showError(status, text, query) {
    var box = $("error");
    box.replaceChildren();
    var m = /error at (\d+):(\d+):?\s*(.*)/.exec(text);
    if (!m) { box.appendChild(el("div", status + ": " + text.trim())); box.hidden = false; return; }
    var line = parseInt(m[1], 10), col = parseInt(m[2], 10), what = m[3].trim();
    what = what.replace(/^expected one of /, "expected one of: ");
    box.appendChild(el("strong", "Syntax error at line " + line + ", column " + col));
    box.appendChild(el("div", what.length > 400 ? what.slice(0, 400) + "…" : what));
    var lines = query.split("\n");
    var pre = el("pre", undefined, "where");
    for (var i = Math.max(1, line - 2); i <= Math.min(lines.length, line + 1); i++) {
      var text2 = lines[i - 1];
      var prefix = String(i).padStart(4, " ") + " | ";
      if (i === line) {
        var at = Math.max(0, Math.min(col - 1, text2.length));
        pre.appendChild(document.createTextNode(prefix + text2.slice(0, at)));
        pre.appendChild(el("mark", text2.slice(at, at + 1) || " "));
        pre.appendChild(document.createTextNode(text2.slice(at + 1) + "\n"));
        pre.appendChild(document.createTextNode(" ".repeat(prefix.length + at) + "^\n"));
      } else {
        pre.appendChild(document.createTextNode(prefix + text2 + "\n"));
      }
    }
    box.appendChild(pre);
    box.hidden = false;
    var area = $("query");
    var offset = lines.slice(0, line - 1).join("\n").length + (line > 1 ? 1 : 0) + col - 1;
    area.focus(); area.setSelectionRange(offset, offset + 1);
  }
  function run() {
    var query = $("query").value;
    $("error").hidden = true; $("status").textContent = "running…";
    var started = performance.now();
    history.replaceState(null, "", "?query=" + encodeURIComponent(query));
    fetch("/sparql", { method: "POST",
      headers: { "Accept": "application/sparql-results+json, text/turtle;q=0.9" },
      body: new URLSearchParams({ query: query }) })
      .then(function (response) {
        return response.text().then(function (text) {
          var ms = Math.round(performance.now() - started);
          if (!response.ok) {
            $("result").replaceChildren();
            showError(response.status, text, query);
            $("status").textContent = "failed in " + ms + " ms";
            return;
          }
          if ((response.headers.get("Content-Type") || "").indexOf("json") < 0) {
            $("result").replaceChildren(el("pre", text, "turtle"));
            $("status").textContent = "graph in " + ms + " ms";
            return;
          }
          var data = JSON.parse(text);
          if ("boolean" in data) {
            $("result").replaceChildren(el("p", "ASK: " + data.boolean));
            $("status").textContent = "answered in " + ms + " ms";
            return;
          }
          return labelsFor(data).then(function (labels) {
            $("result").replaceChildren(table(data, labels));
            var n = data.results.bindings.length;
            $("status").textContent = n + (n === 1 ? " row" : " rows") + " in " + ms + " ms";
          });
        });
      })
      .catch(function (err) { showError("", String(err), query); $("status").textContent = "failed"; });
  }
  function choose(name) {
    var q = QUERIES.filter(function (x) { return x.name === name; })[0];
    if (q) { $("query").value = q.text; run(); }
  }
  Array.prototype.forEach.call(document.querySelectorAll("button[data-name]"), function (b) {
    b.addEventListener("click", function () { choose(b.getAttribute("data-name")); });
  });
  $("run").addEventListener("click", run);
  $("query").addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
  });
  var params = new URLSearchParams(location.search);
  if (params.get("name")) { choose(params.get("name")); }
  else if (params.get("query")) { $("query").value = params.get("query"); run(); }
})();
