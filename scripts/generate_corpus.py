"""Generate a seeded synthetic corpus shaped like the real data, to measure the build at scale.

Every commune gets its own file, its archived source text and its partnerships (two or three
partners, kinds, statuses, dates at several precisions, formalisations, activities with domains,
stated figures), each fact citing a sentence that the generator also writes into the archived text,
so the build's quote check does real work. Nothing here is a real place: labels say «synthétique»,
INSEE-like codes use department prefixes INSEE never assigns (1A…9B, without 2A/2B), and no
partner has a Wikidata link, since a QID cannot be made up.

    python scripts/generate_corpus.py --partnerships 100000 --output /tmp/corpus-100k
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from corpus_project import literal, new_project, write_text
from twinning.curate.write import PREFIXES as TURTLE_PREFIXES  # the data files' prefixes, as the draft writer writes them

KINDS = [("twinning", "Jumelage", "twinning", 60), ("partnership", "Partenariat", "partnership", 15),
         ("decentralised-cooperation", "Coopération décentralisée", "decentralised cooperation", 18),
         ("solidarity", "Solidarité", "solidarity", 5), ("same-name-network", "Réseau des homonymes", "same-name network", 2)]
STATUSES = ["ongoing", "refocused", "school-links", "abandoned", "cancelled", "interrupted"]
ENDED = {"abandoned", "cancelled", "interrupted"}
DOMAINS = ["culture", "sport", "youth", "education", "health", "water", "humanitarian-aid", "urban-development",
           "employment", "agriculture", "human-rights", "institutional", "local-development"]
DOCUMENT_TYPES = ["twinning-decision", "twinning-protocol", "twinning-agreement", "cooperation-agreement",
                  "protocol-of-agreement", "charter"]
COUNTRIES = [("DE", "Allemagne", 22), ("IT", "Italie", 14), ("GB", "Royaume-Uni", 12), ("ES", "Espagne", 8),
             ("PL", "Pologne", 6), ("BE", "Belgique", 5), ("PT", "Portugal", 5), ("ML", "Mali", 4),
             ("BF", "Burkina Faso", 4), ("RO", "Roumanie", 3), ("SN", "Sénégal", 3), ("IE", "Irlande", 3),
             ("US", "États-Unis", 2), ("CA", "Canada", 2), ("MA", "Maroc", 2), ("PS", "Palestine", 2),
             ("CZ", "Tchéquie", 2), ("AT", "Autriche", 1)]
PARTNER_TYPES = [("Municipality", 90), ("Borough", 5), ("RefugeeCamp", 3), ("CulturalCentre", 2)]
SYLLABLES = ["ber", "lin", "val", "mont", "ro", "sa", "ka", "dor", "vel", "tur", "an", "mi", "no", "gra", "stad",
             "bru", "ek", "zo", "li", "ta", "fen", "har", "os", "qui", "ma", "del", "ri", "sko", "pe", "lu"]
# INSEE-shaped department prefixes that no real commune has: a synthetic code can never pass for a real one.
UNASSIGNED_PREFIXES = [f"{digit}{letter}" for digit in "13456789" for letter in "AB"]


def weighted(rng: random.Random, choices) -> tuple:
    """One entry, drawn by the weight in its last field; the other fields are returned."""
    return rng.choices(choices, weights=[c[-1] for c in choices])[0][:-1]


def place_name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def partner_pool(rng: random.Random, size: int) -> list[dict]:
    partners = []
    for index in range(size):
        name = f"{place_name(rng)} {index}"
        code, country = weighted(rng, COUNTRIES)
        partners.append({"iri": f"partner/{name.lower().replace(' ', '-')}", "name": name, "code": code,
                         "country": country, "type": weighted(rng, PARTNER_TYPES)[0]})
    return partners


def partner_turtle(partner: dict) -> str:
    return (f"<{partner['iri']}> a tw:{partner['type']} ;\n"
            f"    rdfs:label {literal(partner['name'] + ' (synthétique)', 'fr')} , "
            f"{literal(partner['name'] + ' (synthetic)', 'en')} ;\n"
            f"    tw:pageName {literal(partner['name'])} ;\n"
            f"    tw:countryCode \"{partner['code']}\" .\n")


def year_text(rng: random.Random) -> tuple[str, str, int]:
    """A start date at one of the precisions pages use, with the words a page would say it with, and
    the first year it may mean: nothing the partnership holds (end, act, activity) comes before it."""
    year = rng.randint(1950, 2024)
    precision = rng.random()
    if precision < 0.75:
        return f'tw:startDate "{year}"^^xsd:gYear', f"depuis {year}", year
    if precision < 0.85:
        day = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        return f'tw:startDate "{day}"^^xsd:date', f"depuis le {day}", year
    decade = year - year % 10
    return f'tw:startDecade "{decade}"^^xsd:gYear', f"depuis les années {decade}", decade


class Commune:
    """One commune's file and archived page, written fact by fact with the sentence that states it."""

    def __init__(self, index: int, rng: random.Random):
        self.rng = rng
        self.name = f"Commune synthétique {index:05d}"
        self.slug = f"commune-synthetique-{index:05d}"
        self.insee = f"{UNASSIGNED_PREFIXES[index // 1000]}{index % 1000:03d}"
        self.iri = f"commune/{self.insee.lower()}"
        self.sentences: list[str] = [f"Page des relations internationales de la {self.name} (texte synthétique)."]
        self.blocks: list[str] = []
        self.activities = 0

    def cite(self, sentence: str) -> str:
        self.sentences.append(sentence)
        return f"[ prov:wasQuotedFrom <source/{self.slug}> ; oa:exact {literal(sentence)} ]"

    def partnership(self, partners: list[dict]) -> None:
        rng = self.rng
        kind, kind_fr, kind_en = weighted(rng, KINDS)
        names = " – ".join(p["name"] for p in partners)
        iri = f"partnership/{self.slug}-" + "-".join(p["iri"].split("/")[1] for p in partners)
        lines = [f"<{iri}> a tw:Partnership ;",
                 f"    rdfs:label {literal(f'{kind_fr} {self.name} – {names}', 'fr')} , "
                 f"{literal(f'{self.name} – {names} {kind_en}', 'en')} ;",
                 "    tw:partner " + " , ".join(f"<{p}>" for p in [self.iri] + [q["iri"] for q in partners]) + " ;",
                 f"    tw:kind kind:{kind} ;"]
        with_words = " et ".join(f"{p['name']} ({p['country']})" for p in partners)
        since, earliest = "", 1950
        if rng.random() < 0.85:
            date, since, earliest = year_text(rng)
            lines.append(f"    {date} ;")
        if rng.random() < 0.2:
            status = rng.choice(STATUSES)
            lines.append(f"    tw:status status:{status} ;")
            if status in ENDED and rng.random() < 0.5:
                end = rng.randint(max(1990, earliest), 2025)
                lines.append(f'    tw:endDate "{end}"^^xsd:gYear ;')
                since += f", relation {status} en {end}"
        citations = [self.cite(f"{kind_fr} de la {self.name} avec {with_words} {since}.".replace(" .", "."))]
        if rng.random() < 0.5:
            citations.append(self.cite(f"Les échanges avec {partners[0]['name']} réunissent chaque année les "
                                       f"habitants de la {self.name}."))
        lines.append("    tw:citation " + " ,\n        ".join(citations) + " .")
        self.blocks.append("\n".join(lines))
        if rng.random() < 0.4:
            self.formalisation(iri, partners, earliest)
        for _ in range(rng.choice([0, 0, 1, 1, 1, 2, 2, 3])):
            self.activity(iri, partners[0], earliest)
        if rng.random() < 0.3:
            self.figure(partners[0])

    def formalisation(self, partnership: str, partners: list[dict], earliest: int) -> None:
        document = self.rng.choice(DOCUMENT_TYPES)
        year = self.rng.randint(max(1955, earliest), 2025)
        names = " et ".join(p["name"] for p in partners)
        self.blocks.append(
            f"<formalisation/{partnership.split('/')[1]}-{document}> a tw:Formalisation ;\n"
            f"    rdfs:label {literal(f'{document} {self.name} – {names}', 'fr')} ;\n"
            f"    tw:formalises <{partnership}> ;\n    tw:documentType doctype:{document} ;\n"
            f'    tw:date "{year}"^^xsd:gYear ;\n'
            f"    tw:citation {self.cite(f'Le document ({document}) liant la {self.name} et {names} a été signé en {year}.')} .")

    def activity(self, partnership: str, partner: dict, earliest: int) -> None:
        rng = self.rng
        self.activities += 1
        domains = sorted(rng.sample(DOMAINS, rng.choice([1, 1, 2])))
        start = rng.randint(max(1960, earliest), 2024)
        end = min(2025, start + rng.randint(0, 12))
        period = f"{start}-{end}" if end > start else str(start)
        sentence = f"{period} : projet n° {self.activities} ({', '.join(domains)}) entre la {self.name} et {partner['name']}."
        label = f"Projet {self.activities} de la {self.name} avec {partner['name']}"
        self.blocks.append(
            f"<activity/{self.slug}-{self.activities}> a tw:Activity ;\n"
            f"    rdfs:label {literal(label, 'fr')} ;\n"
            f"    tw:partnership <{partnership}> ;\n"
            f"    tw:statedPeriod {literal(period, 'fr')} ; tw:startDate \"{start}\"^^xsd:gYear ;"
            + (f' tw:endDate "{end}"^^xsd:gYear ;' if end > start else "") + "\n"
            f"    tw:activityDomain {' , '.join('domain:' + d for d in domains)} ;\n"
            f"    tw:citation {self.cite(sentence)} .")

    def figure(self, partner: dict) -> None:
        rng = self.rng
        population, year = rng.randint(800, 900000), rng.randint(1999, 2023)
        about = rng.random() < 0.3
        sentence = f"{partner['name']} ({partner['country']}) {'Environ ' if about else ''}{population} habitants ({year})"
        self.blocks.append(
            f"<figure/{self.slug}-{partner['iri'].split('/')[1]}-population> a tw:StatedFigure ;\n"
            f"    tw:figureAbout <{partner['iri']}> ;\n    tw:measure measure:population ;\n"
            f"    tw:value {population} ;" + (" tw:valueQualifier qual:about ;" if about else "") + "\n"
            f'    tw:referenceYear "{year}"^^xsd:gYear ;\n'
            f"    tw:citation {self.cite(sentence)} .")

    def turtle(self) -> str:
        header = (f"# {self.name}: synthetic benchmark data, not a real commune.\n\n{TURTLE_PREFIXES}\n"
                  f"<{self.iri}> a tw:Commune ;\n    rdfs:label {literal(self.name, 'fr')} , {literal(self.name, 'en')} ;\n"
                  f"    tw:inseeCode \"{self.insee}\" ;\n    tw:countryCode \"FR\" .\n\n"
                  f"<source/{self.slug}> a tw:SourceDocument ;\n"
                  f"    rdfs:label {literal(f'Page synthétique de la {self.name}', 'fr')} ;\n"
                  f"    dcterms:publisher <{self.iri}> ;\n    tw:archivedText \"sources/{self.slug}.txt\" .\n\n")
        return header + "\n\n".join(self.blocks) + "\n"


def generate(folder: Path, partnerships: int, communes: int, seed: int) -> dict:
    rng = random.Random(seed)
    data = new_project(folder)
    partners = partner_pool(rng, max(2, int(partnerships * 0.7)))
    shares = [1 + rng.random() for _ in range(communes)]  # communes differ in how many partners they have
    total = sum(shares)
    counts = [int(partnerships * s / total) for s in shares]
    for index in range(partnerships - sum(counts)):
        counts[index % communes] += 1
    for index, count in enumerate(counts):
        commune = Commune(index, rng)
        chosen = rng.sample(partners, min(len(partners), count + 2))
        for number in range(count):
            others = [chosen[number]] + ([chosen[-1]] if rng.random() < 0.03 and chosen[-1] is not chosen[number] else [])
            commune.partnership(others)
        write_text(data / f"{commune.slug}.ttl", commune.turtle())
        write_text(data / "sources" / f"{commune.slug}.txt", "\n".join(commune.sentences) + "\n")
    for start in range(0, len(partners), 2000):
        chunk = partners[start:start + 2000]
        write_text(data / "partners" / f"partners-{start // 2000:03d}.ttl",
                   f"# Synthetic partner places (benchmark data, not real places).\n\n{TURTLE_PREFIXES}\n"
                   + "\n".join(partner_turtle(p) for p in chunk))
    return {"communes": communes, "partnerships": partnerships, "partners": len(partners)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--partnerships", type=int, default=100_000)
    parser.add_argument("--communes", type=int, help="default: one per ten partnerships")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", required=True, help="folder of the corpus project (replaced)")
    args = parser.parse_args()
    communes = args.communes or max(1, args.partnerships // 10)
    if communes > 1000 * len(UNASSIGNED_PREFIXES):
        parser.error(f"at most {1000 * len(UNASSIGNED_PREFIXES)} communes")
    figures = generate(Path(args.output), args.partnerships, communes, args.seed)
    print(f"{args.output}: {figures['communes']} communes, {figures['partnerships']} partnerships, "
          f"{figures['partners']} partners (seed {args.seed})")


if __name__ == "__main__":
    main()
