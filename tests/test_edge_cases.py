"""Cases today's data does not reach, where the pipeline's promises (stable IRIs, SHACL's results,
a build that ends, dumps any reader reads alike) must still hold."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pyoxigraph
import pyshacl
from rdflib import RDF, BNode, Graph, Literal, Namespace
from rdflib.compare import isomorphic

from conftest import ROOT, edit
from twinning.publish import dumps
from twinning.check import shacl as validate_stage
from twinning.cache import ResultCache
from twinning.config import load_settings
from twinning.enrich.derive import publication_graph
from twinning.load import load
from twinning.check.shacl import one_pass_per_property

EX = Namespace("https://example.org/test/")
OA = Namespace("http://www.w3.org/ns/oa#")


def test_a_blank_node_nested_in_another_gets_the_same_iri_on_every_load(project_copy):
    """The parser labels blank nodes anew on every load; the published IRIs must not follow."""
    edit(project_copy / "data" / "bagneux.ttl", 'oa:exact "Arménie : 1968" ] ,',
         'oa:exact "Arménie : 1968" ; oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "Arménie" ] ] ,')
    settings = load_settings(project_copy)

    def published() -> set:
        graph, _ = publication_graph(load(settings), settings.tw, settings.base_iri)
        assert not any(isinstance(term, BNode) for triple in graph for term in triple)
        return set(graph)

    first = published()
    assert sum(1 for _, p, o in first if p == RDF.type and o == OA.TextQuoteSelector) == 1
    assert published() == first


def test_a_closed_shape_that_data_satisfies_still_conforms_once_its_property_shapes_carry_its_targets():
    shapes = Graph().parse(format="turtle", data=textwrap.dedent("""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <https://example.org/test/> .
        @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
        ex:ThingShape a sh:NodeShape ; sh:targetClass ex:Thing ;
            sh:closed true ; sh:ignoredProperties ( rdf:type ) ;
            sh:property [ sh:path ex:name ; sh:minCount 1 ] .
        """))
    data = Graph()
    data.add((EX.a, RDF.type, EX.Thing))
    data.add((EX.a, EX.name, Literal("a")))
    conforms_as_written = pyshacl.validate(data, shacl_graph=shapes, inference="none")[0]
    assert conforms_as_written
    assert pyshacl.validate(data, shacl_graph=one_pass_per_property(shapes), inference="none")[0]
    data.add((EX.a, EX.other, Literal("not allowed by the closed shape")))
    assert not pyshacl.validate(data, shacl_graph=one_pass_per_property(shapes), inference="none")[0]


def test_a_worker_killed_by_the_system_fails_the_work_instead_of_hanging_it():
    """As the kernel's out-of-memory killer would kill it: SIGKILL, no chance to report."""
    probe = textwrap.dedent("""
        import os, signal
        from twinning.parallel import started
        from twinning.problems import StageFailed

        def task(chunk):
            if chunk == 2:
                os.kill(os.getpid(), signal.SIGKILL)
            return chunk

        try:
            with started(task, range(6), workers=2) as results:
                print(list(results))
        except StageFailed as failure:
            print(failure.problems[0])
            raise SystemExit(1)
        """)
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 1, result.stderr
    assert "[worker-lost] a worker process ended abruptly" in result.stdout
    assert "Traceback" not in result.stderr


def test_rendered_pages_are_freed_as_the_build_goes(tmp_path):
    """Each page's templates define macros that close over its render context, a cycle that holds the
    page's whole view: a build that kept the collector off while pages render grew its page workers
    by the views of every page they rendered (9 GB at 100,000 partnerships). Pages render in this
    process here (--jobs 1), under the collector settings a build gives its workers."""
    probe = textwrap.dedent("""
        import gc, sys
        from jinja2.runtime import Context
        from twinning import cli
        from twinning.publish.site import Site

        render, alive = Site.resource_pages, []

        def counted(self, path, on_page=None):
            pages = render(self, path, on_page)
            if len(alive) < 40:
                alive.append(sum(isinstance(o, Context) for o in gc.get_objects()))
            return pages
        Site.resource_pages = counted
        status = cli.main(["build", "--jobs", "1", "--no-cache", "--output", sys.argv[1]])
        print(status, len(alive), max(alive))
        """)
    result = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "publish")], capture_output=True,
                            text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    status, pages, most_alive = map(int, result.stdout.split()[-3:])
    assert status == 0 and pages == 40
    assert most_alive < 20, f"{most_alive} render contexts alive after 40 pages (two per page when none is freed)"


def test_json_ld_writes_a_blank_node_class_as_a_blank_node():
    """Expanded JSON-LD takes a blank node identifier as @type; its bare label would be a relative IRI."""
    graph = Graph()
    cls = BNode("cls")
    graph.add((EX.a, RDF.type, cls))
    graph.add((EX.a, RDF.type, EX.Thing))
    graph.add((cls, EX.label, Literal("a class without an IRI")))
    used: set = set()
    document = json.loads(dumps.jsonld(graph, dumps.Prefixes(graph), str(EX["context.jsonld"]), used))
    assert {"@id": str(EX.a), "@type": [str(EX.Thing), "_:cls"]} in document["@graph"]
    document["@context"] = json.loads(dumps.context_document(used))["@context"]  # the published context, inline
    written = json.dumps(document)
    assert isomorphic(Graph().parse(data=written, format="json-ld"), graph)
    assert len(list(pyoxigraph.parse(written, format=pyoxigraph.RdfFormat.JSON_LD))) == len(graph)


def validated_with_and_without_cache(project, cache_folder) -> tuple[list, list]:
    sources = load(load_settings(project))
    return validate_stage.validate(sources, cache=ResultCache(cache_folder)), validate_stage.validate(sources)


def test_a_value_stated_in_two_shards_is_reported_by_each_at_its_own_resources_only(project_copy, tmp_path, monkeypatch):
    """A value selected with sh:targetObjectsOf is reported at every resource that states it; a shard's
    cached result must not name resources of another shard, whose edit would leave it stale."""
    monkeypatch.setattr(validate_stage, "SUBJECTS_PER_SHARD", 100)
    first, second = project_copy / "data" / "angers.ttl", project_copy / "data" / "bagneux.ttl"
    shards = validate_stage.file_shards(load(load_settings(project_copy)))
    assert not any({"data/angers.ttl", "data/bagneux.ttl"} <= set(files) for files in shards)
    for commune in (first, second):
        edit(commune, "tw:kind kind:twinning ;", "tw:kind kind:no-such-kind ;")
    cached, fresh = validated_with_and_without_cache(project_copy, tmp_path / "cache")
    assert cached == fresh
    assert {p.file for p in fresh if p.rule == "shacl tw:kind/skos:inScheme HasValue"} == {"data/angers.ttl",
                                                                                          "data/bagneux.ttl"}
    edit(second, "tw:kind kind:no-such-kind ;", "tw:kind kind:twinning ;")
    cached, fresh = validated_with_and_without_cache(project_copy, tmp_path / "cache")
    assert {p.file for p in fresh if p.rule == "shacl tw:kind/skos:inScheme HasValue"} == {"data/angers.ttl"}
    assert cached == fresh


def test_shapes_that_read_links_to_a_node_make_every_file_part_of_every_shard_key(project_copy, tmp_path, monkeypatch):
    """sh:inversePath reads triples that the node's own shard does not reach: a file added elsewhere
    changes its result, so a cached one must not stand in for it."""
    monkeypatch.setattr(validate_stage, "SUBJECTS_PER_SHARD", 100)
    with (project_copy / "shapes" / "twinning-shapes.ttl").open("a", encoding="utf-8") as shapes:
        shapes.write(textwrap.dedent("""
            shape:NothingPointsToVanadzor a sh:NodeShape ;
                sh:targetNode <partner/vanadzor> ;
                sh:property [ sh:path [ sh:inversePath rdfs:seeAlso ] ; sh:maxCount 0 ;
                    sh:message "Nothing points to this partner with rdfs:seeAlso." ] .
            """))
    cached, fresh = validated_with_and_without_cache(project_copy, tmp_path / "cache")
    assert cached == fresh == []
    (project_copy / "data" / "zz-links.ttl").write_text(
        "<note/x> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <partner/vanadzor> .\n", encoding="utf-8")
    shards = validate_stage.file_shards(load(load_settings(project_copy)))
    assert not any({"data/partners.ttl", "data/zz-links.ttl"} <= set(files) for files in shards)
    cached, fresh = validated_with_and_without_cache(project_copy, tmp_path / "cache")
    assert [(p.file, p.resource, p.rule) for p in fresh] == [
        ("data/partners.ttl", "https://example.org/twinning/partner/vanadzor", "shacl MaxCount")]
    assert cached == fresh
