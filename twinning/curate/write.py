"""A draft as Turtle a curator reads: one block per resource, each drafted fact with its quotes and a
tw:toConfirm line saying what to check; the curator corrects the fact and deletes that line."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rdflib import Literal

from .draft import Activity, Draft, Partnership, Place
from .french import plain

PREFIXES = """@prefix tw:      <ontology/> .
@prefix kind:    <concept/kind/> .
@prefix status:  <concept/status/> .
@prefix domain:  <concept/domain/> .
@prefix doctype: <concept/document-type/> .
@prefix measure: <concept/measure/> .
@prefix qual:    <concept/qualifier/> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix oa:      <http://www.w3.org/ns/oa#> .
@prefix schema:  <http://schema.org/> .
@prefix wd:      <http://www.wikidata.org/entity/> .
@prefix snap:    <reference/wikidata/> .
"""
KIND_WORDS = {"twinning": ("Jumelage", "twinning"), "decentralised-cooperation": ("Coopération décentralisée",
              "decentralised cooperation"), "solidarity": ("Solidarité", "solidarity"),
              "partnership": ("Partenariat", "partnership"), "same-name-network": ("Réseau des homonymes", "network")}
DOCUMENT_WORDS = {"twinning-decision": "Décision de jumelage", "twinning-protocol": "Protocole de jumelage",
                  "twinning-agreement": "Accord de jumelage", "cooperation-agreement": "Accord de coopération",
                  "protocol-of-agreement": "Protocole d'accord", "charter": "Charte", None: "Officialisation"}


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("&", " "))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return "-".join(re.findall(r"[a-z0-9]+", text)) or "x"


def text(value: str, language: str | None = None) -> str:
    return Literal(" ".join(value.split()), lang=language).n3()


def typed(value: str, datatype: str) -> str:
    return f'"{value}"^^xsd:{datatype}'


@dataclass
class Proposal:
    """A Wikidata item proposed for a place, with the snapshots whose label fits and the evidence."""
    qid: str
    confirmed_by: list[str]
    evidence: list[str]
    others: list[str] = field(default_factory=list)


@dataclass
class Commune:
    insee: str
    name: str
    iri: str
    defined: bool  # already described in data/: not written again
    proposal: Proposal | None = None


@dataclass
class Source:
    slug: str
    archived: str  # path under data/
    title: str | None
    url: str | None
    captured: str | None
    issued: str | None
    modified: str | None
    cut_short: bool = False


class Writer:
    def __init__(self, draft: Draft, commune: Commune, source: Source, existing: dict[str, str],
                 proposals: dict[int, Proposal]):
        self.draft, self.commune, self.source = draft, commune, source
        self.existing = existing  # plain name -> IRI of a partner already described in data/
        self.proposals = proposals  # id(place) -> proposal
        self.iris: dict[int, str] = {}
        self.written: set[int] = set()
        self.used: set[str] = set()
        self.lines: list[str] = []

    def unique(self, iri: str) -> str:
        candidate, n = iri, 2
        while candidate in self.used:
            candidate, n = f"{iri}-{n}", n + 1
        self.used.add(candidate)
        return candidate

    def cite(self, quotes: list[str]) -> str:
        unique = list(dict.fromkeys(q for q in quotes if q and len(q) >= 5))
        return " ,\n        ".join(f"[ prov:wasQuotedFrom <source/{self.source.slug}> ; oa:exact {text(q)} ]" for q in unique)

    def block(self, subject: str, kind: str, properties: list[tuple[str, str]], note: str | None) -> None:
        lines = [f"{subject} a {kind} ;"]
        body = [f"    {p} {o}" for p, o in properties if o]
        if note:
            body.append(f"    tw:toConfirm {text(note, 'en')}")
        lines.append(" ;\n".join(body) + " .\n")
        self.lines.append("\n".join(lines))

    def place_iri(self, place: Place) -> str:
        if id(place) not in self.iris:
            known = self.existing.get(plain(place.label)) or (place.former and self.existing.get(plain(place.former)))
            self.iris[id(place)] = f"<{known}>" if known else f"<{self.unique('partner/' + slug(place.label))}>"
        return self.iris[id(place)]

    def header(self) -> str:
        source = self.source
        notes = []
        if not source.url:
            notes.append("address (--url) not given")
        if not source.captured:
            notes.append("capture date (--captured) not given")
        return (f"# {self.commune.name} (INSEE {self.commune.insee}): DRAFT written by `twinning add-commune` from\n"
                f"# data/{source.archived}. Every resource with tw:toConfirm is a draft: read its quotes in the\n"
                "# page, correct it, then delete its tw:toConfirm line. `twinning validate` lists what is left to\n"
                "# confirm; `twinning build` publishes none of it until then." +
                (f"\n# Missing from the source's description: {'; '.join(notes)}." if notes else "") + "\n\n" + PREFIXES)

    def write(self) -> str:
        self.lines.append(self.header())
        self.write_source()
        self.write_commune()
        for place in self.draft.places:
            if id(place) not in self.written and (any(place in p.places for p in self.draft.partnerships)
                                                  or any(f.about is place for f in self.draft.figures)):
                self.write_place(place)
        for partnership in self.draft.partnerships:
            self.write_partnership(partnership)
        for activity in self.draft.activities:
            self.write_activity(activity)
        for index, figure in enumerate(self.draft.figures):
            self.write_figure(figure, index)
        return "\n".join(self.lines)

    def write_source(self) -> None:
        s = self.source
        label = f"«{s.title}» (copie archivée)" if s.title else f"Page de {self.commune.name} sur ses partenariats (copie archivée)"
        missing = [words for words, value in (("adresse", s.url), ("date de capture", s.captured)) if not value]
        note = {0: None, 1: f"La capture ne porte pas de {''.join(missing)} : aucune n'est donnée ici.",
                2: "La capture ne porte ni adresse ni date de capture : aucune n'est donnée ici."}[len(missing)]
        properties = [("rdfs:label", text(label, "fr")), ("dcterms:publisher", self.commune.iri),
                      ("dcterms:language", '"fr"'), ("tw:archivedText", text(s.archived)),
                      ("schema:url", f"<{s.url}>" if s.url else None),
                      ("tw:capturedOn", typed(s.captured, "date") if s.captured else None),
                      ("dcterms:issued", typed(s.issued, "date") if s.issued else None),
                      ("dcterms:modified", typed(s.modified, "date") if s.modified else None),
                      ("skos:editorialNote", text(note, "fr") if note else None)]
        cut = ("the capture may be cut short (its last line stops mid-sentence): compare it with the page and "
               "capture it again if a part is missing") if s.cut_short else None
        self.block(f"<source/{s.slug}>", "tw:SourceDocument", properties, cut)

    def link(self, owner: str, proposal: Proposal) -> None:
        evidence = "; ".join(proposal.evidence)
        others = f" Other items with a fitting label: {', '.join(proposal.others)}." if proposal.others else ""
        self.block(f"{owner[:-1]}#wikidata>", "tw:WikidataLink",
                   [("tw:item", f"wd:{proposal.qid}"),
                    ("tw:confirmedBy", " , ".join(f"snap:{s}" for s in proposal.confirmed_by))],
                   f"Wikidata item proposed from the dated snapshots: {evidence}.{others} Check that it is this place "
                   f"(`twinning wikidata suggest`), then delete this line.")

    def write_commune(self) -> None:
        c = self.commune
        if c.defined:
            return
        self.block(c.iri, "tw:Commune", [("rdfs:label", text(c.name, "fr")), ("tw:inseeCode", text(c.insee)),
                                         ("tw:countryCode", '"FR"'),
                                         ("tw:wikidataLink", f"{c.iri[:-1]}#wikidata>" if c.proposal else None)], None)
        if c.proposal:
            self.link(c.iri, c.proposal)

    def write_place(self, place: Place) -> None:
        iri = self.place_iri(place)
        if iri[1:-1] in self.existing.values():
            return
        names = {plain(place.label)} | ({plain(place.former)} if place.former else set())
        spellings = sorted({s for s in place.spellings if plain(s) not in names and s != place.label})
        parent = place.parent
        if parent is not None and id(parent) not in self.written:
            self.write_place(parent)
        self.written.add(id(place))
        proposal = self.proposals.get(id(place))
        country = place.country
        properties = [("rdfs:label", text(place.label, "fr")),
                      ("skos:altLabel", text(place.former, "fr") if place.former else None),
                      ("tw:pageName", " , ".join(text(s) for s in spellings) if spellings else None),
                      ("tw:countryCode", text(country.country_code) if country else None),
                      ("tw:territoryCode", text(country.territory_code) if country and country.territory_code else None),
                      ("tw:partOf", self.place_iri(parent) if parent else None),
                      ("tw:wikidataLink", f"{iri[:-1]}#wikidata>" if proposal else None),
                      ("tw:citation", self.cite([place.country_quote]) if country and place.country_quote else None)]
        checks = []
        if country is None:
            checks.append("the page gives no country the drafter could read: add tw:countryCode (ISO 3166-1 alpha-2)")
        elif country.named_by_region:
            checks.append(f"country {country.code} read from a region the page names: check it")
        else:
            checks.append(f"country {country.code} read from the page: check it")
        if place.former:
            checks.append(f"the page says it was called {place.former}: check the current name and, for a date "
                          "before the change, a former country (tw:formerCountryCode)")
        if place.type != "Municipality":
            checks.append(f"typed tw:{place.type} from the page's words «{place.label}»")
        if not proposal:
            checks.append("no Wikidata item proposed: `twinning wikidata suggest` lists candidates, if any")
        self.block(iri, f"tw:{place.type}", properties, "; ".join(checks) + ".")
        if proposal:
            self.link(iri, proposal)

    def partnership_iri(self, partnership: Partnership) -> str:
        key = id(partnership)
        if key not in self.iris:
            names = "-".join(slug(p.label) for p in partnership.places)
            self.iris[key] = f"<{self.unique(f'partnership/{slug(self.commune.name)}-{names}')}>"
        return self.iris[key]

    def write_partnership(self, partnership: Partnership) -> None:
        iri = self.partnership_iri(partnership)
        names = " – ".join(p.label for p in partnership.places)
        french, english = KIND_WORDS[partnership.kind]
        start = partnership.start
        properties = [("rdfs:label", f"{text(f'{french} {self.commune.name} – {names}', 'fr')}"),
                      ("tw:partner", " , ".join([self.commune.iri] + [self.place_iri(p) for p in partnership.places])),
                      ("tw:kind", f"kind:{partnership.kind}"),
                      ("tw:startDecade" if start and start.date.decade else "tw:startDate",
                       typed(start.date.value, start.date.datatype) if start else None),
                      ("tw:citation", self.cite(partnership.quotes))]
        checks = [f"kind {partnership.kind}" + (f" from «{short(partnership.kind_quote)}»" if partnership.kind_quote
                                                else " (the page names no kind: the default)")]
        if start:
            checks.append(f"start {start.date.value}{'s' if start.date.decade else ''} from «{start.date.words}» in "
                          f"«{short(start.quote)}»: the first link the page states?")
        else:
            checks.append("no start date found: add one only if the page states it")
        if len(partnership.places) > 1:
            checks.append("one partnership with several partners, as the page groups them")
        self.block(iri, "tw:Partnership", properties, "; ".join(checks) + ".")
        for index, act in enumerate(partnership.acts):
            act_iri = self.unique(f"formalisation/{iri[len('<partnership/'):-1]}-{act.document_type or 'act'}")
            label = f"{DOCUMENT_WORDS[act.document_type]} avec {names}" + ("" if act.date else " (non daté)")
            self.block(f"<{act_iri}>", "tw:Formalisation",
                       [("rdfs:label", text(label, "fr")), ("tw:formalises", iri),
                        ("tw:documentType", f"doctype:{act.document_type}" if act.document_type else None),
                        ("tw:date", typed(act.date.date.value, act.date.date.datatype) if act.date else None),
                        ("tw:previousKind", f"kind:{act.previous_kind}" if act.previous_kind else None),
                        ("tw:newKind", f"kind:{act.new_kind}" if act.new_kind else None),
                        ("tw:citation", self.cite([act.quote, act.date.quote if act.date else None]))],
                       f"act «{act.words}»" + (f" dated {act.date.date.value}" if act.date else " not dated by the page")
                       + (f"; it changes the kind from {act.previous_kind} to {act.new_kind}" if act.new_kind else "")
                       + ": check it.")

    def activity_iri(self, activity: Activity) -> str:
        if id(activity) not in self.iris:
            words = "-".join(slug(activity.label).split("-")[:6])
            self.iris[id(activity)] = f"<{self.unique(f'activity/{slug(self.commune.name)}/{words}')}>"
        return self.iris[id(activity)]

    def write_activity(self, activity: Activity) -> None:
        iri = self.activity_iri(activity)
        owner = (("tw:partnership", self.partnership_iri(activity.partnership)) if activity.partnership
                 else ("tw:ofCommune", self.commune.iri))
        properties = [("rdfs:label", text(activity.label, "fr")), owner,
                      ("tw:statedPeriod", text(activity.period, "fr") if activity.period else None),
                      ("tw:startDate", typed(activity.start.value, activity.start.datatype) if activity.start else None),
                      ("tw:endDate", typed(activity.end.value, activity.end.datatype) if activity.end else None),
                      ("tw:recurrence", text(activity.recurrence, "fr") if activity.recurrence else None),
                      ("tw:status", f"status:{activity.status}" if activity.status else None),
                      ("tw:activityDomain", " , ".join(f"domain:{d}" for d in activity.domains)),
                      ("tw:citation", self.cite([activity.quote]))]
        checks = [f"domains {', '.join(activity.domains)} read from its words"]
        if activity.note:
            checks.append(activity.note)
        elif not activity.partnership:
            checks.append("attached to the commune: attach it to a partnership if the page puts it there")
        if activity.recurrence and not activity.start:
            checks.append(f"recurring («{activity.recurrence}»), undated")
        self.block(iri, "tw:Activity", properties, "; ".join(checks) + ".")

    def write_figure(self, figure, index: int) -> None:
        about = self.place_iri(figure.about) if isinstance(figure.about, Place) else self.activity_iri(figure.about)
        name = slug(figure.about.label)[:40].strip("-")
        iri = self.unique(f"figure/{slug(self.commune.name)}-{name}-{figure.measure}")
        value = str(figure.value)
        properties = [("tw:figureAbout", about), ("tw:measure", f"measure:{figure.measure}"),
                      ("tw:value", value if isinstance(figure.value, int) else typed(value, "decimal")),
                      ("tw:valueQualifier", f"qual:{figure.qualifier}" if figure.qualifier else None),
                      ("tw:currency", text(figure.currency) if figure.currency else None),
                      ("tw:referenceYear", typed(figure.reference_year, "gYear") if figure.reference_year else None),
                      ("tw:citation", self.cite([figure.quote]))]
        self.block(f"<{iri}>", "tw:StatedFigure", properties,
                   f"{figure.measure} {value} as the page states it"
                   + ("" if figure.reference_year else ", no reference year given") + ": check what it measures.")


def short(quote: str | None, length: int = 80) -> str:
    quote = " ".join((quote or "").split())
    return quote if len(quote) <= length else quote[:length].rsplit(" ", 1)[0] + "…"
