"""Dumps: the publication graph as Turtle, N-Triples and JSON-LD, byte-identical for the same input."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef


def turtle(graph: Graph) -> bytes:
    """rdflib sorts subjects, predicates and objects in Turtle; prefixes are bound by the loader."""
    return graph.serialize(format="turtle", encoding="utf-8")


def ntriples(graph: Graph) -> bytes:
    lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    return ("\n".join(sorted(line for line in lines if line.strip())) + "\n").encode("utf-8")


def jsonld_value(term) -> dict:
    if isinstance(term, URIRef):
        return {"@id": str(term)}
    if isinstance(term, BNode):
        return {"@id": f"_:{term}"}
    assert isinstance(term, Literal)
    value: dict = {"@value": str(term)}
    if term.language:
        value["@language"] = term.language
    elif term.datatype:
        value["@type"] = str(term.datatype)
    return value


def jsonld(graph: Graph) -> bytes:
    """Expanded JSON-LD, sorted, so that any JSON-LD processor reads it and two builds compare equal."""
    nodes = []
    for subject in sorted(set(graph.subjects()), key=str):
        node: dict = {"@id": str(subject)}
        for predicate in sorted(set(graph.predicates(subject)), key=str):
            values = sorted(graph.objects(subject, predicate), key=lambda o: (type(o).__name__, str(o), o.n3()))
            if str(predicate) == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type":
                node["@type"] = [str(v) for v in values]
            else:
                node[str(predicate)] = [jsonld_value(v) for v in values]
        nodes.append(node)
    return (json.dumps({"@graph": nodes}, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def gzipped(content: bytes) -> bytes:
    """No file name and a zero timestamp in the header keep the archive reproducible."""
    return gzip.compress(content, compresslevel=9, mtime=0)


SERIALISERS = {"ttl": turtle, "nt": ntriples, "jsonld": jsonld}


def write_dump(graph: Graph, folder: Path, stem: str, formats=("ttl", "nt", "jsonld"), compress=True) -> list[Path]:
    written = []
    for extension in formats:
        content = SERIALISERS[extension](graph)
        path = folder / f"{stem}.{extension}"
        path.write_bytes(content)
        written.append(path)
        if compress:
            (folder / f"{stem}.{extension}.gz").write_bytes(gzipped(content))
            written.append(folder / f"{stem}.{extension}.gz")
    return written
