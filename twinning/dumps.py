"""Dumps: triples as Turtle, N-Triples and JSON-LD, byte-identical for the same input.

The writers take plain triples, not a graph: a page's document is a handful of triples, and a
dump is millions; rdflib's serialisers cost about a millisecond per page and a minute per million
triples, these a small fraction of that (scripts/benchmark.py measures both).
"""

from __future__ import annotations

import gzip
import json
import re
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from rdflib import RDF, BNode, Graph, Literal, URIRef

RDF_TYPE = RDF.type  # rdflib looks namespace attributes up on every access: too slow per triple
ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
# A local name that is safe in any Turtle reader as the part after "prefix:".
SAFE_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")


@lru_cache(maxsize=None)  # bounded, it would evict and recompute once a dump holds over a million terms
def ntriples_term(term) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    text = f'"{str(term).translate(ESCAPES)}"'
    if term.language:
        return f"{text}@{term.language}"
    return f"{text}^^<{term.datatype}>" if term.datatype else text


class Prefixes:
    """The graph's bound prefixes, used for the IRIs whose local part any Turtle parser accepts."""

    def __init__(self, graph: Graph):
        bound = {str(namespace): prefix for prefix, namespace in graph.namespaces() if prefix}
        self.namespaces = sorted(bound.items(), key=lambda item: -len(item[0]))
        self.cache: dict = {}

    def split(self, iri: str) -> tuple[str, str] | None:
        for namespace, prefix in self.namespaces:
            if iri.startswith(namespace) and SAFE_LOCAL.fullmatch(iri[len(namespace):]):
                return prefix, namespace
        return None

    def term(self, term, used: set) -> str:
        if term not in self.cache:
            iri = str(term.datatype) if isinstance(term, Literal) else str(term)
            found = self.split(iri) if isinstance(term, URIRef) or getattr(term, "datatype", None) else None
            text = ntriples_term(term)
            if found is not None:
                qname = f"{found[0]}:{iri[len(found[1]):]}"
                text = text[: -len(iri) - 2] + qname if isinstance(term, Literal) else qname
            self.cache[term] = (text, found)
        text, found = self.cache[term]
        if found is not None:
            used.add(found)
        return text


def sorted_triples(triples: Iterable[tuple]) -> list[tuple]:
    """The one order every writer follows: by the N-Triples form of subject, predicate, object."""
    return sorted(set(triples), key=lambda t: (ntriples_term(t[0]), ntriples_term(t[1]), ntriples_term(t[2])))


def turtle(triples: Iterable[tuple], prefixes: Prefixes) -> bytes:
    return turtle_of_sorted(sorted_triples(triples), prefixes)


def jsonld(triples: Iterable[tuple]) -> bytes:
    return jsonld_of_sorted(sorted_triples(triples))


def ntriples_of_sorted(ordered: list[tuple]) -> bytes:
    return "".join(f"{ntriples_term(s)} {ntriples_term(p)} {ntriples_term(o)} .\n" for s, p, o in ordered).encode("utf-8")


def turtle_of_sorted(ordered: list[tuple], prefixes: Prefixes) -> bytes:
    """Subjects in order, rdf:type first, then predicates and objects in order; one block per subject."""
    used: set = set()
    blocks, subject, predicate, line = [], None, None, []
    for s, p, o in ordered:
        if s != subject:
            if line:
                blocks.append("".join(line) + " .\n")
            subject, predicate = s, None
            line = [prefixes.term(s, used)]
        if p != predicate:
            line.append((" ;\n    " if predicate is not None else " ")
                        + ("a" if p == RDF_TYPE else prefixes.term(p, used)) + " " + prefixes.term(o, used))
            predicate = p
        else:
            line.append(" ,\n        " + prefixes.term(o, used))
    if line:
        blocks.append("".join(line) + " .\n")
    header = "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in sorted(used))
    return (header + "\n" + "\n".join(blocks)).encode("utf-8")


def jsonld_value(term) -> dict:
    if isinstance(term, URIRef):
        return {"@id": str(term)}
    if isinstance(term, BNode):
        return {"@id": f"_:{term}"}
    value: dict = {"@value": str(term)}
    if term.language:
        value["@language"] = term.language
    elif term.datatype:
        value["@type"] = str(term.datatype)
    return value


def jsonld_of_sorted(ordered: list[tuple]) -> bytes:
    """Expanded JSON-LD, sorted, so that any JSON-LD processor reads it and two builds compare equal."""
    nodes: dict = {}
    for s, p, o in ordered:
        node = nodes.setdefault(s, {"@id": str(s)})
        if p == RDF_TYPE:
            node.setdefault("@type", []).append(str(o))
        else:
            node.setdefault(str(p), []).append(jsonld_value(o))
    lines = ",\n".join(json.dumps(node, ensure_ascii=False) for node in nodes.values())  # one node per line
    return ('{"@graph": [\n' + lines + "\n]}\n").encode("utf-8")


def gzipped(content: bytes) -> bytes:
    """No file name and a zero timestamp in the header keep the archive reproducible."""
    return gzip.compress(content, compresslevel=6, mtime=0)


def writers(prefixes: Prefixes) -> dict:
    """One writer per RDF format, keyed by file extension, each taking triples already in sorted_triples order."""
    return {"ttl": lambda ordered: turtle_of_sorted(ordered, prefixes), "nt": ntriples_of_sorted,
            "jsonld": jsonld_of_sorted}


def pretty_turtle(graph: Graph) -> bytes:
    """rdflib's serialiser, for the small graphs with blank nodes (shapes, ontology, catalogue): it nests
    them as [ … ], which is what people read, and is deterministic where blank-node labels are not."""
    return graph.serialize(format="turtle", encoding="utf-8")


def write_dump(graph: Graph, folder: Path, stem: str, prefixes: Prefixes) -> list[Path]:
    """The whole graph in each format, sorted once for all three, and a gzip of each; compression runs in
    threads (zlib lets go of the GIL)."""
    ordered = sorted_triples(graph)
    written = []
    with ThreadPoolExecutor(max_workers=3) as compressors:
        for extension, serialise in writers(prefixes).items():
            content = serialise(ordered)
            path, compressed = folder / f"{stem}.{extension}", folder / f"{stem}.{extension}.gz"
            path.write_bytes(content)
            compressors.submit(lambda target, data: target.write_bytes(gzipped(data)), compressed, content)
            written += [path, compressed]
    return written
