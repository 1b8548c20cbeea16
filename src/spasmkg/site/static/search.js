/* Client-side search over assets/search-index.js (window.SPASMKG_INDEX). No network, no libraries.
   Every word typed must occur in the label, a synonym, an everyday term or the CURIE. Red flags come
   first, most urgent first (as `spasmkg search` ranks them), then the better match. */
(function () {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("results");
  var status = document.getElementById("search-status");
  if (!input || !list || !status) { return; }
  var data = window.SPASMKG_INDEX || [];

  function norm(text) {
    return String(text).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[\u2018\u2019\u02bc]/g, "'").replace(/[^a-z0-9' ]+/g, " ").replace(/\s+/g, " ").trim();
  }

  var items = data.map(function (d) {
    return { d: d, label: norm(d.l), names: d.s.map(function (s) { return [s, norm(s)]; }), id: d.i.toLowerCase() };
  });

  function hasAll(text, words) {
    for (var i = 0; i < words.length; i++) { if (text.indexOf(words[i]) < 0) { return false; } }
    return true;
  }

  function score(item, q, words) {
    if (item.label === q) { return { s: 100, via: null }; }
    if (item.label.indexOf(q) === 0) { return { s: 80, via: null }; }
    if ((" " + item.label).indexOf(" " + q) >= 0) { return { s: 70, via: null }; }
    if (hasAll(item.label, words)) { return { s: 60, via: null }; }
    var best = null;
    for (var i = 0; i < item.names.length; i++) {
      var n = item.names[i][1];
      var s = n === q ? 50 : ((" " + n).indexOf(" " + q) >= 0 ? 40 : (hasAll(n, words) ? 30 : 0));
      if (s && (!best || s > best.s)) { best = { s: s, via: item.names[i][0] }; }
    }
    if (best) { return best; }
    if (item.id.indexOf(q) >= 0) { return { s: 20, via: item.d.i }; }
    return null;
  }

  function show(query) {
    var q = norm(query);
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (!q) { status.textContent = ""; return; }
    var words = q.split(" ");
    var hits = [];
    items.forEach(function (item) {
      var m = score(item, q, words);
      if (m) { hits.push({ item: item, s: m.s, via: m.via }); }
    });
    hits.sort(function (a, b) {
      var ra = a.item.d.r || 9, rb = b.item.d.r || 9;
      if (ra !== rb) { return ra - rb; }
      if (a.s !== b.s) { return b.s - a.s; }
      return a.item.label < b.item.label ? -1 : (a.item.label > b.item.label ? 1 : 0);
    });
    status.textContent = hits.length === 0 ? "No concept matches \u201c" + query + "\u201d."
      : hits.length + (hits.length === 1 ? " concept matches." : " concepts match.");
    hits.slice(0, 60).forEach(function (h) {
      var d = h.item.d;
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = d.u;
      a.textContent = d.l;
      li.appendChild(a);
      var cat = document.createElement("span");
      cat.className = "cat";
      cat.textContent = " \u00b7 " + d.c;
      li.appendChild(cat);
      if (d.r) {
        var badge = document.createElement("span");
        badge.className = "badge urgency-" + d.r;
        badge.textContent = "red flag: " + d.w;
        li.appendChild(document.createTextNode(" "));
        li.appendChild(badge);
      }
      if (h.via) {
        var via = document.createElement("span");
        via.className = "matched";
        via.textContent = " (matched \u201c" + h.via + "\u201d)";
        li.appendChild(via);
      }
      list.appendChild(li);
    });
  }

  input.addEventListener("input", function () { show(input.value); });
  document.getElementById("search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    show(input.value);
  });
  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) { input.value = initial; show(initial); }
}());
