// spasmkg query page: plain JavaScript, no library, nothing loaded from elsewhere.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  let named = [];

  function text(el, value) { el.textContent = value; return el; }

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      td.className = "iri";
    } else if (term.type === "bnode") {
      td.className = "bnode";
    }
    return text(td, term.value);
  }

  function renderJson(doc) {
    const out = $("results");
    out.replaceChildren();
    if (typeof doc.boolean === "boolean") {
      text($("status"), "ASK: " + doc.boolean);
      return;
    }
    const vars = doc.head.vars;
    const rows = doc.results.bindings;
    const table = document.createElement("table");
    table.id = "result-table";
    const head = table.createTHead().insertRow();
    for (const v of vars) head.appendChild(text(document.createElement("th"), v));
    const body = table.createTBody();
    for (const row of rows) {
      const tr = body.insertRow();
      for (const v of vars) tr.appendChild(cell(row[v]));
    }
    out.appendChild(table);
    text($("status"), "(" + rows.length + (rows.length === 1 ? " row)" : " rows)"));
  }

  function renderText(body) {
    const pre = document.createElement("pre");
    pre.id = "result-text";
    $("results").replaceChildren(text(pre, body));
  }

  async function run(event) {
    event.preventDefault();
    const accept = $("accept").value;
    text($("status"), "running…");
    $("results").replaceChildren();
    const started = performance.now();
    try {
      const resp = await fetch("/query", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": accept },
        body: new URLSearchParams({ query: $("query").value }),
      });
      const body = await resp.text();
      if (!resp.ok) {
        text($("status"), "error " + resp.status + ": " + body.trim());
        return;
      }
      const ms = Math.round(performance.now() - started);
      if ((resp.headers.get("Content-Type") || "").includes("sparql-results+json")) {
        renderJson(JSON.parse(body));
      } else {
        renderText(body);
        text($("status"), "done");
      }
      $("status").textContent += " in " + ms + " ms";
    } catch (err) {
      text($("status"), "error: " + err);
    }
  }

  function choose() {
    const q = named.find((n) => n.name === $("named").value);
    text($("summary"), q ? q.summary : "");
    if (q) $("query").value = q.text;
  }

  async function init() {
    $("form").addEventListener("submit", run);
    $("named").addEventListener("change", choose);
    try {
      named = await (await fetch("/queries.json")).json();
      for (const q of named) {
        const opt = document.createElement("option");
        opt.value = q.name;
        $("named").appendChild(text(opt, q.name));
      }
    } catch (err) {
      text($("summary"), "named queries unavailable: " + err);
    }
    const wanted = new URLSearchParams(window.location.search).get("named");
    if (wanted && named.some((n) => n.name === wanted)) {
      $("named").value = wanted;
      choose();
    }
    document.body.dataset.ready = "true";
  }

  init();
})();
