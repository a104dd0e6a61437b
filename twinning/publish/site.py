"""Static HTML site: one page per resource beside its RDF, and the index pages people look for."""

from __future__ import annotations

import hashlib
import heapq
import json
import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, NamedTuple

from jinja2 import Environment, PackageLoader, select_autoescape
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

from ..store import first_value, links_to, object_nodes, subject_nodes, value_of, values_by_predicate
from ..labels import LABEL_PROPERTIES, chosen, labels_by_node
from ..check.checks import web_address
from ..namespaces import OA, PROV, WD
from ..wikidata.reference import qid_of
from . import story
from .words import (LANGUAGES, OTHER, WORDS, country_name, date_text, decade_text, figure_title, number_text, page_suffix,
                    page_title)

EXACT, QUOTED_FROM = OA.exact, PROV.wasQuotedFrom  # rdflib's Namespace makes a new term at each use
INCOMING_SHOWN = 1_000  # links to a resource listed on its page, at most
LINKS_REMEMBERED = 1 << 16  # rendered links a process keeps, the most recently used


def relative_path(target: str, from_page: str) -> str:
    """posixpath.relpath from the page's folder, without its calls to the file system (it asks for the
    working folder each time). Pages link to pages in a few folders: the way between two folders is
    worked out once."""
    folder, _, name = target.rpartition("/")
    return folder_path(folder, from_page.rpartition("/")[0]) + name


@lru_cache(maxsize=4096)
def folder_path(target_folder: str, from_folder: str) -> str:
    """The relative path from one folder to another, ending with "/" unless it is empty."""
    target_parts, from_parts = [p for p in target_folder.split("/") if p], [p for p in from_folder.split("/") if p]
    common = 0
    while common < min(len(from_parts), len(target_parts)) and from_parts[common] == target_parts[common]:
        common += 1
    parts = [".."] * (len(from_parts) - common) + target_parts[common:]
    return "/".join(parts) + "/" if parts else ""


def quote_id(quote: str) -> str:
    """The anchor of a quoted passage on its source's reading page, from the quote alone (whitespace runs
    count as one space, as in the quote check): a fact's page links to it without reading the source."""
    return "q-" + hashlib.sha1(" ".join(quote.split()).encode("utf-8")).hexdigest()[:10]


def reading_page(archived_text: str) -> str:
    """The page that shows an archived text, beside it: `sources/x.txt` is read on `sources/x.html`."""
    return archived_text.rpartition(".")[0]


class Passages(NamedTuple):
    text: str
    supported: dict  # quote -> the facts that cite it
    spans: list  # (start, end, quote) in the text's order


def found_in(text: str, quotes) -> list[tuple[int, int, str]]:
    """Where each quote is in the text, as (start, end, quote), in the text's order; whitespace runs count
    as one space, as in the quote check. The text's words are joined by single spaces once, and each
    quote is looked for in that with str.find: one pass of the text per quote, where a regular
    expression of the quote's words steps back at every partial match."""
    words = [(word.start(), word.end()) for word in re.finditer(r"\S+", text)]
    joined_starts, at = [], 0  # where each word starts in the joined text
    for start, end in words:
        joined_starts.append(at)
        at += end - start + 1
    joined = " ".join(text[start:end] for start, end in words)

    def in_text(position: int) -> int:  # a position inside a word of the joined text, in the text
        word = bisect_right(joined_starts, position) - 1
        return words[word][0] + position - joined_starts[word]
    spans = []
    for quote in sorted(quotes):
        wanted = " ".join(quote.split())
        found = joined.find(wanted) if wanted else -1
        if found >= 0:
            spans.append((in_text(found), in_text(found + len(wanted) - 1) + 1, quote))
    return sorted(spans)


def environment() -> Environment:
    """Templates are read once: they are the package's own and do not change while it runs, and
    Jinja's check for changes costs four file-system calls per page. The navigation is the same on
    every page at one depth and in one language: rendered once for each, not once per page. Pages
    rendered outside the site (the SPARQL server's results) are in the default language."""
    env = Environment(loader=PackageLoader("twinning.publish", "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, auto_reload=False)
    env.globals.update(words=WORDS, language=LANGUAGES[0], t=WORDS[LANGUAGES[0]], languages=LANGUAGES,
                       suffix=page_suffix)
    env.globals["navigation"] = lru_cache(maxsize=None)(env.get_template("fragments.html").module.navigation)
    return env


@dataclass
class Site:
    graph: Graph
    base_iri: str
    tw: Namespace
    env: Environment = field(default_factory=environment)
    fragments: object = field(init=False, repr=False)  # fragments.html's macros
    labels: dict = field(default_factory=dict, init=False, repr=False)  # (node, language) -> label
    prefixed_names: dict = field(default_factory=dict, init=False, repr=False)  # IRI -> its prefixed name
    link_targets: dict = field(default_factory=dict, init=False, repr=False)  # IRI -> (page file, fragment)
    label_values: dict = field(init=False, repr=False)  # node -> its labels from the first property it has
    documents: dict[str, list] = field(init=False, repr=False)  # page path -> the subjects described on it
    link: Callable[..., str] = field(init=False, repr=False)  # see rendered_link
    place_classes: frozenset = field(init=False, repr=False)  # tw:Partner and its subclasses: schema:Place
    archived_texts: dict = field(init=False, repr=False)  # source document -> its archived text's path
    commune_nodes: frozenset = field(init=False, repr=False)  # the tw:Commune instances, asked of every place

    def __post_init__(self):
        self.fragments = self.env.get_template("fragments.html").module
        self.label_values = labels_by_node(self.graph)
        self.documents = self.subjects_by_page()
        self.link = lru_cache(maxsize=LINKS_REMEMBERED)(self.rendered_link)
        self.place_classes = frozenset({self.tw.Partner, *self.graph.subjects(RDFS.subClassOf, self.tw.Partner)})
        self.archived_texts = {source: str(text) for source, text in self.graph.subject_objects(self.tw.archivedText)}
        self.commune_nodes = frozenset(self.graph.subjects(RDF.type, self.tw.Commune))
        self.label_values.update(self.figure_labels())

    def figure_labels(self) -> dict:
        """A stated figure has no label of its own: it is titled by what it states, in each language."""
        tw, found = self.tw, {}
        for figure in self.graph.subjects(RDF.type, tw.StatedFigure):
            said = self.outgoing(figure)
            if any(p in said for p in LABEL_PROPERTIES) or tw.value not in said:
                continue
            measure, qualifier, about = (first_value(said, p) for p in (tw.measure, tw.valueQualifier, tw.figureAbout))
            currency, year = first_value(said, tw.currency), first_value(said, tw.referenceYear)
            found[figure] = [Literal(figure_title(
                self.find_label(measure, language) if measure is not None else "",
                self.find_label(qualifier, language) if qualifier is not None else "",
                number_text(str(first_value(said, tw.value)), language, str(currency) if currency else None),
                self.find_label(about, language) if about is not None else "", str(year or ""), language), lang=language)
                for language in LANGUAGES]
        return found

    def document_path(self, iri) -> str | None:
        """`…/partner/la-lisa#wikidata` lives on the page `partner/la-lisa`; the base itself is `index`."""
        text = str(iri)
        if not isinstance(iri, URIRef) or not text.startswith(self.base_iri):
            return None
        return text[len(self.base_iri):].split("#")[0] or "index"

    def href(self, iri, from_path: str, language: str = LANGUAGES[0]) -> str | None:
        """Relative link to our own page in the language; IRIs without a page (a version IRI, a namespace)
        stay absolute, and only a web address is a link at all (None for `javascript:` and the like)."""
        target = self.link_target(iri)
        if target is None:
            return str(iri) if web_address(iri) else None
        return relative_path(target[0] + page_suffix(language), from_path) + target[1]

    def link_target(self, iri) -> tuple[str, str] | None:
        """(page path, fragment) of the IRI's page, if we publish one: asked for every mention, found once."""
        if iri not in self.link_targets:
            text, target = str(iri), self.document_path(iri)
            self.link_targets[iri] = (None if target is None or target not in self.documents
                                      else (target, "#" + text.split("#", 1)[1] if "#" in text else ""))
        return self.link_targets[iri]

    def label(self, node, language: str = LANGUAGES[0]) -> str:
        """Asked tens of times per page for the same few nodes (kinds, partners): looked up once each."""
        key = (node, language)
        if key not in self.labels:
            self.labels[key] = self.find_label(node, language)
        return self.labels[key]

    def label_language(self, node, language: str) -> str | None:
        """The language of the node's label in a page in `language`, if it is another: the label is
        in the page's language whenever one of its values in that language (or untagged) reads the same."""
        label = self.label(node, language)
        others = sorted((v.language or "" for v in self.label_values.get(node, ()) if str(v) == label))
        return None if not others or language in others or "" in others else others[0]

    def find_label(self, node, language: str) -> str:
        values = self.label_values.get(node)
        if values:  # worked out before the page workers fork, so they share it
            return chosen(values, language)
        text = str(node)
        if text.startswith(self.base_iri):
            return text[len(self.base_iri):]
        return self.prefixed_name(node) if isinstance(node, URIRef) else text

    def prefixed_name(self, iri: URIRef) -> str:
        """rdflib's normalizeUri, asked for the datatype of every typed literal: found once per IRI."""
        if iri not in self.prefixed_names:
            self.prefixed_names[iri] = self.graph.namespace_manager.normalizeUri(iri)
        return self.prefixed_names[iri]

    def rendered_link(self, node, folder: str, titled: bool = False, language: str = LANGUAGES[0]) -> str:
        """A link to the node from the pages of a folder in a language, as fragments.html renders it;
        titled with the node's IRI for a property. Pages link to the same properties, kinds, communes
        and partners over and over, so Site.link remembers them."""
        href, label = self.href(node, folder + "/", language), self.label(node, language)
        return self.fragments.property_link(href, str(node), label) if titled else self.fragments.link(href, label)

    def value_view(self, value, folder: str, language: str) -> dict:
        """The page template reads views by item, as Jinja's `value.href` first asks for an attribute,
        which fails on a dict at a cost."""
        if isinstance(value, Literal):
            return {"link": None, "text": str(value), "lang": value.language,
                    "datatype": self.prefixed_name(value.datatype) if value.datatype else None}
        return {"link": self.link(value, folder, False, language)}

    def outgoing(self, node) -> dict:
        """One walk of the node's triples serves its rows, citations and types, rather than a walk
        through rdflib's layers of generators for each."""
        return values_by_predicate(self.graph, node)

    def description(self, values_of: dict, folder: str, language: str) -> list[dict]:
        return [{"property": self.link(predicate, folder, True, language),
                 "values": [self.value_view(v, folder, language) for v in (
                     sorted(values, key=lambda v: (str(v), v.n3())) if len(values) > 1 else values)]}
                for predicate, values in sorted(values_of.items(), key=lambda item: str(item[0]))]

    def citations(self, values_of: dict, on_page: dict, folder: str, language: str) -> list[dict]:
        """A citation is mostly a fragment of the same page, whose values are known already. Each quote
        links to its passage, highlighted on the source's reading page."""
        found = []
        for citation in sorted(values_of.get(self.tw.citation, ()), key=str):
            said = on_page.get(citation) or self.outgoing(citation)
            source = said.get(QUOTED_FROM, [None])[0]
            quote = str(said.get(EXACT, [None])[0])
            found.append({"quote": quote, "source": self.label(source, language),
                          "href": self.href(source, folder + "/", language),
                          "passage": self.passage_href(source, quote, folder, language)})
        return found

    def passage_href(self, source, quote: str, folder: str, language: str) -> str | None:
        """The quote's highlighted passage on its source's reading page, if the source has an archived text."""
        reading = self.reading_href(source, folder, language)
        return reading and reading + "#" + quote_id(quote)

    def reading_href(self, source, folder: str, language: str) -> str | None:
        text = self.archived_texts.get(source)
        return None if text is None else relative_path(reading_page(text) + page_suffix(language), folder + "/")

    def text_href(self, source, folder: str) -> str:
        return relative_path(self.archived_texts[source], folder + "/")

    def schema_org(self, node, values_of: dict) -> dict:
        types = set(values_of.get(RDF.type, ()))
        kind = ("Place" if not self.place_classes.isdisjoint(types)
                else "CreativeWork" if self.tw.SourceDocument in types else "Thing")
        data = {"@context": "https://schema.org", "@type": kind, "@id": str(node), "name": self.label(node)}
        same = [str(i) for i in values_of.get(self.tw.wikidataItem, ())]
        if same:
            data["sameAs"] = same
        return data

    def main_subject(self, path: str, subjects) -> URIRef:
        main = URIRef(self.base_iri + ("" if path == "index" else path))
        return main if main in subjects else min(subjects, key=str)

    def described(self, path: str) -> dict:
        """Each subject of the page with its values by predicate: what its view shows, and its documents'
        triples (one walk of the graph for both)."""
        return {s: self.outgoing(s) for s in self.documents[path]}

    def resource_view(self, path: str, on_page: dict, language: str = LANGUAGES[0]) -> dict:
        """Everything a resource page shows, its neighbours' labels and links included: with the template,
        this decides the page. What it reads is what pages_showing follows: the story of a commune, a
        partnership or a partner (story.py) reads two steps further, which pages_showing follows too."""
        main, folder = self.main_subject(path, on_page), path.rpartition("/")[0]
        sections = [{"iri": str(s), "anchor": str(s).split("#", 1)[1] if "#" in str(s) else None,
                     "label": self.label(s, language), "rows": self.description(on_page[s], folder, language),
                     "citations": self.citations(on_page[s], on_page, folder, language)}
                    for s in sorted(on_page, key=lambda s: ("#" in str(s), str(s)))]
        incoming, incoming_total = self.incoming(main, path, language)
        title = self.label(main, language)
        return {"title": title, "page_title": page_title(title, language), "iri": str(main),
                "title_lang": self.label_language(main, language),
                "sections": sections, "incoming": incoming, "incoming_total": incoming_total,
                "json_ld": self.schema_org(main, on_page[main]),
                "story": story.of(self, main, on_page[main], folder, language),
                "types": [self.label(t, language) for t in sorted(on_page[main].get(RDF.type, ()), key=str)]}

    def incoming(self, main, path: str, language: str) -> tuple[list[tuple], int | None]:
        """The links to the page's resource from other pages, by label, and how many there are if not all
        are shown. Past INCOMING_SHOWN links, the first by IRI are shown: a class's page would list every
        instance (every citation for tw:Citation: a page no browser shows usefully)."""
        links = {(s, p) for s, p in links_to(self.graph, main)
                 if isinstance(s, URIRef) and self.document_path(s) != path}
        shown, total = links, None
        if len(links) > INCOMING_SHOWN:
            shown, total = heapq.nsmallest(INCOMING_SHOWN, links, key=lambda link: (str(link[0]), str(link[1]))), len(links)
        return sorted({(self.label(s, language), self.href(s, path, language), self.label(p, language))
                       for s, p in shown}), total

    def pages_showing(self, changed: set[str], before: set = frozenset()) -> set[str]:
        """The pages whose view reads something from the changed pages, or from the pages `before` (what
        the changed pages pointed to in the previous publication). resource_view reads its own
        subjects' triples, the label and link of each of their objects and of the subjects of triples
        about its main resource, and the source of each citation. So a page shows what is on the pages
        its resources point to, on those that point to it, and, through a citation, on its source's.
        A story reads further: a partnership's page shows its acts and activities (which point to it),
        and the page of each of its partners shows the partnership's story."""
        shown = {self.document_path(iri) for iri in before}
        for path in changed:
            for subject in self.documents.get(path, ()):
                shown.update(self.document_path(o) for o in self.graph.objects(subject))
        for node in object_nodes(self.graph):  # what points to the changed pages, gone ones included
            if self.document_path(node) in changed:
                for subject in self.graph.subjects(None, node):
                    shown.add(self.document_path(subject))
                    shown.update(self.document_path(citing) for citing in self.graph.subjects(self.tw.citation, subject))
        return self.stories_showing(shown | changed) | (shown & self.documents.keys())

    def stories_showing(self, paths: set[str]) -> set[str]:
        """The pages of the partners of the partnerships that the paths' resources are, or belong to:
        their stories show those partnerships with their acts and activities."""
        tw, partnerships = self.tw, set()
        for path in paths:
            for subject in self.documents.get(path, ()):
                partnerships.update(self.graph.objects(subject, tw.partnership))
                partnerships.update(self.graph.objects(subject, tw.formalises))
                partnerships.update(self.graph.subjects(tw.partner, subject))
                if (subject, RDF.type, tw.Partnership) in self.graph:
                    partnerships.add(subject)
        return {self.document_path(partner) for partnership in partnerships
                for partner in self.graph.objects(partnership, tw.partner)} & self.documents.keys()

    def resource_page(self, path: str, on_page: dict | None = None, language: str = LANGUAGES[0]) -> str:
        """The page in a language, from what `described` gives, made here if not given."""
        return self.render("resource.html", path, language,
                           **self.resource_view(path, on_page or self.described(path), language))

    def resource_pages(self, path: str, on_page: dict | None = None) -> dict[str, bytes]:
        """The page in every language, by the extension of its file (`html`, `en.html`)."""
        on_page = on_page or self.described(path)
        return {page_suffix(language)[1:]: self.resource_page(path, on_page, language).encode("utf-8")
                for language in LANGUAGES}

    def render(self, template: str, path: str, language: str = LANGUAGES[0], **context) -> str:
        """A page at `path` (no extension) in a language, with its address and those of its versions in
        every language (absolute, as search engines want them)."""
        stem, anywhere = path.rpartition("/")[2], "root" in context
        if anywhere:  # an absolute root, for a page served at any address (404), which has no address of its own
            root = context.pop("root")
            stem = f"{root}/{path}"
        else:
            root = "/".join([".."] * path.count("/")) or "."
        return self.env.get_template(template).render(
            root=root, stem=stem, language=language, t=WORDS[language], other=OTHER[language],
            canonical=None if anywhere else self.base_iri + path + page_suffix(language),
            alternates=[(other, self.base_iri + path + page_suffix(other)) for other in LANGUAGES]
            + [("x-default", self.base_iri + path + page_suffix(LANGUAGES[0]))], **context)

    def subjects_by_page(self) -> dict[str, list]:
        """Worked out with the site, so that the build does it while the data is being validated."""
        documents = defaultdict(list)
        for subject in subject_nodes(self.graph):
            path = self.document_path(subject)
            if path is not None:
                documents[path].append(subject)
        return dict(documents)

    # Index pages -----------------------------------------------------------------------------

    def communes(self, language: str) -> list[dict]:
        """Each partnership's triples are walked once, not once per value shown."""
        tw = self.tw
        result = []
        for commune in sorted(self.graph.subjects(RDF.type, tw.Commune), key=self.label):
            partnerships = []
            for partnership in sorted(self.graph.subjects(tw.partner, commune), key=str):
                said = self.outgoing(partnership)
                others = [p for p in said.get(tw.partner, ()) if p != commune]
                partnerships.append({"label": self.label(partnership, language),
                                     "href": self.href(partnership, "index", language),
                                     "kind": self.label(first_value(said, tw.kind), language),
                                     "since": story.since(said, tw, language)[1],
                                     "partners": [self.place(o, language) for o in sorted(others, key=self.label)]})
            if partnerships:
                result.append({"label": self.label(commune, language), "href": self.href(commune, "index", language),
                               "insee": str(value_of(self.graph, commune, tw.inseeCode)), "partnerships": partnerships})
        return result

    def place(self, node, language: str) -> dict:
        """A place's name, link and country name, for the index pages."""
        code = value_of(self.graph, node, self.tw.countryCode)
        return {"label": self.label(node, language), "href": self.href(node, "index", language),
                "country": country_name(str(code), language) if code is not None else ""}

    def partnerships_table(self, language: str) -> dict:
        """One row per partnership, with the values its filters and sorting read (data-* attributes), and
        the choices of each filter."""
        tw, rows = self.tw, []
        for partnership in self.graph.subjects(RDF.type, tw.Partnership):
            said = self.outgoing(partnership)
            places = sorted(said.get(tw.partner, ()), key=lambda p: (p not in self.commune_nodes,
                                                                     self.label(p, language), str(p)))
            communes = [self.place(p, language) for p in places if p in self.commune_nodes]
            partners = [self.place(p, language) for p in places if p not in self.commune_nodes]
            sort, since = story.since(said, tw, language)
            start = first_value(said, tw.startDate) or first_value(said, tw.startDecade)
            kind = first_value(said, tw.kind)
            rows.append({"label": self.label(partnership, language), "href": self.href(partnership, "index", language),
                         "communes": communes, "partners": partners,
                         "countries": sorted({p["country"] for p in partners if p["country"]}),
                         "kind": self.label(kind, language) if kind is not None else "",
                         "start": since if start is not None else "", "sort": sort if start is not None else "",
                         "decade": str(start)[:3] + "0" if start is not None else ""})
        rows.sort(key=lambda r: ([c["label"] for c in r["communes"]], r["sort"] or story.UNDATED, r["label"], r["href"]))
        return {"rows": rows, "filters": {
            "commune": sorted({c["label"] for r in rows for c in r["communes"]}),
            "kind": sorted({r["kind"] for r in rows if r["kind"]}),
            "country": sorted({c for r in rows for c in r["countries"]}),
            "decade": sorted({r["decade"] for r in rows if r["decade"]})}}

    def partners_by_country(self, language: str) -> list[tuple[str, list[dict]]]:
        tw = self.tw
        groups = defaultdict(list)
        communes = self.commune_nodes
        for partner in set(self.graph.objects(None, tw.partner)) - communes:
            code = value_of(self.graph, partner, tw.countryCode)
            with_communes = {c for p in self.graph.subjects(tw.partner, partner)
                             for c in self.graph.objects(p, tw.partner) if c in communes}
            groups[country_name(str(code), language) if code is not None else "?"].append(
                {"label": self.label(partner, language), "href": self.href(partner, "partners", language),
                 "type": self.label(value_of(self.graph, partner, RDF.type), language),
                 "communes": sorted(self.label(c, language) for c in with_communes),
                 "qid": str(value_of(self.graph, partner, tw.wikidataItem) or "").removeprefix(str(WD))})
        return [(country, sorted(items, key=lambda i: (i["label"], i["href"]))) for country, items in sorted(groups.items())]

    def timeline(self, language: str) -> list[dict]:
        """Partnerships, acts and activities by date, each with the communes it concerns."""
        tw = self.tw
        events = []
        for cls, prop in ((tw.Partnership, tw.startDate), (tw.Formalisation, tw.date), (tw.Activity, tw.startDate)):
            for node in self.graph.subjects(RDF.type, cls):
                date, decade = value_of(self.graph, node, prop), value_of(self.graph, node, tw.startDecade)
                if date is None and decade is None:
                    continue
                end = value_of(self.graph, node, tw.endDate)
                events.append({"sort": str(date or decade), "datetime": str(date or decade),
                               "date": date_text(str(date), language) if date is not None else decade_text(str(decade), language),
                               "label": self.label(node, language), "href": self.href(node, "timeline", language),
                               "type": self.label(cls, language), "communes": ", ".join(self.communes_of(node, language)),
                               "end": date_text(str(end), language) if end is not None else ""})
        return sorted(events, key=lambda e: (e["sort"], e["label"], e["href"]))

    def communes_of(self, node, language: str) -> list[str]:
        """The communes a partnership, an act or an activity concerns."""
        tw = self.tw
        partnerships = ({node} | set(self.graph.objects(node, tw.partnership)) | set(self.graph.objects(node, tw.formalises)))
        communes = {c for p in partnerships for c in self.graph.objects(p, tw.partner) if c in self.commune_nodes}
        communes.update(self.graph.objects(node, tw.ofCommune))
        return sorted(self.label(c, language) for c in communes)

    def map_points(self, language: str) -> tuple[list[dict], list[dict]]:
        """The places with a position from the dated Wikidata reference, never from the pages, and the
        places without one."""
        tw = self.tw
        points, unplaced = [], []
        for partner in set(self.graph.objects(None, tw.partner)) | self.commune_nodes:
            item = value_of(self.graph, partner, tw.wikidataItem)
            place = self.place(partner, language)
            for record in self.graph.subjects(tw.item, item) if item is not None else []:
                wkt = value_of(self.graph, record, tw.recordedCoordinates)
                if wkt is not None:
                    lon, lat = (float(x) for x in str(wkt).removeprefix("Point(").rstrip(")").split())
                    points.append({**place, "lon": lon, "lat": lat, "record": self.href(record, "map", language)})
                    break
            else:
                unplaced.append(place)
        order = (lambda p: (p["label"], p["href"]))
        return sorted(points, key=order), sorted(unplaced, key=order)

    def link_reports(self, analysis, language: str) -> list[dict]:
        state = self.base_iri + "concept/link-state/"
        return [{"name": r.name, "href": self.href(r.owner, "wikidata", language), "item": str(r.item),
                 "qid": qid_of(r.item), "state": self.label(URIRef(state + r.state), language), "evidence": r.evidence}
                for r in analysis.link_reports]

    def comparison(self, rows: list[dict], language: str) -> tuple[list[dict], list[dict]]:
        """The comparison's rows with their verdicts by name, and the verdicts' legend."""
        scheme = URIRef(self.base_iri + "concept/agreement")
        verdicts = {code: URIRef(f"{scheme}/{code}") for code in sorted({r["agreement"] for r in rows})}
        named = {code: self.label(concept, language) for code, concept in verdicts.items()}
        legend = [{"code": code, "label": named[code], "definition": self.text(concept, SKOS.definition, language)}
                  for code, concept in verdicts.items()]
        return [{**row, "verdict": named[row["agreement"]]} for row in rows], legend

    def vocabulary(self, language: str) -> dict:
        tw = self.tw

        def term(t):
            return {"label": self.label(t, language), "href": self.href(t, "vocabulary", language),
                    "definition": self.text(t, SKOS.definition, language)}
        schemes = [{**term(s), "concepts": [term(c) for c in sorted(self.graph.subjects(SKOS.inScheme, s), key=str)]}
                   for s in sorted(self.graph.subjects(RDF.type, SKOS.ConceptScheme), key=str)]
        return {kind: [term(t) for t in sorted(self.graph.subjects(RDF.type, cls), key=str) if str(t).startswith(str(tw))]
                for kind, cls in (("classes", OWL.Class), ("object_properties", OWL.ObjectProperty),
                                  ("datatype_properties", OWL.DatatypeProperty))} | {"schemes": schemes}

    def text(self, node, prop, language) -> str:
        return next((str(v) for v in self.graph.objects(node, prop) if getattr(v, "language", None) == language), "")

    def search_index(self) -> str:
        """The search box's index: each commune, partner and partnership by its names in every language
        and its page's path (the script adds the language's suffix)."""
        tw, entries = self.tw, []
        for cls in (tw.Commune, tw.Partnership):
            for node in self.graph.subjects(RDF.type, cls):
                if self.link_target(node) is not None:
                    entries.append(self.search_entry(node, cls))
        partners = set(self.graph.objects(None, tw.partner)) - self.commune_nodes
        entries += [self.search_entry(p, tw.Partner) for p in partners if self.link_target(p) is not None]
        entries.sort(key=lambda e: (e["p"], e["fr"]))
        return json.dumps(entries, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def search_entry(self, node, cls) -> dict:
        code = value_of(self.graph, node, self.tw.countryCode)
        entry = {language: self.label(node, language) for language in LANGUAGES}
        entry["t"] = {language: self.label(cls, language) for language in LANGUAGES}
        entry["c"] = {language: country_name(str(code), language) if code is not None else "" for language in LANGUAGES}
        entry["p"] = self.link_target(node)[0]
        return entry

    def quoted_passages(self, source, text: str) -> Passages:
        """The facts that quote the source, by quote, and where each quote is in its archived text: the
        same for the reading page in every language."""
        supported: dict[str, set] = defaultdict(set)  # quote -> the facts that cite it
        for citation in self.graph.subjects(QUOTED_FROM, source):
            quote = value_of(self.graph, citation, EXACT)
            for fact in self.graph.subjects(self.tw.citation, citation):
                supported[str(quote)].add(fact)
        return Passages(text, dict(supported), found_in(text, supported))

    def source_reading(self, source, quoted: Passages, language: str) -> dict:
        """An archived text with every quoted passage marked, each mark numbered and followed by a link
        to the list of the facts it supports. Passages that overlap are split where they meet: each
        piece is marked once; the id goes to the piece where its passage begins."""
        path = reading_page(self.archived_texts[source])
        folder = path.rpartition("/")[0]
        text, supported, spans = quoted
        numbers = {quote: n for n, (_, _, quote) in enumerate(spans, 1)}
        starts, ends = defaultdict(list), defaultdict(list)
        for start, end, quote in spans:
            starts[start].append(quote)
            ends[end].append(quote)
        cuts = sorted({0, len(text), *starts, *ends})
        pieces, open_passages = [], 0  # the passages that cover the piece from `left` on
        for left, right in zip(cuts, cuts[1:]):
            open_passages += len(starts.get(left, ())) - len(ends.get(left, ()))
            pieces.append({"text": text[left:right], "marked": open_passages > 0,
                           "ids": [quote_id(q) for q in starts.get(left, ())],
                           "notes": [numbers[q] for q in ends.get(right, ())]})
        passages = [{"number": numbers[quote], "id": quote_id(quote), "quote": quote,
                     "facts": sorted(({"label": self.label(f, language), "href": self.href(f, folder + "/", language),
                                       "type": self.label(value_of(self.graph, f, RDF.type), language)}
                                      for f in supported[quote]), key=lambda f: (f["label"], f["href"]))}
                    for _, _, quote in spans]
        label = self.label(source, language)
        return {"page": path, "pieces": pieces, "passages": passages, "label": label,
                "page_title": page_title(WORDS[language]["source_heading"].format(label=label), language),
                "source_href": self.href(source, folder + "/", language),
                "text_href": relative_path(self.archived_texts[source], path),
                "publisher": [self.place(p, language) | {"href": self.href(p, folder + "/", language)}
                              for p in sorted(self.graph.objects(source, DCTERMS.publisher), key=str)],
                "notes": story.notes(values_by_predicate(self.graph, source), language)}
