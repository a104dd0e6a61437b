"""The lean store must answer every triple pattern exactly as rdflib's SimpleMemory does, in the same
order, including after removals: the build's outputs are compared byte for byte with its own."""

from __future__ import annotations

import itertools
import random

from rdflib import BNode, Graph, Literal, URIRef

from twinning.store import LeanMemory, distinct_terms, links_to, subject_nodes, value_of, values_by_predicate

# not rdflib's XSD namespace at module level: pytest asks each module-level name for mock attributes,
# which a closed namespace answers with a warning
XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")


def both_stores() -> tuple[Graph, Graph]:
    return Graph(store="SimpleMemory"), Graph(store=LeanMemory())


def random_triples(seed: int, count: int) -> list[tuple]:
    rng = random.Random(seed)
    subjects = [URIRef(f"http://example.org/s{i}") for i in range(12)] + [BNode(f"b{i}") for i in range(3)]
    predicates = [URIRef(f"http://example.org/p{i}") for i in range(4)]
    # objects that are equal as strings but differ as terms: an IRI, a plain, a typed and a tagged literal;
    # and literals that Python reads as false
    objects = subjects + [Literal("1"), Literal("1", datatype=XSD_INTEGER), Literal("01", datatype=XSD_INTEGER),
                          Literal("1", lang="fr"), URIRef("1"), Literal("http://example.org/s0"), Literal(""),
                          Literal("0", datatype=XSD_INTEGER)]
    return [(rng.choice(subjects), rng.choice(predicates), rng.choice(objects)) for _ in range(count)]


def answers(graph: Graph, terms: list) -> dict:
    """Every pattern over the given terms (None for a variable), with the triples in the order given."""
    return {pattern: list(graph.triples(pattern)) for pattern in itertools.product(*terms)}


def test_every_pattern_gets_the_same_triples_in_the_same_order_after_additions_and_removals():
    simple, lean = both_stores()
    triples = random_triples(seed=3, count=400)  # with repeats: adding a triple twice keeps one
    for graph in (simple, lean):
        graph.addN((s, p, o, graph) for s, p, o in triples)
    removed = random.Random(4).sample(triples, 150)
    for graph in (simple, lean):
        for triple in removed:
            graph.remove(triple)
        graph.remove((None, URIRef("http://example.org/p3"), None))
        graph.addN((s, p, o, graph) for s, p, o in removed[:60])  # back after their removal
    absent = URIRef("http://example.org/absent")
    terms = [sorted({t[i] for t in triples}) + [absent, None] for i in range(3)]
    expected = answers(simple, terms)
    assert answers(lean, terms) == expected
    assert sum(len(found) for found in expected.values()) > 1000  # the patterns do find triples
    assert len(lean) == len(simple) == len(list(simple)) > 100
    assert list(lean) == list(simple)
    assert set(lean.store.nodes()) == {node for s, _, o in simple for node in (s, o)}
    assert sorted(subject_nodes(lean)) == sorted(subject_nodes(simple))
    assert distinct_terms(lean) == distinct_terms(simple)
    false_values = [(URIRef(f"http://example.org/false{i}"), URIRef("http://example.org/p0"), value)
                    for i, value in enumerate((Literal(""), Literal("0", datatype=XSD_INTEGER)))]  # each alone
    for graph in (simple, lean):
        graph.addN((s, p, o, graph) for s, p, o in false_values)
    subjects = [s for s in terms[0] if s is not None] + [s for s, _, _ in false_values]  # `absent` has no triples
    assert [values_by_predicate(lean, s) for s in subjects] == [values_by_predicate(simple, s) for s in subjects]
    pairs = [(s, p) for s in subjects for p in terms[1] if p is not None]  # p3's entries were all emptied
    expected_values = [simple.value(s, p, default="none") for s, p in pairs]
    assert [value_of(lean, s, p, "none") for s, p in pairs] == expected_values
    assert [value_of(simple, s, p, "none") for s, p in pairs] == expected_values
    assert {value for value in expected_values if value != "none"} >= {Literal(""), Literal("0", datatype=XSD_INTEGER)}
    objects = [o for o in terms[2] if o is not None]
    assert [links_to(lean, o) for o in objects] == [list(simple.subject_predicates(o)) for o in objects]
    assert [links_to(simple, o) for o in objects] == [list(simple.subject_predicates(o)) for o in objects]
    assert sum(len(links_to(lean, o)) > 1 for o in objects) > 5  # objects that several triples point at


def test_a_value_held_once_then_several_times_then_once_again():
    simple, lean = both_stores()
    s, p = URIRef("http://example.org/s"), URIRef("http://example.org/p")
    first, second = Literal("a"), Literal("b")
    for graph in (simple, lean):
        graph.add((s, p, first))
        graph.add((s, p, second))
        graph.add((s, p, second))
        graph.remove((s, p, first))
    assert list(lean.objects(s, p)) == list(simple.objects(s, p)) == [second]
    assert len(lean) == 1 and (s, p, first) not in lean and (s, p, second) in lean
    assert set(lean.store.nodes()) == {s, second}  # not the value whose only triple went


def test_namespaces_are_bound_as_in_simple_memory():
    simple, lean = both_stores()
    for graph in (simple, lean):
        graph.bind("ex", "http://example.org/")
        graph.bind("ex", "http://example.org/other#", replace=True)
    assert sorted(lean.namespaces()) == sorted(simple.namespaces())
    assert dict(lean.namespaces())["ex"] == URIRef("http://example.org/other#")
