"""Linked data that resolves: every IRI the publication mints has a page and RDF documents, and the
JSON-LD documents mean, to a standard JSON-LD processor, what the Turtle says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyld import jsonld
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic, graph_diff

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
