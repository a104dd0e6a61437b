"""Convert the 2016 Wikidata P190 network (L3viathan/sister-cities) into a corpus in this project's model.

Each undirected pair becomes a tw:Partnership of kind twinning (the tw:TwinningKind matched to
wdt:P190) between two tw:Partner places. No page states these facts, so their source is the dated
snapshot: each partnership and place points (tw:recordedIn) at the tw:WikidataRecord of the item
that holds the P190 claim, and the records come from the same reader as the project's own
reference. The snapshot gives a label (de > en > fr > it > es, so no language tag can be claimed)
and no country, so none is written.

    python scripts/convert_p190.py --output /tmp/p190
"""

from __future__ import annotations

import argparse
from pathlib import Path

from corpus_project import ROOT, literal, new_project, write_text
from twinning.curate.write import PREFIXES as TURTLE_PREFIXES  # the data files' prefixes, as the draft writer writes them
from twinning.wikidata.reference import (L3VIATHAN_2016, PLACEHOLDER_BASE, PLACEHOLDER_TW, read_l3viathan,
                                         reference_graph, relative_turtle)

PAIRS_PER_FILE = 500
PLACES_PER_FILE = 1000
SNAPSHOT = f"reference/wikidata/{L3VIATHAN_2016.slug}"


def number(qid: str) -> int:
    return int(qid[1:])


def undirected_pairs(facts) -> dict[tuple[str, str], list[str]]:
    """Each pair once, in QID order, with the items whose own P190 claim states it (one or both)."""
    pairs: dict[tuple[str, str], list[str]] = {}
    for holder, item in sorted(facts.items(), key=lambda entry: number(entry[0])):
        for twin in item.twins:
            if twin != holder:
                pairs.setdefault(tuple(sorted((holder, twin), key=number)), []).append(holder)
    return dict(sorted(pairs.items(), key=lambda entry: (number(entry[0][0]), number(entry[0][1]))))


def place_turtle(qid: str, label: str | None) -> str:
    iri = f"place/{qid.lower()}"
    return (f"<{iri}> a tw:Partner ;\n"
            f"    rdfs:label {literal(label or qid)} ;\n"
            + ("" if label else "    skos:editorialNote \"The 2016 snapshot gives no label for this item.\"@en ;\n")
            + f"    tw:wikidataLink <{iri}#wikidata> ;\n"
            f"    tw:recordedIn <{SNAPSHOT}/{qid.lower()}> .\n"
            f"<{iri}#wikidata> a tw:WikidataLink ;\n    tw:item wd:{qid} ;\n    tw:confirmedBy snap:{L3VIATHAN_2016.slug} .\n")


def partnership_turtle(pair: tuple[str, str], holders: list[str], labels: dict[str, str | None]) -> str:
    first, second = pair
    names = f"{labels.get(first) or first} – {labels.get(second) or second}"
    return (f"<partnership/{first.lower()}-{second.lower()}> a tw:Partnership ;\n"
            f"    rdfs:label {literal(names)} ;\n"
            f"    tw:partner <place/{first.lower()}> , <place/{second.lower()}> ;\n"
            f"    tw:kind kind:twinning ;\n"
            f"    tw:recordedIn " + " , ".join(f"<{SNAPSHOT}/{h.lower()}>" for h in holders) + " .\n")


def convert(snapshots: Path, folder: Path, limit: int | None) -> dict:
    facts = read_l3viathan(snapshots)
    pairs = undirected_pairs(facts)
    if limit is not None:
        pairs = dict(list(pairs.items())[:limit])
    places = sorted({qid for pair in pairs for qid in pair}, key=number)
    labels = {qid: facts[qid].label for qid in places}
    data = new_project(folder)
    header = "# Converted from the 2016 Wikidata P190 snapshot by scripts/convert_p190.py (Wikidata, CC0).\n\n"
    for start in range(0, len(places), PLACES_PER_FILE):
        write_text(data / "p190" / f"places-{start // PLACES_PER_FILE:03d}.ttl", header + TURTLE_PREFIXES + "\n"
                   + "\n".join(place_turtle(qid, labels[qid]) for qid in places[start:start + PLACES_PER_FILE]))
    chosen = list(pairs.items())
    for start in range(0, len(chosen), PAIRS_PER_FILE):
        write_text(data / "p190" / f"partnerships-{start // PAIRS_PER_FILE:03d}.ttl", header + TURTLE_PREFIXES + "\n"
                   + "\n".join(partnership_turtle(pair, holders, labels)
                               for pair, holders in chosen[start:start + PAIRS_PER_FILE]))
    reference = reference_graph(snapshots, set(places), [], PLACEHOLDER_BASE, PLACEHOLDER_TW)
    write_text(data / "reference" / "wikidata-p190.ttl",
               relative_turtle(reference, "# Records of the P190 snapshots for every converted place (Wikidata, CC0).\n\n"))
    return {"pairs": len(pairs), "places": len(places)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--snapshots", default=str(ROOT / "data" / "reference" / "snapshots"),
                        help="folder holding l3viathan_2016_relations.tsv and l3viathan_2016_names.tsv")
    parser.add_argument("--output", required=True, help="folder of the corpus project (replaced)")
    parser.add_argument("--limit", type=int, help="convert only the first N pairs in QID order (a slice)")
    args = parser.parse_args()
    figures = convert(Path(args.snapshots), Path(args.output), args.limit)
    print(f"{args.output}: {figures['pairs']} partnerships between {figures['places']} places")


if __name__ == "__main__":
    main()
