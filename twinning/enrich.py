"""Enrich stage: derive what is never written by hand, and give every node a stable IRI."""

from __future__ import annotations

import hashlib

from rdflib import RDF, BNode, Graph, Namespace, URIRef

from .load import Sources
from .wikidata_analysis import Analysis

# The symmetric shortcut, derived from bilateral partnerships only (DESIGN: never asserted by hand).
TWINNED_WITH = """
CONSTRUCT { ?a tw:twinnedWith ?b }
WHERE {
  ?p a tw:Partnership ; tw:partner ?a , ?b .
  FILTER(?a != ?b)
  FILTER NOT EXISTS { ?p tw:partner ?c . FILTER(?c != ?a && ?c != ?b) }
}"""



def skolemised(graph: Graph) -> Graph:
    """Replace blank nodes by IRIs named after their owner and content: same input, same IRIs."""
    names: dict[BNode, URIRef] = {}

    def name(node: BNode) -> URIRef:
        if node not in names:
            owner, predicate = next(iter(sorted(graph.subject_predicates(node), key=str)))
            owner_iri = name(owner) if isinstance(owner, BNode) else owner
            content = "\n".join(sorted(f"{p} {o.n3()}" for p, o in graph.predicate_objects(node)))
            digest = hashlib.sha1(f"{predicate}\n{content}".encode()).hexdigest()[:10]
            local = str(predicate).rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1].lower()
            names[node] = URIRef(f"{str(owner_iri).split('#')[0]}#{local}-{digest}")
        return names[node]

    result = Graph()
    for prefix, namespace in graph.namespaces():
        result.bind(prefix, namespace, replace=True)
    for s, p, o in graph:
        result.add((name(s) if isinstance(s, BNode) else s, p, name(o) if isinstance(o, BNode) else o))
    return result


def publication_graph(sources: Sources, tw: Namespace, base_iri: str) -> tuple[Graph, Analysis]:
    """The data with everything derived from it: the twinning shortcut, each Wikidata link's state
    (and tw:wikidataItem for confirmed ones only), and the comparison with P190."""
    graph = sources.data + sources.vocabulary
    graph.namespace_manager = sources.data.namespace_manager
    for triple in graph.query(TWINNED_WITH, initNs={"tw": tw}):
        graph.add(triple)
    analysis = Analysis(sources.data + sources.vocabulary, tw)
    graph += analysis.link_graph(base_iri)
    graph += analysis.comparison_graph(base_iri)
    for citation in set(graph.objects(None, tw.citation)):
        graph.add((citation, RDF.type, tw.Citation))
    return skolemised(graph), analysis
