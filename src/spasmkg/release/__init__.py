"""Release artefacts (``spasmkg release -o DIR``): the graph as OWL RDF/XML, Turtle, JSON-LD and
N-Triples (asserted and with entailments), SSSOM mappings, KGX with Biolink, VoID/DCAT and SHA256SUMS.

Layer 7: imports network, reason, engine, kb, io and the layer-0 modules, never api, cli, serve or site.
"""

from __future__ import annotations

__all__ = ["build", "write"]

from spasmkg.release.bundle import build, write
