"""The ontology, its concept schemes and the shapes, checked as vocabularies are."""

from __future__ import annotations

from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from twinning.check.shacl import check_shapes

VANN = Namespace("http://purl.org/vocab/vann/")


def test_shapes_pass_shacl_for_shacl(sources):
    assert check_shapes(sources.shapes, sources.origin) == []


def test_shacl_typos_are_caught(sources):
    broken = sources.shapes + Graph()
    broken.parse(data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <http://example.org/S> a sh:NodeShape ; sh:severity sh:Error ;
          sh:property [ sh:path <http://example.org/p> ; sh:dataType <http://www.w3.org/2001/XMLSchema#string> ] .""",
                 format="turtle")
    rules = {(p.rule, p.message.split(" ")[0]) for p in check_shapes(broken, {})}
    assert ("shacl-term", "sh:Error") in rules and ("shacl-term", "sh:dataType") in rules


def test_every_term_has_labels_and_definitions_in_both_languages(sources, settings):
    vocabulary = sources.vocabulary
    terms = [t for t in vocabulary.subjects(RDF.type, None)
             if str(t).startswith(str(settings.tw)) and (t, RDF.type, OWL.Ontology) not in vocabulary]
    assert len(terms) > 40
    for term in terms:
        for prop in (RDFS.label, SKOS.definition):
            languages = {o.language for o in vocabulary.objects(term, prop) if isinstance(o, Literal)}
            assert {"fr", "en"} <= languages, (term, prop)


def test_ontology_header(sources, settings):
    ontology = URIRef(settings.base_iri + "ontology")
    graph = sources.vocabulary
    for prop in (OWL.versionIRI, OWL.versionInfo, URIRef("http://purl.org/dc/terms/license"),
                 URIRef("http://purl.org/dc/terms/creator"), VANN.preferredNamespacePrefix, VANN.preferredNamespaceUri):
        assert graph.value(ontology, prop) is not None, prop


def test_no_sameas_to_wikidata_and_single_domains(sources):
    graph = sources.vocabulary + sources.data
    assert not [o for o in graph.objects(None, OWL.sameAs) if "wikidata.org" in str(o)]
    for prop in set(graph.subjects(RDFS.domain, None)):
        assert len(list(graph.objects(prop, RDFS.domain))) == 1, prop
    assert not [o for o in graph.objects(None, RDFS.subClassOf) if "wikidata.org" in str(o)]
