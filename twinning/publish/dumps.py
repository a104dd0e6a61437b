"""Dumps: triples as Turtle, N-Triples and JSON-LD, byte-identical for the same input.

The writers take plain triples, not a graph: a page's document is a handful of triples, and a
dump is millions; rdflib's serialisers cost about a millisecond per page and a minute per million
triples, these a small fraction of that (scripts/benchmark.py measures both).
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Callable, Iterable, Iterator

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.term import Node
from zlib_ng import zlib_ng

RDF_TYPE = f"<{RDF.type}>"
JSON_LINE = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps makes a new encoder per call when given options
ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
# A local name that is safe in any Turtle reader as the part after "prefix:".
SAFE_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
# A triple as written: the N-Triples forms of its subject, predicate and object, and the object itself
# (JSON-LD needs a literal's parts). Rows sort as their N-Triples lines do, by C string comparisons.
Row = tuple[str, str, str, Node]


def ntriples_term(term) -> str:
    kind = type(term)  # not isinstance: rdflib's term classes make it slow, and it runs per term
    if kind is not URIRef and kind is not BNode and kind is not Literal:
        kind = next(base for base in (URIRef, BNode, Literal) if isinstance(term, base))
    if kind is URIRef:
        return f"<{term}>"
    if kind is BNode:
        return f"_:{term}"
    text = f'"{term.translate(ESCAPES)}"'
    if term.language:
        return f"{text}@{term.language}"
    return f"{text}^^<{term.datatype}>" if term.datatype else text


predicate_term = lru_cache(maxsize=4096)(ntriples_term)  # a vocabulary's worth of predicates


class Prefixes:
    """The graph's bound prefixes, used for the IRIs whose local part any Turtle parser accepts."""

    def __init__(self, graph: Graph):
        bound = {str(namespace): prefix for prefix, namespace in graph.namespaces() if prefix}
        self.namespaces = sorted(bound.items(), key=lambda item: -len(item[0]))
        self.cache: dict[str, tuple[str, tuple[str, str] | None]] = {}
        # the first namespace that starts an IRI, found in C: the data's own IRIs (a page's subjects) start
        # with none, and would otherwise be compared with every namespace in turn
        self.first_start = re.compile("|".join(f"({re.escape(namespace)})" for namespace, _ in self.namespaces))

    def split(self, iri: str) -> tuple[str, str] | None:
        """The longest namespace that starts the IRI and leaves a safe local name."""
        starting = self.first_start.match(iri) if self.namespaces else None
        for namespace, prefix in self.namespaces[starting.lastindex - 1:] if starting else ():
            if iri.startswith(namespace) and SAFE_LOCAL.fullmatch(iri[len(namespace):]):
                return prefix, namespace
        return None

    def iri(self, written: str, used: set) -> str:
        """prefix:local for an IRI written <…>, where a prefix fits; remembered per IRI."""
        known = self.cache.get(written)
        if known is None:
            found = self.split(written[1:-1])
            known = self.cache[written] = (written if found is None else f"{found[0]}:{written[len(found[1]) + 1:-1]}",
                                           found)
        if known[1] is not None:
            used.add(known[1])
        return known[0]

    def term(self, written: str, used: set) -> str:
        """A term's Turtle form from its N-Triples form: the IRI, or a literal's datatype, abbreviated."""
        if written[0] == "<":
            return self.iri(written, used)
        if written[-1] == ">":  # a typed literal; "^^" cannot occur in its datatype IRI
            lexical, _, datatype = written.rpartition("^^")
            return f"{lexical}^^{self.iri(datatype, used)}"
        return written


def sorted_triples(triples: Iterable[tuple]) -> list[Row]:
    """Triples as rows, without repeats, in the one order every writer follows. A subject's triples
    come together, so its form is made once for them, and a predicate's once per process."""
    written, subject, subject_term = {}, None, ""
    for s, p, o in triples:
        if s is not subject:
            subject, subject_term = s, ntriples_term(s)
        written[(subject_term, predicate_term(p), ntriples_term(o))] = o
    return sorted((*key, o) for key, o in written.items())


def subject_blocks(ordered: Iterable[Row]) -> Iterator[list[Row]]:
    return (list(block) for _, block in groupby(ordered, key=itemgetter(0)))


def ntriples_block(block: list[Row], used: set) -> str:
    return "".join(f"{s} {p} {o} .\n" for s, p, o, _ in block)


def turtle_block(block: list[Row], used: set, prefixes: Prefixes) -> str:
    """One subject, `a` first as people write Turtle, then its other predicates in order, each with its
    objects. Adds the prefixes it writes to `used`."""
    parts, predicate = [prefixes.term(block[0][0], used)], None
    for _, p, o, _ in sorted(block, key=lambda row: row[1] != RDF_TYPE):  # stable: the rest keeps its order
        if p != predicate:
            parts.append((" ;\n    " if predicate is not None else " ")
                         + ("a" if p == RDF_TYPE else prefixes.iri(p, used)) + " " + prefixes.term(o, used))
            predicate = p
        else:
            parts.append(" ,\n        " + prefixes.term(o, used))
    return "".join(parts) + " .\n"


def turtle_header(used: set) -> str:
    return "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in sorted(used)) + "\n"


CONTEXT_FILE = "context.jsonld"  # beside the pages, at the base IRI: every JSON-LD document refers to it


def jsonld_node(block: list[Row], used: set, compact: Callable[[str, set], str]) -> str:
    """One subject as one line of compact JSON-LD, as the standard library's encoder writes a dict of
    lists (no indent, ", " and ": "): its IRIs written prefix:local where Turtle writes them so,
    against the published context that declares those prefixes, and @type where rdf:type sorts. JSON-LD's
    @type takes IRIs only: a literal value of rdf:type (sorted before the IRIs) stays an rdf:type
    property with a value object, so that the document still expands to the same triples."""
    parts, key = ['{"@id": ', compact(block[0][0], used)], None
    for _, p, o, term in block:
        as_type = p == RDF_TYPE and o[0] != '"'
        written = "@type" if as_type else p  # never a predicate's N-Triples form, which starts with "<"
        if written != key:
            parts.append(("], " if key is not None else ", ") + ('"@type"' if as_type else compact(p, used)) + ": [")
            key = written
        else:
            parts.append(", ")
        if as_type:
            parts.append(compact(o, used))
        elif o[0] != '"':
            parts.append('{"@id": ' + compact(o, used) + "}")
        else:
            language, datatype = term.language, term.datatype
            parts.append('{"@value": ' + JSON_LINE(str(term)) + (
                ', "@language": ' + JSON_LINE(language) if language else
                ', "@type": ' + compact(f"<{datatype}>", used) if datatype else "") + "}")
    parts.append("]}")
    return "".join(parts)


def jsonld_compactor(prefixes: Prefixes) -> Callable[[str, set], str]:
    """An IRI or blank node, written as in N-Triples, as a JSON string: prefix:local where a prefix
    fits, else whole. The same few IRIs (kinds, places, properties) recur on every page: each is
    encoded once."""
    known: dict[str, tuple[str, tuple[str, str] | None]] = {}

    def compact(written: str, used: set) -> str:
        found = known.get(written)
        if found is None:
            prefix: set = set()
            short = prefixes.iri(written, prefix) if written[0] == "<" else written
            found = known[written] = (JSON_LINE(short[1:-1] if short[0] == "<" else short), next(iter(prefix), None))
        if found[1] is not None:
            used.add(found[1])
        return found[0]
    return compact


def jsonld_framing(prefixes: Prefixes, context: str) -> Framing:
    """Compact JSON-LD whose @context is the publication's context document, given by its URL: the
    documents stay short and readable, and any JSON-LD processor expands them to the same triples
    as the Turtle (tests/test_linked_data.py checks the dump with pyld)."""
    return Framing('{"@context": ' + JSON_LINE(context) + ', "@graph": [\n', ",\n", "\n]}\n",
                   partial(jsonld_node, compact=jsonld_compactor(prefixes)))


def context_document(used: set) -> bytes:
    """The context that every JSON-LD document refers to: the prefixes they write, one per line. A
    prefix is a term whose IRI ends in "/" or "#", which JSON-LD 1.1 expands as a prefix."""
    prefixes: dict[str, str] = {}
    for prefix, namespace in sorted(used):
        if prefixes.setdefault(prefix, namespace) != namespace:
            raise ValueError(f"prefix {prefix}: is bound to both {prefixes[prefix]} and {namespace}")
    return (json.dumps({"@context": prefixes}, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Framing:
    """How a format opens, separates and closes its subject blocks: the one description that both the
    whole-text writers (pages, small files) and the streamed dumps follow. A block adds the prefixes
    it writes to a set; a format that declares them (Turtle) opens with them, so its opening is
    known once its blocks are written."""
    opening: str
    separator: str
    closing: str
    block: Callable[[list[Row], set], str]
    declares_prefixes: bool = False

    def opened(self, used: set) -> str:
        return self.opening + (turtle_header(used) if self.declares_prefixes else "")

    def body(self, ordered: list[Row], used: set) -> bytes:
        """Rows already in sorted_triples order, as blocks joined by the separator, in UTF-8: the bytes
        of a page's document are those its worker hands over for the dump, encoded once."""
        return self.separator.join(self.block(block, used) for block in subject_blocks(ordered)).encode("utf-8")

    def whole(self, body: bytes, used: set) -> bytes:
        return self.opened(used).encode("utf-8") + body + self.closing.encode("utf-8")

    @cached_property
    def encoded_separator(self) -> bytes:
        return self.separator.encode("utf-8")

    def joined(self, runs: Iterable[bytes]) -> bytes:
        """Runs of this format's blocks as one run."""
        return self.encoded_separator.join(runs)


NTRIPLES = Framing("", "", "", ntriples_block)


def turtle_framing(prefixes: Prefixes) -> Framing:
    return Framing("", "\n", "", partial(turtle_block, prefixes=prefixes), declares_prefixes=True)


def framings(prefixes: Prefixes, context: str) -> dict[str, Framing]:
    """One per RDF format, keyed by file extension; JSON-LD refers to the context at that URL."""
    return {"ttl": turtle_framing(prefixes), "nt": NTRIPLES, "jsonld": jsonld_framing(prefixes, context)}


def framed(framing: Framing, ordered: list[Row]) -> bytes:
    """Rows already in sorted_triples order, as one text."""
    used: set = set()
    return framing.whole(framing.body(ordered, used), used)


def turtle(triples: Iterable[tuple], prefixes: Prefixes) -> bytes:
    return framed(turtle_framing(prefixes), sorted_triples(triples))


def jsonld(triples: Iterable[tuple], prefixes: Prefixes, context: str, used: set) -> bytes:
    """Compact JSON-LD of a small graph (the catalogue); adds the prefixes it writes to `used`."""
    framing = jsonld_framing(prefixes, context)
    return framing.whole(framing.body(sorted_triples(triples), used), used)


@dataclass(frozen=True)
class PublishedFile:
    """Size and checksum, taken once per file: the catalogue and the downloads page both show them."""
    size: int
    sha256: str

    @classmethod
    def of(cls, path: Path) -> PublishedFile:
        with path.open("rb") as file:  # in blocks: a dump can be larger than the memory left
            return cls(path.stat().st_size, hashlib.file_digest(file, "sha256").hexdigest())


class CompressedCopy:
    """A file and its gzip, written as bytes arrive: batches are compressed and checksummed in a thread
    (zlib and hashlib let go of the GIL) while the next is produced, so memory holds a batch or two,
    never the dump, and the catalogue need not read the dump back. zlib-ng at zlib's default level 6,
    with no name or timestamp in the header: same input, same bytes. zlib-ng takes about half the CPU
    of the standard library's zlib at the same level (docs/performance.md); any gzip reader reads it."""
    BATCH = 1 << 22

    def __init__(self, path: Path):
        self.paths = [path, path.with_name(path.name + ".gz")]
        self.plain, self.packed = open(self.paths[0], "wb"), open(self.paths[1], "wb")
        self.compressor = zlib_ng.compressobj(6, zlib_ng.DEFLATED, 31)
        self.digests, self.sizes = [hashlib.sha256(), hashlib.sha256()], [0, 0]
        self.thread = ThreadPoolExecutor(max_workers=1)
        self.pending: Future | None = None
        self.batch: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> None:
        self.batch.append(data)
        self.size += len(data)
        if self.size >= self.BATCH:
            self.flush()

    def flush(self, last: bool = False) -> None:
        self.send(b"".join(self.batch), last)
        self.batch, self.size = [], 0

    def send(self, data: bytes, last: bool = False) -> None:
        """Bytes after those written so far, which must have been flushed; the last ends the gzip stream."""
        self.plain.write(data)
        if self.pending is not None:
            self.pending.result()
        self.pending = self.thread.submit(self.pack, data, last)

    def pack(self, data: bytes, last: bool) -> None:
        packed = self.compressor.compress(data) + (self.compressor.flush() if last else b"")
        self.packed.write(packed)
        for index, written in enumerate((data, packed)):
            self.digests[index].update(written)
            self.sizes[index] += len(written)

    def close(self) -> dict[Path, PublishedFile]:
        self.flush(last=True)
        self.pending.result()
        self.thread.shutdown()
        self.plain.close()
        self.packed.close()
        return {path: PublishedFile(size, digest.hexdigest())
                for path, size, digest in zip(self.paths, self.sizes, self.digests)}


class StreamedText:
    """One format's dump and its gzip, written a run of subject blocks at a time. Turtle opens with the
    prefixes its blocks use, known only at the end: its body waits in a file beside the target, and
    is copied after the opening when the dump closes."""

    def __init__(self, path: Path, framing: Framing):
        self.path, self.framing, self.empty = path, framing, True
        self.body = path.with_name(f".{path.name}.body") if framing.declares_prefixes else None
        self.target = open(self.body, "wb") if self.body else CompressedCopy(path)
        if self.body is None:
            self.target.write(framing.opening.encode("utf-8"))

    def write(self, runs: list[bytes]) -> None:
        """Runs of blocks framed by this format, each joined by its separator."""
        for run in runs:
            if run:
                if not self.empty:  # written apart: joining would copy the run
                    self.target.write(self.framing.encoded_separator)
                self.target.write(run)
                self.empty = False

    def close(self, used: set) -> dict[Path, PublishedFile]:
        self.target.write(self.framing.closing.encode("utf-8"))
        if self.body is None:
            return self.target.close()
        self.target.close()
        whole = CompressedCopy(self.path)
        whole.send(self.framing.opened(used).encode("utf-8"))
        with open(self.body, "rb") as body:  # bytes as they were written: nothing to decode
            for data in iter(partial(body.read, CompressedCopy.BATCH), b""):
                whole.send(data)
        self.body.unlink()
        return whole.close()


@dataclass
class Counts:
    """What VoID states about a dump, counted while it is written: no other pass over the graph."""
    triples: int = 0
    subjects: int = 0
    entities: int = 0  # subjects with a type
    properties: set = field(default_factory=set)

    def add(self, ordered: list[Row]) -> None:
        for block in subject_blocks(ordered):
            predicates = {row[1] for row in block}
            self.triples += len(block)
            self.subjects += 1
            self.entities += RDF_TYPE in predicates
            self.properties |= predicates

    def merge(self, other: Counts) -> None:
        self.triples += other.triples
        self.subjects += other.subjects
        self.entities += other.entities
        self.properties |= other.properties


@dataclass
class DumpPart:
    """Runs of subject blocks in each format (a run: blocks joined by the format's separator), the
    prefixes their Turtle uses, and their counts: what a page worker hands over, having written the
    same runs into its pages. `subsets` holds the Turtle runs of each named subset (a commune's file)."""
    runs: dict[str, list[bytes]] = field(default_factory=dict)  # file extension -> runs, in UTF-8
    used: set = field(default_factory=set)
    counts: Counts = field(default_factory=Counts)
    subsets: dict[str, DumpPart] = field(default_factory=dict)

    def add(self, ordered: list[Row], formats: dict[str, Framing], subset: str | None = None) -> tuple[dict[str, bytes], set]:
        """Rows in sorted_triples order as one run, also in `subset` if named; gives the run in each
        format and the prefixes its Turtle uses, from which a page's documents are made."""
        used: set = set()
        texts = {extension: framing.body(ordered, used) for extension, framing in formats.items()}
        counts = Counts()
        counts.add(ordered)
        self.extend(texts, used, counts)
        if subset is not None:
            self.subsets.setdefault(subset, DumpPart()).extend({"ttl": texts["ttl"]}, used, counts)
        return texts, used

    def extend(self, texts: dict[str, bytes], used: set, counts: Counts) -> None:
        for extension, text in texts.items():
            self.runs.setdefault(extension, []).append(text)
        self.used |= used
        self.counts.merge(counts)


class Dump:
    """The whole graph in each format, and a gzip of each, written part by part as the parts arrive:
    the memory of a part's text, not of the graph's. The order is that of the parts, each sorted.
    A subset's pages come from every chunk, so its Turtle waits in one unnamed spool file, appended
    as parts arrive and read back by offsets at the end, rather than in memory (at 100,000
    partnerships, the size of the Turtle dump)."""

    def __init__(self, folder: Path, stem: str, formats: dict[str, Framing]):
        self.folder, self.formats = folder, formats
        self.files = {extension: StreamedText(folder / f"{stem}.{extension}", framing)
                      for extension, framing in formats.items()}
        self.whole = DumpPart()  # prefixes and counts of the dump, and of each subset (runs in the spool)
        self.spool = tempfile.TemporaryFile(dir=folder)
        self.pieces: dict[str, list[tuple[int, int]]] = {}  # subset -> (offset, length) of its runs in the spool

    def write(self, part: DumpPart) -> None:
        for extension, runs in part.runs.items():
            self.files[extension].write(runs)
        self.whole.extend({}, part.used, part.counts)  # its runs are in the files
        for name, subset in part.subsets.items():
            text = self.formats["ttl"].joined(subset.runs["ttl"])
            self.pieces.setdefault(name, []).append((self.spool.tell(), len(text)))
            self.spool.write(text)
            self.whole.subsets.setdefault(name, DumpPart()).extend({}, subset.used, subset.counts)

    def close(self) -> tuple[dict[Path, PublishedFile], Counts, dict[str, tuple[Path, int]]]:
        """The dump's files and its subsets' with their sizes and checksums, its counts, and each subset's
        Turtle file and number of triples. The formats are closed on threads: Turtle's copy of its
        waiting body after its prefixes runs mostly outside the GIL, beside the subsets."""
        with ThreadPoolExecutor(max_workers=len(self.files)) as closing:
            closed = [closing.submit(file.close, self.whole.used) for file in self.files.values()]
            files, subsets = self.write_subsets()
        files.update((path, file) for done in closed for path, file in done.result().items())
        return files, self.whole.counts, subsets

    def write_subsets(self) -> tuple[dict[Path, PublishedFile], dict[str, tuple[Path, int]]]:
        """Their checksums are taken from the bytes written, not read back from 10,000 files at 100,000
        partnerships."""
        turtle = self.formats["ttl"]
        files, subsets = {}, {}
        for name, pieces in sorted(self.pieces.items()):
            runs = []
            for offset, length in pieces:
                self.spool.seek(offset)
                runs.append(self.spool.read(length))
            path = self.folder / f"{name}.ttl"
            text = turtle.whole(turtle.joined(runs), self.whole.subsets[name].used)
            path.write_bytes(text)
            files[path] = PublishedFile(len(text), hashlib.sha256(text).hexdigest())
            subsets[name] = (path, self.whole.subsets[name].counts.triples)
        self.spool.close()
        return files, subsets


def pretty_turtle(graph: Graph) -> bytes:
    """rdflib's serialiser, for the small graphs with blank nodes (shapes, ontology, catalogue): it nests
    them as [ … ], which is what people read, and is deterministic where blank-node labels are not."""
    return graph.serialize(format="turtle", encoding="utf-8")
