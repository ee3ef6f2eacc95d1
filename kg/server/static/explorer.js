// kg explorer: filtering and sorting of the country index (no other script runs on the pages;
// everything works without it, it only saves round trips).
(function () {
  "use strict";
  var search = document.getElementById("search");
  var table = document.getElementById("countries");
  if (search && table) {
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var shown = document.getElementById("shown");
    var filter = function () {
      var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
      var n = 0;
      rows.forEach(function (row) {
        var hay = (row.getAttribute("data-search") || "").toLowerCase();
        var ok = words.every(function (w) { return hay.indexOf(w) >= 0; });
        row.classList.toggle("hidden", !ok);
        if (ok) { n += 1; }
      });
      if (shown) { shown.textContent = n + " of " + rows.length + " countries"; }
    };
    search.addEventListener("input", filter);
    if (search.value) { filter(); }
  }
  // Client-side sorting of tables marked data-sortable="client" (header buttons).
  Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable=client]"),
    function (t) {
      Array.prototype.forEach.call(t.tHead.rows[0].cells, function (th, col) {
        var button = th.querySelector("button");
        if (!button) { return; }
        button.addEventListener("click", function () {
          var body = t.tBodies[0];
          var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
          Array.prototype.forEach.call(t.tHead.rows[0].cells, function (c) {
            c.removeAttribute("aria-sort");
          });
          th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
          var items = Array.prototype.slice.call(body.rows);
          items.sort(function (a, b) {
            var x = a.cells[col].getAttribute("data-key") || a.cells[col].textContent;
            var y = b.cells[col].getAttribute("data-key") || b.cells[col].textContent;
            var nx = parseFloat(x), ny = parseFloat(y);
            if (!isNaN(nx) && !isNaN(ny)) { return (nx - ny) * dir; }
            return x.localeCompare(y) * dir;
          });
          items.forEach(function (r) { body.appendChild(r); });
        });
      });
    });
})();
