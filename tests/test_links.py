"""Only web addresses become links: a `javascript:` IRI in the data is refused by validation, and a page
that shows another scheme anyway shows it as text, never as a link that runs on a click."""

from __future__ import annotations

import pytest
from rdflib import FOAF, RDFS, Graph, Literal, Namespace, URIRef

from twinning.cli import main
from twinning.publish.site import Site

from conftest import edit

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
