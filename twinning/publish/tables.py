"""CSV for those who do not speak SPARQL, with CSVW metadata describing each column."""

from __future__ import annotations

import csv
import io
import json
from functools import lru_cache, partial
from typing import Callable

from rdflib import RDF, Graph, Namespace
from rdflib.namespace import DCTERMS, SKOS

from ..labels import label_among, label_of
from ..namespaces import PROV, WD
from ..store import first_value, value_of, values_by_predicate

QUOTED_FROM = PROV.wasQuotedFrom  # rdflib's Namespace makes a new term at each use

PARTNERSHIP_COLUMNS = [
    ("iri", "IRI of the partnership", "anyURI"),
    ("commune_insee", "INSEE code of the publishing commune", "string"),
    ("commune_name", "Name of the publishing commune", "string"),
    ("partner_names", "Names of the other partners, separated by ' | '", "string"),
    ("partner_qids", "Confirmed Wikidata QIDs of those partners, in the same order ('' when none)", "string"),
    ("partner_countries", "ISO 3166-1 alpha-2 codes of those partners' countries today, in the same order (FR for "
                          "an overseas French commune)", "string"),
    ("partner_former_countries", "ISO 3166-3 codes of the countries, since withdrawn, those partners belonged to at "
                                 "the partnership's start, in the same order ('' when none)", "string"),
    ("kind", "Kind of partnership today (English label of the SKOS concept)", "string"),
    ("kind_changes", "Dated acts that changed the kind: 'previous → new (date)', separated by ' | '", "string"),
    ("start", "First link the page states, in EDTF (ISO 8601-2): 2011, 2012-06, 2016-05-09, or 199X for a decade", "string"),
    ("start_precision", "Precision of the start as the page states it: day, month, year or decade", "string"),
    ("end", "End date at the precision stated (EDTF)", "string"),
    ("status", "Status where the page states one", "string"),
    ("notes", "Editorial notes of the curators (French, then English), separated by ' | '", "string"),
    ("source", "IRI of the source document (of the Wikidata snapshot, for a partnership no page states)", "anyURI"),
]
COMPARISON_COLUMNS = [
    ("commune", "Name of the commune whose page is compared", "string"),
    ("commune_item", "Wikidata QID of the commune", "string"),
    ("snapshot", "Dated Wikidata snapshot compared with (reference/wikidata/<snapshot>)", "string"),
    ("snapshot_date", "Date of the snapshot", "string"),
    ("agreement", "both (twinning recorded in P190), page-only, wikidata-only, other-level, or not-in-snapshot (the "
                  "snapshot holds no P190 statement of the commune: no verdict) (concept/agreement/)", "string"),
    ("partner", "Partner named by the page ('' for a twin only Wikidata records)", "string"),
    ("page_item", "Confirmed QID the data links for that partner ('' when none)", "string"),
    ("wikidata_item", "QID that P190 links to the commune in the snapshot ('' when none)", "string"),
    ("wikidata_label", "Label of that item in the snapshot", "string"),
    ("partnership", "IRI of the page's partnership ('' when none)", "anyURI"),
]
ACTIVITY_COLUMNS = [
    ("iri", "IRI of the activity", "anyURI"),
    ("label", "Label of the activity (French)", "string"),
    ("partnerships", "IRIs of the partnerships it belongs to, separated by ' | ' ('' for the commune's own)", "string"),
    ("of_commune", "IRI of the commune whose own programme or act it is ('' when it belongs to partnerships)", "string"),
    ("commune_insee", "INSEE code of the publishing commune", "string"),
    ("stated_period", "Period as the page writes it", "string"),
    ("recurrence", "How the page says it recurs ('chaque année', 'régulièrement'), '' when it does not", "string"),
    ("start", "Start date at the precision stated, in EDTF ('' when the page gives none)", "string"),
    ("start_precision", "day, month, year or decade ('' when undated)", "string"),
    ("end", "End date at the precision stated (EDTF)", "string"),
    ("domains", "Activity domains (English labels), separated by ' | '", "string"),
    ("status", "Status where the page states one", "string"),
    ("notes", "Editorial notes of the curators (French, then English), separated by ' | '", "string"),
    ("source", "IRI of the source document", "anyURI"),
]
# The same descriptions in French, by table and column: CSVW metadata gives both.
FRENCH = {
    "partnerships": {
        "iri": "IRI du partenariat",
        "commune_insee": "Code INSEE de la commune qui publie",
        "commune_name": "Nom de la commune qui publie",
        "partner_names": "Noms des autres partenaires, séparés par ' | '",
        "partner_qids": "QID Wikidata confirmés de ces partenaires, dans le même ordre ('' si aucun)",
        "partner_countries": "Codes ISO 3166-1 alpha-2 des pays actuels de ces partenaires, dans le même ordre (FR pour "
                             "une commune française d'outre-mer)",
        "partner_former_countries": "Codes ISO 3166-3 des pays, disparus depuis, auxquels ces partenaires appartenaient au "
                                    "début du partenariat, dans le même ordre ('' si aucun)",
        "kind": "Nature actuelle du partenariat (libellé anglais du concept SKOS)",
        "kind_changes": "Actes datés qui ont changé la nature : 'ancienne → nouvelle (date)', séparés par ' | '",
        "start": "Premier lien que donne la page, en EDTF (ISO 8601-2) : 2011, 2012-06, 2016-05-09, ou 199X pour une décennie",
        "start_precision": "Précision du début tel que la page le donne : day, month, year ou decade",
        "end": "Date de fin à la précision donnée (EDTF)",
        "status": "Statut, quand la page en donne un",
        "notes": "Notes éditoriales des curateurs (en français, puis en anglais), séparées par ' | '",
        "source": "IRI du document source (de l'instantané Wikidata, pour un partenariat qu'aucune page ne donne)",
    },
    "wikidata-comparison": {
        "commune": "Nom de la commune dont la page est comparée",
        "commune_item": "QID Wikidata de la commune",
        "snapshot": "Instantané Wikidata daté de la comparaison (reference/wikidata/<instantané>)",
        "snapshot_date": "Date de l'instantané",
        "agreement": "both (jumelage enregistré dans P190), page-only, wikidata-only, other-level, ou not-in-snapshot "
                     "(l'instantané ne tient aucune déclaration P190 de la commune : pas de verdict) (concept/agreement/)",
        "partner": "Partenaire que nomme la page ('' pour un jumeau que seul Wikidata enregistre)",
        "page_item": "QID confirmé que les données lient à ce partenaire ('' si aucun)",
        "wikidata_item": "QID que P190 lie à la commune dans l'instantané ('' si aucun)",
        "wikidata_label": "Libellé de cet élément dans l'instantané",
        "partnership": "IRI du partenariat de la page ('' si aucun)",
    },
    "activities": {
        "iri": "IRI de l'activité",
        "label": "Libellé de l'activité (en français)",
        "partnerships": "IRI des partenariats dont elle relève, séparées par ' | ' ('' pour celles de la commune)",
        "of_commune": "IRI de la commune dont c'est le programme ou l'acte propre ('' si elle relève de partenariats)",
        "commune_insee": "Code INSEE de la commune qui publie",
        "stated_period": "Période telle que la page l'écrit",
        "recurrence": "Comment la page dit qu'elle se répète ('chaque année', 'régulièrement'), '' sinon",
        "start": "Date de début à la précision donnée, en EDTF ('' si la page n'en donne pas)",
        "start_precision": "day, month, year ou decade ('' si sans date)",
        "end": "Date de fin à la précision donnée (EDTF)",
        "domains": "Domaines d'activité (libellés anglais), séparés par ' | '",
        "status": "Statut, quand la page en donne un",
        "notes": "Notes éditoriales des curateurs (en français, puis en anglais), séparées par ' | '",
        "source": "IRI du document source",
    },
}
PRECISIONS = {4: "year", 7: "month", 10: "day"}


def label(graph: Graph, node, language: str = "en") -> str:
    if node is None:
        return ""
    return label_of(graph, node, language) or str(node)


def remembered(find: Callable[..., str], graph: Graph) -> Callable[..., str]:
    """Communes, partners, kinds and statuses recur on many rows: each is labelled, and each of its
    facts read, once per table."""
    return lru_cache(maxsize=None)(partial(find, graph))


def first(graph: Graph, node, prop) -> str:
    if node is None:  # rdflib would read None as "any subject"
        return ""
    return least(graph.objects(node, prop))


def least(values) -> str:
    """The least value as text: one, from values that a curator may have stated twice."""
    return min((str(v) for v in values), default="")


def edtf_start(said: dict, tw: Namespace) -> tuple[str, str]:
    """The start in EDTF with its precision: a decade the page states («les années 1990») is 199X, not
    an empty cell nor a made-up year."""
    start = least(said.get(tw.startDate, ()))
    if start:
        return start, PRECISIONS.get(len(start.lstrip("-")), "")
    decade = least(said.get(tw.startDecade, ()))
    return (f"{decade[:3]}X", "decade") if decade else ("", "")


def aligned(values: list[str]) -> str:
    """Values in the partners' order, or '' when none has one."""
    return " | ".join(values) if any(values) else ""


def notes(said: dict) -> str:
    return " | ".join(str(n) for n in sorted(said.get(SKOS.editorialNote, ()), key=lambda n: (n.language != "fr", str(n))))


def kind_changes(graph: Graph, partnership, tw: Namespace, named) -> str:
    acts = [(str(graph.value(act, tw.date, default="")), named(graph.value(act, tw.previousKind)), named(graph.value(act, tw.newKind)))
            for act in graph.subjects(tw.formalises, partnership) if graph.value(act, tw.newKind) is not None]
    return " | ".join(f"{before} → {after} ({date})" for date, before, after in sorted(acts))


def source_and_commune(graph: Graph, said: dict, tw: Namespace):
    """The quoted page and the commune publishing it; for a fact taken from Wikidata, the snapshot and none."""
    quoted = [value_of(graph, c, QUOTED_FROM) for c in said.get(tw.citation, ())]
    if quoted:
        source = min(quoted, key=str)
        return source, value_of(graph, source, DCTERMS.publisher)
    return min((value_of(graph, r, tw.snapshot) for r in said.get(tw.recordedIn, ())), key=str), None


def partnership_rows(graph: Graph, tw: Namespace) -> list[list[str]]:
    """One walk of each partnership's triples."""
    rows, named, fact = [], remembered(label, graph), remembered(first, graph)
    for partnership in sorted(graph.subjects(RDF.type, tw.Partnership), key=str):
        said = values_by_predicate(graph, partnership)
        source, commune = source_and_commune(graph, said, tw)
        others = sorted((p for p in said.get(tw.partner, ()) if p != commune), key=str)
        rows.append([
            str(partnership), fact(commune, tw.inseeCode), named(commune, "fr"),
            " | ".join(named(p, "fr") for p in others),
            " | ".join(fact(p, tw.wikidataItem).removeprefix(str(WD)) for p in others),
            " | ".join(fact(p, tw.countryCode) for p in others),
            aligned([fact(p, tw.formerCountryCode) for p in others]),
            named(first_value(said, tw.kind)), kind_changes(graph, partnership, tw, named),
            *edtf_start(said, tw), least(said.get(tw.endDate, ())),
            " | ".join(sorted(named(s) for s in said.get(tw.status, ()))),
            notes(said), str(source),
        ])
    return rows


def activity_rows(graph: Graph, tw: Namespace) -> list[list[str]]:
    rows, named, fact = [], remembered(label, graph), remembered(first, graph)
    for activity in sorted(graph.subjects(RDF.type, tw.Activity), key=str):
        said = values_by_predicate(graph, activity)
        source, commune = source_and_commune(graph, said, tw)
        rows.append([
            str(activity), label_among(said, "fr") or str(activity),
            " | ".join(sorted(str(p) for p in said.get(tw.partnership, ()))), least(said.get(tw.ofCommune, ())),
            fact(commune, tw.inseeCode), least(said.get(tw.statedPeriod, ())), least(said.get(tw.recurrence, ())),
            *edtf_start(said, tw), least(said.get(tw.endDate, ())),
            " | ".join(sorted(named(d) for d in said.get(tw.activityDomain, ()))),
            " | ".join(sorted(named(s) for s in said.get(tw.status, ()))),
            notes(said), str(source),
        ])
    return rows


def csv_text(columns, rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([name for name, _, _ in columns])
    writer.writerows(rows)
    return buffer.getvalue()


def comparison_csv(table: list[dict]) -> str:
    return csv_text(COMPARISON_COLUMNS, [[row[name] for name, _, _ in COMPARISON_COLUMNS] for row in table])


def csvw_metadata(base_iri: str, tables: dict[str, list]) -> str:
    """W3C CSV on the Web metadata, so that tools know each column's meaning and type."""
    document = {
        "@context": "http://www.w3.org/ns/csvw",
        "tables": [{
            "url": f"{base_iri}{name}",
            "dc:license": {"@id": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"},
            "tableSchema": {
                "columns": [{"name": col, "titles": col, "datatype": datatype, "dc:description": [
                    {"@value": description, "@language": "en"},
                    {"@value": FRENCH[name.rpartition("/")[2].removesuffix(".csv")][col], "@language": "fr"}]}
                            for col, description, datatype in columns],
                "primaryKey": "iri",
            },
        } for name, columns in tables.items()],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
