"""Sync stage: fetch what Wikidata says today about the linked items, as a new dated snapshot.

The snapshot is written beside the others in data/reference/ only after every answer has arrived,
so an unreachable endpoint or a timeout leaves data/ exactly as it was.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef, XSD
from rdflib.namespace import DCTERMS

from ..serve import query as sparql
from ..namespaces import GEO, WD
from .reference import CC0, PLACEHOLDER_BASE, PLACEHOLDER_TW, commune_items, linked_items, qid_of

FACTS_QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
SELECT ?item ?property ?value WHERE {
  VALUES ?item { %s }
  { ?item rdfs:label ?value . FILTER (lang(?value) IN ("fr", "en")) BIND ("label" AS ?property) }
  UNION { ?item wdt:P31 ?value . BIND ("P31" AS ?property) }
  UNION { ?item wdt:P17 ?value . BIND ("P17" AS ?property) }
  UNION { ?item wdt:P625 ?value . BIND ("P625" AS ?property) }
  UNION { ?item wdt:P1082 ?value . BIND ("P1082" AS ?property) }
  UNION { ?item wdt:P190 ?value . BIND ("P190" AS ?property) }
}"""
BATCH = 200  # items per query: Wikidata's endpoint limits the size of a request
HEADER = ("# Wikidata snapshot fetched by `twinning wikidata sync` from {endpoint} on {date}.\n"
          "# Wikidata content, CC0. Do not edit by hand. Relative IRIs resolve against the base IRI.\n\n")


def snapshot_path(data_dir: Path, date: str) -> Path:
    return data_dir / "reference" / f"wikidata-sync-{date}.ttl"


def wanted_items(data: Graph, tw: Namespace) -> list[str]:
    """The items the data links, and those of other levels its curators named (to compare)."""
    return sorted(linked_items(data, tw) | {qid_of(str(i)) for i in data.objects(None, tw.otherLevelItem)})


def synced_reference(data: Graph, tw: Namespace, endpoint: str, date: str, timeout: float) -> tuple[Graph, list[str]]:
    """The snapshot graph of what the endpoint says today about the items the data wants, and those items."""
    items = wanted_items(data, tw)
    return snapshot_graph(endpoint, date, items, commune_items(data, tw), timeout, PLACEHOLDER_BASE, PLACEHOLDER_TW), items


def fetch(endpoint: str, items: list[str], timeout: float) -> list[dict]:
    rows = []
    for start in range(0, len(items), BATCH):
        values = " ".join(f"wd:{q}" for q in items[start:start + BATCH])
        rows += sparql.ask_endpoint(endpoint, FACTS_QUERY % values, "http://www.wikidata.org/", timeout).rows
    return rows


def snapshot_graph(endpoint: str, date: str, items: list[str], commune_items: list[str], timeout: float,
                   base_iri: str, tw: Namespace) -> Graph:
    """Facts of the linked items, then of the items the communes' P190 points at (for compare)."""
    rows = fetch(endpoint, sorted(set(items)), timeout)
    commune_twins = {qid_of(r["value"]["value"]) for r in rows
                     if r["property"]["value"] == "P190" and qid_of(r["item"]["value"]) in commune_items}
    extra = sorted(commune_twins - set(items))
    if extra:
        rows += fetch(endpoint, extra, timeout)
    snapshot = URIRef(f"{base_iri}reference/wikidata/sync-{date}")
    graph = Graph()
    for prefix, namespace in (("tw", tw), ("wd", WD), ("dcterms", DCTERMS), ("geo", GEO)):
        graph.bind(prefix, namespace)
    graph.add((snapshot, RDF.type, tw.WikidataSnapshot))
    graph.add((snapshot, RDFS.label, Literal(f"Wikidata as answered by {endpoint} on {date}", lang="en")))
    graph.add((snapshot, DCTERMS.date, Literal(date, datatype=XSD.date)))
    graph.add((snapshot, DCTERMS.source, URIRef(endpoint)))
    graph.add((snapshot, DCTERMS.license, CC0))
    predicates = {"P31": tw.recordedInstanceOf, "P17": tw.recordedCountry, "P190": tw.recordedTwin,
                  "P1082": tw.recordedPopulation, "P625": tw.recordedCoordinates}
    for row in rows:
        item = URIRef(row["item"]["value"])
        record = URIRef(f"{base_iri}reference/wikidata/sync-{date}/{qid_of(str(item)).lower()}")
        graph.add((record, RDF.type, tw.WikidataRecord))
        graph.add((record, tw.item, item))
        graph.add((record, tw.snapshot, snapshot))
        value, prop = row["value"], row["property"]["value"]
        if prop == "label":
            graph.add((record, RDFS.label, Literal(value["value"], lang=value.get("xml:lang"))))
        elif value["type"] == "uri":
            graph.add((record, predicates[prop], URIRef(value["value"])))
        else:
            datatype = GEO.wktLiteral if prop == "P625" else value.get("datatype")
            graph.add((record, predicates[prop], Literal(value["value"], datatype=datatype)))
    return graph

