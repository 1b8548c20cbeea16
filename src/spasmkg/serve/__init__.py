"""``spasmkg serve`` and ``spasmkg publish``: the graph as a read-only SPARQL 1.1 endpoint, and
uploaded to any SPARQL 1.1 Graph Store.

Design, chosen after measuring three (``python bench/serve_load.py --compare``; 8 clients x 200
named queries on loopback, the row count of every answer checked; this project's 2-core machine
while other test suites ran, load average 6-9; the table is in ``bench/results.md``):

=====================================================================  =====  =====  =====  ========
engine behind the same kind of Starlette/uvicorn front                  p50    p90    p99    queries/s
=====================================================================  =====  =====  =====  ========
**pyoxigraph in worker processes (chosen)**                              88 ms  180    345    74
Oxigraph server (PyPI ``oxigraph``), read-only on-disk store, alone      85     704    999    31
pyoxigraph in a Starlette thread pool                                    86     144    187    86
=====================================================================  =====  =====  =====  ========

* The Oxigraph server (the first design built: it ships a server and can cancel a query) is 2-3x
  slower here because its read-only mode needs the on-disk RocksDB store (the in-memory mode is
  read-write); its cancellation is coarse (a 2 s limit stopped a triple cross product after
  20-30 s), and its private loopback port would accept ``SERVICE`` queries from other local users.
* pyoxigraph in a thread pool is fastest, but pyoxigraph cannot interrupt a query: a client
  sending ``SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }`` would keep a core busy
  for hours after its timeout, and a few such queries take the server down.
* **Chosen**: Starlette on uvicorn (maintained, no hand-written HTTP) in front of
  :mod:`spasmkg.serve.workers`: pyoxigraph in-memory stores in ``spawn``-ed worker processes (one
  per core, 2-8), talking over pipes. A query past ``--timeout`` gets 503 at the deadline and its
  worker is killed and replaced (measured: 503 after 2.04 s for a 2 s limit, the workers' CPU
  then 0, the next query answered in 7 ms). About 15 % below the thread pool, 2.4x the Oxigraph
  server.

What the front guarantees (:mod:`spasmkg.serve.app`): every query is checked by
:func:`spasmkg.engine.sparqlcheck.check_query` before a worker sees it: ``SERVICE`` and ``LOAD``
get 403, updates (``update=``, ``application/sparql-update``, ``/update``) 403, Graph Store writes
(PUT/DELETE/POST anywhere else) 403/405, malformed requests 400/406/413/415, all as one line of
text. Results are serialised by pyoxigraph in the negotiated format (SPARQL JSON/XML/CSV/TSV;
Turtle, N-Triples, RDF/XML, JSON-LD, ... for CONSTRUCT/DESCRIBE) through a writer capped at
``--max-result-mb`` (507 above it, never a cut result). The page at ``/`` is vendored static
HTML+JS (no CDN; its Content-Security-Policy lets it load nothing from elsewhere). The serving
process keeps the no-network audit hook on (it only listens), and so do the workers.
"""
