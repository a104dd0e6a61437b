"""The one label policy, shared by the pages, the tables and the Wikidata reports: a node is named by
its skos:prefLabel, else its rdfs:label, else its foaf:name; of several, the one in the language
asked for comes first, then the least as text, so that the same data always gives the same name.
What to show for a node without a label is each caller's choice (an IRI in a table, a short path
on a page)."""

from __future__ import annotations

from typing import Iterable

from rdflib import RDFS, Graph
from rdflib.namespace import FOAF, SKOS

from .store import values_by_predicate

LABEL_PROPERTIES = (SKOS.prefLabel, RDFS.label, FOAF.name)  # in order of preference


def chosen(labels: Iterable, language: str) -> str:
    """The label in the language, or in another, as text."""
    return str(min(labels, key=lambda label: (getattr(label, "language", None) != language, str(label))))


def label_among(said: dict, language: str) -> str | None:
    """The label from a node's values by predicate, or None if it has none."""
    for prop in LABEL_PROPERTIES:
        labels = said.get(prop)
        if labels:
            return chosen(labels, language)
    return None


def label_of(graph: Graph, node, language: str) -> str | None:
    return label_among(values_by_predicate(graph, node), language)


def labels_by_node(graph: Graph) -> dict:
    """Each node's labels from the first of LABEL_PROPERTIES that it has, in one pass over those
    properties: the pages ask for the labels of most nodes, and a lookup per node costs more than the
    whole pass."""
    found: dict = {}
    for rank, prop in enumerate(LABEL_PROPERTIES):
        for node, value in graph.subject_objects(prop):
            known = found.setdefault(node, (rank, []))
            if known[0] == rank:
                known[1].append(value)
    return {node: values for node, (_, values) in found.items()}
