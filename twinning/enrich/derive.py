"""Enrich stage: derive what is never written by hand, and give every node a stable IRI."""

from __future__ import annotations

import hashlib

from rdflib import RDF, BNode, Graph, Namespace, URIRef

from ..load.sources import Sources
from ..store import graph_nodes, links_to, rename_nodes, values_by_predicate
from ..wikidata.analysis import Analysis


def twinned_with(graph: Graph, tw: Namespace) -> list[tuple]:
    """The symmetric shortcut, for bilateral partnerships of a twinning kind only (DESIGN: derived, never
    asserted by hand). Same meaning as CONSTRUCT { ?a tw:twinnedWith ?b } over two distinct partners and
    no third, of a partnership whose tw:kind is a tw:TwinningKind (the kinds matched to P190), without
    the cost of rdflib's SPARQL engine on a million triples. The graph holds the vocabulary already."""
    twinning_kinds = set(graph.subjects(RDF.type, tw.TwinningKind))
    derived = []
    for partnership in graph.subjects(RDF.type, tw.Partnership):
        partners = set(graph.objects(partnership, tw.partner))
        if len(partners) == 2 and any(kind in twinning_kinds for kind in graph.objects(partnership, tw.kind)):
            first, second = partners
            derived += [(first, tw.twinnedWith, second), (second, tw.twinnedWith, first)]
    return derived


def skolemise(graph: Graph, types: dict[BNode, URIRef]) -> None:
    """Replace the graph's blank nodes by IRIs named after their owner and content (derived types
    included, so IRIs stay as they were published): same input, same IRIs."""
    names: dict[BNode, URIRef] = {}
    rdf_type = RDF.type  # a namespace makes a new term at each use
    locals_of: dict = {}  # predicate -> the name it gives its blank values (a few predicates, 345,000 nodes)

    def name(node: BNode) -> URIRef:
        if node not in names:
            links = links_to(graph, node)  # mostly one: no need to order them as text
            owner, predicate = links[0] if len(links) == 1 else min(links, key=str)
            owner_iri = name(owner) if type(owner) is BNode else owner
            lines = [f"{p} {o.n3()}" for p, values in values_by_predicate(graph, node).items() for o in values]
            if node in types:
                lines.append(f"{rdf_type} {types[node].n3()}")
            content = "\n".join(sorted(lines))
            digest = hashlib.sha1(f"{predicate}\n{content}".encode()).hexdigest()[:10]
            if predicate not in locals_of:
                locals_of[predicate] = str(predicate).rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1].lower()
            names[node] = URIRef(f"{str(owner_iri).split('#')[0]}#{locals_of[predicate]}-{digest}")
        return names[node]

    blank = {node for node in graph_nodes(graph) if type(node) is BNode}  # isinstance is slow on rdflib terms
    for node in blank:  # every name first, while the graph still holds the blank nodes they are read from
        name(node)
    rename_nodes(graph, names)
    graph.store.addN((names.get(node, node), rdf_type, cls, graph) for node, cls in types.items())


def withhold_drafts(graph: Graph, tw: Namespace) -> set:
    """Remove what a curator has not confirmed (tw:toConfirm), and what rests on it: a partnership with a
    drafted partner, an act or activity of a drafted partnership, a figure about a drafted resource, and
    the citations of all of them. Links to a withheld Wikidata link or partner go with it."""
    depends = (tw.partner, tw.formalises, tw.partnership, tw.figureAbout, tw.ofCommune, tw.partOf)
    withheld = set(graph.subjects(tw.toConfirm, None))
    growing = list(withheld)
    while growing:
        resource = growing.pop()
        for predicate in depends:
            for dependent in graph.subjects(predicate, resource):
                if dependent not in withheld:
                    withheld.add(dependent)
                    growing.append(dependent)
    for resource in withheld:
        for citation in list(graph.objects(resource, tw.citation)):
            if isinstance(citation, BNode):
                graph.remove((citation, None, None))
        graph.remove((resource, None, None))
        graph.remove((None, None, resource))
    return withheld


def publication_graph(sources: Sources, tw: Namespace, base_iri: str) -> tuple[Graph, Analysis]:
    """The data without its unconfirmed drafts, with everything derived from it: the twinning shortcut, each Wikidata link's state
    (and tw:wikidataItem for confirmed ones only), and the comparison with P190. The analysis reads
    the graph before anything derived is added to it. The data graph itself becomes the publication
    graph: a copy would double the memory of a large build."""
    graph = sources.data
    withhold_drafts(graph, tw)
    skolemise(graph, {citation: tw.Citation for citation in graph.objects(None, tw.citation)})
    graph.addN((s, p, o, graph) for s, p, o in sources.vocabulary)
    analysis = Analysis(graph, tw)
    derived = twinned_with(graph, tw) + list(analysis.link_graph(base_iri)) + list(analysis.comparison_graph(base_iri))
    graph.addN((s, p, o, graph) for s, p, o in derived)
    return graph, analysis
