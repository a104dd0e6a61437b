"""Dumps: triples as Turtle, N-Triples and JSON-LD, byte-identical for the same input.

The writers take plain triples, not a graph: a page's document is a handful of triples, and a
dump is millions; rdflib's serialisers cost about a millisecond per page and a minute per million
triples, these a small fraction of that (scripts/benchmark.py measures both).
"""

from __future__ import annotations

import json
import re
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Callable, Iterable, Iterator

from rdflib import RDF, BNode, Graph, Literal, URIRef

RDF_TYPE = RDF.type  # rdflib looks namespace attributes up on every access: too slow per triple
ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
# A local name that is safe in any Turtle reader as the part after "prefix:".
SAFE_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")


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
        """prefix:local for an IRI, or for a literal's datatype, where a prefix fits; remembered per IRI
        only, since literals rarely repeat."""
        iri = term.datatype if isinstance(term, Literal) else term
        if iri is None or isinstance(term, BNode):
            return ntriples_term(term)
        if iri not in self.cache:
            found = self.split(str(iri))
            self.cache[iri] = (None if found is None else f"{found[0]}:{str(iri)[len(found[1]):]}", found)
        qname, found = self.cache[iri]
        if found is None:
            return ntriples_term(term)
        used.add(found)
        return qname if iri is term else ntriples_term(term)[: -len(iri) - 2] + qname


    def used_in(self, triples: Iterable[tuple]) -> set:
        """The prefixes a Turtle header must declare for these triples (rdf:type is written `a`)."""
        used: set = set()
        for s, p, o in triples:
            for term in (s, o) if p == RDF_TYPE else (s, p, o):
                self.term(term, used)
        return used


def triple_key(triple: tuple) -> tuple[str, str, str]:
    """The one order every writer follows: by the N-Triples form of subject, predicate, object."""
    return ntriples_term(triple[0]), ntriples_term(triple[1]), ntriples_term(triple[2])


def sorted_triples(triples: Iterable[tuple]) -> list[tuple]:
    return sorted(set(triples), key=triple_key)


def subject_blocks(ordered: Iterable[tuple]) -> Iterator[list[tuple]]:
    return (list(block) for _, block in groupby(ordered, key=itemgetter(0)))


def ntriples_block(block: list[tuple]) -> str:
    return "".join(f"{ntriples_term(s)} {ntriples_term(p)} {ntriples_term(o)} .\n" for s, p, o in block)


def turtle_block(block: list[tuple], prefixes: Prefixes, used: set) -> str:
    """One subject: rdf:type first (it sorts first), then predicates and objects in order."""
    parts, predicate = [prefixes.term(block[0][0], used)], None
    for _, p, o in block:
        if p != predicate:
            parts.append((" ;\n    " if predicate is not None else " ")
                         + ("a" if p == RDF_TYPE else prefixes.term(p, used)) + " " + prefixes.term(o, used))
            predicate = p
        else:
            parts.append(" ,\n        " + prefixes.term(o, used))
    return "".join(parts) + " .\n"


def turtle_header(used: set) -> str:
    return "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in sorted(used)) + "\n"


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


def jsonld_node(block: list[tuple]) -> str:
    """One subject as one line of expanded JSON-LD (the C encoder: no indent)."""
    node: dict = {"@id": str(block[0][0])}
    for _, p, o in block:
        if p == RDF_TYPE:
            node.setdefault("@type", []).append(str(o))
        else:
            node.setdefault(str(p), []).append(jsonld_value(o))
    return json.dumps(node, ensure_ascii=False)


@dataclass(frozen=True)
class Framing:
    """How a format opens, separates and closes its subject blocks: the one description that both the
    whole-text writers (pages, small files) and the streamed dumps follow."""
    opening: str
    separator: str
    closing: str
    block: Callable[[list[tuple]], str]


NTRIPLES = Framing("", "", "", ntriples_block)
JSONLD = Framing('{"@graph": [\n', ",\n", "\n]}\n", jsonld_node)


def turtle_framing(prefixes: Prefixes, used: set) -> Framing:
    """Turtle's header declares `used`, the prefixes its blocks write."""
    return Framing(turtle_header(used), "\n", "", lambda block: turtle_block(block, prefixes, used))


def framings(prefixes: Prefixes, used: set) -> dict[str, Framing]:
    """One per RDF format, keyed by file extension."""
    return {"ttl": turtle_framing(prefixes, used), "nt": NTRIPLES, "jsonld": JSONLD}


def framed(framing: Framing, ordered: list[tuple]) -> bytes:
    """Triples already in sorted_triples order, as one text."""
    body = framing.separator.join(framing.block(block) for block in subject_blocks(ordered))
    return (framing.opening + body + framing.closing).encode("utf-8")


def turtle_of_sorted(ordered: list[tuple], prefixes: Prefixes) -> bytes:
    return framed(turtle_framing(prefixes, prefixes.used_in(ordered)), ordered)


def turtle(triples: Iterable[tuple], prefixes: Prefixes) -> bytes:
    return turtle_of_sorted(sorted_triples(triples), prefixes)


def jsonld(triples: Iterable[tuple]) -> bytes:
    return framed(JSONLD, sorted_triples(triples))


def writers(prefixes: Prefixes) -> dict:
    """One whole-text writer per RDF format, keyed by file extension, each taking triples already in
    sorted_triples order."""
    return {"ttl": lambda ordered: turtle_of_sorted(ordered, prefixes), "nt": partial(framed, NTRIPLES),
            "jsonld": partial(framed, JSONLD)}


class CompressedCopy:
    """A file and its gzip, written as text arrives: batches are compressed in a thread (zlib lets go of
    the GIL) while the next is produced, so memory holds a batch or two, never the dump. Level 6 and no
    name or timestamp in the header, as gzip.compress(mtime=0) writes them: same input, same bytes."""
    BATCH = 1 << 22

    def __init__(self, path: Path):
        self.paths = [path, path.with_name(path.name + ".gz")]
        self.plain, self.packed = open(self.paths[0], "wb"), open(self.paths[1], "wb")
        self.compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
        self.thread = ThreadPoolExecutor(max_workers=1)
        self.pending: Future | None = None
        self.batch: list[str] = []
        self.size = 0

    def write(self, text: str) -> None:
        self.batch.append(text)
        self.size += len(text)
        if self.size >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        data = "".join(self.batch).encode("utf-8")
        self.batch, self.size = [], 0
        self.plain.write(data)
        if self.pending is not None:
            self.pending.result()
        self.pending = self.thread.submit(lambda: self.packed.write(self.compressor.compress(data)))

    def close(self) -> list[Path]:
        self.flush()
        self.pending.result()
        self.packed.write(self.compressor.flush())
        self.thread.shutdown()
        self.plain.close()
        self.packed.close()
        return self.paths


def write_dump(graph: Graph, folder: Path, stem: str, prefixes: Prefixes) -> list[Path]:
    """The whole graph in each format, and a gzip of each, in one pass over its subjects in order: the
    memory of a subject's triples, not of the graph's text. A first pass finds the prefixes that
    Turtle's header must declare."""
    subjects = set(graph.subjects())
    formats = framings(prefixes, prefixes.used_in(graph))
    files = {extension: CompressedCopy(folder / f"{stem}.{extension}") for extension in formats}
    for extension, framing in formats.items():
        files[extension].write(framing.opening)
    for index, subject in enumerate(sorted(subjects, key=ntriples_term)):
        block = sorted(graph.triples((subject, None, None)), key=triple_key)
        for extension, framing in formats.items():
            files[extension].write((framing.separator if index else "") + framing.block(block))
    for extension, framing in formats.items():
        files[extension].write(framing.closing)
    return [path for file in files.values() for path in file.close()]


def pretty_turtle(graph: Graph) -> bytes:
    """rdflib's serialiser, for the small graphs with blank nodes (shapes, ontology, catalogue): it nests
    them as [ … ], which is what people read, and is deterministic where blank-node labels are not."""
    return graph.serialize(format="turtle", encoding="utf-8")
