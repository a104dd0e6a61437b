"""Wikidata analysis stage: each link's state against the dated snapshots, and the page-versus-P190 comparison.

Everything here reads the curated data and the dated reference records (tw:WikidataRecord) already
loaded; it never goes online. Its results are derived (tw:linkState, tw:P190Comparison) and are
published beside the data, never written back into data/.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

from ..labels import label_of
from ..store import new_graph
from ..wikidata.reference import qid_of

STATES = ("confirmed", "unconfirmed", "suspicious")


def normalised(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def names_fit(ours: set[str], theirs: set[str]) -> bool:
    """Same words (one name's words within the other's: «Neukölln», «distretto di Neukölln»), or close
    spelling (exonyms such as «East Jerusalem» / «Ostjerusalem»)."""
    for a in map(normalised, ours):
        for b in map(normalised, theirs):
            if set(a.split()) <= set(b.split()) or set(b.split()) <= set(a.split()):
                return True
            if difflib.SequenceMatcher(None, a, b).ratio() >= 0.8:
                return True
    return False


@dataclass(frozen=True)
class Snapshot:
    iri: URIRef
    date: str
    label: str

    @property
    def slug(self) -> str:
        return str(self.iri).rstrip("/").rsplit("/", 1)[-1]


@dataclass
class Reference:
    """The dated records by snapshot and item, with P190 read in both directions."""
    graph: Graph
    tw: Namespace

    @cached_property
    def snapshots(self) -> list[Snapshot]:
        found = [Snapshot(s, str(self.graph.value(s, DCTERMS.date, default="")),
                          str(self.graph.value(s, RDFS.label, default=qid_of(s))))
                 for s in set(self.graph.subjects(RDF.type, self.tw.WikidataSnapshot))]
        return sorted(found, key=lambda s: (s.date, str(s.iri)))

    @cached_property
    def records(self) -> dict[tuple[URIRef, URIRef], URIRef]:
        return {(self.graph.value(r, self.tw.snapshot), self.graph.value(r, self.tw.item)): r
                for r in self.graph.subjects(RDF.type, self.tw.WikidataRecord)}

    @cached_property
    def twins(self) -> dict[tuple[URIRef, URIRef], set[URIRef]]:
        """(snapshot, item) -> items P190 links it with, whichever item's statement says so."""
        linked = defaultdict(set)
        for (snapshot, item), record in self.records.items():
            for twin in self.graph.objects(record, self.tw.recordedTwin):
                linked[(snapshot, item)].add(twin)
                linked[(snapshot, twin)].add(item)
        return linked

    def record(self, snapshot: Snapshot, item) -> URIRef | None:
        return self.records.get((snapshot.iri, item))

    def labels(self, snapshot: Snapshot, item) -> set[str]:
        record = self.record(snapshot, item)
        return {str(label) for label in self.graph.objects(record, RDFS.label)} if record else set()

    def p190(self, snapshot: Snapshot, item) -> set[URIRef]:
        return self.twins.get((snapshot.iri, item), set())

    def holds(self, snapshot: Snapshot, item) -> bool:
        return self.record(snapshot, item) is not None or bool(self.p190(snapshot, item))

    def states_twins_of(self, snapshot: Snapshot, item) -> bool:
        """Whether the snapshot holds P190 statements whose subject is the item: only then does its
        silence about a twin say anything. An item that appears only as another town's twin is held
        (its identity can be confirmed) but says nothing of its own twinnings."""
        record = self.record(snapshot, item)
        return record is not None and (record, self.tw.recordedTwin, None) in self.graph


@dataclass
class LinkReport:
    link: URIRef
    owner: URIRef
    name: str
    item: URIRef
    state: str = "unconfirmed"
    evidence: list[str] = field(default_factory=list)


class Analysis:
    """Reads the data once; answers check, compare and QuickStatements from the same facts."""

    def __init__(self, graph: Graph, tw: Namespace):
        self.graph, self.tw = graph, tw
        self.reference = Reference(graph, tw)

    def names(self, place) -> set[str]:
        return {str(n) for p in (RDFS.label, SKOS.altLabel) for n in self.graph.objects(place, p)}

    def name(self, place) -> str:
        return label_of(self.graph, place, "fr") or str(place)

    def item_of(self, place) -> URIRef | None:
        link = self.graph.value(place, self.tw.wikidataLink)
        return self.graph.value(link, self.tw.item) if link is not None else None

    def other_levels(self, place) -> set[URIRef]:
        """Items of other levels of the same place: curated ones (another level, or the predecessor of
        the entity the page names), and those of the places it is part of."""
        link = self.graph.value(place, self.tw.wikidataLink)
        found = {item for level in (self.tw.otherLevelItem, self.tw.predecessorItem)
                 for item in self.graph.objects(link, level)} if link is not None else set()
        for whole in self.graph.objects(place, self.tw.partOf):
            found |= {i for i in [self.item_of(whole)] if i is not None} | self.other_levels(whole)
        return found

    @cached_property
    def communes(self) -> list[URIRef]:
        return sorted(self.commune_set, key=lambda c: self.name(c))

    @cached_property
    def commune_set(self) -> frozenset[URIRef]:
        """Asked of every partner of every linked place: one set lookup, not one graph lookup each."""
        return frozenset(self.graph.subjects(RDF.type, self.tw.Commune))

    def partnerships_of(self, commune) -> list[URIRef]:
        return sorted(p for p in self.graph.subjects(self.tw.partner, commune)
                      if (p, RDF.type, self.tw.Partnership) in self.graph)

    def partners(self, partnership, besides) -> list[URIRef]:
        return sorted(x for x in self.graph.objects(partnership, self.tw.partner) if x != besides)

    # Check ----------------------------------------------------------------------------------------

    @cached_property
    def link_reports(self) -> list[LinkReport]:
        reports = []
        for link in sorted(self.graph.subjects(RDF.type, self.tw.WikidataLink)):
            owner = self.graph.value(predicate=self.tw.wikidataLink, object=link)
            item = self.graph.value(link, self.tw.item)
            if owner is None or item is None:
                continue
            reports.append(self.judge(LinkReport(link, owner, self.name(owner), item)))
        return reports

    def judge(self, report: LinkReport) -> LinkReport:
        names = self.names(report.owner)
        accepted = {report.item} | self.other_levels(report.owner)
        communes = {c for p in self.graph.subjects(self.tw.partner, report.owner)
                    for c in self.graph.objects(p, self.tw.partner) if c in self.commune_set and c != report.owner}
        # Snapshots label items in other languages (2016: German first; 2021: Italian): a label that
        # fits in any snapshot identifies the item; none fitting anywhere contradicts the link.
        every_label = set().union(*(self.reference.labels(s, report.item) for s in self.reference.snapshots))
        label_fits = not every_label or names_fit(names, every_label)
        found, contradicted = False, not label_fits
        for snapshot in self.reference.snapshots:
            where = f"{snapshot.slug} ({snapshot.date})"
            if not self.reference.holds(snapshot, report.item):
                report.evidence.append(f"{where}: no record of {qid_of(report.item)}")
                continue
            labels = self.reference.labels(snapshot, report.item)
            said = f"labelled «{', '.join(sorted(labels))}»" if labels else "present without a label"
            if not label_fits:
                report.evidence.append(f"{where}: {qid_of(report.item)} {said}, which does not fit «{report.name}»")
                continue
            found = True
            report.evidence.append(f"{where}: item identity confirmed: {qid_of(report.item)} {said}")
            for commune in sorted(communes):
                commune_item = self.item_of(commune)
                if commune_item is None or not self.reference.holds(snapshot, commune_item):
                    continue
                twins = self.reference.p190(snapshot, commune_item)
                if report.item in twins:
                    report.evidence.append(f"{where}: twinning recorded: P190 links it with {self.name(commune)}")
                    continue
                namesakes = sorted(t for t in twins - accepted if names_fit(names, self.reference.labels(snapshot, t)))
                for namesake in namesakes:
                    contradicted = True
                    report.evidence.append(
                        f"{where}: P190 of {self.name(commune)} names {qid_of(namesake)} "
                        f"«{', '.join(sorted(self.reference.labels(snapshot, namesake)))}», not {qid_of(report.item)}")
        report.state = "suspicious" if contradicted else "confirmed" if found else "unconfirmed"
        return report

    def unlinked_partners(self) -> list[URIRef]:
        partnerships = set(self.graph.subjects(RDF.type, self.tw.Partnership))
        partners = {x for p, x in self.graph.subject_objects(self.tw.partner) if p in partnerships}
        return sorted((x for x in partners if self.item_of(x) is None), key=self.name)

    # Compare --------------------------------------------------------------------------------------

    @cached_property
    def comparison(self) -> list[dict]:
        rows = []
        for commune in self.communes:
            commune_item = self.item_of(commune)
            for snapshot in self.reference.snapshots:
                base = {"commune": commune, "snapshot": snapshot}
                if commune_item is None or not self.reference.states_twins_of(snapshot, commune_item):
                    rows.append({**base, "agreement": "not-in-snapshot"})
                    continue
                recorded = self.reference.p190(snapshot, commune_item)
                matched = set()
                for partnership in self.partnerships_of(commune):
                    for partner in self.partners(partnership, commune):
                        item = self.item_of(partner)
                        levels = self.other_levels(partner) & recorded
                        row = {**base, "partnership": partnership, "partner": partner}
                        if item is not None and item in recorded:
                            rows.append({**row, "agreement": "both", "item": item})
                            rows.extend({**row, "agreement": "other-level", "item": level, "page_item": item}
                                        for level in sorted(levels))  # Wikidata holds both levels
                            matched |= {item} | levels
                        elif levels:
                            rows.extend({**row, "agreement": "other-level", "item": level, "page_item": item}
                                        for level in sorted(levels))
                            matched |= levels
                        else:
                            rows.append({**row, "agreement": "page-only", "page_item": item})
                for twin in sorted(recorded - matched, key=lambda i: int(qid_of(i)[1:])):
                    rows.append({**base, "agreement": "wikidata-only", "item": twin})
        for row in rows:
            if "item" in row:
                row["item_label"] = ", ".join(sorted(self.reference.labels(row["snapshot"], row["item"])))
        return rows

    def comparison_graph(self, base_iri: str) -> Graph:
        """One node per row, on one page per commune: `comparison/92007#l3viathan-2016-vanadzor`."""
        graph = new_graph()  # rdflib's default store takes three to four times as long to fill
        for row in self.comparison:
            commune = row["commune"]
            key = "-".join(part for part in (
                self.local_name(row["partner"]) if "partner" in row else "",
                qid_of(row["item"]).lower() if row["agreement"] in ("wikidata-only", "other-level") else "") if part)
            page = URIRef(f"{base_iri}comparison/{self.local_name(commune)}")
            node = URIRef(f"{page}#{row['snapshot'].slug}{'-' if key else ''}{key}")
            graph.add((page, RDFS.label, Literal(f"{self.name(commune)} : la page face à P190", lang="fr")))
            graph.add((page, RDFS.label, Literal(f"{self.name(commune)}: the page against P190", lang="en")))
            graph.add((page, DCTERMS.hasPart, node))
            graph.add((node, RDF.type, self.tw.P190Comparison))
            graph.add((node, RDFS.label, Literal(self.row_title(row), lang="en")))
            graph.add((node, self.tw.comparedCommune, commune))
            graph.add((node, self.tw.comparedSnapshot, row["snapshot"].iri))
            graph.add((node, self.tw.agreement, URIRef(f"{base_iri}concept/agreement/{row['agreement']}")))
            if "partnership" in row:
                graph.add((node, self.tw.comparedPartnership, row["partnership"]))
            if "item" in row:
                graph.add((node, self.tw.comparedItem, row["item"]))
        return graph

    @staticmethod
    def local_name(iri) -> str:
        return str(iri).rstrip("/").rsplit("/", 1)[-1]

    def row_title(self, row: dict) -> str:
        subject = self.name(row["partner"]) if "partner" in row else row.get("item_label") or (
            qid_of(row["item"]) if "item" in row else "")
        return f"{self.name(row['commune'])} / {subject} / {row['snapshot'].slug}: {row['agreement']}".replace(
            " /  /", " /")

    def comparison_table(self) -> list[dict]:
        """Flat rows for CSV and HTML, in a stable order."""
        table = []
        for row in self.comparison:
            table.append({
                "commune": self.name(row["commune"]),
                "commune_item": qid_of(self.item_of(row["commune"]) or ""),
                "snapshot": row["snapshot"].slug, "snapshot_date": row["snapshot"].date,
                "agreement": row["agreement"],
                "partner": self.name(row["partner"]) if "partner" in row else "",
                "page_item": qid_of(row["page_item"]) if row.get("page_item") is not None else
                (qid_of(row["item"]) if row["agreement"] == "both" else ""),
                "wikidata_item": qid_of(row["item"]) if "item" in row else "",
                "wikidata_label": row.get("item_label", ""),
                "partnership": str(row.get("partnership", "")),
            })
        return table

    # Derived triples for the publication ---------------------------------------------------------

    def link_graph(self, base_iri: str) -> Graph:
        graph = new_graph()
        for report in self.link_reports:
            graph.add((report.link, self.tw.linkState, URIRef(f"{base_iri}concept/link-state/{report.state}")))
            for line in report.evidence:
                graph.add((report.link, self.tw.linkEvidence, Literal(line, lang="en")))
            if report.state == "confirmed":
                graph.add((report.owner, self.tw.wikidataItem, report.item))
        return graph

    # QuickStatements ------------------------------------------------------------------------------

    def p190_kinds(self) -> set[URIRef]:
        """Kinds the ontology matches to P190 (tw:TwinningKind): twinning, not cooperation."""
        return set(self.graph.subjects(RDF.type, self.tw.TwinningKind))

    def start_time(self, partnership) -> str | None:
        """P580 value at the precision the page gives: day 11, month 10, year 9, decade 8. A partnership
        that became a twinning through a dated act (Angers – Toruń, 2016) is a twinning from that act."""
        acts = [self.graph.value(act, self.tw.date) for act in self.graph.subjects(self.tw.formalises, partnership)
                if set(self.graph.objects(act, self.tw.newKind)) & self.p190_kinds()]
        start = max((date for date in acts if date is not None), key=str, default=None) or self.graph.value(
            partnership, self.tw.startDate)
        if start is not None:
            text = str(start)
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                return f"+{text}T00:00:00Z/11"
            if re.fullmatch(r"\d{4}-\d{2}", text):
                return f"+{text}-00T00:00:00Z/10"
            return f"+{text[:4]}-00-00T00:00:00Z/9"
        decade = self.graph.value(partnership, self.tw.startDecade)
        return f"+{str(decade)[:4]}-00-00T00:00:00Z/8" if decade is not None else None

    def quickstatements(self) -> tuple[list[str], list[str]]:
        """Lines adding the P190 statements that no dated snapshot records (in either direction, at any
        level), and why other partnerships get none. Both directions, as Wikidata editors record twinnings."""
        confirmed = {r.owner: r.item for r in self.link_reports if r.state == "confirmed"}
        kinds = self.p190_kinds()
        verdicts = defaultdict(set)
        for row in self.comparison:
            if "partner" in row:
                verdicts[(row["commune"], row["partnership"], row["partner"])].add(row["agreement"])
        lines, skipped = [], []
        for (commune, partnership, partner), agreements in verdicts.items():
            what = f"{self.name(commune)} – {self.name(partner)}"
            if agreements != {"page-only"} or commune not in confirmed:
                continue
            if not set(self.graph.objects(partnership, self.tw.kind)) & kinds:
                skipped.append(f"{what}: its kind is not a twinning (P190 would say more than the page)")
            elif len(self.partners(partnership, None)) != 2:
                skipped.append(f"{what}: not a bilateral partnership")
            elif partner not in confirmed:
                skipped.append(f"{what}: the partner has no confirmed Wikidata item")
            else:
                start = self.start_time(partnership)
                qualifiers = [f"P580\t{start}"] if start else []
                for subject, value in ((confirmed[commune], confirmed[partner]), (confirmed[partner], confirmed[commune])):
                    lines.append("\t".join([qid_of(subject), "P190", qid_of(value), *qualifiers, f'S854\t"{partnership}"']))
        return lines, skipped
