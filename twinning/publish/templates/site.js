// Progressive enhancement only: without JavaScript, every list and table is complete.
"use strict";
(function () {
  function normal(text) { return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }

  // The search box: a small index (search.json) of communes, partners and partnerships.
  var box = document.querySelector(".search");
  if (box) {
    box.hidden = false;
    var input = box.querySelector("input"), list = box.querySelector("ul"), entries = null;
    var language = box.dataset.language, root = box.dataset.root, suffix = box.dataset.suffix;
    var load = function () {
      if (entries) return Promise.resolve(entries);
      return fetch(box.dataset.index).then(function (r) { return r.json(); }).then(function (data) {
        entries = data.map(function (e) { return {e: e, key: normal(e.fr + " " + e.en + " " + e.c.fr + " " + e.c.en)}; });
        return entries;
      });
    };
    input.addEventListener("focus", load, {once: true});
    input.addEventListener("input", function () {
      var words = normal(input.value).split(/\s+/).filter(Boolean);
      list.textContent = "";
      if (!words.length) return;
      load().then(function (all) {
        var found = all.filter(function (x) { return words.every(function (w) { return x.key.indexOf(w) >= 0; }); });
        list.textContent = "";
        if (!found.length) { var none = document.createElement("li"); none.textContent = box.dataset.none; list.appendChild(none); return; }
        found.slice(0, 20).forEach(function (x) {
          var li = document.createElement("li"), a = document.createElement("a"), small = document.createElement("small");
          a.href = root + "/" + x.e.p + suffix;
          a.textContent = x.e[language];
          small.textContent = " · " + x.e.t[language] + (x.e.c[language] ? " · " + x.e.c[language] : "");
          li.appendChild(a); li.appendChild(small); list.appendChild(li);
        });
      }).catch(function () { box.hidden = true; });
    });
  }

  // The partnerships table: filters and sorting.
  var table = document.querySelector("table.sortable");
  if (!table) return;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var form = document.querySelector("form.filters");
  if (form) {
    form.hidden = false;
    var selects = form.querySelectorAll("select"), output = form.querySelector("output");
    var apply = function () {
      var shown = 0;
      rows.forEach(function (row) {
        var keep = Array.prototype.every.call(selects, function (s) {
          return !s.value || row.dataset[s.dataset.filter].split("|").indexOf(s.value) >= 0;
        });
        row.hidden = !keep;
        if (keep) shown += 1;
      });
      output.textContent = shown;
    };
    Array.prototype.forEach.call(selects, function (s) { s.addEventListener("change", apply); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
  }
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
    var button = document.createElement("button");
    button.type = "button"; button.className = "sort"; button.textContent = th.textContent;
    th.textContent = ""; th.appendChild(button);
    button.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var key = function (row) { return th.dataset.key === "start" ? (row.dataset.start || "~") : normal(row.cells[column].textContent); };
      rows.sort(function (a, b) { var x = key(a), y = key(b); return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1); });
      rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
    });
  });
})();
