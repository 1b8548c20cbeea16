"""Plain JSON for people and notebooks (``spasmkg export -F json``): no RDF library needed.

A JSON array with one object per concept (every individual in the ``skr:`` namespace), sorted by id::

    {"id": "skr:heavy_lifting", "label": "heavy lifting", "types": ["spasmkg:Activity", ...],
     "relations": [{"predicate": "spasmkg:causes", "target": "skr:back_muscle_spasm",
                    "quote": "Back spasms also may follow ...", "support": "stated", "hedges": ["may"]}, ...]}

One relation per edge and piece of evidence: ``support`` is ``stated`` (the quote states it, ECO:0000303),
``inferred`` (a curator concluded it, ECO:0000305) or, with ``inferred=True``, ``entailed`` for an edge
the reasoner derived (``quote`` null). Ids are CURIEs, as the command line prints them.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from spasmkg.namespaces import OA, OBO, SKE, SKR, SPASMKG, curie

if TYPE_CHECKING:
    import rdflib

SUPPORT = {OBO + "ECO_0000303": "stated", OBO + "ECO_0000305": "inferred"}


def concepts(g: rdflib.Graph) -> list[dict[str, Any]]:
    """The concept objects of the graph (see the module docstring), sorted."""
    import rdflib
    from rdflib.namespace import OWL, RDF, RDFS

    sk = rdflib.Namespace(SPASMKG)
    exact = rdflib.URIRef(OA + "exact")
    object_properties = set(g.subjects(RDF.type, OWL.ObjectProperty))
    evidence: dict[tuple[Any, Any, Any], list[dict[str, Any]]] = {}
    for ax in g.subjects(RDF.type, OWL.Axiom):
        s, p, o = (g.value(ax, x) for x in (OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget))
        if p not in object_properties:
            continue
        ev = g.value(ax, sk.hasEvidence)
        if ev is not None:
            eco = g.value(ax, sk.evidenceType)
            quote = g.value(ev, exact)
            evidence.setdefault((s, p, o), []).append(
                {
                    "quote": None if quote is None else str(quote),
                    "support": SUPPORT.get(str(eco)) if eco is not None else None,
                    "hedges": sorted(str(h) for h in g.objects(ax, sk.hedge)),
                }
            )
        elif (ax, sk.derivedBy, None) in g:
            evidence.setdefault((s, p, o), []).append({"quote": None, "support": "entailed", "hedges": []})
    out = []
    subjects = {s for s in g.subjects(RDF.type, None) if isinstance(s, rdflib.URIRef) and str(s).startswith(SKR)}
    for s in sorted(subjects, key=str):
        relations = []
        for p, o in g.predicate_objects(s):
            if p not in object_properties or not isinstance(o, rdflib.URIRef) or str(o).startswith(SKE):
                continue  # an evidence node is not a concept: its quote is on the claim's relation
            for found in evidence.get((s, p, o)) or [{"quote": None, "support": None, "hedges": []}]:
                relations.append({"predicate": curie(str(p)), "target": curie(str(o)), **found})
        relations.sort(key=lambda r: json.dumps(r, sort_keys=True, ensure_ascii=False))
        labels = sorted(str(x) for x in g.objects(s, RDFS.label) if getattr(x, "language", None) in (None, "en"))
        types = sorted(curie(str(t)) for t in g.objects(s, RDF.type) if t != OWL.NamedIndividual)
        label = labels[0] if labels else None
        out.append({"id": curie(str(s)), "label": label, "types": types, "relations": relations})
    return out


def plain_json(g: rdflib.Graph) -> bytes:
    """The concepts as a JSON array (UTF-8, two-space indent, keys in a fixed order): deterministic."""
    return (json.dumps(concepts(g), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
