"""Every vocabulary the code names, in one place. rdflib's own (RDF, RDFS, OWL, XSD, SKOS, DCTERMS,
DCAT, FOAF, VOID) come from rdflib; the project's ontology lives under the base IRI, so its namespace
is the settings' `tw`.

These are plain `Namespace`s rather than rdflib's closed `DefinedNamespace`s, which check every term
on each use: a build reads these terms hundreds of thousands of times."""

from __future__ import annotations

from rdflib import Namespace

OA = Namespace("http://www.w3.org/ns/oa#")  # Web Annotation: quotes (oa:exact)
PROV = Namespace("http://www.w3.org/ns/prov#")  # PROV-O: where a quote comes from (prov:wasQuotedFrom)
ORG = Namespace("http://www.w3.org/ns/org#")  # W3C ORG: network membership
SH = Namespace("http://www.w3.org/ns/shacl#")
WD = Namespace("http://www.wikidata.org/entity/")  # Wikidata items
WDT = Namespace("http://www.wikidata.org/prop/direct/")  # Wikidata's direct properties (wdt:P190)
GEO = Namespace("http://www.opengis.net/ont/geosparql#")  # GeoSPARQL: coordinates as WKT
DCATAP = Namespace("http://data.europa.eu/r5r/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"  # the EU's controlled vocabularies
IANA = "https://www.iana.org/assignments/media-types/"
