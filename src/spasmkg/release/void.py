"""``void.ttl``: the release described in VoID and DCAT.

Two datasets: the asserted graph (``<RELEASE/>``) and the graph with its entailments
(``<RELEASE/#inferred>``), each with its triple, entity, class and property counts and one
``dcat:Distribution`` per file (download URL, media type, byte size, SHA-256 as ``spdx:checksum``).
Version, version IRI, licence, title and creators come from the ontology header; the source corpus
is named with its SHA-256 and size; the asserted data ``dct:conformsTo`` the SHACL shapes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from spasmkg.namespaces import RDF, SPASMKG
from spasmkg.release.meta import SHAPES_IRI, ReleaseInfo

if TYPE_CHECKING:
    import rdflib

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
SPDX = "http://spdx.org/rdf/terms#"
PROV = "http://www.w3.org/ns/prov#"
FOAF = "http://xmlns.com/foaf/0.1/"
IANA = "http://www.iana.org/assignments/media-types/"
SSSOM_SPEC = "https://w3id.org/sssom/"
BIOLINK = "https://w3id.org/biolink/vocab/"


@dataclass(frozen=True)
class GraphStats:
    triples: int
    entities: int
    classes: int
    properties: int
    distinct_subjects: int
    distinct_objects: int


def graph_stats(g: rdflib.Graph) -> GraphStats:
    """VoID counts: triples, entities (IRI subjects in the spasmkg namespace), classes used with
    ``rdf:type``, distinct predicates, distinct subjects and objects."""
    import rdflib

    type_ = rdflib.URIRef(RDF + "type")
    subjects, objects, predicates, classes = set(), set(), set(), set()
    for s, p, o in g:
        subjects.add(s)
        objects.add(o)
        predicates.add(p)
        if p == type_:
            classes.add(o)
    entities = {s for s in subjects if isinstance(s, rdflib.URIRef) and str(s).startswith(SPASMKG)}
    return GraphStats(len(g), len(entities), len(classes), len(predicates), len(subjects), len(objects))


@dataclass(frozen=True)
class Corpus:
    iri: str
    label: str
    sha256: str
    size: int


def void_ttl(
    info: ReleaseInfo,
    asserted: GraphStats,
    inferred: GraphStats | None,
    files: Mapping[str, bytes],
    datasets: Mapping[str, str],
    corpus: Corpus | None,
    conforms: Mapping[str, str],
) -> bytes:
    """The VoID/DCAT description as Turtle (deterministic).

    ``datasets`` says which dataset each described file is a distribution of (``""`` asserted,
    ``"inferred"``); files not in it are not described. ``conforms`` gives a file's ``dct:conformsTo``.
    """
    import rdflib
    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import OWL, RDFS, XSD

    from spasmkg.io.rdf import canonical
    from spasmkg.release.artefacts import media_type

    g = rdflib.Graph()
    for prefix, ns in {
        "void": VOID, "dcat": DCAT, "dct": DCT, "spdx": SPDX, "prov": PROV, "foaf": FOAF, "owl": str(OWL),
        "rdfs": str(RDFS), "xsd": str(XSD), "skr": SPASMKG + "resource/", "spasmkg": SPASMKG,
    }.items():  # fmt: skip
        g.bind(prefix, ns)
    v, dcat, dct, spdx = (rdflib.Namespace(x) for x in (VOID, DCAT, DCT, SPDX))
    a = rdflib.RDF.type
    base = info.base
    main = URIRef(base)
    shapes = URIRef(SHAPES_IRI)

    def dataset(node: URIRef, title: str, stats: GraphStats) -> None:
        g.add((node, a, v.Dataset))
        g.add((node, a, dcat.Dataset))
        g.add((node, dct.title, Literal(title, lang="en")))
        g.add((node, dct.license, URIRef(info.license)))
        g.add((node, dcat.version, Literal(info.version)))
        g.add((node, OWL.versionInfo, Literal(info.version)))
        g.add((node, dct.isVersionOf, URIRef(SPASMKG)))
        for creator in info.creators:
            g.add((node, dct.creator, Literal(creator)))
        for name, value in info.dates.items():
            g.add((node, dct[name], Literal(value, datatype=XSD.date if len(value) == 10 else None)))
        g.add((node, v.uriSpace, Literal(SPASMKG)))
        g.add((node, v.vocabulary, URIRef(SPASMKG)))
        g.add((node, v.triples, Literal(stats.triples, datatype=XSD.integer)))
        g.add((node, v.entities, Literal(stats.entities, datatype=XSD.integer)))
        g.add((node, v.classes, Literal(stats.classes, datatype=XSD.integer)))
        g.add((node, v.properties, Literal(stats.properties, datatype=XSD.integer)))
        g.add((node, v.distinctSubjects, Literal(stats.distinct_subjects, datatype=XSD.integer)))
        g.add((node, v.distinctObjects, Literal(stats.distinct_objects, datatype=XSD.integer)))
        g.add((node, v.exampleResource, URIRef(SPASMKG + "resource/back_muscle_spasm")))
        if corpus is not None:
            g.add((node, dct.source, URIRef(corpus.iri)))

    dataset(main, info.title, asserted)
    g.add((main, dct.description, Literal(info.description, lang="en")))
    g.add((main, OWL.versionIRI, URIRef(info.version_iri)))
    g.add((main, dct.conformsTo, shapes))
    g.add((shapes, a, dct.Standard))
    g.add((shapes, RDFS.label, Literal("spasmkg SHACL shapes", lang="en")))
    nodes = {"": main}
    if inferred is not None:
        inf = URIRef(base + "#inferred")
        dataset(inf, info.title + " (with entailments)", inferred)
        g.add(
            (
                inf,
                dct.description,
                Literal(
                    "The asserted graph plus the triples the spasmkg materialiser derives from the ontology "
                    "(inverses, property chains, types); each derived triple is reified with spasmkg:derivedBy.",
                    lang="en",
                ),
            )
        )
        g.add((inf, URIRef(PROV + "wasDerivedFrom"), main))
        nodes["inferred"] = inf

    for name in sorted(datasets):
        data = files[name]
        dist = URIRef(base + name)
        g.add((nodes[datasets[name]], dcat.distribution, dist))
        g.add((dist, a, dcat.Distribution))
        g.add((dist, dct.title, Literal(name)))
        g.add((dist, dcat.downloadURL, dist))
        g.add((dist, dcat.mediaType, URIRef(IANA + media_type(name))))
        if name.endswith(".gz"):
            g.add((dist, dcat.compressFormat, URIRef(IANA + "application/gzip")))
        g.add((dist, dcat.byteSize, Literal(len(data), datatype=XSD.nonNegativeInteger)))
        g.add((dist, dct.license, URIRef(info.license)))
        checksum = BNode()
        g.add((dist, spdx.checksum, checksum))
        g.add((checksum, a, spdx.Checksum))
        g.add((checksum, spdx.algorithm, spdx.checksumAlgorithm_sha256))
        g.add((checksum, spdx.checksumValue, Literal(hashlib.sha256(data).hexdigest(), datatype=XSD.hexBinary)))
        if name in conforms:
            g.add((dist, dct.conformsTo, URIRef(conforms[name])))

    if corpus is not None:
        doc = URIRef(corpus.iri)
        g.add((doc, a, URIRef(FOAF + "Document")))
        g.add((doc, RDFS.label, Literal(corpus.label, lang="en")))
        g.add((doc, dcat.byteSize, Literal(corpus.size, datatype=XSD.nonNegativeInteger)))
        checksum = BNode()
        g.add((doc, spdx.checksum, checksum))
        g.add((checksum, a, spdx.Checksum))
        g.add((checksum, spdx.algorithm, spdx.checksumAlgorithm_sha256))
        g.add((checksum, spdx.checksumValue, Literal(corpus.sha256, datatype=XSD.hexBinary)))
    out = canonical(g)  # content-derived blank-node labels: the same description gives the same bytes
    for prefix in ("void", "dcat", "spdx", "prov", "foaf"):
        out.bind(prefix, dict(g.namespaces())[prefix], replace=True)
    return out.serialize(format="longturtle").encode("utf-8")
