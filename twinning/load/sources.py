"""Load stage: parse the Turtle of data/, ontology/ and shapes/, remembering which file says what."""

from __future__ import annotations

import hashlib
import logging
import re
from array import array
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Iterator

import pyoxigraph as oxigraph
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from ..cache import digest_of
from ..config import Settings
from ..store import new_graph
from ..parallel import started
from ..problems import Problem, StageFailed

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
BYTES_PER_CHUNK = 1 << 20  # data a worker reads and hands over at once: a few files, or one large one
# A statement that opens at the start of a line with "subject a Class": how curators define a resource.
# rdflib logs a traceback to stderr for each literal it cannot convert (30 February) and each IRI it
# finds odd (a space): the checks report both as problems with the file, the resource and the rule
# ([literal-form], [iri-form]), which is all a curator should read.
logging.getLogger("rdflib.term").setLevel(logging.ERROR)

DEFINITION_LINE = re.compile(r"^(<[^>\s]+>|[A-Za-z][\w-]*:[^\s;,]*)\s+a\s", re.MULTILINE)


@dataclass
class Sources:
    data: Graph
    vocabulary: Graph
    shapes: Graph
    origin: dict = field(default_factory=dict)  # subject (IRI or blank node) -> first file that describes it
    data_dir: Path | None = None
    digests: dict = field(default_factory=dict)  # file -> sha256 of its bytes: what cached results are keyed on
    also_described_in: dict = field(default_factory=dict)  # subject -> the other files that describe it (rare)
    root: Path | None = None  # the project, which file labels are relative to

    def file_of(self, node) -> str:
        return self.origin.get(node, "?")

    def schema_digest(self) -> str:
        """The ontology and shapes files: beside the data, what every cached result depends on."""
        return digest_of(*(f"{file}={digest}" for file, digest in sorted(self.digests.items())
                           if not file.startswith("data/")))

    def files_describing(self, subject) -> list[str]:
        return [self.origin[subject], *self.also_described_in.get(subject, ())]


def turtle_files(folder: Path, recursive: bool = True) -> list[Path]:
    """The folder's Turtle files that really lie in it: one that is a link to a file elsewhere is
    left to files_leaving, which reports it."""
    inside = folder.resolve()
    return sorted(p for p in found_turtle(folder, recursive) if p.resolve().is_relative_to(inside))


def found_turtle(folder: Path, recursive: bool) -> list[Path]:
    return [p for p in (folder.rglob("*.ttl") if recursive else folder.glob("*.ttl")) if p.is_file()]


def files_leaving(settings: Settings) -> list[Problem]:
    """The build reads only what data/, ontology/ and shapes/ hold: a link to a file outside its
    folder would publish a file the project does not keep, so it is refused, unread."""
    problems = []
    for folder, recursive in ((settings.data_dir, True), (settings.ontology_dir, True), (settings.shapes_dir, False)):
        inside = folder.resolve()
        for path in sorted(found_turtle(folder, recursive)):
            if not path.resolve().is_relative_to(inside):
                name = folder.relative_to(settings.root).as_posix()
                problems.append(Problem(path.relative_to(settings.root).as_posix(), "-", "file-inside",
                                        f"the file is a link to a file outside {name}/: "
                                        f"copy the file into {name}/ or remove the link"))
    return problems


def empty_file(label: str) -> Problem:
    return Problem(label, "-", "empty-file", "the file holds no triples: add data or remove the file")


@dataclass
class ReadFile:
    """A data file as a worker read it: its digest, the definitions it repeats and, unless Oxigraph
    refused it, its triples as indexes into its distinct terms, each described by plain values (kind,
    text, language, datatype) that this process makes into rdflib terms."""
    path: Path
    label: str
    digest: str
    repeated: list[Problem]
    terms: list[tuple] | None
    ids: array | None  # subject, predicate and object of each triple, in turn

    def triples(self, known: RdflibTerms) -> list[tuple] | None:
        if self.terms is None:
            return None
        get = [known[described] for described in self.terms].__getitem__
        ids = self.ids
        return list(zip(map(get, ids[0::3]), map(get, ids[1::3]), map(get, ids[2::3])))


def described(term) -> tuple:
    """An Oxigraph term as plain values, which cross between processes cheaply."""
    if isinstance(term, oxigraph.NamedNode):
        return ("<", term.value)
    if isinstance(term, oxigraph.BlankNode):
        return ("_", term.value)
    datatype = term.datatype.value
    return ('"', term.value, term.language, None if term.language or datatype == XSD_STRING else datatype)


class RdflibTerms(dict):
    """Described terms and the rdflib terms made of them, once each: shared by every triple that uses
    them, which also keeps memory down. A blank node keeps Oxigraph's identifier, which the parser
    makes unique per file."""

    def __missing__(self, key: tuple):
        kind, value = key[0], key[1]
        if kind == "<":
            term = URIRef(value)
        elif kind == "_":
            term = BNode(value)
        else:
            term = Literal(value, lang=key[2], datatype=URIRef(key[3]) if key[3] else None)
        self[key] = term
        return term


def read_data_files(files: list[tuple[Path, str]], base_iri: str) -> list[ReadFile]:
    """Oxigraph parses Turtle about ten times faster than rdflib. It runs in a worker, which hands over
    each file's terms once and its triples as indexes, so that the main process only makes the rdflib
    terms and indexes the triples, while parsing goes on on another core. A file Oxigraph refuses
    goes through rdflib in the main process, whose messages curators already know."""
    read = []
    for path, label in files:
        content = path.read_bytes()
        try:
            position: dict = {}
            ids = array("q", [position.setdefault(term, len(position)) for quad in oxigraph.parse(
                content, format=oxigraph.RdfFormat.TURTLE, base_iri=base_iri,
                rename_blank_nodes=True)  # `_:b` in two files: two blank nodes
                for term in (quad.subject, quad.predicate, quad.object)])
            terms = [described(term) for term in position]
        except (SyntaxError, ValueError):  # parsed again by rdflib in the main process, for its messages
            terms, ids = None, None
        read.append(ReadFile(path, label, hashlib.sha256(content).hexdigest(), repeated_definitions(content, label),
                             terms, ids))
    return read


def parse_file(path: Path, base_iri: str, label: str) -> tuple[Graph | None, list[Problem]]:
    graph = Graph(bind_namespaces="none")  # the file's own prefixes only, as it declares them
    content = path.read_bytes()
    try:  # the codec's message gives a byte offset, which no editor shows: the line is found here
        content.decode("utf-8")
    except UnicodeDecodeError as error:
        line = content[:error.start].count(b"\n") + 1
        return None, [Problem(f"{label}:{line}", "-", "utf-8",
                              f"line {line} holds bytes that are not UTF-8 ({content[error.start:error.end].hex(' ')}): "
                              "correct the characters of that line and save the file as UTF-8")]
    try:
        graph.parse(data=content, format="turtle", publicID=base_iri)
    except BadSyntax as error:
        line = syntax_error_line(error)
        return None, [Problem(f"{label}:{line}", "-", "turtle-syntax",
                              f"Turtle syntax error at line {line}: {error._why}")]
    except Exception as error:  # rdflib raises several types for bad prefixes, IRIs or literals
        return None, [Problem(label, "-", "turtle-syntax", f"cannot parse the Turtle: {error}")]
    if len(graph) == 0:
        return None, [empty_file(label)]
    return graph, []


def syntax_error_line(error: BadSyntax) -> int:
    """rdflib's own line number can run one past the fault; the offset into the text does not."""
    text = error._str
    if isinstance(text, (bytes, str)):
        newline = b"\n" if isinstance(text, bytes) else "\n"
        return text[: error._i].count(newline) + 1
    return error.lines + 1


def repeated_definitions(content: bytes, label: str) -> list[Problem]:
    """Turtle merges two blocks with one subject silently; a curator's copy-paste shows up here."""
    counts = Counter(DEFINITION_LINE.findall(content.decode("utf-8", errors="replace")))
    return [Problem(label, subject, "unique-iri",
                    f"{subject} is defined {n} times in this file: two resources cannot share one IRI")
            for subject, n in sorted(counts.items()) if n > 1]


def load(settings: Settings) -> Sources:
    """Parse every file; raise StageFailed with all the syntax problems found, not just the first."""
    problems: list[Problem] = files_leaving(settings)
    graphs = {"data": new_graph(), "vocabulary": Graph(), "shapes": Graph()}
    origin: dict = {}
    also_described_in: dict = {}
    digests: dict[str, str] = {}
    typed_in: dict[URIRef, str] = {}
    type_predicates = frozenset({RDF.type})  # `in` hashes in C, where == on a term runs rdflib's Python

    def add(kind: str, label: str, triples: list | None, found: list[Problem], repeated: list[Problem]) -> None:
        problems.extend(found)
        if triples is None:
            return
        problems.extend(repeated)
        for subject in dict.fromkeys(s for s, p, _ in triples if p in type_predicates):
            if isinstance(subject, URIRef) and subject in typed_in:
                problems.append(Problem(label, str(subject), "unique-iri",
                                        f"already defined in {typed_in[subject]}: two resources cannot share one IRI"))
            typed_in.setdefault(subject, label)
        for subject in dict.fromkeys(s for s, _, _ in triples):
            first = origin.setdefault(subject, label)
            if first != label:
                also_described_in.setdefault(subject, []).append(label)
        target = graphs[kind]  # the parsers' terms need none of Graph.addN's checks, one per triple
        target.store.addN((s, p, o, target) for s, p, o in triples)

    terms = RdflibTerms()
    for file in data_files(settings):
        digests[file.label] = file.digest
        triples, found = file.triples(terms), []
        if triples is None:
            graph, found = parse_file(file.path, settings.base_iri, file.label)
            triples = list(graph) if graph is not None else None
        elif not triples:
            triples, found = None, [empty_file(file.label)]
        add("data", file.label, triples, found, file.repeated)
    # small, and published as pretty Turtle: rdflib's blank nodes keep that output stable. shapes/
    # subfolders hold third-party shapes (DCAT-AP) for the catalogue, not for our data.
    for kind, folder, recursive in (("vocabulary", settings.ontology_dir, True), ("shapes", settings.shapes_dir, False)):
        for path in turtle_files(folder, recursive):
            label = path.relative_to(settings.root).as_posix()
            content = path.read_bytes()
            digests[label] = hashlib.sha256(content).hexdigest()
            graph, found = parse_file(path, settings.base_iri, label)
            if graph is not None:  # the shapes' prefixes name paths in reports, the ontology's name terms in dumps
                for prefix, namespace in graph.namespaces():
                    graphs["shapes" if kind == "shapes" else "data"].bind(prefix, namespace, replace=True)
            add(kind, label, list(graph) if graph is not None else None, found, repeated_definitions(content, label))
    if problems:
        raise StageFailed(problems)
    for graph in graphs.values():
        graph.bind("tw", settings.tw)
    return Sources(graphs["data"], graphs["vocabulary"], graphs["shapes"], origin, settings.data_dir, digests,
                   also_described_in, settings.root)


def data_files(settings: Settings) -> Iterator[ReadFile]:
    """The data files in order, read by a worker while this process takes in those it has read."""
    chunks: list[list[tuple[Path, str]]] = [[]]
    size = 0
    for path in turtle_files(settings.data_dir):
        if size >= BYTES_PER_CHUNK:
            chunks.append([])
            size = 0
        chunks[-1].append((path, path.relative_to(settings.root).as_posix()))
        size += path.stat().st_size
    with started(partial(read_data_files, base_iri=settings.base_iri), [chunk for chunk in chunks if chunk],
                 workers=1, apart=True) as read:
        for chunk in read:
            yield from chunk
