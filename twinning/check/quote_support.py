"""Check stage: each quote must support the fact it is attached to, not only occur in its page.

`check_quotes` makes sure a quote is the page's own words; these rules make sure those words say what
the data says with them. A quote such as «La newsletter» occurs in Angers' page and states nothing:
attached to a dated partnership it names neither the partner nor the year, and is refused here.

- quote-supports-date: a date of a resource (start, end, act, status, decade, reference year) appears in
  one of that resource's quotes, as its year or as the page words a decade («années 1990», «années 90»);
- quote-supports-figure: a stated figure's value appears in its quotes, as the page writes numbers
  («330.000», «10 000€», «3,2 millions»);
- quote-names-partner: each partner of a partnership other than the commune that publishes the page is
  named in one of the partnership's quotes, by a label or by a spelling the curator records as the
  page's (tw:pageName);
- wikidata-label-fits: the item of a Wikidata link carries, in the dated snapshots that record it, a
  label that fits the place's name (the same test as `twinning wikidata check`).

Resources with no quote (taken from a dated Wikidata snapshot, tw:recordedIn) have nothing to support.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from rdflib import RDF, RDFS, Graph, Literal, Namespace
from rdflib.namespace import DCTERMS, SKOS

from ..load.sources import Sources
from ..namespaces import OA, PROV
from ..problems import Problem
from ..wikidata.analysis import names_fit


NUMBER = re.compile(r"(?<![\d.,])(\d{1,3}(?:[ .]\d{3})+|\d+)(?:,(\d+))?(?:\s*(millions?|milliards?))?")
SCALE = {"million": 10 ** 6, "millions": 10 ** 6, "milliard": 10 ** 9, "milliards": 10 ** 9}
DATED = ("startDate", "endDate", "date", "statusDate", "startDecade", "referenceYear")


def comparable(text: str) -> str:
    """Quotes and names compared as a reader would: case, spacing and apostrophes aside."""
    return " ".join(text.split()).replace("’", "'").casefold()


def quotes_by_resource(graph: Graph, tw: Namespace) -> dict:
    """Each cited resource's quotes, comparable, in one walk of the citations."""
    exact = {citation: str(quote) for citation, quote in graph.subject_objects(OA.exact)}
    found: dict = {}
    for resource, citation in graph.subject_objects(tw.citation):
        if citation in exact:
            found.setdefault(resource, []).append(comparable(exact[citation]))
    return found


def year_said(value: Literal, decade: bool, quotes: list[str]) -> bool:
    year = str(value).lstrip("-")[:4]
    said = [year] + ([f"années {year[2:]}"] if decade else [])
    return any(re.search(rf"(?<!\d){re.escape(words)}(?!\d)", quote) for quote in quotes for words in said)


def numbers_said(quote: str) -> set[Decimal]:
    found = set()
    for whole, fraction, scale in NUMBER.findall(quote):
        try:
            number = Decimal(re.sub(r"[ .]", "", whole) + (f".{fraction}" if fraction else ""))
        except InvalidOperation:
            continue
        found.add(number * SCALE[scale] if scale else number)
    return found


def check_dates(sources: Sources, tw: Namespace, quotes: dict) -> list[Problem]:
    graph, problems = sources.data, []
    for name in DATED:
        for resource, value in graph.subject_objects(tw[name]):
            cited = quotes.get(resource)
            if cited and not year_said(value, name == "startDecade", cited):
                problems.append(Problem(sources.file_of(resource), str(resource), "quote-supports-date",
                                        f"tw:{name} «{value}»: no quote of this resource gives the year "
                                        f"{str(value).lstrip('-')[:4]}; cite the sentence of the page that dates it "
                                        "(its year, «depuis …», «années …»), or correct the date"))
    return problems


def check_figures(sources: Sources, tw: Namespace, quotes: dict) -> list[Problem]:
    graph, problems = sources.data, []
    for figure, value in graph.subject_objects(tw.value):
        cited = quotes.get(figure)
        if not cited or not isinstance(value, Literal):
            continue
        try:
            stated = Decimal(str(value))
        except InvalidOperation:
            continue  # SHACL reports a value that is not a number
        if not any(stated in numbers_said(quote) for quote in cited):
            problems.append(Problem(sources.file_of(figure), str(figure), "quote-supports-figure",
                                    f"tw:value {value}: no quote of this figure states that number; cite the "
                                    "sentence that gives it, or copy the page's value"))
    return problems


def shown_name(graph: Graph, place) -> str:
    """The French label, as a curator reads the data, or the IRI."""
    labels = sorted(graph.objects(place, RDFS.label), key=lambda label: (label.language != "fr", str(label)))
    return str(labels[0]) if labels else str(place)


def names_of(graph: Graph, place, tw: Namespace) -> list[str]:
    return [str(name) for predicate in (RDFS.label, SKOS.altLabel, tw.pageName) for name in graph.objects(place, predicate)]


def check_partner_names(sources: Sources, tw: Namespace, quotes: dict) -> list[Problem]:
    graph, problems = sources.data, []
    quoted_from = dict(graph.subject_objects(PROV.wasQuotedFrom))
    for partnership in graph.subjects(RDF.type, tw.Partnership):
        cited = quotes.get(partnership)
        if not cited:
            continue
        publishers = {graph.value(quoted_from[citation], DCTERMS.publisher)
                      for citation in graph.objects(partnership, tw.citation) if citation in quoted_from}
        for partner in sorted(set(graph.objects(partnership, tw.partner)) - publishers):
            names = names_of(graph, partner, tw)
            if not any(comparable(name) in quote for name in names for quote in cited):
                problems.append(Problem(sources.file_of(partnership), str(partnership), "quote-names-partner",
                                        f"no quote of this partnership names the partner «{shown_name(graph, partner)}» "
                                        f"({partner}); cite "
                                        "the sentence of the page that names it, or, if the page spells it otherwise, "
                                        "record that spelling as tw:pageName on the partner"))
    return problems


def check_wikidata_labels(sources: Sources, tw: Namespace) -> list[Problem]:
    """Labels from every dated snapshot that records the item, in whatever language it gives them
    (2016: German first; 2021: Italian), as `twinning wikidata check` reads them. An item no snapshot
    labels is left to that command, which calls it unconfirmed: a label that is there and fits nowhere
    is another place's QID."""
    graph, problems = sources.data, []
    labels: dict = {}
    for record in graph.subjects(RDF.type, tw.WikidataRecord):
        labels.setdefault(graph.value(record, tw.item), set()).update(map(str, graph.objects(record, RDFS.label)))
    for owner, link in graph.subject_objects(tw.wikidataLink):
        item = graph.value(link, tw.item)
        given = labels.get(item, set())
        if given and not names_fit(set(names_of(graph, owner, tw)), given):
            problems.append(Problem(sources.file_of(link), str(link), "wikidata-label-fits",
                                    f"{item} is labelled «{', '.join(sorted(given))}» in the dated snapshots, which "
                                    f"does not fit «{shown_name(graph, owner)}»: link the item of this place, or "
                                    "remove the link"))
    return problems


def check_support(sources: Sources, tw: Namespace) -> list[Problem]:
    quotes = quotes_by_resource(sources.data, tw)
    return sorted(check_dates(sources, tw, quotes) + check_figures(sources, tw, quotes)
                  + check_partner_names(sources, tw, quotes) + check_wikidata_labels(sources, tw))
