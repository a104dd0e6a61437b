"""Static HTML site: one page per resource beside its RDF, and the index pages people look for."""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from jinja2 import Environment, PackageLoader, select_autoescape
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from ..store import first_value, links_to, object_nodes, subject_nodes, value_of, values_by_predicate
from ..labels import chosen, labels_by_node
from ..namespaces import OA, PROV, WD
from ..wikidata.reference import qid_of

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


def environment() -> Environment:
    """Templates are read once: they are the package's own and do not change while it runs, and
    Jinja's check for changes costs four file-system calls per page. The navigation is the same on
    every page at one depth: rendered once per depth, not once per page."""
    env = Environment(loader=PackageLoader("twinning.publish", "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, auto_reload=False)
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

    def __post_init__(self):
        self.fragments = self.env.get_template("fragments.html").module
        self.label_values = labels_by_node(self.graph)
        self.documents = self.subjects_by_page()
        self.link = lru_cache(maxsize=LINKS_REMEMBERED)(self.rendered_link)
        self.place_classes = frozenset({self.tw.Partner, *self.graph.subjects(RDFS.subClassOf, self.tw.Partner)})

    def document_path(self, iri) -> str | None:
        """`…/partner/la-lisa#wikidata` lives on the page `partner/la-lisa`; the base itself is `index`."""
        text = str(iri)
        if not isinstance(iri, URIRef) or not text.startswith(self.base_iri):
            return None
        return text[len(self.base_iri):].split("#")[0] or "index"

    def href(self, iri, from_path: str) -> str:
        """Relative link to our own page; IRIs without a page (a version IRI, a namespace) stay absolute."""
        target = self.link_target(iri)
        if target is None:
            return str(iri)
        return relative_path(target[0], from_path) + target[1]

    def link_target(self, iri) -> tuple[str, str] | None:
        """(page file, fragment) of the IRI's page, if we publish one: asked for every mention, found once."""
        if iri not in self.link_targets:
            text, target = str(iri), self.document_path(iri)
            self.link_targets[iri] = (None if target is None or target not in self.documents
                                      else (target + ".html", "#" + text.split("#", 1)[1] if "#" in text else ""))
        return self.link_targets[iri]

    def label(self, node, language: str = "fr") -> str:
        """Asked tens of times per page for the same few nodes (kinds, partners): looked up once each."""
        key = (node, language)
        if key not in self.labels:
            self.labels[key] = self.find_label(node, language)
        return self.labels[key]

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

    def rendered_link(self, node, folder: str, titled: bool = False) -> str:
        """A link to the node from the pages of a folder, as fragments.html renders it; titled with the
        node's IRI for a property. Pages link to the same properties, kinds, communes and partners
        over and over, so Site.link remembers them."""
        href, label = self.href(node, folder + "/"), self.label(node)
        return self.fragments.property_link(href, str(node), label) if titled else self.fragments.link(href, label)

    def value_view(self, value, folder: str) -> dict:
        """The page template reads views by item, as Jinja's `value.href` first asks for an attribute,
        which fails on a dict at a cost."""
        if isinstance(value, Literal):
            return {"link": None, "text": str(value), "lang": value.language,
                    "datatype": self.prefixed_name(value.datatype) if value.datatype else None}
        return {"link": self.link(value, folder)}

    def outgoing(self, node) -> dict:
        """One walk of the node's triples serves its rows, citations and types, rather than a walk
        through rdflib's layers of generators for each."""
        return values_by_predicate(self.graph, node)

    def description(self, values_of: dict, folder: str) -> list[dict]:
        return [{"property": self.link(predicate, folder, True),
                 "values": [self.value_view(v, folder) for v in (
                     sorted(values, key=lambda v: (str(v), v.n3())) if len(values) > 1 else values)]}
                for predicate, values in sorted(values_of.items(), key=lambda item: str(item[0]))]

    def citations(self, values_of: dict, on_page: dict, folder: str) -> list[dict]:
        """A citation is mostly a fragment of the same page, whose values are known already."""
        found = []
        for citation in sorted(values_of.get(self.tw.citation, ()), key=str):
            said = on_page.get(citation) or self.outgoing(citation)
            source = said.get(QUOTED_FROM, [None])[0]
            found.append({"quote": str(said.get(EXACT, [None])[0]), "source": self.label(source),
                          "href": self.href(source, folder + "/")})
        return found

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

    def resource_view(self, path: str, on_page: dict) -> dict:
        """Everything a resource page shows, its neighbours' labels and links included: with the template,
        this decides the page. What it reads is what pages_showing follows."""
        main, folder = self.main_subject(path, on_page), path.rpartition("/")[0]
        sections = [{"iri": str(s), "anchor": str(s).split("#", 1)[1] if "#" in str(s) else None,
                     "label": self.label(s), "rows": self.description(on_page[s], folder),
                     "citations": self.citations(on_page[s], on_page, folder)}
                    for s in sorted(on_page, key=lambda s: ("#" in str(s), str(s)))]
        incoming, incoming_total = self.incoming(main, path)
        return {"title": self.label(main), "title_en": self.label(main, "en"), "iri": str(main),
                "sections": sections, "incoming": incoming, "incoming_total": incoming_total,
                "json_ld": self.schema_org(main, on_page[main]),
                "types": [self.label(t) for t in sorted(on_page[main].get(RDF.type, ()), key=str)]}

    def incoming(self, main, path: str) -> tuple[list[tuple], int | None]:
        """The links to the page's resource from other pages, by label, and how many there are if not all
        are shown. Past INCOMING_SHOWN links, the first by IRI are shown: a class's page would list every
        instance (every citation for tw:Citation: a page no browser shows usefully)."""
        links = {(s, p) for s, p in links_to(self.graph, main)
                 if isinstance(s, URIRef) and self.document_path(s) != path}
        shown, total = links, None
        if len(links) > INCOMING_SHOWN:
            shown, total = heapq.nsmallest(INCOMING_SHOWN, links, key=lambda link: (str(link[0]), str(link[1]))), len(links)
        return sorted({(self.label(s), self.href(s, path + ".html"), self.label(p)) for s, p in shown}), total

    def pages_showing(self, changed: set[str]) -> set[str]:
        """The pages whose view reads something from the changed pages. resource_view reads its own
        subjects' triples, the label and link of each of their objects and of the subjects of triples
        about its main resource, and the source of each citation. So a page shows what is on the pages
        its resources point to, on those that point to it, and, through a citation, on its source's."""
        shown = set()
        for path in changed:
            for subject in self.documents.get(path, ()):
                shown.update(self.document_path(o) for o in self.graph.objects(subject))
        for node in object_nodes(self.graph):  # what points to the changed pages, gone ones included
            if self.document_path(node) in changed:
                for subject in self.graph.subjects(None, node):
                    shown.add(self.document_path(subject))
                    shown.update(self.document_path(citing) for citing in self.graph.subjects(self.tw.citation, subject))
        return shown & self.documents.keys()

    def resource_page(self, path: str, on_page: dict | None = None) -> str:
        """The page, from what `described` gives, made here if not given."""
        return self.render("resource.html", path, **self.resource_view(path, on_page or self.described(path)))

    def render(self, template: str, path: str, **context) -> str:
        root = "/".join([".."] * path.count("/")) or "."
        return self.env.get_template(template).render(root=root, stem=path.rpartition("/")[2], **context)

    def subjects_by_page(self) -> dict[str, list]:
        """Worked out with the site, so that the build does it while the data is being validated."""
        documents = defaultdict(list)
        for subject in subject_nodes(self.graph):
            path = self.document_path(subject)
            if path is not None:
                documents[path].append(subject)
        return dict(documents)

    # Index pages -----------------------------------------------------------------------------

    def communes(self) -> list[dict]:
        """Each partnership's triples are walked once, not once per value shown."""
        tw = self.tw
        result = []
        for commune in sorted(self.graph.subjects(RDF.type, tw.Commune), key=self.label):
            partnerships = []
            for partnership in sorted(self.graph.subjects(tw.partner, commune), key=str):
                said = self.outgoing(partnership)
                others = [p for p in said.get(tw.partner, ()) if p != commune]
                start = first_value(said, tw.startDate) or first_value(said, tw.startDecade)
                partnerships.append({"label": self.label(partnership), "href": self.href(partnership, "index.html"),
                                     "kind": self.label(first_value(said, tw.kind)), "start": str(start or ""),
                                     "partners": [{"label": self.label(o), "href": self.href(o, "index.html")} for o in sorted(others, key=self.label)]})
            if partnerships:
                result.append({"label": self.label(commune), "href": self.href(commune, "index.html"),
                               "insee": str(value_of(self.graph, commune, tw.inseeCode)), "partnerships": partnerships})
        return result

    def partners_by_country(self) -> list[tuple[str, list[dict]]]:
        tw = self.tw
        groups = defaultdict(list)
        communes = set(self.graph.subjects(RDF.type, tw.Commune))
        for partner in set(self.graph.objects(None, tw.partner)) - communes:
            groups[str(value_of(self.graph, partner, tw.countryCode))].append(
                {"label": self.label(partner), "href": self.href(partner, "partners.html"),
                 "type": self.label(value_of(self.graph, partner, RDF.type)),
                 "qid": str(value_of(self.graph, partner, tw.wikidataItem) or "").removeprefix(str(WD))})
        return [(country, sorted(items, key=lambda i: (i["label"], i["href"]))) for country, items in sorted(groups.items())]

    def timeline(self) -> list[dict]:
        tw = self.tw
        events = []
        for cls, prop in ((tw.Partnership, tw.startDate), (tw.Formalisation, tw.date), (tw.Activity, tw.startDate)):
            for node in self.graph.subjects(RDF.type, cls):
                date = value_of(self.graph, node, prop) or value_of(self.graph, node, tw.startDecade)
                if date is not None:
                    events.append({"date": str(date), "label": self.label(node), "href": self.href(node, "timeline.html"),
                                   "type": self.label(cls), "end": str(value_of(self.graph, node, tw.endDate) or "")})
        return sorted(events, key=lambda e: (e["date"], e["label"]))

    def link_reports(self, analysis) -> list[dict]:
        return [{"name": r.name, "href": self.href(r.owner, "wikidata.html"), "item": str(r.item),
                 "qid": qid_of(r.item), "state": r.state, "evidence": r.evidence}
                for r in analysis.link_reports]

    def vocabulary(self) -> dict:
        tw = self.tw
        def terms(cls):
            return [{"label": self.label(t), "label_en": self.label(t, "en"), "href": self.href(t, "vocabulary.html"),
                     "definition_fr": self.text(t, SKOS.definition, "fr"), "definition_en": self.text(t, SKOS.definition, "en")}
                    for t in sorted(self.graph.subjects(RDF.type, cls), key=str) if str(t).startswith(str(tw))]
        schemes = [{"label": self.label(s), "label_en": self.label(s, "en"), "href": self.href(s, "vocabulary.html"),
                    "concepts": [{"label": self.label(c), "label_en": self.label(c, "en"), "href": self.href(c, "vocabulary.html"),
                                  "definition_fr": self.text(c, SKOS.definition, "fr"), "definition_en": self.text(c, SKOS.definition, "en")}
                                 for c in sorted(self.graph.subjects(SKOS.inScheme, s), key=str)]}
                   for s in sorted(self.graph.subjects(RDF.type, SKOS.ConceptScheme), key=str)]
        return {"classes": terms(OWL.Class), "object_properties": terms(OWL.ObjectProperty),
                "datatype_properties": terms(OWL.DatatypeProperty), "schemes": schemes}

    def text(self, node, prop, language) -> str:
        return next((str(v) for v in self.graph.objects(node, prop) if getattr(v, "language", None) == language), "")
