"""Load stage: parse the Turtle of data/, ontology/ and shapes/, remembering which file says what."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as oxigraph
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from .cache import digest_of
from .config import Settings
from .memory_store import LeanMemory
from .problems import Problem, StageFailed

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# A statement that opens at the start of a line with "subject a Class": how curators define a resource.
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

    def file_of(self, node) -> str:
        return self.origin.get(node, "?")

    def schema_digest(self) -> str:
        """The ontology and shapes files: beside the data, what every cached result depends on."""
        return digest_of(*(f"{file}={digest}" for file, digest in sorted(self.digests.items())
                           if not file.startswith("data/")))

    def files_describing(self, subject) -> list[str]:
        return [self.origin[subject], *self.also_described_in.get(subject, ())]


def turtle_files(folder: Path, recursive: bool = True) -> list[Path]:
    return sorted(p for p in (folder.rglob("*.ttl") if recursive else folder.glob("*.ttl")) if p.is_file())


def empty_file(label: str) -> Problem:
    return Problem(label, "-", "empty-file", "the file holds no triples: add data or remove the file")


class OxigraphTerms(dict):
    """Oxigraph parses Turtle about ten times faster than rdflib; its terms become rdflib terms once each,
    shared by every triple that uses them (which also keeps memory down). A term already met is a
    plain dict lookup; a new one is converted. A blank node keeps Oxigraph's identifier, which the
    parser makes unique per file."""

    def __missing__(self, term):
        if isinstance(term, oxigraph.NamedNode):
            converted = URIRef(term.value)
        elif isinstance(term, oxigraph.BlankNode):
            converted = BNode(term.value)
        elif term.language:
            converted = Literal(term.value, lang=term.language)
        else:
            datatype = term.datatype.value
            converted = Literal(term.value, datatype=None if datatype == XSD_STRING else URIRef(datatype))
        self[term] = converted
        return converted


def parse_triples(path: Path, content: bytes, base_iri: str, label: str, terms: OxigraphTerms) -> tuple[list | None, list[Problem]]:
    """The fast path; anything Oxigraph refuses goes through rdflib, whose messages curators already know."""
    try:
        quads = oxigraph.parse(content, format=oxigraph.RdfFormat.TURTLE, base_iri=base_iri,
                               rename_blank_nodes=True)  # `_:b` in two files: two blank nodes
        triples = [(terms[q.subject], terms[q.predicate], terms[q.object]) for q in quads]
    except (SyntaxError, ValueError):
        graph, problems = parse_file(path, base_iri, label)
        return (list(graph) if graph is not None else None), problems
    if not triples:
        return None, [empty_file(label)]
    return triples, []


def parse_file(path: Path, base_iri: str, label: str) -> tuple[Graph | None, list[Problem]]:
    graph = Graph(bind_namespaces="none")  # the file's own prefixes only, as it declares them
    try:
        graph.parse(path, format="turtle", publicID=base_iri)
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
    problems: list[Problem] = []
    graphs = {"data": Graph(store=LeanMemory()), "vocabulary": Graph(), "shapes": Graph()}
    origin: dict = {}
    also_described_in: dict = {}
    digests: dict[str, str] = {}
    typed_in: dict[URIRef, str] = {}
    terms = OxigraphTerms()
    type_predicates = frozenset({RDF.type})  # `in` hashes in C, where == on a term runs rdflib's Python
    # shapes/ subfolders hold third-party shapes (DCAT-AP) for the catalogue, not for our data
    folders = [("data", settings.data_dir, True), ("vocabulary", settings.ontology_dir, True),
               ("shapes", settings.shapes_dir, False)]
    for kind, folder, recursive in folders:
        for path in turtle_files(folder, recursive):
            label = path.relative_to(settings.root).as_posix()
            content = path.read_bytes()
            digests[label] = hashlib.sha256(content).hexdigest()
            if kind == "data":
                triples, found = parse_triples(path, content, settings.base_iri, label, terms)
            else:  # small, and published as pretty Turtle: rdflib's blank nodes keep that output stable
                graph, found = parse_file(path, settings.base_iri, label)
                triples = list(graph) if graph is not None else None
                if graph is not None:  # the shapes' prefixes name paths in reports, the ontology's name terms in dumps
                    for prefix, namespace in graph.namespaces():
                        graphs["shapes" if kind == "shapes" else "data"].bind(prefix, namespace, replace=True)
            problems += found
            if triples is None:
                continue
            problems += repeated_definitions(content, label)
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
    if problems:
        raise StageFailed(problems)
    for graph in graphs.values():
        graph.bind("tw", settings.tw)
    return Sources(graphs["data"], graphs["vocabulary"], graphs["shapes"], origin, settings.data_dir, digests,
                   also_described_in)


def describe(node, graph: Graph) -> str:
    """Name a blank node by the resource that points at it, so a curator can find it."""
    if not isinstance(node, BNode):
        return str(node)
    for subject, predicate in graph.subject_predicates(node):
        return f"{graph.namespace_manager.normalizeUri(predicate)} of {describe(subject, graph)}"
    return "a blank node"
