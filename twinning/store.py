"""The store behind the build's graphs, and the one interface the stages read it through.

Stages make a large graph with `new_graph` and read it with rdflib's API or with the functions
below (`value_of`, `values_by_predicate`, `links_to`, `subject_nodes`…): they never name the store.
Behind them is `LeanMemory`, rdflib's `SimpleMemory` with leaner indexes. rdflib keeps each triple
in three nested indexes (s→p→o, p→o→s, o→s→p) whose last level is a dict per pair, most of them
holding one value: three dicts of about 200 bytes per triple. Here a last level holding one value is
that value itself, and becomes a dict from the second on. The functions answer from those indexes
for a lean graph, and by walking the triples for any other graph, with the same results."""

from __future__ import annotations

from typing import Iterable, Iterator, Protocol

from rdflib import Graph
from rdflib.plugins.stores.memory import SimpleMemory

NO_CONTEXTS = ()  # rdflib's graphs ignore a triple's contexts in a store without them


def values(held) -> Iterable:
    """The terms an index entry holds (none for an absent entry)."""
    if held is None:
        return ()
    return held if type(held) is dict else (held,)  # terms are never dicts; isinstance is slower


def insert(index: dict, first, second, third) -> bool:
    """Whether the entry is new. A second value makes a dict, which keeps the order of insertion as
    SimpleMemory's does: `Graph.value` and every unsorted walk give what they gave with it."""
    inner = index.get(first)
    if inner is None:
        index[first] = {second: third}
        return True
    held = inner.get(second)
    if held is None:
        inner[second] = third
    elif type(held) is dict:
        if third in held:
            return False
        held[third] = None
    elif held == third:
        return False
    else:
        inner[second] = {held: None, third: None}
    return True


def discard(index: dict, first, second, third) -> None:
    """An emptied entry stays in place, empty, as in SimpleMemory: what is added again after a removal
    comes back where it was."""
    inner = index[first]
    held = inner[second]
    if type(held) is dict:
        del held[third]
    else:
        inner[second] = {}


def in_use(index: dict) -> Iterator:
    """An index's first-level keys, passing over those whose entries removals emptied."""
    for node, entry in index.items():
        if any(type(held) is not dict or held for held in entry.values()):
            yield node


def new_graph(bindings_from: Graph | None = None) -> Graph:
    """A graph on the lean store, for the large graphs a build makes (the data, what is derived from
    it, VoID), with the prefixes another graph binds."""
    graph = Graph(store=LeanMemory())
    for prefix, namespace in bindings_from.namespaces() if bindings_from is not None else ():
        graph.bind(prefix, namespace, replace=True)
    return graph


class GraphReads(Protocol):
    """What the stages read of a graph besides rdflib's own API: the walks a build makes over and over,
    which the lean store answers from its indexes and any other store by walking its triples."""

    def nodes(self) -> Iterable:
        """Every subject and object, some more than once."""

    def subject_nodes(self) -> Iterable:
        """Every node that is the subject of a triple, once."""

    def object_nodes(self) -> Iterable:
        """Every node that is the object of a triple, once."""

    def predicate_nodes(self) -> Iterable:
        """Every predicate, once."""

    def values_by_predicate(self, node) -> dict:
        """Each predicate of the node with its values, in the graph's order."""

    def links_to(self, node) -> list[tuple]:
        """The subject and predicate of each triple whose object is the node, in the graph's order."""

    def value(self, node, predicate, default=None):
        """Graph.value(node, predicate): a value, the first in the graph's order."""


class WalkedReads:
    """GraphReads over any rdflib graph, by walking its triples."""

    def __init__(self, graph: Graph):
        self.graph = graph

    def nodes(self) -> Iterable:
        return (node for s, _, o in self.graph for node in (s, o))

    def subject_nodes(self) -> Iterable:
        return set(self.graph.subjects())

    def object_nodes(self) -> Iterable:
        return set(self.graph.objects())

    def predicate_nodes(self) -> Iterable:
        return set(self.graph.predicates())

    def values_by_predicate(self, node) -> dict:
        found: dict = {}
        for predicate, value in self.graph.predicate_objects(node):
            found.setdefault(predicate, []).append(value)
        return found

    def links_to(self, node) -> list[tuple]:
        return list(self.graph.subject_predicates(node))

    def value(self, node, predicate, default=None):
        return self.graph.value(node, predicate, default=default)


def reads(graph: Graph) -> GraphReads:
    """The graph's reads: its lean store itself, or walks of any other store's triples."""
    store = graph.store
    return store if type(store) is LeanMemory else WalkedReads(graph)


# The reads as functions of a graph, as the stages ask them.

def graph_nodes(graph: Graph) -> Iterable:
    return reads(graph).nodes()


def subject_nodes(graph: Graph) -> Iterable:
    return reads(graph).subject_nodes()


def object_nodes(graph: Graph) -> Iterable:
    return reads(graph).object_nodes()


def distinct_terms(graph: Graph) -> tuple[set, set, set]:
    """The subjects, the predicates and the objects, each once."""
    found = reads(graph)
    return set(found.subject_nodes()), set(found.predicate_nodes()), set(found.object_nodes())


def values_by_predicate(graph: Graph, node) -> dict:
    """What reads several of a node's properties asks once, not once per property."""
    return reads(graph).values_by_predicate(node)


def links_to(graph: Graph, node) -> list[tuple]:
    return reads(graph).links_to(node)


def value_of(graph: Graph, node, predicate, default=None):
    return reads(graph).value(node, predicate, default)


def first_value(said: dict, predicate):
    """What Graph.value gives, from a node's values by predicate: the first in the graph's order, or None."""
    values = said.get(predicate)
    return values[0] if values else None


class LeanMemory(SimpleMemory):
    """A store without contexts, for one graph: `SimpleMemory`'s answers and namespace bindings, its
    indexes leaner, and its length kept rather than counted by walking every triple."""

    def __init__(self, configuration=None, identifier=None):
        super().__init__(configuration, identifier)
        self.spo: dict = {}
        self.pos: dict = {}
        self.osp: dict = {}
        self.size = 0
        self.removed = False  # until then, every key of the indexes holds triples

    def add(self, triple, context=None, quoted=False) -> None:
        self.addN((triple + (context,),))

    def addN(self, quads) -> None:  # noqa: N802 - rdflib's name
        """The load's millions of triples: one call per triple less, and the indexes looked up once."""
        spo, pos, osp, added = self.spo, self.pos, self.osp, 0
        for subject, predicate, object_, _ in quads:
            if insert(spo, subject, predicate, object_):
                insert(pos, predicate, object_, subject)
                insert(osp, object_, subject, predicate)
                added += 1
        self.size += added

    def remove(self, triple_pattern, context=None) -> None:
        subject, predicate, object_ = triple_pattern
        if subject is None or predicate is None or object_ is None:
            matches = [triple for triple, _ in self.triples(triple_pattern)]
        else:  # a whole triple: no walk to find it
            matches = [triple_pattern] if object_ in values(self.spo.get(subject, {}).get(predicate)) else []
        self.removed = self.removed or bool(matches)
        for subject, predicate, object_ in matches:
            discard(self.spo, subject, predicate, object_)
            discard(self.pos, predicate, object_, subject)
            discard(self.osp, object_, subject, predicate)
            self.size -= 1

    def triples(self, triple_pattern, context=None) -> Iterator:
        """SimpleMemory's walks, in its order."""
        subject, predicate, object_ = triple_pattern
        if subject is not None:
            by_predicate = self.spo.get(subject, {})
            for p, held in by_predicate.items() if predicate is None else ((predicate, by_predicate.get(predicate)),):
                if object_ is None:
                    for o in values(held):
                        yield (subject, p, o), NO_CONTEXTS
                elif object_ in values(held):
                    yield (subject, p, object_), NO_CONTEXTS
        elif predicate is not None:
            by_object = self.pos.get(predicate, {})
            for o, held in by_object.items() if object_ is None else ((object_, by_object.get(object_)),):
                for s in values(held):
                    yield (s, predicate, o), NO_CONTEXTS
        elif object_ is not None:
            for s, held in self.osp.get(object_, {}).items():
                for p in values(held):
                    yield (s, p, object_), NO_CONTEXTS
        else:
            for s, by_predicate in self.spo.items():
                for p, held in by_predicate.items():
                    for o in values(held):
                        yield (s, p, o), NO_CONTEXTS

    def nodes(self) -> Iterator:
        """Every subject, then every object: a node that is both comes twice. From the indexes' keys,
        a few times fewer steps than walking every triple."""
        yield from self.subject_nodes()
        yield from self.object_nodes()

    def subject_nodes(self) -> Iterable:
        return self.keys_in_use(self.spo)

    def object_nodes(self) -> Iterable:
        return self.keys_in_use(self.osp)

    def predicate_nodes(self) -> Iterable:
        return self.keys_in_use(self.pos)

    def keys_in_use(self, index: dict) -> Iterable:
        return in_use(index) if self.removed else index.keys()

    def values_by_predicate(self, node) -> dict:
        """The node's index entry, without rdflib's layers of generators."""
        return {predicate: list(values(held)) for predicate, held in self.spo.get(node, {}).items()
                if type(held) is not dict or held}  # not `if held`: a literal can be false

    def links_to(self, node) -> list[tuple]:
        return [(subject, predicate) for subject, held in self.osp.get(node, {}).items()
                for predicate in values(held)]

    def value(self, node, predicate, default=None):
        held = self.spo.get(node, {}).get(predicate)
        if type(held) is dict:
            return next(iter(held), default)
        return default if held is None else held

    def close(self, commit_pending_transaction=False) -> None:
        """A closed store gives its memory back at once: a graph of millions of triples is not left
        to the collector, which a build keeps away from it."""
        self.spo, self.pos, self.osp, self.size = {}, {}, {}, 0

    def __len__(self, context=None) -> int:
        return self.size
