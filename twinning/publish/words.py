"""The site's words in French and English: every interface string, country names, and dates at the
precision the pages give. One language per page; French is the default."""

from __future__ import annotations

import gettext
from functools import lru_cache

import pycountry

LANGUAGES = ("fr", "en")  # the first is the default: its pages are X.html, the others' X.<lang>.html
OTHER = {"fr": "en", "en": "fr"}
TITLE_LENGTH = 70  # at most, in a page's <title>: search engines cut the rest

MONTHS = {"fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                 "novembre", "décembre"),
          "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                 "November", "December")}

WORDS = {
    "fr": {
        "site": "Jumelages des communes",
        "site_long": "Jumelages et partenariats internationaux des communes",
        "site_description": "Les jumelages et partenariats internationaux de communes françaises, tels que leurs pages "
                            "les décrivent : partenaires, dates, actes, activités, chaque fait avec sa citation.",
        "language_name": "Français", "switch_to": "English version", "skip": "Aller au contenu",
        "nav_label": "Navigation principale", "nav_communes": "Communes", "nav_partnerships": "Partenariats",
        "nav_partners": "Partenaires", "nav_timeline": "Chronologie", "nav_map": "Carte",
        "nav_statistics": "Statistiques", "nav_vocabulary": "Ontologie", "nav_validation": "Validation",
        "nav_wikidata": "Wikidata", "nav_sparql": "SPARQL", "nav_downloads": "Téléchargements",
        "search": "Rechercher", "search_label": "Rechercher une commune, un partenaire, un partenariat",
        "search_none": "Aucun résultat.", "search_results": "résultat(s)",
        "footer": "Données sous Licence Ouverte 2.0. Chaque fait cite la phrase de sa page source archivée.",
        "licence": "Licence Ouverte 2.0",
        "counts": "{partnerships} partenariats, {activities} activités, {figures} chiffres énoncés, publiés par {communes} communes.",
        "intro": "Ce site rassemble ce que cinq communes disent, sur leurs propres pages, de leurs jumelages et "
                 "coopérations : avec qui, depuis quand, par quel acte, et ce qui a été fait. Chaque fait renvoie à la "
                 "phrase de la page qui l'énonce.",
        "more": "Pour aller plus loin", "more_table": "comparer les partenariats dans un tableau filtrable",
        "more_sparql": "interroger les données en SPARQL", "more_downloads": "télécharger les données",
        "insee": "INSEE",
        # resource pages
        "rdf": "RDF", "data_table": "Toutes les données de cette ressource", "property": "Propriété", "value": "Valeur",
        "referenced_by": "Cité par", "incoming_some": "{shown} liens sur {total}, les premiers par IRI.",
        "incoming_all": "Tous", "quoted_sources": "Sources citées", "quote": "Citation", "quotes": "Citations",
        "in_source": "voir le passage dans la source",
        "partnerships_heading": "Ses partenariats", "partnerships_of_partner": "Ses partenariats avec des communes",
        "commune_activities": "Activités de la commune, hors partenariat",
        "commune_activities_note": "Actes que la page attribue à la ville sans les relier à un partenaire.",
        "with": "avec", "since": "depuis", "in_the": "dans les", "kind": "Nature", "formalised": "Actes",
        "not_formalised": "La page ne cite aucun acte signé.", "activities": "Activités",
        "no_activities": "La page ne cite aucune activité.", "no_start": "la page ne donne pas de date de début",
        "undated": "sans date", "became": "devenue {new} (auparavant {old})", "partners": "Partenaires",
        "country": "Pays", "at_the_time": "à l'époque", "territory": "territoire", "domains": "Domaines",
        "recurrence": "fréquence", "ended": "jusqu'en", "note": "Note", "summary": "En bref",
        "partnership_summary": "{kind} entre {parties}, {since}.", "and": "et",
        "map_of": "Carte des partenaires de {commune}", "places": "Lieux",
        "map_alt": "Carte : {commune} et ses partenaires ({places})",
        "n_partnerships": "{n} partenariat(s)", "n_activities": "{n} activité(s)",
        "read_source": "Lire la page archivée, citations surlignées", "archived_text": "texte archivé (UTF-8)",
        "source_doc": "Document source", "publisher": "Publié par",
        # source reading pages
        "source_heading": "Page archivée : {label}",
        "source_capture": "Adresse d'origine et date de capture : la capture n'en porte aucune ; aucune n'est donnée ici.",
        "source_intro": "Le texte tel qu'il a été capturé. Chaque passage cité par les données est surligné ; "
                        "le numéro qui le suit renvoie aux faits qu'il appuie.",
        "source_passages": "Passages cités et faits appuyés", "source_text": "Texte archivé",
        "source_plain": "Le texte brut", "supports": "appuie",
        # index pages
        "partnerships_title": "Tous les partenariats",
        "partnerships_intro": "Un partenariat par ligne. Filtrez par commune, nature, pays ou décennie de début, et "
                              "triez en cliquant sur l'en-tête d'une colonne. Sans JavaScript, le tableau reste complet.",
        "filter": "Filtrer", "all": "tous", "commune": "Commune", "partner": "Partenaire(s)", "start": "Début",
        "decade": "Décennie", "shown_rows": "partenariat(s) affiché(s)", "sort_hint": "trier",
        "partners_title": "Partenaires par pays", "timeline_title": "Chronologie",
        "timeline_intro": "Dates à la précision donnée par les pages.", "date": "Date", "end": "Fin", "type": "Type",
        "what": "Quoi", "map_title": "Carte des communes et de leurs partenaires",
        "map_intro": "Positions tirées des références Wikidata datées pour les éléments confirmés ; les autres lieux sont listés sous la carte.",
        "map_full_alt": "Carte du monde : les communes et leurs partenaires, reliés par des lignes",
        "place": "Lieu", "longitude": "Longitude", "latitude": "Latitude", "reference": "Référence",
        "without_coordinates": "Lieux sans coordonnées", "statistics_title": "Statistiques",
        "statistics_intro": "Figures dessinées à la construction du site, à partir des mêmes données.",
        "chart_partnerships": "Partenariats commencés par décennie et par nature",
        "chart_activities": "Activités par domaine et par décennie", "chart_countries": "Partenaires par pays",
        "vocabulary_title": "Ontologie des jumelages", "ontology_record": "Fiche de l'ontologie",
        "classes": "Classes", "object_properties": "Propriétés d'objet", "datatype_properties": "Propriétés de données",
        "schemes": "Schémas de concepts", "validation_title": "Rapport de validation",
        "validation_data": "Données : {errors} erreur(s), {warnings} avertissement(s) (contrôles des citations, des IRI, des références et formes SHACL).",
        "validation_dcat": "{violations} violation(s), {warnings} avertissement(s).",
        "warning_unexplained": "Avertissement sans explication : à examiner.",
        "warning_raw": "Message du validateur (pySHACL), en anglais",
        "downloads_title": "Téléchargements", "file": "Fichier", "bytes": "Octets",
        "downloads_intro": "Le catalogue décrit les fichiers du jeu de données entier ; le fichier de chaque commune en est un sous-ensemble, décrit dans VoID.",
        "downloads_sources": "Pages sources archivées", "catalogue": "Catalogue DCAT-AP",
        "sparql_title": "Interroger en SPARQL",
        "sparql_intro": "Le point d'accès SPARQL 1.1 est en lecture seule, avec un délai maximal par requête. Localement, "
                        "twinning serve le fournit à côté de ces pages ; hors ligne, twinning query répond aux mêmes requêtes.",
        "endpoint": "Point d'accès", "relative_iris": "Les IRI relatives (PREFIX tw: <ontology/>) se résolvent contre",
        "query": "Requête", "run": "Exécuter", "research_questions": "Questions de recherche",
        "expected": "résultat attendu", "federated": "Requête fédérée : non exécutée ici.",
        "results_title": "Résultats SPARQL", "examples": "Exemples", "error": "Erreur", "answer": "Réponse",
        "true": "vrai", "false": "faux", "rows": "{n} ligne(s)",
        "wikidata_title": "Wikidata : les pages face à P190",
        "wikidata_intro": "Chaque commune dit sur sa page avec qui elle est jumelée ou coopère ; Wikidata le note avec la "
                          "propriété « entité territoriale jumelée » (P190). Voici, instantané daté par instantané daté, ce qui concorde.",
        "snapshots": "Instantanés", "snapshot_partial": "Un instantané peut ne contenir qu'une partie de P190.",
        "wikidata_states": "L'état « identité de l'élément confirmée » d'un lien dit que l'élément figure dans un "
                           "instantané avec un libellé qui convient au lieu, pas que le jumelage y est enregistré : c'est ce "
                           "que dit le verdict « jumelage enregistré ». Quand l'instantané ne tient aucune déclaration P190 "
                           "de la commune, aucun verdict n'est donné pour ses partenaires.",
        "legend": "Légende des verdicts", "comparison": "Comparaison", "snapshot": "Instantané", "verdict": "Verdict",
        "partner_page": "Partenaire (page)", "linked_item": "Élément lié", "link_states": "État des liens",
        "item": "Élément", "state": "État", "evidence": "Preuves", "unlinked": "Sans élément Wikidata",
        "not_found_title": "Page introuvable",
        "not_found": "Cette adresse ne correspond à aucune page. Les communes et leurs partenariats sont listés sur la page d'accueil.",
        "home": "Accueil", "colon": " :", "semicolon": " ; ", "part_of": "Relève de",
    },
    "en": {
        "site": "Twinnings of communes",
        "site_long": "Twinnings and international partnerships of French communes",
        "site_description": "The twinnings and international partnerships of French communes as their own pages describe "
                            "them: partners, dates, acts, activities, each fact with its quote.",
        "language_name": "English", "switch_to": "Version française", "skip": "Skip to content",
        "nav_label": "Main navigation", "nav_communes": "Communes", "nav_partnerships": "Partnerships",
        "nav_partners": "Partners", "nav_timeline": "Timeline", "nav_map": "Map", "nav_statistics": "Statistics",
        "nav_vocabulary": "Ontology", "nav_validation": "Validation", "nav_wikidata": "Wikidata", "nav_sparql": "SPARQL",
        "nav_downloads": "Downloads",
        "search": "Search", "search_label": "Search a commune, a partner, a partnership",
        "search_none": "No result.", "search_results": "result(s)",
        "footer": "Data under the Licence Ouverte 2.0 (Etalab open licence). Every fact quotes the sentence of its archived source page.",
        "licence": "Licence Ouverte 2.0",
        "counts": "{partnerships} partnerships, {activities} activities, {figures} stated figures, published by {communes} communes.",
        "intro": "This site gathers what five French communes say, on their own pages, about their twinnings and "
                 "cooperations: with whom, since when, through which act, and what was done. Every fact links to the "
                 "sentence of the page that states it.",
        "more": "Going further", "more_table": "compare partnerships in a table with filters",
        "more_sparql": "query the data with SPARQL", "more_downloads": "download the data",
        "insee": "INSEE",
        "rdf": "RDF", "data_table": "All the data about this resource", "property": "Property", "value": "Value",
        "referenced_by": "Referenced by", "incoming_some": "{shown} links of {total}, the first by IRI.",
        "incoming_all": "All", "quoted_sources": "Quoted sources", "quote": "Quote", "quotes": "Quotes",
        "in_source": "see the passage in the source",
        "partnerships_heading": "Its partnerships", "partnerships_of_partner": "Its partnerships with French communes",
        "commune_activities": "Activities of the commune outside a partnership",
        "commune_activities_note": "Acts the page attributes to the town without tying them to a partner.",
        "with": "with", "since": "since", "in_the": "in the", "kind": "Kind", "formalised": "Acts",
        "not_formalised": "The page cites no signed act.", "activities": "Activities",
        "no_activities": "The page cites no activity.", "no_start": "the page gives no start date",
        "undated": "undated", "became": "became {new} (previously {old})", "partners": "Partners",
        "country": "Country", "at_the_time": "at the time", "territory": "territory", "domains": "Domains",
        "recurrence": "recurrence", "ended": "until", "note": "Note", "summary": "In short",
        "partnership_summary": "{kind} between {parties}, {since}.", "and": "and",
        "map_of": "Map of the partners of {commune}", "places": "Places",
        "map_alt": "Map: {commune} and its partners ({places})",
        "n_partnerships": "{n} partnership(s)", "n_activities": "{n} activity(ies)",
        "read_source": "Read the archived page, quotes highlighted", "archived_text": "archived text (UTF-8)",
        "source_doc": "Source document", "publisher": "Published by",
        "source_heading": "Archived page: {label}",
        "source_capture": "Original address and capture date: the capture carries neither; none is given here.",
        "source_intro": "The text as captured, in French. Every passage the data quotes is highlighted; the number "
                        "after it leads to the facts it supports.",
        "source_passages": "Quoted passages and the facts they support", "source_text": "Archived text",
        "source_plain": "The plain text", "supports": "supports",
        "partnerships_title": "All partnerships",
        "partnerships_intro": "One partnership per row. Filter by commune, kind, country or decade of start, and sort "
                              "by clicking a column heading. Without JavaScript, the table stays complete.",
        "filter": "Filter", "all": "all", "commune": "Commune", "partner": "Partner(s)", "start": "Start",
        "decade": "Decade", "shown_rows": "partnership(s) shown", "sort_hint": "sort",
        "partners_title": "Partners by country", "timeline_title": "Timeline",
        "timeline_intro": "Dates at the precision the pages give.", "date": "Date", "end": "End", "type": "Type",
        "what": "What", "map_title": "Map of the communes and their partners",
        "map_intro": "Positions come from the dated Wikidata references for confirmed items; the other places are listed below the map.",
        "map_full_alt": "World map: the communes and their partners, joined by lines",
        "place": "Place", "longitude": "Longitude", "latitude": "Latitude", "reference": "Reference",
        "without_coordinates": "Places without coordinates", "statistics_title": "Statistics",
        "statistics_intro": "Figures drawn when the site is built, from the same data.",
        "chart_partnerships": "Partnerships begun per decade, by kind",
        "chart_activities": "Activities by domain and decade", "chart_countries": "Partners per country",
        "vocabulary_title": "Twinning ontology", "ontology_record": "The ontology's record",
        "classes": "Classes", "object_properties": "Object properties", "datatype_properties": "Datatype properties",
        "schemes": "Concept schemes", "validation_title": "Validation report",
        "validation_data": "Data: {errors} error(s), {warnings} warning(s) (checks of quotes, IRIs, references and SHACL shapes).",
        "validation_dcat": "{violations} violation(s), {warnings} warning(s).",
        "warning_unexplained": "A warning without an explanation: to be looked into.",
        "warning_raw": "The validator's (pySHACL) message",
        "downloads_title": "Downloads", "file": "File", "bytes": "Bytes",
        "downloads_intro": "The catalogue describes the whole dataset's files; each commune's file is a subset of it, described in VoID.",
        "downloads_sources": "Archived source pages", "catalogue": "DCAT-AP catalogue",
        "sparql_title": "Query with SPARQL",
        "sparql_intro": "The SPARQL 1.1 endpoint is read-only, with a time limit per query. Locally, twinning serve runs "
                        "it beside these pages; offline, twinning query answers the same queries.",
        "endpoint": "Endpoint", "relative_iris": "Relative IRIs (PREFIX tw: <ontology/>) resolve against",
        "query": "Query", "run": "Run", "research_questions": "Research questions", "expected": "expected result",
        "federated": "Federated query: not run from this page.",
        "results_title": "SPARQL results", "examples": "Examples", "error": "Error", "answer": "Answer",
        "true": "true", "false": "false", "rows": "{n} row(s)",
        "wikidata_title": "Wikidata: the pages against P190",
        "wikidata_intro": "Each commune's page says whom it is twinned or cooperates with; Wikidata records it with "
                          "\"twinned administrative body\" (P190). Here is what agrees, one dated snapshot at a time.",
        "snapshots": "Snapshots", "snapshot_partial": "A snapshot may hold only part of P190.",
        "wikidata_states": "A link's \"item identity confirmed\" state says the item appears in a snapshot "
                           "with a label that fits the place, not that the twinning is recorded there: the \"twinning "
                           "recorded\" verdict says that. When the snapshot holds no P190 statement of the commune, no "
                           "verdict is given for its partners.",
        "legend": "The verdicts", "comparison": "Comparison", "snapshot": "Snapshot", "verdict": "Verdict",
        "partner_page": "Partner (page)", "linked_item": "Linked item", "link_states": "Link states",
        "item": "Item", "state": "State", "evidence": "Evidence", "unlinked": "Without a Wikidata item",
        "not_found_title": "Page not found",
        "not_found": "This address matches no page. The communes and their partnerships are listed on the home page.",
        "home": "Home", "colon": ":", "semicolon": "; ", "part_of": "Part of",
    },
}


def page_suffix(language: str) -> str:
    """`X.html` in the default language, `X.en.html` in the others."""
    return ".html" if language == LANGUAGES[0] else f".{language}.html"


def page_title(title: str, language: str) -> str:
    """The title with the site's short name, cut with an ellipsis to TITLE_LENGTH characters."""
    suffix = " · " + WORDS[language]["site"]
    room = TITLE_LENGTH - len(suffix)
    return (title if len(title) <= room else title[:room - 1].rstrip() + "…") + suffix


@lru_cache(maxsize=None)
def translations(domain: str, language: str) -> gettext.NullTranslations:
    """pycountry ships the iso-codes project's translations of the ISO 3166 names."""
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


@lru_cache(maxsize=1024)
def country_name(code: str, language: str) -> str:
    """An ISO 3166-1 alpha-2 code or an ISO 3166-3 code (a country that no longer exists) by its name in
    the language, from pycountry; a code pycountry does not know stays as it is."""
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    domain = "iso3166-1"
    if country is None:
        country, domain = pycountry.historic_countries.get(alpha_4=code), "iso3166-3"
    if country is None:
        return code
    name = getattr(country, "common_name", None) or country.name
    return translations(domain, language).gettext(name) if language != "en" else name


def decade_text(year: str, language: str) -> str:
    return f"années {year}" if language == "fr" else f"the {year}s"


def date_text(value: str, language: str) -> str:
    """An xsd:gYear, xsd:gYearMonth or xsd:date in words, at its own precision."""
    parts = value.split("-")
    if len(parts) == 1 or not parts[1].isdigit():
        return value
    month = MONTHS[language][int(parts[1]) - 1]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    day = int(parts[2][:2])
    return f"{day}{'er' if day == 1 else ''} {month} {parts[0]}" if language == "fr" else f"{day} {month} {parts[0]}"


def number_text(value: str, language: str, currency: str | None = None) -> str:
    """A stated figure as people write it: 118 000 or 300 000 € in French, 118,000 or €300,000 in English."""
    whole, _, decimals = value.partition(".")
    grouped = f"{int(whole):,}".replace(",", "\u202f" if language == "fr" else ",")
    if decimals.strip("0"):
        grouped += ("," if language == "fr" else ".") + decimals.rstrip("0")
    if currency is None:
        return grouped
    symbol = "€" if currency == "EUR" else currency
    return f"{grouped} {symbol}" if language == "fr" or symbol == currency else f"{symbol}{grouped}"


def figure_title(measure: str, qualifier: str, number: str, about: str, year: str, language: str) -> str:
    """A stated figure titled by what it states: 'Population : plus de 120 000 — Pančevo (2019)'."""
    colon = " : " if language == "fr" else ": "
    stated = " ".join(part for part in (qualifier, number) if part)
    return f"{measure[:1].upper()}{measure[1:]}{colon}{stated} — {about}" + (f" ({year})" if year else "")


def research_question(question: str, comment: str, language: str) -> tuple[str, str]:
    """An example query's question in the language and its comment without the translations: a query's
    comment opens with its question in English and gives it in French on a line `fr: …`."""
    translated = {line[:2]: line[3:].strip() for line in comment.splitlines() if line[:3] == "fr:"}
    rest = "\n".join(line for line in comment.splitlines() if line[:3] != "fr:")
    return translated.get(language, question), rest
