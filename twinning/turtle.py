"""Deterministic Turtle writing, including files whose IRIs stay relative to the base IRI."""

from __future__ import annotations

from rdflib import Graph

# A base that never occurs in real data, swapped out after serialising to leave relative IRIs.
PLACEHOLDER_BASE = "http://placeholder.twinning.invalid/"


def relative_turtle(graph: Graph, header: str) -> str:
    """Serialise a graph built on PLACEHOLDER_BASE so that it resolves against any base IRI when parsed."""
    text = graph.serialize(format="turtle")
    return header + text.replace("<" + PLACEHOLDER_BASE, "<")
