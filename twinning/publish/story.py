"""What a person reads first on a resource page, above its property table: a commune's partnerships
with their partners, countries, kinds, dates, acts and activities; a partnership in one sentence with
its acts and activities in time order; a partner's communes. Every fact carries its quotes.

These views read two steps from the page's resource (a commune's partnerships, and their acts,
activities and partners): Site.pages_showing follows the same steps when a page changes."""

from __future__ import annotations

from rdflib import RDF
from rdflib.namespace import SKOS

from ..store import first_value
from .map import commune_base
from .words import LANGUAGES, WORDS, country_name, date_text, decade_text

SHOWN = 1_000  # partnerships told on a commune's or partner's page, at most (the table lists them all)
UNDATED = "~"  # sorts after every date


def of(site, main, said: dict, folder: str, language: str) -> dict | None:
    """The story of the page's resource, if it is one that has a story."""
    tw, types = site.tw, set(said.get(RDF.type, ()))
    if tw.Commune in types:
        return commune(site, main, folder, language)
    if tw.Partnership in types:
        return {"kind": "partnership", "partnership": partnership(site, main, folder, language, None)}
    if not site.place_classes.isdisjoint(types):
        return partner(site, main, folder, language)
    if tw.SourceDocument in types and main in site.archived_texts:
        return source(site, main, folder, language)
    if tw.Activity in types or tw.Formalisation in types:
        return event(site, main, said, folder, language)
    return None


def event(site, node, said: dict, folder: str, language: str) -> dict:
    """An activity or an act: when, in the page's words, and what it belongs to (links only: what those
    partnerships are is told on their pages)."""
    tw = site.tw
    told = (activity if tw.Activity in said.get(RDF.type, ()) else formalisation)(site, node, folder, language)
    told["notes"] = notes(said, language)  # on its own page, the notes of a dated one too
    belongs = [*said.get(tw.partnership, ()), *said.get(tw.formalises, ()), *said.get(tw.ofCommune, ())]
    return {"kind": "event", "event": told,
            "belongs": sorted(({"label": site.label(b, language), "href": site.href(b, folder + "/", language)}
                               for b in belongs), key=lambda b: (b["label"], b["href"]))}


def told(site, node, folder: str, language: str) -> tuple[list[dict], int]:
    """The partnerships of a place, the first SHOWN in time order, told; and how many there are."""
    tw = site.tw
    ordered = sorted(site.graph.subjects(tw.partner, node),
                     key=lambda p: (since(site.outgoing(p), tw, language)[0], site.label(p, language), str(p)))
    return [partnership(site, p, folder, language, node) for p in ordered[:SHOWN]], len(ordered)


def commune(site, node, folder: str, language: str) -> dict:
    tw = site.tw
    partnerships, total = told(site, node, folder, language)
    places = [party(site, node, folder, language)] + sorted(
        {party["href"]: party for p in partnerships for party in p["partners"]}.values(),
        key=lambda p: (p["label"], p["href"]))
    slug = str(node).rsplit("/", 1)[1]
    return {"kind": "commune", "partnerships": partnerships, "total": total, "places": places,
            "activities": activities(site, site.graph.subjects(tw.ofCommune, node), folder, language),
            "map": f"maps/{slug}", "base": commune_base(site.graph, tw, node), "name": site.label(node, language)}


def partner(site, node, folder: str, language: str) -> dict:
    partnerships, total = told(site, node, folder, language)
    return {"kind": "partner", "place": party(site, node, folder, language), "partnerships": partnerships,
            "total": total}


def source(site, node, folder: str, language: str) -> dict:
    return {"kind": "source", "reading": site.reading_href(node, folder, language), "text": site.text_href(node, folder)}


def party(site, node, folder: str, language: str) -> dict:
    """A partner with its type and its country by name (the country it belonged to, if it no longer exists)."""
    tw, said = site.tw, site.outgoing(node)
    code, former, territory = (first_value(said, p) for p in (tw.countryCode, tw.formerCountryCode, tw.territoryCode))
    types = sorted(said.get(RDF.type, ()), key=str)
    return {"label": site.label(node, language), "href": site.href(node, folder + "/", language),
            "type": site.label(types[0], language) if types else "",
            "country": country_name(str(code), language) if code else "",
            "former": country_name(str(former), language) if former else "",
            "territory": country_name(str(territory), language) if territory else ""}


def since(said: dict, tw, language: str) -> tuple[str, str]:
    """(sort key, words) of a partnership's first stated link: 'depuis 1963', 'since the 1990s'."""
    words = WORDS[language]
    start, decade = first_value(said, tw.startDate), first_value(said, tw.startDecade)
    if start is not None:
        return str(start), since_date(str(start), language)
    if decade is not None:
        return str(decade), f"{words['since']} {'les ' if language == 'fr' else ''}{decade_text(str(decade), language)}"
    return UNDATED, words["no_start"]


def since_date(date: str, language: str) -> str:
    """'depuis 1963', 'depuis le 9 mai 2016', 'since 9 May 2016'."""
    article = "le " if language == "fr" and date.count("-") == 2 else ""
    return f"{WORDS[language]['since']} {article}{date_text(date, language)}"


def parties_text(names: list[str], language: str) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" {WORDS[language]['and']} " + names[-1]


def partnership(site, node, folder: str, language: str, viewpoint) -> dict:
    """A partnership told from one of its partners (or from its own page, viewpoint None)."""
    tw, said = site.tw, site.outgoing(node)
    words = WORDS[language]
    all_parties = sorted(said.get(tw.partner, ()), key=lambda p: (p not in site.commune_nodes,
                                                                  site.label(p, language), str(p)))
    parties = [party(site, p, folder, language) for p in all_parties]
    sort, since_text = since(said, tw, language)
    kind = first_value(said, tw.kind)
    kind_label = site.label(kind, language) if kind is not None else ""
    named = [p["label"] + (f" ({p['country']})" if p["country"] and p["country"] != country_name("FR", language)
                           else "") for p in parties]
    end, status = first_value(said, tw.endDate), first_value(said, tw.status)
    acts = sorted((formalisation(site, f, folder, language) for f in site.graph.subjects(tw.formalises, node)),
                  key=lambda f: (f["sort"], f["label"]))
    changes = [act for act in acts if act["change"]]
    first_kind = changes[0]["old"] if changes else kind_label  # the kind it began with, then each change
    summary = words["partnership_summary"].format(kind=first_kind[:1].upper() + first_kind[1:],
                                                  parties=parties_text(named, language), since=since_text)
    if changes:
        summary = summary[:-1] + "".join(words["semicolon"] + f"{act['new']} {act['since']}" for act in changes) + "."
    return {"label": site.label(node, language), "href": site.href(node, folder + "/", language),
            "kind": kind_label, "since": since_text, "sort": sort,
            "end": date_text(str(end), language) if end is not None else "",
            "status": site.label(status, language) if status is not None else "",
            "summary": summary,
            "partners": [p for p, node in zip(parties, all_parties) if node != viewpoint],
            "formalisations": acts,
            "activities": activities(site, site.graph.subjects(tw.partnership, node), folder, language),
            "notes": notes(said, language),
            "citations": site.citations(said, {}, folder, language)}


def formalisation(site, node, folder: str, language: str) -> dict:
    tw, said = site.tw, site.outgoing(node)
    date, document = first_value(said, tw.date), first_value(said, tw.documentType)
    old, new = first_value(said, tw.previousKind), first_value(said, tw.newKind)
    changed = old is not None and new is not None
    change = WORDS[language]["became"].format(old=site.label(old, language), new=site.label(new, language)) if changed else ""
    return {"label": site.label(node, language), "href": site.href(node, folder + "/", language),
            "sort": str(date) if date is not None else UNDATED, "datetime": str(date) if date is not None else "",
            "when": date_text(str(date), language) if date is not None else WORDS[language]["undated"],
            "type": site.label(document, language) if document is not None else "", "change": change,
            "old": site.label(old, language) if changed else "", "new": site.label(new, language) if changed else "",
            "since": since_date(str(date), language) if date is not None else "",
            "citations": site.citations(said, {}, folder, language)}


def activities(site, nodes, folder: str, language: str) -> list[dict]:
    """In time order; those the page does not date come last, in the page's own words."""
    return sorted((activity(site, a, folder, language) for a in nodes), key=lambda a: (a["sort"], a["label"], a["href"]))


def activity(site, node, folder: str, language: str) -> dict:
    tw, said = site.tw, site.outgoing(node)
    start, end = first_value(said, tw.startDate), first_value(said, tw.endDate)
    when = date_text(str(start), language) if start is not None else ""
    if start is not None and end is not None and end != start:
        when += f" – {date_text(str(end), language)}"
    period, recurrence = first_value(said, tw.statedPeriod), first_value(said, tw.recurrence)
    return {"label": site.label(node, language), "label_lang": site.label_language(node, language),
            "href": site.href(node, folder + "/", language),
            "sort": str(start) if start is not None else UNDATED, "datetime": str(start) if start is not None else "",
            "when": when or WORDS[language]["undated"],
            "stated": str(period) if period is not None else "", "recurrence": str(recurrence) if recurrence else "",
            "domains": sorted(site.label(d, language) for d in said.get(tw.activityDomain, ())),
            "notes": notes(said, language) if start is None else [],
            "citations": site.citations(said, {}, folder, language)}


def notes(said: dict, language: str) -> list[dict]:
    """The curators' notes in the language (in French, so marked, if there is none in it)."""
    found = said.get(SKOS.editorialNote, ())
    mine = [n for n in found if getattr(n, "language", None) == language]
    if not mine:
        mine = [n for n in found if getattr(n, "language", None) == LANGUAGES[0]]
    return [{"text": str(n), "lang": n.language if n.language != language else None} for n in sorted(mine)]

