"""Only web addresses become links: a `javascript:` IRI in the data is refused by validation, and a page
that shows another scheme anyway shows it as text, never as a link that runs on a click."""

from __future__ import annotations

import pytest
from rdflib import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef

from twinning.cli import main
from twinning.config import load_settings
from twinning.publish.resolvable import write_ontology_documents
from twinning.publish.site import Site

from conftest import ROOT, edit

BASE = "https://example.org/twinning/"


@pytest.mark.parametrize("written, predicate", [("dcterms:source", "dcterms:source"),
                                                 (f"<{FOAF.page}>", "foaf:page")])  # bagneux.ttl binds no foaf:
@pytest.mark.parametrize("address", ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd"])
def test_a_source_document_whose_address_is_not_a_web_address_is_refused(project_copy, capsys, written, predicate,
                                                                       address):
    edit(project_copy / "data/bagneux.ttl", '<source/bagneux> a tw:SourceDocument ;',
         f'<source/bagneux> a tw:SourceDocument ; {written} <{address}> ;')
    publish = project_copy / "publish"
    publish.mkdir()
    (publish / "index.html").write_text("previous publication", encoding="utf-8")
    status = main(["--project", str(project_copy), "build", "--output", str(publish)])
    err = capsys.readouterr().err
    assert status == 1
    assert f"data/bagneux.ttl: {BASE}source/bagneux: [web-address] {predicate} is {address}, which is not a web " \
           "address: give an http:// or https:// address" in err
    assert "Traceback" not in err and (publish / "index.html").read_text() == "previous publication"


def test_only_web_addresses_are_rendered_as_links():
    tw = Namespace(BASE + "ontology#")
    source = URIRef(BASE + "source/s")
    graph = Graph()
    graph.add((source, RDFS.label, Literal("S")))
    site = Site(graph, BASE, tw)
    links = {address: site.link(URIRef(address), "source", False, "fr")
             for address in ("javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "https://example.com/p",
                             "http://example.com/p", "mailto:mairie@example.fr")}
    assert links["javascript:alert(1)"] == "&lt;javascript:alert(1)&gt;"  # the IRI, as text
    assert all("<a" not in links[a] and "href" not in links[a] for a in ("JavaScript:alert(1)", "data:text/html,x"))
    assert links["https://example.com/p"] == '<a href="https://example.com/p">&lt;https://example.com/p&gt;</a>'
    assert all(links[a].startswith(f'<a href="{a}">') for a in ("http://example.com/p", "mailto:mairie@example.fr"))
    assert site.link(FOAF.page, "source", True, "fr").startswith('<a href="http://xmlns.com/foaf/0.1/page"')
    assert site.link(URIRef("javascript:alert(1)"), "source", True, "fr") == \
        '<span title="javascript:alert(1)">&lt;javascript:alert(1)&gt;</span>'
    assert site.href(source, "source/", "fr") == "s.html"  # our own pages stay relative links


def test_the_ontology_documentation_links_only_web_addresses():
    """The documentation page shows IRIs the ontology gives (licence, see also, superclasses, matches)
    through the same site.href as every other page: other schemes are text there too."""
    settings = load_settings(ROOT)
    graph = Graph()
    for path in sorted(settings.ontology_dir.glob("*.ttl")):
        graph.parse(path, publicID=settings.base_iri)
    ontology, kind = URIRef(settings.base_iri + "ontology"), URIRef(settings.base_iri + "concept/kind/twinning")
    assert (ontology, RDF.type, OWL.Ontology) in graph and (kind, SKOS.inScheme, None) in graph
    planted = {"javascript:alert(1)": (ontology, DCTERMS.license), "data:text/html,x": (ontology, RDFS.seeAlso),
               "javascript:alert(2)": (settings.tw.Partnership, RDFS.subClassOf), "file:///etc/passwd": (kind, SKOS.exactMatch)}
    graph.remove((ontology, DCTERMS.license, None))  # the page shows the one licence planted
    for address, (subject, predicate) in planted.items():
        graph.add((subject, predicate, URIRef(address)))
    written = {}
    write_ontology_documents(Site(graph, settings.base_iri, settings.tw), [], {}, written.__setitem__)
    for page in ("ontology/index.html", "ontology/index.en.html"):
        html = written[page]
        for address in planted:
            assert html.count(address) >= 1 and f'href="{address}' not in html and f"href='{address}" not in html, (page, address)
        assert 'href="None"' not in html
        assert '<a href="http://www.w3.org/ns/prov#">http://www.w3.org/ns/prov#</a>' in html  # web addresses stay links
