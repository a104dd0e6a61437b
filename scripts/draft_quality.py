"""How much of a commune's page `twinning add-commune` gets right on its own.

Each of the five communes is drafted from its archived page alone, in a copy of the project that holds
the ontology, the shapes and the Wikidata snapshots but none of the curated data, and the draft is
compared with the curated data (the command is given the page and the INSEE code only):

- partnerships: found with the right partner(s) (precision and recall), with the right start (same value
  and precision, or both undated), with the right kind;
- formalisations (same partnership, document type and date), stated figures (same measure and value),
  activities (a drafted activity whose quote holds a curated activity's quote, or the reverse);
- Wikidata items proposed right (the curated item of a matched partner, and of the commune);
- quotes supporting their facts: every drafted fact's quotes occur in the page and give its date, figure
  and partner (the project's own checks, quote-in-source and quote-supports-*); the draft must also pass
  `twinning validate` (SHACL included).

Usage: python scripts/draft_quality.py [--project DIR]   (prints a Markdown table and the misses)
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Namespace, URIRef
from rdflib.namespace import SKOS

from twinning.check.verify import verify
from twinning.config import load_settings
from twinning.curate.add import add_commune
from twinning.curate.french import plain
from twinning.problems import StageFailed

OA = Namespace("http://www.w3.org/ns/oa#")
COMMUNES = (("bagneux", "92007", "Bagneux"), ("bagnolet", "93006", "Bagnolet"),
            ("boulogne-billancourt", "92012", "Boulogne-Billancourt"), ("angers", "49007", "Angers"),
            ("ivry-sur-seine", "94041", "Ivry-sur-Seine"))
QUOTE_RULES = ("quote-in-source", "quote-supports-date", "quote-supports-figure", "quote-names-partner")


@dataclass
class Partnership:
    iri: object
    names: list[set[str]]  # per partner other than the commune, its names
    start: str | None
    kind: str
    items: list[str | None]


@dataclass
class Scores:
    commune: str
    curated: int = 0
    drafted: int = 0
    partner: int = 0
    partner_start: int = 0
    kind: int = 0
    acts: tuple[int, int] = (0, 0)
    figures: tuple[int, int] = (0, 0)
    activities: tuple[int, int] = (0, 0)
    items: tuple[int, int] = (0, 0)
    facts: int = 0
    supported: int = 0
    valid: str = ""
    misses: list[str] = field(default_factory=list)


def names_of(graph: Graph, node, tw) -> set[str]:
    return {plain(str(n)) for p in (RDFS.label, SKOS.altLabel, tw.pageName) for n in graph.objects(node, p)}


def item_of(graph: Graph, node, tw) -> str | None:
    link = graph.value(node, tw.wikidataLink)
    item = graph.value(link, tw.item) if link is not None else None
    return str(item).rsplit("/", 1)[-1] if item is not None else None


def partnerships(graph: Graph, commune, tw) -> list[Partnership]:
    found = []
    for partnership in graph.subjects(tw.partner, commune):
        partners = sorted((p for p in graph.objects(partnership, tw.partner) if p != commune), key=str)
        start = graph.value(partnership, tw.startDate)
        decade = graph.value(partnership, tw.startDecade)
        found.append(Partnership(partnership, [names_of(graph, p, tw) for p in partners],
                                 f"{decade}s" if decade is not None else str(start) if start is not None else None,
                                 str(graph.value(partnership, tw.kind)).rsplit("/", 1)[-1],
                                 [item_of(graph, p, tw) for p in partners]))
    return found


def same_partners(curated: Partnership, drafted: Partnership) -> bool:
    if len(curated.names) != len(drafted.names):
        return False
    remaining = list(drafted.names)
    for names in curated.names:
        match = next((d for d in remaining if names & d), None)
        if match is None:
            return False
        remaining.remove(match)
    return True


def quotes(graph: Graph, node, tw) -> list[str]:
    return [" ".join(str(graph.value(c, OA.exact)).split()).casefold() for c in graph.objects(node, tw.citation)]


def acts(graph: Graph, partnership, tw) -> Counter:
    return Counter((str(graph.value(a, tw.documentType)).rsplit("/", 1)[-1], str(graph.value(a, tw.date)))
                   for a in graph.subjects(tw.formalises, partnership))


def measure(project: Path, slug: str, insee: str, name: str, curated: Graph) -> Scores:
    scores = Scores(name)
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder)
        for part in ("pyproject.toml", "ontology", "shapes", "queries"):
            source = project / part
            (shutil.copytree if source.is_dir() else shutil.copy)(source, copy / part)
        shutil.copytree(project / "data" / "reference" / "snapshots", copy / "data" / "reference" / "snapshots")
        settings = load_settings(copy)
        add_commune(settings, project / "data" / "sources" / f"{slug}.txt", insee)  # the name read from the page
        try:
            problems = verify(settings).warnings
            scores.valid = "yes"
        except StageFailed as failure:
            problems = failure.problems
            scores.valid = f"no ({len([p for p in problems if p.severity == 'error'])} errors)"
            scores.misses += [f"validate: {p}" for p in problems if p.severity == "error"][:5]
        draft = Graph().parse(copy / "data" / f"{slug}.ttl", publicID=settings.base_iri)
        tw = settings.tw
        unsupported = {p.resource for p in problems if p.rule in QUOTE_RULES}
        facts = {s for s in draft.subjects(tw.citation, None)}
        scores.facts, scores.supported = len(facts), len([f for f in facts if str(f) not in unsupported])
    base = load_settings(project)
    tw = base.tw
    ours = base.base_iri + f"commune/{insee}"
    theirs = partnerships(curated, URIRef(ours), tw)
    drafted = partnerships(draft, URIRef(ours), tw)
    scores.curated, scores.drafted = len(theirs), len(drafted)
    pairs = []
    for c in theirs:
        d = next((d for d in drafted if same_partners(c, d)), None)
        label = " + ".join(sorted(min(n, default="?") for n in c.names))
        if d is None:
            scores.misses.append(f"not found: {label}")
            continue
        pairs.append((c, d))
        scores.partner += 1
        if c.start == d.start:
            scores.partner_start += 1
        else:
            scores.misses.append(f"start of {label}: drafted {d.start}, curated {c.start}")
        if c.kind == d.kind:
            scores.kind += 1
        else:
            scores.misses.append(f"kind of {label}: drafted {d.kind}, curated {c.kind}")
    for d in drafted:
        if not any(d is pair[1] for pair in pairs):
            scores.misses.append(f"drafted, not curated: {' + '.join(sorted(min(n, default='?') for n in d.names))}")
    found = total = 0
    for c, d in pairs:
        wanted, got = acts(curated, c.iri, tw), acts(draft, d.iri, tw)
        total += sum(wanted.values())
        found += sum((wanted & got).values())
    scores.acts = (found, total)
    wanted = Counter((str(curated.value(f, tw.measure)).rsplit("/", 1)[-1], float(curated.value(f, tw.value)))
                     for f in curated.subjects(RDF.type, tw.StatedFigure) if str(f).startswith(base.base_iri + f"figure/{slug}"))
    got = Counter((str(draft.value(f, tw.measure)).rsplit("/", 1)[-1], float(draft.value(f, tw.value)))
                  for f in draft.subjects(RDF.type, tw.StatedFigure))
    scores.figures = (sum((wanted & got).values()), sum(wanted.values()))
    curated_activities = [quotes(curated, a, tw) for a in curated.subjects(RDF.type, tw.Activity)
                          if str(a).startswith(base.base_iri + f"activity/{slug}/")]
    drafted_quotes = [q for a in draft.subjects(RDF.type, tw.Activity) for q in quotes(draft, a, tw)]
    missed = [cq for cq in curated_activities if not any(c in d or d in c for c in cq for d in drafted_quotes)]
    scores.activities = (len(curated_activities) - len(missed), len(curated_activities))
    scores.misses += [f"activity not drafted: «{cq[0][:90]}»" for cq in missed if cq]
    right = total_items = 0
    for c, d in pairs:
        for wanted_item, got_item in zip(c.items, d.items):
            if wanted_item:
                total_items += 1
                right += wanted_item == got_item
                if wanted_item != got_item:
                    scores.misses.append(f"Wikidata for {min(c.names[0], default='?')}: drafted {got_item}, curated {wanted_item}")
    total_items += 1
    right += item_of(curated, URIRef(ours), tw) == item_of(draft, URIRef(ours), tw)
    scores.items = (right, total_items)
    return scores


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", default=".")
    project = Path(parser.parse_args().project).resolve()
    settings = load_settings(project)
    curated = Graph()
    for path in sorted((project / "data").glob("*.ttl")):
        curated.parse(path, publicID=settings.base_iri)
    results = [measure(project, slug, insee, name, curated) for slug, insee, name in COMMUNES]
    print("| commune | curated | drafted | partner: precision / recall | partner + start | kind | acts | figures "
          "| activities | Wikidata items right | quotes supporting their facts | draft validates |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    totals = Counter()
    for s in results:
        print(f"| {s.commune} | {s.curated} | {s.drafted} | {percent(s.partner, s.drafted)} / {percent(s.partner, s.curated)} "
              f"| {s.partner_start}/{s.curated} | {s.kind}/{s.partner} | {s.acts[0]}/{s.acts[1]} | {s.figures[0]}/{s.figures[1]} "
              f"| {s.activities[0]}/{s.activities[1]} | {s.items[0]}/{s.items[1]} | {s.supported}/{s.facts} | {s.valid} |")
        for key, value in (("curated", s.curated), ("drafted", s.drafted), ("partner", s.partner),
                           ("start", s.partner_start), ("kind", s.kind), ("acts", s.acts[0]), ("acts_all", s.acts[1]),
                           ("figures", s.figures[0]), ("figures_all", s.figures[1]), ("activities", s.activities[0]),
                           ("activities_all", s.activities[1]), ("items", s.items[0]), ("items_all", s.items[1]),
                           ("supported", s.supported), ("facts", s.facts)):
            totals[key] += value
    t = totals
    print(f"| **all** | {t['curated']} | {t['drafted']} | {percent(t['partner'], t['drafted'])} / "
          f"{percent(t['partner'], t['curated'])} | {t['start']}/{t['curated']} ({percent(t['start'], t['curated'])}) "
          f"| {t['kind']}/{t['partner']} | {t['acts']}/{t['acts_all']} | {t['figures']}/{t['figures_all']} "
          f"| {t['activities']}/{t['activities_all']} | {t['items']}/{t['items_all']} "
          f"| {t['supported']}/{t['facts']} ({percent(t['supported'], t['facts'])}) | |")
    for s in results:
        if s.misses:
            print(f"\n{s.commune}:")
            print("\n".join(f"- {miss}" for miss in s.misses))
    return 0 if t["supported"] == t["facts"] and t["start"] >= 0.9 * t["curated"] else 1


if __name__ == "__main__":
    sys.exit(main())
