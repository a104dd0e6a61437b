"""Deterministic Turtle writing, including files whose IRIs stay relative to the base IRI."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

# A base that never occurs in real data, swapped out after serialising to leave relative IRIs.
PLACEHOLDER_BASE = "http://placeholder.twinning.invalid/"


def relative_turtle(graph: Graph, header: str) -> str:
    """Serialise a graph built on PLACEHOLDER_BASE so that it resolves against any base IRI when parsed."""
    text = graph.serialize(format="turtle")
    return header + text.replace("<" + PLACEHOLDER_BASE, "<")


def write_atomically(path: Path, text: str) -> None:
    """Write beside the target, then rename: a reader never sees half a file, a failure leaves the old one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
