"""Check stage: what SHACL cannot see — quotes against archived texts, IRIs, references, lexical forms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath

from urllib.parse import urlsplit

from rdflib import DCTERMS, FOAF, RDF, RDFS, Graph, Literal, Namespace, URIRef, XSD

from ..load.sources import Sources
from ..namespaces import OA, PROV
from ..store import distinct_terms
from ..problems import Problem, describe
from .coherence import check_coherence
from .quote_support import check_support
from .standard_codes import check_codes

# Lower-case ASCII words separated by "-" or "/", with an optional "#fragment": readable and stable.
DATA_PATH = re.compile(r"[a-z0-9]+(?:[-/][a-z0-9]+)*(?:#[a-z0-9]+(?:-[a-z0-9]+)*)?")
LEXICAL_FORMS = {
    XSD.gYear: re.compile(r"-?[0-9]{4}"),
    XSD.gYearMonth: re.compile(r"-?[0-9]{4}-(0[1-9]|1[0-2])"),
    XSD.date: re.compile(r"-?[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"),
    XSD.integer: re.compile(r"[+-]?[0-9]+"),
    XSD.decimal: re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"),
}
# A page links to these schemes only: another (javascript:, data:, file:) would run or open something
# on a click, with the site's origin.
WEB_SCHEMES = frozenset({"http", "https", "mailto"})
# Where the data gives the address of a page a reader is meant to open.
WEB_ADDRESSES = (DCTERMS.source, FOAF.page, FOAF.homepage, RDFS.seeAlso, DCTERMS.license)


def web_address(iri) -> bool:
    return urlsplit(str(iri)).scheme.lower() in WEB_SCHEMES


def squeeze(text: str) -> str:
    """Pages carry non-breaking spaces and line breaks a curator cannot see; words must match exactly.
    (str.split breaks at the same characters as the regular expression \\s+, at a third of its cost.)"""
    return " ".join(text.split())


@lru_cache(maxsize=None)
def archived_text(path: Path) -> str:
    return squeeze(path.read_text(encoding="utf-8"))


def archived_text_path(data_dir: Path, relative: str) -> tuple[Path, str]:
    """An archived text is read by the checks and copied into the publication at the same relative
    path, so both stay inside their folders only if the path is a plain one under sources/ and no
    link leads out of data/sources/. Returns the path and, for a path that leaves, why (else "")."""
    parts = PurePosixPath(relative).parts
    if relative.startswith("/") or "\\" in relative or len(parts) < 2 or parts[0] != "sources" \
            or ".." in parts:
        return data_dir / "sources", "is not a plain relative path under sources/"
    path = data_dir.joinpath(*parts)
    if not path.resolve().is_relative_to((data_dir / "sources").resolve()):
        return path, "is a link that leads out of data/sources/"
    return path, ""


def check_quotes(sources: Sources, tw: Namespace) -> list[Problem]:
    graph = sources.data
    problems = []
    texts = {}
    for document, relative in graph.subject_objects(tw.archivedText):
        path, outside = archived_text_path(sources.data_dir, str(relative))
        if outside:
            problems.append(Problem(sources.file_of(document), str(document), "archived-text-inside",
                                    f"the archived text «{relative}» {outside}: give a path under sources/, "
                                    "such as sources/name.txt, of a file kept in data/sources/"))
        elif path.is_file():
            texts[document] = archived_text(path)
        else:
            problems.append(Problem(sources.file_of(document), str(document), "archived-text",
                                    f"the archived text {relative} does not exist under data/"))
    quotes, quoted_from = values_by_subject(graph, OA.exact), values_by_subject(graph, PROV.wasQuotedFrom)
    missing = [(citation, quote, document) for citation in set(graph.objects(None, tw.citation))
               for document in quoted_from.get(citation, ()) if document in texts  # SHACL reports a missing source
               for quote in quotes.get(citation, ()) if squeeze(str(quote)) not in texts[document]]
    for citation, quote, document in sorted(missing, key=lambda found: tuple(map(str, found))):
        problems.append(Problem(sources.file_of(citation), describe(citation, graph), "quote-in-source",
                                f"the quote «{quote}» does not occur in the archived text of {document}"))
    return problems


def values_by_subject(graph: Graph, predicate: URIRef) -> dict:
    """Each subject's values of one predicate, in one walk: hundreds of thousands of citations asked
    one by one cost several times more."""
    found: dict = {}
    for subject, value in graph.subject_objects(predicate):
        found.setdefault(subject, []).append(value)
    return found


@dataclass
class DataTerms:
    """What the checks of every triple read, each term once: the triples that hold a term are looked
    up only for a term that fails a check."""
    subjects: set
    predicates: set
    ours: list  # the objects that are IRIs under the base
    typed: list  # the objects that are literals of a checked datatype


def data_terms(graph: Graph, base_iri: str) -> DataTerms:
    subjects, predicates, objects = distinct_terms(graph)
    ours, typed = [], []
    for obj in objects:
        kind = type(obj)  # isinstance is slow on rdflib terms
        if kind is URIRef and str.startswith(obj, base_iri):  # rdflib's own startswith copies the term first
            ours.append(obj)
        elif kind is Literal and obj.datatype in LEXICAL_FORMS:
            typed.append(obj)
    return DataTerms(subjects, predicates, ours, typed)


def check_iris(sources: Sources, terms: DataTerms, base_iri: str, tw: Namespace) -> list[Problem]:
    problems = []
    for subject in terms.subjects:
        if type(subject) is not URIRef:
            continue
        text = str(subject)
        if not text.startswith(base_iri):
            problems.append(Problem(sources.file_of(subject), text, "iri-form",
                                    f"resources described in data/ must live under the base IRI {base_iri}"))
        elif not text.startswith(str(tw)) and not DATA_PATH.fullmatch(text[len(base_iri):]):
            problems.append(Problem(sources.file_of(subject), text, "iri-form",
                                    "an IRI path must be lower-case ASCII words joined by '-' or '/' (e.g. partner/la-lisa)"))
    return sorted(problems)


def check_web_addresses(sources: Sources) -> list[Problem]:
    graph = sources.data
    return sorted(Problem(sources.file_of(subject), describe(subject, graph), "web-address",
                          f"{graph.namespace_manager.normalizeUri(predicate)} is {value}, which is not a web address: "
                          "give an http:// or https:// address")
                  for predicate in WEB_ADDRESSES for subject, value in graph.subject_objects(predicate)
                  if isinstance(value, URIRef) and urlsplit(str(value)).scheme.lower() not in ("http", "https"))


def check_references(sources: Sources, terms: DataTerms, base_iri: str) -> list[Problem]:
    """Every IRI of ours that data points at must be described somewhere: a typo is not a new resource."""
    known = terms.subjects | set(sources.vocabulary.subjects())
    problems = []
    for obj in terms.ours:
        if obj in known:
            continue
        for subject, predicate in sources.data.subject_predicates(obj):
            problems.append(Problem(sources.file_of(subject), describe(subject, sources.data), "reference-exists",
                                    f"{sources.data.namespace_manager.normalizeUri(predicate)} points to {obj}, "
                                    "which no file describes"))
    for predicate in terms.predicates | set(sources.data.objects(None, RDF.type)):
        if str(predicate).startswith(base_iri) and predicate not in known:
            problems.append(Problem("data/", str(predicate), "reference-exists",
                                    f"{predicate} is used in data/ but the ontology does not define it"))
    return sorted(set(problems))


def check_literals(sources: Sources, terms: DataTerms) -> list[Problem]:
    problems = []
    for obj in terms.typed:
        if not LEXICAL_FORMS[obj.datatype].fullmatch(str(obj)):
            why = ""
        elif obj.datatype == XSD.date and not day_exists(str(obj)):
            why = ": that day does not exist in that month"
        else:
            continue
        kind = sources.data.namespace_manager.normalizeUri(obj.datatype)
        for subject, predicate in sources.data.subject_predicates(obj):
            where, also = written_at(sources, subject, str(obj))
            problems.append(Problem(where, describe(subject, sources.data), "literal-form",
                                    f"«{obj}» is not a valid {kind} "
                                    f"(on {sources.data.namespace_manager.normalizeUri(predicate)}){why}{also}"))
    return sorted(problems)


def written_at(sources: Sources, subject, lexical: str) -> tuple[str, str]:
    """Where a literal is written, as `data/<file>.ttl:<line>`, and the other lines of that file that
    write it too. The parsed graph keeps no positions, so the files that describe the subject are
    searched, in order, for the quoted lexical form followed by a datatype marker (`"2021-02-30"^^`),
    only for a literal found wrong: a wrong literal is always a typed one, as a bare number is always
    right. The first file that has it is named; the same text typed otherwise, or said of another
    subject, earlier in that file would be named instead, which the message's resource tells apart."""
    if sources.root is None:  # sources assembled in memory, without files to search
        return sources.file_of(subject), ""
    quoted = re.compile(r"""(?<=["'])""" + re.escape(lexical) + r"""(?=["']\^\^)""")
    for label in sources.files_describing(subject):
        text = (sources.root / label).read_text(encoding="utf-8")
        lines = sorted({text.count("\n", 0, found.start()) + 1 for found in quoted.finditer(text)})
        if lines:
            others = ", ".join(map(str, lines[1:]))
            return f"{label}:{lines[0]}", f" (also on line{'s' * (len(lines) > 2)} {others})" if others else ""
    return sources.file_of(subject), ""


def day_exists(date: str) -> bool:
    """For a date of the form [-]YYYY-MM-DD: 30 February has the form but not the day. XSD years are
    proleptic Gregorian, with a year 0 (1 BCE), which Python's datetime does not have."""
    year, month, day = (int(part) for part in date.lstrip("-").split("-"))
    year = -year if date.startswith("-") else year
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return day <= (29 if leap else 28) if month == 2 else day <= (30 if month in (4, 6, 9, 11) else 31)


def check_wikidata_confirmations(sources: Sources, tw: Namespace) -> list[Problem]:
    """A link that says «confirmed by snapshot S» must point at an item that S really holds."""
    graph = sources.data
    held = {(graph.value(record, tw.item), graph.value(record, tw.snapshot))
            for record in graph.subjects(RDF.type, tw.WikidataRecord)}
    problems = []
    for link, snapshot in graph.subject_objects(tw.confirmedBy):
        item = graph.value(link, tw.item)
        if item is not None and (item, snapshot) not in held:
            problems.append(Problem(sources.file_of(link), str(link), "wikidata-confirmed",
                                    f"{item} is said to be confirmed by {snapshot}, but the derived reference "
                                    "(data/reference/wikidata-p190.ttl) has no record of it in that snapshot: run "
                                    "`twinning wikidata import-reference` to derive it from the snapshot files; if "
                                    "the error stays, the snapshot does not hold the item"))
    return sorted(problems)


def check_drafts(sources: Sources, tw: Namespace) -> list[Problem]:
    """What a curator has still to confirm in a draft (tw:toConfirm): warnings, one per drafted fact;
    the build publishes none of them (enrich.derive.withhold_drafts)."""
    graph = sources.data
    return sorted(Problem(sources.file_of(resource), describe(resource, graph), "to-confirm", str(note), "warning")
                  for resource, note in graph.subject_objects(tw.toConfirm))


def check(sources: Sources, base_iri: str, tw: Namespace) -> list[Problem]:
    terms = data_terms(sources.data, base_iri)
    return (check_quotes(sources, tw) + check_iris(sources, terms, base_iri, tw) + check_references(sources, terms, base_iri)
            + check_web_addresses(sources)            + check_literals(sources, terms) + check_wikidata_confirmations(sources, tw)
            + check_support(sources, tw) + check_codes(sources, tw) + check_coherence(sources, tw)
            + check_drafts(sources, tw))
