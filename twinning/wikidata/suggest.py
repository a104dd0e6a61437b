"""Candidate Wikidata items for a place name, from the dated P190 snapshots, ranked, with their evidence.

The snapshots are read whole (data/reference/snapshots/), not the derived reference, which holds only the
items the data links already: a curator looks for the items it does not link yet. Names are matched
with rapidfuzz against every label a snapshot gives (2016: German, English, French… by priority; 2021:
Italian), so exonyms and spellings without accents are found; an item that P190 links to the commune
named by `near` comes first, as it is the likeliest partner. Nothing is fetched: a QID proposed here is
as good as its snapshot, and the curator confirms it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rapidfuzz import fuzz, process

from .analysis import normalised
from .reference import ALBERTOURSINO_2021, L3VIATHAN_2016, ItemFacts, read_albertoursino, read_l3viathan

def key(name: str) -> str:
    """Labels compared without accents, case, punctuation or apostrophes («Ra’anana», «Raanana»)."""
    return normalised(re.sub(r"['’]", "", name))


SNAPSHOTS = ((L3VIATHAN_2016, read_l3viathan), (ALBERTOURSINO_2021, read_albertoursino))
EXACT = 95  # a label this close is the name itself, accents and punctuation aside


@dataclass
class Candidate:
    qid: str
    similarity: float
    labels: dict[str, str]  # snapshot slug -> label
    linked_to_near: list[str] = field(default_factory=list)  # snapshots whose P190 links it to the commune
    coordinates: str | None = None
    twins: int = 0

    def rank(self) -> tuple:
        """The name itself first (an exact label, «Zaanstad», before the P190 partner «Zaandam»), then a P190
        link to the commune, then closeness of spelling, then the number of snapshots that know it."""
        return (self.similarity < EXACT, not self.linked_to_near, -self.similarity, -len(self.labels), int(self.qid[1:]))

    def evidence(self) -> list[str]:
        lines = [f"label {label!r} in {slug}" for slug, label in sorted(self.labels.items())]
        if self.linked_to_near:
            lines.append(f"P190 links it to the commune in {', '.join(self.linked_to_near)}")
        lines.append(f"coordinates {self.coordinates} (2021)" if self.coordinates else
                     "no coordinates in these snapshots")
        lines.append("country: not recorded by these snapshots (P17 is absent); `twinning wikidata sync` records it")
        lines.append(f"{self.twins} P190 partners in all")
        return lines


class SnapshotIndex:
    """Every item of the snapshot files: its labels, its P190 partners in both directions, by snapshot."""

    def __init__(self, folder: Path):
        missing = [name for name in ("l3viathan_2016_names.tsv", "l3viathan_2016_relations.tsv",
                                     "albertoursino_2021_query.csv") if not (folder / name).is_file()]
        if missing:
            raise FileNotFoundError(f"{folder}: the snapshot files {', '.join(missing)} are missing")
        self.facts: dict[str, dict[str, ItemFacts]] = {snapshot.slug: read(folder) for snapshot, read in SNAPSHOTS}

    @cached_property
    def labels(self) -> dict[str, list[str]]:
        """Normalised label -> the QIDs that carry it in some snapshot."""
        found: dict[str, list[str]] = {}
        for facts in self.facts.values():
            for qid, item in facts.items():
                if item.label:
                    label = key(item.label)
                    if qid not in found.setdefault(label, []):
                        found[label].append(qid)
        return found

    @cached_property
    def twins(self) -> dict[str, dict[str, set[str]]]:
        """Snapshot slug -> QID -> P190 partners, whichever item's statement says so."""
        linked: dict[str, dict[str, set[str]]] = {}
        for slug, facts in self.facts.items():
            both = linked.setdefault(slug, {})
            for qid, item in facts.items():
                for twin in item.twins:
                    both.setdefault(qid, set()).add(twin)
                    both.setdefault(twin, set()).add(qid)
        return linked

    def twins_of(self, qid: str) -> set[str]:
        return set().union(*(twins.get(qid, set()) for twins in self.twins.values()))

    def label_of(self, qid: str) -> str | None:
        return next((facts[qid].label for facts in self.facts.values() if qid in facts and facts[qid].label), None)

    def candidate(self, qid: str, similarity: float, near: str | None) -> Candidate:
        labels = {slug: facts[qid].label for slug, facts in self.facts.items() if qid in facts and facts[qid].label}
        linked = [slug for slug, twins in self.twins.items() if near and near in twins.get(qid, ())]
        coordinates = next((facts[qid].coordinates for facts in self.facts.values()
                            if qid in facts and facts[qid].coordinates), None)
        return Candidate(qid, similarity, labels, linked, coordinates, len(self.twins_of(qid)))

    def suggest(self, name: str, near: str | None = None, limit: int = 5, cutoff: float = 90) -> list[Candidate]:
        """Items whose label is close to the name, best first (Candidate.rank). An item linked to `near` by
        P190 is kept down to a looser spelling match (exonyms: «Wanadsor» for Vanadzor)."""
        query = key(name)
        scores: dict[str, float] = {}
        for label, similarity, _ in process.extract(query, list(self.labels), scorer=fuzz.WRatio, limit=40,
                                                    score_cutoff=50):
            exact = fuzz.ratio(query, label)
            for qid in self.labels[label]:
                scores[qid] = max(scores.get(qid, 0), max(exact, similarity if len(label) >= len(query) else exact))
        near_twins = self.twins_of(near) if near else set()
        for qid in near_twins:  # every partner of the commune is weighed, however common its label
            for facts in self.facts.values():
                if qid in facts and facts[qid].label:
                    label = key(facts[qid].label)
                    scores[qid] = max(scores.get(qid, 0), fuzz.ratio(query, label), fuzz.token_sort_ratio(query, label))
        candidates = [self.candidate(qid, similarity, near) for qid, similarity in scores.items()
                      if similarity >= cutoff or (qid in near_twins and similarity >= 65)]
        candidates.sort(key=Candidate.rank)
        return candidates[:limit]
