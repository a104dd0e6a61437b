"""Linked data that resolves: every IRI the publication mints has a page and RDF documents, and the
JSON-LD documents mean, to a standard JSON-LD processor, what the Turtle says."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pyld import jsonld
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.compare import isomorphic, graph_diff

from twinning.publish import dumps

BASE = "https://example.org/twinning/"
RDF_DOCUMENTS = ("ttl", "nt", "jsonld")


def local_loader(published: Path):
    """pyld's document loader for the publication's own URLs, read from the folder it was built into:
    the test asks nothing of the network, and a context that is not published fails it."""
    def load(url: str, options=None):
        assert url.startswith(BASE), f"the JSON-LD asks for a document outside the publication: {url}"
        return {"contextUrl": None, "documentUrl": url,
                "document": json.loads((published / url[len(BASE):]).read_text(encoding="utf-8"))}
    return load


def expanded_by_pyld(path: Path, published: Path) -> Graph:
    document = json.loads(path.read_text(encoding="utf-8"))
    quads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": local_loader(published)})
    return Graph().parse(data=quads, format="nt")


def differences(turtle: Graph, from_jsonld: Graph) -> str:
    """A few triples found in only one of the two, to say what went wrong."""
    _, only_turtle, only_jsonld = graph_diff(turtle, from_jsonld)
    return f"only in Turtle: {sorted(only_turtle)[:3]}; only from JSON-LD: {sorted(only_jsonld)[:3]}"


def test_the_jsonld_dump_refers_to_a_published_context_and_expands_to_the_turtle_dump(built):
    dump = json.loads((built / "downloads" / "twinning.jsonld").read_text(encoding="utf-8"))
    assert dump["@context"] == BASE + "context.jsonld"
    context = json.loads((built / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert context["tw"] == BASE + "ontology/" and all(isinstance(v, str) for v in context.values())
    turtle = Graph().parse(built / "downloads" / "twinning.ttl", format="turtle")
    from_jsonld = expanded_by_pyld(built / "downloads" / "twinning.jsonld", built)
    assert len(from_jsonld) == len(turtle) > 4000
    assert isomorphic(turtle, from_jsonld), differences(turtle, from_jsonld)


@pytest.mark.parametrize("document", ["catalog.jsonld", "partnership/ivry-sur-seine-jifna-jalazone.jsonld",
                                      "ontology/Partnership.jsonld"])
def test_each_jsonld_document_expands_to_its_turtle(built, document):
    turtle = Graph().parse(built / document.replace(".jsonld", ".ttl"), format="turtle")
    from_jsonld = expanded_by_pyld(built / document, built)
    assert len(turtle) > 10 and isomorphic(turtle, from_jsonld), differences(turtle, from_jsonld)


def test_a_literal_rdf_type_is_written_as_a_property_and_expands_to_the_same_triples(tmp_path):
    """JSON-LD's @type takes IRIs only: a literal that the data gives as rdf:type becomes a value object
    of rdf:type, and the IRI types beside it stay @type."""
    graph = Graph()
    graph.bind("ex", "https://example.org/twinning/ex/")
    graph.bind("rdf", RDF)
    thing = URIRef(BASE + "ex/x")
    graph.add((thing, RDF.type, Literal("foo")))
    graph.add((thing, RDF.type, URIRef(BASE + "ex/Thing")))
    graph.add((thing, URIRef(BASE + "ex/name"), Literal("x", lang="en")))
    used: set = set()
    (tmp_path / "x.jsonld").write_bytes(dumps.jsonld(graph, dumps.Prefixes(graph), BASE + "context.jsonld", used))
    (tmp_path / "context.jsonld").write_bytes(dumps.context_document(used))
    node = json.loads((tmp_path / "x.jsonld").read_text(encoding="utf-8"))["@graph"][0]
    assert node["@type"] == ["ex:Thing"] and node["rdf:type"] == [{"@value": "foo"}]
    from_jsonld = expanded_by_pyld(tmp_path / "x.jsonld", tmp_path)
    assert isomorphic(graph, from_jsonld), differences(graph, from_jsonld)


def minted_iris(published: Path) -> set[str]:
    """Every IRI under the base that the dump, the catalogue and VoID name, without its fragment (a
    fragment is answered by its resource's documents)."""
    found = set()
    for document, syntax in (("downloads/twinning.nt", "nt"), ("catalog.ttl", "turtle"), ("void.ttl", "turtle")):
        for triple in Graph().parse(published / document, format=syntax):
            found.update(str(term).split("#")[0] for term in triple
                         if isinstance(term, URIRef) and str(term).startswith(BASE))
    return found


def test_every_minted_iri_answers_in_html_and_rdf(built):
    """An IRI is a published file (a dump, the home page), or it has a page and its Turtle, N-Triples
    and JSON-LD: …/X as X.html, X.ttl…, a namespace …/X/ as X/index.html…, as the servers map them."""
    iris = minted_iris(built)
    kinds, unresolved = {}, []
    for iri in sorted(iris):
        path = iri[len(BASE):]
        if path and (built / path).is_file():
            kinds["file"] = kinds.get("file", 0) + 1
            continue
        stem = path + "index" if path.endswith("/") or not path else path
        lacking = [e for e in ("html", *RDF_DOCUMENTS) if not (built / f"{stem}.{e}").is_file()]
        if lacking:
            unresolved.append(f"{iri}: no {', '.join(lacking)}")
        kinds[path.split("/")[0] or "(base)"] = kinds.get(path.split("/")[0] or "(base)", 0) + 1
    assert not unresolved, unresolved[:10]
    # the IRIs that had no page or no RDF before, among the kinds walked
    for iri in ("dataset/twinning", "catalog", "ontology/", version_path(built), "concept/kind", "ontology"):
        assert BASE + iri in iris, iri
    assert len(iris) > 350 and {"partnership", "commune", "partner", "concept", "ontology", "dataset"} <= kinds.keys()


def test_the_ontology_namespace_is_documented_not_listed(built):
    """The namespace's page documents each class, property and concept scheme in both languages."""
    page = (built / "ontology" / "index.html").read_text(encoding="utf-8")
    assert 'id="Partnership"' in page and "partenariat" in page and "partnership" in page
    assert 'id="partner"' in page and 'id="scheme-kind"' in page and "jumelage" in page and "twinning" in page
    assert "Index of" not in page and "Directory listing" not in page
    version = Graph().parse(built / f"{version_path(built)}.ttl", format="turtle")
    assert (URIRef(BASE + "ontology"), URIRef("http://www.w3.org/2002/07/owl#versionIRI"),
            URIRef(BASE + version_path(built))) in version


def version_path(built) -> str:
    """The ontology's version IRI as the ontology states it, relative to the base (ontology/X.Y.Z)."""
    ontology = Graph().parse(built / "downloads" / "ontology.ttl", format="turtle")
    version = ontology.value(URIRef(BASE + "ontology"), URIRef("http://www.w3.org/2002/07/owl#versionIRI"))
    assert version is not None and str(version).startswith(BASE + "ontology/")
    return str(version).removeprefix(BASE)


def test_the_catalogue_states_access_rights_rights_and_modification_for_portals(built):
    """What data.europa.eu's quality assessment scores: access rights from the EU vocabulary on the
    dataset, and on every distribution its rights statement and modification date."""
    dcterms = "http://purl.org/dc/terms/"
    catalogue = Graph().parse(built / "catalog.ttl")
    dataset = URIRef(BASE + "dataset/twinning")
    assert catalogue.value(dataset, URIRef(dcterms + "accessRights")) == URIRef(
        "http://publications.europa.eu/resource/authority/access-right/PUBLIC")
    distributions = set(catalogue.objects(dataset, URIRef("http://www.w3.org/ns/dcat#distribution")))
    assert len(distributions) == 11
    for distribution in distributions:
        rights = catalogue.value(distribution, URIRef(dcterms + "rights"))
        assert {label.language for label in catalogue.objects(rights, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))} == {"fr", "en"}
        assert str(catalogue.value(distribution, URIRef(dcterms + "modified"))) == "2026-11-21"


def test_the_validation_page_explains_each_dcat_ap_warning_in_both_languages(built):
    french, english = ((built / name).read_text(encoding="utf-8") for name in ("validation.html", "validation.en.html"))
    for page in (french, english):  # the four warnings, each shown as pySHACL reports it, in English
        assert page.count('<code class="raw" lang="en">http') == 4
    # on the French page, each warning is explained in French first, then its English message labelled so
    items = re.findall(r'<li><p>([^<]+)</p>\s*<p><small>([^<]+)<code class="raw" lang="en">http', french)
    assert len(items) == 4 and all(explanation.strip() and "en anglais" in label for explanation, label in items)
    assert "sans explication" not in french and "without an explanation" not in english
    assert "Office des publications" in french and "Publications Office" in english
    assert "corporate-body" in french and "corporate bodies" in english
