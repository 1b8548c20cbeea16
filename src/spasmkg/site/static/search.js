/* Client-side search over assets/search-index.js (window.SPASMKG_INDEX). No network, no libraries.
   Every word typed must occur in the label, a synonym, an everyday term or the CURIE. Red flags come
   first, most urgent first (as `spasmkg search` ranks them), then the better match.
   A word that occurs nowhere in the index is taken for a typo ("muscel", "sciatia"): names whose
   every word typed is in them or close to one of their words are listed after all the others, as
   close matches, the closest first (as `spasmkg search` ranks its fuzzy matches); among matches as
   close, red flags first, most urgent first, then the name nearer the query in length. */
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
  // every name and CURIE: a word typed that is in none of them is misspelt
  var everything = items.map(function (item) {
    return [item.label, item.id].concat(item.names.map(function (n) { return n[1]; })).join("\n");
  }).join("\n");

  /* How close two words are: 1 - edits / the longer length, where an edit inserts, deletes or
     replaces a letter or swaps two neighbours (optimal string alignment distance). A word typed is
     close to a word of a name at CLOSE or more: one edit in 4 to 6 letters, two in 7 to 9, three in
     10 to 13; never for 3 letters or fewer. */
  var CLOSE = 0.7;

  function similarity(a, b) {
    var n = Math.max(a.length, b.length);
    if (Math.abs(a.length - b.length) > (1 - CLOSE) * n) { return 0; }
    var before = null, prev = [], cur, i, j, d;
    for (j = 0; j <= b.length; j++) { prev.push(j); }
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      for (j = 1; j <= b.length; j++) {
        d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a.charAt(i - 1) === b.charAt(j - 1) ? 0 : 1));
        if (i > 1 && j > 1 && a.charAt(i - 1) === b.charAt(j - 2) && a.charAt(i - 2) === b.charAt(j - 1)) {
          d = Math.min(d, before[j - 2] + 1);
        }
        cur.push(d);
      }
      before = prev;
      prev = cur;
    }
    return 1 - prev[b.length] / n;
  }

  /* How closely a name matches: null unless every word typed is close to one of its words or part
     of one (which counts as CLOSE: "spa" in "spasm"). s: the mean closeness of the words typed;
     t: how much longer or shorter the name is than the query, negated (the nearer, the better). */
  function closeness(name, q, words, memo) {
    var parts = name.split(" "), total = 0, i, j, best, key;
    for (i = 0; i < words.length; i++) {
      best = name.indexOf(words[i]) >= 0 ? CLOSE : 0;
      for (j = 0; j < parts.length && best < 1; j++) {
        key = words[i] + " " + parts[j];
        if (!memo.hasOwnProperty(key)) { memo[key] = similarity(words[i], parts[j]); }
        best = Math.max(best, memo[key]);
      }
      if (best < CLOSE) { return null; }
      total += best;
    }
    return { s: total / words.length, t: -Math.abs(name.length - q.length), via: null };
  }

  function closeMatch(item, q, words, memo) {
    var best = closeness(item.label, q, words, memo);
    for (var i = 0; i < item.names.length; i++) {
      var m = closeness(item.names[i][1], q, words, memo);
      if (m && (!best || m.s > best.s || (m.s === best.s && m.t > best.t))) {
        best = m;
        best.via = item.names[i][0];
      }
    }
    return best;
  }

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
    var misspelt = words.some(function (w) { return everything.indexOf(w) < 0; });
    var hits = [], close = 0, memo = {};
    items.forEach(function (item) {
      var m = score(item, q, words);
      if (m) {
        hits.push({ item: item, s: m.s, t: 0, via: m.via, close: false });
      } else if (misspelt && (m = closeMatch(item, q, words, memo))) {
        hits.push({ item: item, s: m.s, t: m.t, via: m.via, close: true });
        close++;
      }
    });
    hits.sort(function (a, b) {
      var ra = a.item.d.r || 9, rb = b.item.d.r || 9;
      if (a.close !== b.close) { return a.close ? 1 : -1; }
      if (a.close && a.s !== b.s) { return b.s - a.s; }
      if (ra !== rb) { return ra - rb; }
      if (a.s !== b.s) { return b.s - a.s; }
      if (a.t !== b.t) { return b.t - a.t; }
      return a.item.label < b.item.label ? -1 : (a.item.label > b.item.label ? 1 : 0);
    });
    var exact = hits.length - close;
    status.textContent = hits.length === 0 ? "No concept matches \u201c" + query + "\u201d."
      : (exact ? exact + (exact === 1 ? " concept matches" : " concepts match") : "No exact match")
        + (close ? (exact ? "; " : ": ") + close + (close === 1 ? " close match." : " close matches.") : ".");
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
      if (h.close || h.via) {
        var via = document.createElement("span");
        via.className = "matched";
        via.textContent = h.close
          ? " (close match for \u201c" + query.trim() + "\u201d" + (h.via ? ": \u201c" + h.via + "\u201d)" : ")")
          : " (matched \u201c" + h.via + "\u201d)";
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
