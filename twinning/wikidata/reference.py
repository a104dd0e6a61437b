"""Derive the dated Wikidata reference from public P190 snapshots, for the items the data links.

What Wikidata said is kept in tw:WikidataRecord nodes, one per item and snapshot, never mixed
with the facts and figures the pages state.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef, XSD
from rdflib.namespace import DCTERMS

WD = Namespace("http://www.wikidata.org/entity/")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
CC0 = URIRef("https://creativecommons.org/publicdomain/zero/1.0/")


@dataclass(frozen=True)
class Snapshot:
    slug: str
    title: str
    date: Literal
    repository: str
    commit: str
    files: tuple[str, ...]


L3VIATHAN_2016 = Snapshot(
    "l3viathan-2016", "Wikidata P190 network crawled by L3viathan/sister-cities",
    Literal("2016-09", datatype=XSD.gYearMonth), "https://github.com/L3viathan/sister-cities",
    "d3028c22c7e47f18947eb39a41c13e4f2751342e", ("relations.tsv", "names.tsv"))
ALBERTOURSINO_2021 = Snapshot(
    "albertoursino-2021", "Wikidata sister-city query saved by albertoursino/graphs-comparison",
    Literal("2021-11", datatype=XSD.gYearMonth), "https://github.com/albertoursino/graphs-comparison",
    "ebccef6002b933c82051b5a501d837d25b33d6ca", ("data/sister_cities_data/query.csv",))


@dataclass
class ItemFacts:
    label: str | None = None
    label_language: str | None = None
    twins: set[str] = field(default_factory=set)
    population: int | None = None
    coordinates: str | None = None


def qid_of(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def read_l3viathan(folder: Path) -> dict[str, ItemFacts]:
    facts: dict[str, ItemFacts] = {}
    with open(folder / "l3viathan_2016_names.tsv", encoding="utf-8") as names:
        for line in names:
            qid, _, label = line.rstrip("\n").partition("\t")
            facts.setdefault(qid, ItemFacts()).label = label
    with open(folder / "l3viathan_2016_relations.tsv", encoding="utf-8") as relations:
        for line in relations:
            subject, _, value = line.strip().partition("\t")
            facts.setdefault(subject, ItemFacts()).twins.add(value)
            facts.setdefault(value, ItemFacts())
    return facts


def read_albertoursino(folder: Path) -> dict[str, ItemFacts]:
    facts: dict[str, ItemFacts] = {}
    with open(folder / "albertoursino_2021_query.csv", encoding="utf-8", newline="") as table:
        for row in csv.DictReader(table):
            for side in ("city", "sister"):
                qid = qid_of(row[side])
                item = facts.setdefault(qid, ItemFacts())
                item.label, item.label_language = row[f"{side}Label"], "it"
                if row[f"{side}_population"]:
                    item.population = int(float(row[f"{side}_population"]))
                item.coordinates = row[f"{side}_coordinate_location"] or item.coordinates
            facts[qid_of(row["city"])].twins.add(qid_of(row["sister"]))
    return facts


def linked_items(data: Graph, tw: Namespace) -> set[str]:
    return {qid_of(str(item)) for link in data.subjects(RDF.type, tw.WikidataLink)
            for item in data.objects(link, tw.item)}


def commune_items(data: Graph, tw: Namespace) -> list[str]:
    """QIDs of the communes: their P190 twins are fetched too, so that compare can name them."""
    return sorted({qid_of(str(item)) for commune in data.subjects(RDF.type, tw.Commune)
                   for link in data.objects(commune, tw.wikidataLink) for item in data.objects(link, tw.item)})


def reference_graph(folder: Path, items: set[str], commune_items: list[str], base_iri: str, tw: Namespace) -> Graph:
    """Records for every linked item, and for every item the communes' P190 points at (to compare)."""
    graph = Graph()
    graph.bind("tw", tw)
    graph.bind("wd", WD)
    graph.bind("dcterms", DCTERMS)
    graph.bind("geo", GEO)
    for snapshot, facts in ((L3VIATHAN_2016, read_l3viathan(folder)), (ALBERTOURSINO_2021, read_albertoursino(folder))):
        snapshot_iri = URIRef(f"{base_iri}reference/wikidata/{snapshot.slug}")
        graph.add((snapshot_iri, RDF.type, tw.WikidataSnapshot))
        graph.add((snapshot_iri, RDFS.label, Literal(snapshot.title, lang="en")))
        graph.add((snapshot_iri, DCTERMS.date, snapshot.date))
        graph.add((snapshot_iri, DCTERMS.source, URIRef(snapshot.repository)))
        graph.add((snapshot_iri, DCTERMS.license, CC0))
        graph.add((snapshot_iri, tw.sourceCommit, Literal(snapshot.commit)))
        for path in snapshot.files:
            graph.add((snapshot_iri, tw.sourcePath, Literal(path)))
        wanted = set(items)
        for commune in commune_items:
            wanted |= facts.get(commune, ItemFacts()).twins
            wanted |= {qid for qid, item in facts.items() if commune in item.twins}
        for qid in sorted(wanted & facts.keys()):
            item = facts[qid]
            record = URIRef(f"{base_iri}reference/wikidata/{snapshot.slug}/{qid.lower()}")
            graph.add((record, RDF.type, tw.WikidataRecord))
            graph.add((record, tw.item, WD[qid]))
            graph.add((record, tw.snapshot, snapshot_iri))
            if item.label:
                graph.add((record, RDFS.label, Literal(item.label, lang=item.label_language)))
            for twin in sorted(item.twins):
                graph.add((record, tw.recordedTwin, WD[twin]))
            if item.population is not None:
                graph.add((record, tw.recordedPopulation, Literal(item.population)))
            if item.coordinates:
                graph.add((record, tw.recordedCoordinates, Literal(item.coordinates, datatype=GEO.wktLiteral)))
    return graph
