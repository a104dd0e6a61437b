"""Pages and RDF documents for the IRIs the publication mints outside the resources' own pages, so that
every one of them answers in HTML and in RDF: the ontology's namespace and version IRI (its
documentation, as pyLODE and Widoco write it: every class, property and concept scheme with its
labels and definitions in French and English), the dataset and the catalogue.

A namespace IRI ends with "/" (…/ontology/): its files are that folder's index (ontology/index.html,
ontology/index.ttl, …), which a static server gives for the folder."""

from __future__ import annotations

from typing import Callable, Iterable

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from . import dumps
from .site import Site
from .words import LANGUAGES, page_suffix, page_title

VANN = "http://purl.org/vocab/vann/"
PROPERTY_KINDS = ((OWL.ObjectProperty, "Propriétés d'objet", "Object properties", "object-properties"),
                  (OWL.DatatypeProperty, "Propriétés de données", "Datatype properties", "datatype-properties"),
                  (OWL.AnnotationProperty, "Propriétés d'annotation", "Annotation properties", "annotation-properties"))
CHARACTERISTICS = (OWL.SymmetricProperty, OWL.TransitiveProperty, OWL.FunctionalProperty,
                   OWL.InverseFunctionalProperty, OWL.AsymmetricProperty, OWL.IrreflexiveProperty)


DOCUMENTATION_TITLE = {"fr": "Ontologie des jumelages : documentation", "en": "Twinning ontology: documentation"}


def in_language(graph: Graph, node, properties: Iterable, language: str) -> str:
    """The first of the properties that has a value in that language."""
    for prop in properties:
        for value in sorted(graph.objects(node, prop), key=str):
            if isinstance(value, Literal) and value.language == language:
                return str(value)
    return ""


class OntologyDocumentation:
    """What the documentation page shows, read from the publication graph."""

    def __init__(self, site: Site, ontology: URIRef, page: str):
        self.site, self.graph, self.ontology, self.page = site, site.graph, ontology, page
        self.namespace = str(site.tw)

    def ours(self, node) -> bool:
        return isinstance(node, URIRef) and str(node).startswith(self.namespace)

    def reference(self, node) -> dict:
        """A term as the page links it: to its entry on this page if it is ours, else to its own page or IRI."""
        text = str(node)
        local = text[len(self.namespace):] if self.ours(node) else None
        return {"label": self.site.label(node), "label_en": self.site.label(node, "en"),
                "href": f"#{local}" if local else self.site.href(node, self.page),
                "name": f"tw:{local}" if local else self.site.prefixed_name(node) if isinstance(node, URIRef) else text}

    def texts(self, node) -> dict:
        g = self.graph
        return {language: {"label": in_language(g, node, (SKOS.prefLabel, RDFS.label), language),
                           "definition": in_language(g, node, (SKOS.definition, RDFS.comment), language),
                           "comment": (in_language(g, node, (RDFS.comment,), language)
                                       if (node, SKOS.definition, None) in g else ""),
                           "scope": in_language(g, node, (SKOS.scopeNote,), language)}
                for language in ("fr", "en")}

    def addresses(self, nodes) -> list[dict]:
        """IRIs the page shows as themselves (licence, see also, matches): a link only where site.href
        makes one, so an IRI of another scheme than http(s) or mailto is shown as text."""
        return [{"iri": str(n), "href": self.site.href(n, self.page)} for n in sorted(set(nodes), key=str)]

    def references(self, nodes) -> list[dict]:
        return [self.reference(n) for n in sorted(set(nodes), key=str) if isinstance(n, URIRef)]

    def term(self, node) -> dict:
        return {"iri": str(node), "anchor": str(node)[len(self.namespace):], **self.reference(node),
                "page": self.site.href(node, self.page), "texts": self.texts(node)}

    def classes(self) -> list[dict]:
        g = self.graph
        found = []
        for cls in sorted(filter(self.ours, set(g.subjects(RDF.type, OWL.Class))), key=str):
            found.append({**self.term(cls),
                          "superclasses": self.references(g.objects(cls, RDFS.subClassOf)),
                          "subclasses": self.references(g.subjects(RDFS.subClassOf, cls)),
                          "domain_of": self.references(g.subjects(RDFS.domain, cls)),
                          "range_of": self.references(g.subjects(RDFS.range, cls))})
        return found

    def properties(self, kind) -> list[dict]:
        g = self.graph
        return [{**self.term(prop),
                 "domain": self.references(g.objects(prop, RDFS.domain)),
                 "range": self.references(g.objects(prop, RDFS.range)),
                 "superproperties": self.references(g.objects(prop, RDFS.subPropertyOf)),
                 "inverse": self.references(g.objects(prop, OWL.inverseOf)),
                 "characteristics": [self.reference(c)["name"] for c in CHARACTERISTICS if (prop, RDF.type, c) in g]}
                for prop in sorted(filter(self.ours, set(g.subjects(RDF.type, kind))), key=str)]

    def schemes(self) -> list[dict]:
        g = self.graph
        found = []
        for scheme in sorted(set(g.subjects(RDF.type, SKOS.ConceptScheme)), key=str):
            if not str(scheme).startswith(self.site.base_iri):
                continue
            concepts = [{"iri": str(c), "page": self.site.href(c, self.page), "texts": self.texts(c),
                         "notation": self.site.prefixed_name(c),
                         "broader": self.references(g.objects(c, SKOS.broader)),
                         "matches": [match for p in (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch,
                                                     SKOS.narrowMatch, SKOS.relatedMatch)
                                     for match in self.addresses(g.objects(c, p))]}
                        for c in sorted(set(g.subjects(SKOS.inScheme, scheme)), key=str)]
            found.append({"iri": str(scheme), "page": self.site.href(scheme, self.page),
                          "anchor": "scheme-" + str(scheme).rstrip("/").rsplit("/", 1)[-1],
                          "texts": self.texts(scheme), "concepts": concepts})
        return found

    def header(self) -> dict:
        g, o = self.graph, self.ontology
        def first(prop):
            value = g.value(o, prop)
            return str(value) if value is not None else ""
        return {"iri": str(o), "page": self.site.href(o, self.page), "texts": self.texts(o),
                "version": first(OWL.versionInfo), "version_iri": first(OWL.versionIRI),
                "version_href": self.site.href(g.value(o, OWL.versionIRI), self.page) if g.value(o, OWL.versionIRI) else "",
                "licences": self.addresses(g.objects(o, DCTERMS.license)),
                "creators": self.references(g.objects(o, DCTERMS.creator)),
                "prefix": first(URIRef(VANN + "preferredNamespacePrefix")),
                "namespace": first(URIRef(VANN + "preferredNamespaceUri")) or self.namespace,
                "imports": [str(i) for i in sorted(g.objects(o, OWL.imports), key=str)],
                "see_also": self.addresses(g.objects(o, RDFS.seeAlso))}

    def view(self) -> dict:
        return {"ontology": self.header(), "classes": self.classes(), "schemes": self.schemes(),
                "properties": [{"title": fr, "title_en": en, "anchor": anchor, "terms": self.properties(kind)}
                               for kind, fr, en, anchor in PROPERTY_KINDS]}


def document_stem(iri: str, base: str) -> str:
    """The files of an IRI, without extension: a namespace ("…/ontology/") is its folder's index."""
    path = iri[len(base):]
    return path + "index" if path.endswith("/") or not path else path


def write_ontology_documents(site: Site, vocabulary: Iterable[tuple], formats: dict[str, dumps.Framing],
                             write: Callable[[str, bytes | str], None]) -> list[str]:
    """The documentation, with the vocabulary as Turtle, N-Triples and JSON-LD, at the ontology's
    namespace and at its version IRI. Gives the stems written."""
    graph, base = site.graph, site.base_iri
    ordered = dumps.sorted_triples(vocabulary)
    written = []
    for ontology in sorted(graph.subjects(RDF.type, OWL.Ontology), key=str):
        iris = [str(n) for n in (graph.value(ontology, URIRef(VANN + "preferredNamespaceUri")),
                                 graph.value(ontology, OWL.versionIRI)) if n is not None]
        for iri in iris:
            if not iri.startswith(base):
                continue
            stem = document_stem(iri, base)
            view = OntologyDocumentation(site, ontology, f"{stem}.html").view()
            for language in LANGUAGES:
                write(stem + page_suffix(language), site.render(
                    "ontology-doc.html", stem, language, page_title=page_title(DOCUMENTATION_TITLE[language], language),
                    this_iri=iri, **view))
            for extension, framing in formats.items():
                write(f"{stem}.{extension}", dumps.framed(framing, ordered))
            written.append(stem)
    return written


def write_catalogue_documents(catalogue: Graph, void: Graph, site: Site, context: str, used: set,
                              write: Callable[[str, bytes | str], None]) -> list[str]:
    """A page for the catalogue and one for the dataset, with RDF documents: the catalogue's are the
    whole catalogue (catalog.ttl and catalog.jsonld are written with it; N-Triples here), the
    dataset's are its DCAT and VoID descriptions. Their titles serve as the pages' labels. Adds the
    prefixes its JSON-LD writes to `used`, for the context. Gives the stems written."""
    published = Graph()
    for triple in (*catalogue, *void):
        published.add(triple)
    for prefix, namespace in (*catalogue.namespaces(), *void.namespaces()):
        published.bind(prefix, namespace, override=False)
    shown = Graph()
    shown.namespace_manager = published.namespace_manager
    for triple in published:
        shown.add(triple)
    for subject, title in published.subject_objects(DCTERMS.title):
        shown.add((subject, RDFS.label, title))
    pages = Site(shown, site.base_iri, site.tw)
    for path in [p for p in pages.documents if p.endswith(".html")]:  # the home page: a file, not a resource
        del pages.documents[path]
    prefixes = dumps.Prefixes(published)
    formats = {"ttl": dumps.turtle_framing(prefixes), "nt": dumps.NTRIPLES,
               "jsonld": dumps.jsonld_framing(prefixes, context)}
    write("catalog.nt", dumps.framed(dumps.NTRIPLES, dumps.sorted_triples(catalogue)))
    written = []
    for iri in (site.base_iri + "catalog", site.base_iri + "dataset/twinning"):
        stem = document_stem(iri, site.base_iri)
        for extension, page in pages.resource_pages(stem).items():
            write(f"{stem}.{extension}", page)
        written.append(stem)
        if stem == "catalog":
            continue
        ordered = dumps.sorted_triples(t for s in pages.documents[stem] for t in published.triples((s, None, None)))
        for extension, framing in formats.items():
            own: set = set()  # Turtle declares the prefixes of this document only
            write(f"{stem}.{extension}", framing.whole(framing.body(ordered, own), own))
            used |= own
    return written
