"""Enrich stage: derive what is never written by hand, and give every node a stable IRI."""

from __future__ import annotations

import hashlib

from rdflib import RDF, BNode, Graph, Namespace, URIRef

from ..load.sources import Sources
from ..store import graph_nodes, links_to, new_graph, values_by_predicate
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


def skolemise(graph: Graph, types: dict[BNode, URIRef]) -> dict[BNode, URIRef]:
    """An IRI for each of the graph's blank nodes, named after its owner and content (derived types
    included, so IRIs stay as they were published): same input, same IRIs, whatever labels the parser
    gave the blank nodes, nested ones included."""
    names: dict[BNode, URIRef] = {}
    inner_digests: dict[BNode, str] = {}  # a blank value's content digest, as the nodes that hold it write it
    rdf_type = RDF.type  # a namespace makes a new term at each use
    locals_of: dict = {}  # predicate -> the name it gives its blank values (a few predicates, 345,000 nodes)

    def content(node: BNode, above: tuple = ()) -> tuple[str, bool]:
        """(the node's values as sorted lines, whether they reach a node above it). A blank value is
        written by the digest of its own content, never by its label, which the parser draws anew on
        every load; a blank value that is the node or one above it (a cycle) by how far up it is.
        Content that reaches above the node depends on where it is read from, so its digest is not kept."""
        path, lines, reaches_above = above + (node,), [], False
        for p, values in values_by_predicate(graph, node).items():
            for o in values:
                if type(o) is not BNode:
                    lines.append(f"{p} {o.n3()}")
                elif o in path:
                    lines.append(f"{p} _:up{len(path) - path.index(o)}")
                    reaches_above |= o != node
                else:
                    digest = inner_digests.get(o)
                    if digest is None:
                        inner, inner_reaches_above = content(o, path)
                        digest = hashlib.sha1(inner.encode()).hexdigest()
                        if inner_reaches_above:
                            reaches_above = True
                        else:
                            inner_digests[o] = digest
                    lines.append(f"{p} _:{digest}")
        if node in types:
            lines.append(f"{rdf_type} {types[node].n3()}")
        return "\n".join(sorted(lines)), reaches_above

    def name(node: BNode) -> URIRef:
        if node not in names:
            links = links_to(graph, node)  # mostly one: no need to order them as text
            owner, predicate = links[0] if len(links) == 1 else min(
                links, key=lambda link: str((name(link[0]) if type(link[0]) is BNode else link[0], link[1])))
            owner_iri = name(owner) if type(owner) is BNode else owner
            digest = hashlib.sha1(f"{predicate}\n{content(node)[0]}".encode()).hexdigest()[:10]
            if predicate not in locals_of:
                locals_of[predicate] = str(predicate).rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1].lower()
            names[node] = URIRef(f"{str(owner_iri).split('#')[0]}#{locals_of[predicate]}-{digest}")
        return names[node]

    blank = {node for node in graph_nodes(graph) if type(node) is BNode}  # isinstance is slow on rdflib terms
    for node in blank:
        name(node)
    return names


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
            if (citation, RDF.type, tw.Citation) in graph:  # a citation is its resource's own
                graph.remove((citation, None, None))
        graph.remove((resource, None, None))
        graph.remove((None, None, resource))
    return withheld


def publication_graph(sources: Sources, tw: Namespace, base_iri: str) -> tuple[Graph, Analysis]:
    """A new graph: the data, its blank nodes named, with the vocabulary and everything derived from
    them. The loaded sources stay as they were: the stages before may still read them."""
    graph = named_copy(sources, tw)
    return graph, derive(graph, tw, base_iri)


def named_copy(sources: Sources, tw: Namespace) -> Graph:
    """A new graph of the data, its blank nodes named (see skolemise), without its unconfirmed drafts
    (see withhold_drafts), and the vocabulary. Once it is made, nothing of the publication reads the
    loaded data graph again."""
    data = sources.data
    types = {citation: tw.Citation for citation in data.objects(None, tw.citation)}
    names = skolemise(data, types)
    graph = new_graph(data)
    graph.store.addN((names.get(s, s), p, names.get(o, o), graph) for s, p, o in data)
    graph.store.addN((names.get(node, node), RDF.type, cls, graph) for node, cls in types.items())
    withhold_drafts(graph, tw)
    graph.addN((s, p, o, graph) for s, p, o in sources.vocabulary)
    return graph


def derive(graph: Graph, tw: Namespace, base_iri: str) -> Analysis:
    """Add to the graph what is derived from it: the twinning shortcut, each Wikidata link's state (and
    tw:wikidataItem for confirmed ones only), and the comparison with P190. The analysis reads the
    graph before anything derived is added to it."""
    analysis = Analysis(graph, tw)
    derived = twinned_with(graph, tw) + list(analysis.link_graph(base_iri)) + list(analysis.comparison_graph(base_iri))
    graph.addN((s, p, o, graph) for s, p, o in derived)
    return analysis
