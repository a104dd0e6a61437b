"""The in-memory triple store that holds the data while it is built: rdflib's `SimpleMemory` with
leaner indexes. rdflib keeps each triple in three nested indexes (s→p→o, p→o→s, o→s→p) whose last
level is a dict per pair, most of them holding one value: three dicts of about 200 bytes per triple.
Here a last level holding one value is that value itself, and becomes a dict from the second on."""

from __future__ import annotations

from typing import Iterable, Iterator

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
    (blank nodes renamed) comes back where it was."""
    inner = index[first]
    held = inner[second]
    if type(held) is dict:
        del held[third]
    else:
        inner[second] = {}


def replace(index: dict, first, second, old, new) -> None:
    """`old` becomes `new` among the values of an entry (put last, as a removal then an addition would)."""
    inner = index[first]
    held = inner[second]
    if type(held) is dict:
        del held[old]
        held[new] = None
    else:
        inner[second] = new


def rename_key(index: dict, old, new, values_in: dict, keys_in: dict) -> None:
    """`old` becomes `new` as a first-level key of one index, and in the two others: among the values
    of the entries its pairs name in one, as a second-level key in the other."""
    entry = index.pop(old, None)
    if entry is None:
        return
    index[new] = entry
    for second, held in entry.items():
        for third in values(held):
            replace(values_in, second, third, old, new)
    for third in dict.fromkeys(third for held in entry.values() for third in values(held)):
        inner = keys_in[third]
        inner[new] = inner.pop(old)


def in_use(index: dict) -> Iterator:
    """An index's first-level keys, passing over those whose entries removals emptied."""
    for node, entry in index.items():
        if any(type(held) is not dict or held for held in entry.values()):
            yield node


def graph_nodes(graph: Graph) -> Iterable:
    """Every subject and object, some more than once: the lean store lists them from its indexes' keys,
    which any other store has to find by walking every triple."""
    if isinstance(graph.store, LeanMemory):
        return graph.store.nodes()
    return (node for s, _, o in graph for node in (s, o))


def distinct_terms(graph: Graph) -> tuple[set, set, set]:
    """The subjects, the predicates and the objects, each once: the lean store reads them from its
    indexes' keys, which any other store has to find by walking every triple."""
    if isinstance(graph.store, LeanMemory):
        store = graph.store
        return set(store.subject_nodes()), set(store.keys_in_use(store.pos)), set(store.object_nodes())
    return set(graph.subjects()), set(graph.predicates()), set(graph.objects())


def rename_nodes(graph: Graph, names: dict) -> None:
    """Each node of `names` becomes its new name in every triple that holds it. The lean store renames
    in its indexes, where removing and adding the triples cost three times as much; other stores, and
    a new name that is a node already (two nodes' triples merge), have the triples removed and added
    back renamed."""
    store = graph.store
    if isinstance(store, LeanMemory):
        names = {old: new for old, new in names.items() if not store.rename(old, new)}
    # a triple between two renamed nodes comes twice: removed once, and kept once when added back
    touched = [triple for node in names for pattern in ((node, None, None), (None, None, node))
               for triple, _ in store.triples(pattern)]
    for triple in touched:
        store.remove(triple)
    store.addN((names.get(s, s), p, names.get(o, o), graph) for s, p, o in touched)


def values_by_predicate(graph: Graph, node) -> dict:
    """Each predicate of the node with its values, in the graph's order, from one walk of its triples:
    what reads several of a node's properties asks once, not once per property. The lean store gives
    its index entry, without rdflib's layers of generators (a page reads a few of these, the tables
    one per row)."""
    if isinstance(graph.store, LeanMemory):
        return {predicate: list(values(held)) for predicate, held in graph.store.spo.get(node, {}).items()
                if type(held) is not dict or held}  # not `if held`: a literal can be false
    found: dict = {}
    for predicate, value in graph.predicate_objects(node):
        found.setdefault(predicate, []).append(value)
    return found


def links_to(graph: Graph, node) -> list[tuple]:
    """Graph.subject_predicates(node) as a list: the subject and predicate of each triple whose object is
    the node, in the graph's order. The lean store reads its index entry (asked for every page and,
    while blank nodes are named, for each of them)."""
    if not isinstance(graph.store, LeanMemory):
        return list(graph.subject_predicates(node))
    return [(subject, predicate) for subject, held in graph.store.osp.get(node, {}).items()
            for predicate in values(held)]


def value_of(graph: Graph, node, predicate, default=None):
    """Graph.value(node, predicate): a value, the first in the graph's order. The lean store reads its
    index entry, without rdflib's three layers of generators (the index pages and tables ask this
    about every partnership, activity and citation: at 20,000 partnerships, 0.9 million walks)."""
    if not isinstance(graph.store, LeanMemory):
        return graph.value(node, predicate, default=default)
    held = graph.store.spo.get(node, {}).get(predicate)
    if type(held) is dict:
        return next(iter(held), default)
    return default if held is None else held


def first_value(said: dict, predicate):
    """What Graph.value gives, from a node's values by predicate: the first in the graph's order, or None."""
    values = said.get(predicate)
    return values[0] if values else None


def subject_nodes(graph: Graph) -> Iterable:
    """Every node that is the subject of a triple, once: the lean store's index keys, where another
    store walks every triple (at 100,000 partnerships, 3 s for each set of subjects)."""
    if isinstance(graph.store, LeanMemory):
        return graph.store.subject_nodes()
    return set(graph.subjects())


def object_nodes(graph: Graph) -> Iterable:
    """Every node that is the object of a triple, once."""
    if isinstance(graph.store, LeanMemory):
        return graph.store.object_nodes()
    return set(graph.objects())


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

    def rename(self, old, new) -> bool:
        """Whether `old` became `new` in the indexes: not if `new` is a node already."""
        if new in self.spo or new in self.osp:
            return False
        rename_key(self.spo, old, new, self.pos, self.osp)  # where it is a subject
        rename_key(self.osp, old, new, self.spo, self.pos)  # where it is an object
        return True

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

    def keys_in_use(self, index: dict) -> Iterable:
        return in_use(index) if self.removed else index.keys()

    def __len__(self, context=None) -> int:
        return self.size
