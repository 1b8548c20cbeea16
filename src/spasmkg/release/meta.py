"""What the release says about itself, read from the ontology header in the graph (never the clock)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from spasmkg.errors import InputError
from spasmkg.namespaces import DCTERMS, OWL, RDF

if TYPE_CHECKING:
    import rdflib

#: The ontology whose header describes the release.
ONTOLOGY_IRI = "https://w3id.org/spasmkg/spasmkg.owl"
#: The SHACL shapes graph the data conform to (``ontology/shapes.ttl``).
SHAPES_IRI = "https://w3id.org/spasmkg/shapes"


@dataclass(frozen=True)
class ReleaseInfo:
    ontology: str
    version: str
    version_iri: str
    license: str
    title: str
    description: str
    creators: tuple[str, ...] = ()
    #: dcterms date properties of the header (local name -> lexical value), e.g. ``{"modified": "2026-11-30"}``.
    dates: dict[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        """The release folder IRI: the version IRI without its file name."""
        return self.version_iri.rsplit("/", 1)[0] + "/"


def release_info(g: rdflib.Graph) -> ReleaseInfo:
    """The ontology header's version, version IRI, licence, title, description, creators and dates.

    Raises InputError when the header lacks a version, a version IRI or a licence (a release needs them).
    """
    import rdflib

    onto = rdflib.URIRef(ONTOLOGY_IRI)
    if (onto, rdflib.URIRef(RDF + "type"), rdflib.URIRef(OWL + "Ontology")) not in g:
        raise InputError(f"the graph has no ontology header <{ONTOLOGY_IRI}>; cannot make a release")

    def values(pred: str) -> list[str]:
        return sorted(str(o) for o in g.objects(onto, rdflib.URIRef(pred)))

    def one(pred: str, what: str) -> str:
        found = values(pred)
        if len(found) != 1:
            raise InputError(f"the ontology header needs exactly one {what} for a release (found {len(found)})")
        return found[0]

    dates = {}
    for name in ("created", "issued", "modified"):
        found = values(DCTERMS + name)
        if found:
            dates[name] = found[-1]
    titles = values(DCTERMS + "title")
    descriptions = values(DCTERMS + "description")
    return ReleaseInfo(
        ontology=ONTOLOGY_IRI,
        version=one(OWL + "versionInfo", "owl:versionInfo"),
        version_iri=one(OWL + "versionIRI", "owl:versionIRI"),
        license=one(DCTERMS + "license", "dcterms:license"),
        title=titles[0] if titles else "spasmkg",
        description=descriptions[0] if descriptions else "",
        creators=tuple(values(DCTERMS + "creator")),
        dates=dates,
    )
