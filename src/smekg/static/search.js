/* Client-side search over the prebuilt index (search-index.js sets window.SMEKG_INDEX to
   [label, kind, definition or statement, page] entries). Every word typed must occur in the label or the text;
   matches in the label rank first. Works from file:// (no fetch). */
(function () {
  "use strict";
  var index = window.SMEKG_INDEX || [];
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var list = document.getElementById("results");
  var status = document.getElementById("search-status");
  var LIMIT = 200;

  function words(text) {
    return text.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
  }

  function score(entry, terms) {
    var label = entry[0].toLowerCase();
    var body = entry[2].toLowerCase();
    var total = 0;
    for (var i = 0; i < terms.length; i++) {
      if (label.indexOf(terms[i]) >= 0) { total += 10; }
      else if (body.indexOf(terms[i]) >= 0) { total += 1; }
      else { return 0; }
    }
    return total + (label === terms.join(" ") ? 100 : 0);
  }

  function show(query) {
    var terms = words(query);
    list.textContent = "";
    if (!terms.length) { status.textContent = ""; return; }
    var hits = [];
    for (var i = 0; i < index.length; i++) {
      var s = score(index[i], terms);
      if (s > 0) { hits.push([s, index[i]]); }
    }
    hits.sort(function (a, b) { return b[0] - a[0] || a[1][0].localeCompare(b[1][0]); });
    status.textContent = hits.length + " match" + (hits.length === 1 ? "" : "es") +
      (hits.length > LIMIT ? " (the first " + LIMIT + " shown)" : "");
    hits.slice(0, LIMIT).forEach(function (hit) {
      var entry = hit[1];
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = entry[3];
      link.textContent = entry[0];
      var kind = document.createElement("span");
      kind.className = "kind-tag";
      kind.textContent = entry[1];
      item.appendChild(link);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(kind);
      if (entry[2]) {
        var text = document.createElement("p");
        text.className = "def";
        text.textContent = entry[2].length > 240 ? entry[2].slice(0, 237) + "…" : entry[2];
        item.appendChild(text);
      }
      list.appendChild(item);
    });
  }

  var given = new URLSearchParams(window.location.search).get("q") || "";
  input.value = given;
  show(given);
  input.addEventListener("input", function () { show(input.value); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    show(input.value);
  });
})();
