"""Charts drawn at build time as SVG, in French and English: partnerships begun per decade by kind,
activities by domain and decade, partners per country. Each chart carries its figures as text (its
labels, and its description for screen readers), so it reads without its colours."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from html import escape

from rdflib import RDF, Graph

from .drawing import document, number, text_width
from .words import country_name
from .site import Site

WIDTH = 800.0
FONT_SIZE = 14.0
# Okabe and Ito's palette, told apart by people with any common colour-vision deficiency
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#999999")
UNDATED = "undated"

WORDS = {
    "fr": {"undated": "sans date", "decade": "années {}", "none": "sans domaine", "total": "total",
           "kinds_title": "Partenariats commencés par décennie et par type",
           "kinds_desc": "Nombre de partenariats selon la décennie de leur premier lien daté et leur type actuel.",
           "domains_title": "Activités par domaine et par décennie",
           "domains_desc": "Nombre d'activités selon leur domaine et la décennie de leur début ; une activité "
                           "de plusieurs domaines compte dans chacun.",
           "countries_title": "Partenaires par pays",
           "countries_desc": "Nombre de partenaires (hors communes françaises publiant leurs partenariats) par pays."},
    "en": {"undated": "undated", "decade": "{}s", "none": "no domain", "total": "total",
           "kinds_title": "Partnerships begun per decade, by kind",
           "kinds_desc": "Number of partnerships by the decade of their first dated link and their current kind.",
           "domains_title": "Activities by domain and decade",
           "domains_desc": "Number of activities by domain and the decade they began; an activity in several "
                           "domains counts in each.",
           "countries_title": "Partners per country",
           "countries_desc": "Number of partners (other than the French communes that publish their partnerships) "
                             "per country."},
}


@dataclass(frozen=True)
class Table:
    """Counts by (row, column), with the rows and columns in the order they are drawn."""
    rows: list[str]
    columns: list[str]
    counts: Counter

    def total(self, column: str) -> int:
        return sum(self.counts[(row, column)] for row in self.rows)


def decade(value) -> str:
    """The decade of a date, year or decade literal ("1990-05-09", "1990", "199X" in EDTF): its first
    three digits."""
    text = str(value).lstrip("-")
    return text[:3] + "0" if len(text) >= 3 and text[:3].isdigit() else UNDATED


def decade_label(key: str, words: dict) -> str:
    return words["undated"] if key == UNDATED else words["decade"].format(key)


def ordered_decades(keys) -> list[str]:
    return sorted(k for k in set(keys) if k != UNDATED) + ([UNDATED] if UNDATED in keys else [])


def start_of(graph: Graph, tw, node):
    return graph.value(node, tw.startDate) or graph.value(node, tw.startDecade)


def partnerships_by_decade_and_kind(graph: Graph, tw, site: Site, language: str) -> Table:
    counts = Counter()
    for partnership in graph.subjects(RDF.type, tw.Partnership):
        kind = graph.value(partnership, tw.kind)
        counts[(site.label(kind, language) if kind is not None else "?", decade(start_of(graph, tw, partnership)))] += 1
    rows = sorted({row for row, _ in counts}, key=lambda row: (-sum(n for (r, _), n in counts.items() if r == row), row))
    return Table(rows, ordered_decades({column for _, column in counts}), counts)


def activities_by_domain_and_decade(graph: Graph, tw, site: Site, language: str) -> Table:
    counts = Counter()
    for activity in graph.subjects(RDF.type, tw.Activity):
        when = decade(start_of(graph, tw, activity))
        domains = list(graph.objects(activity, tw.activityDomain))
        for domain in domains or [None]:
            counts[(site.label(domain, language) if domain is not None else WORDS[language]["none"], when)] += 1
    rows = sorted({row for row, _ in counts}, key=lambda row: (-sum(n for (r, _), n in counts.items() if r == row), row))
    return Table(rows, ordered_decades({column for _, column in counts}), counts)


def partners_by_country(graph: Graph, tw, language: str) -> Counter:
    communes = set(graph.subjects(RDF.type, tw.Commune))
    counts = Counter()
    for partner in set(graph.objects(None, tw.partner)) - communes:
        code = graph.value(partner, tw.countryCode)
        counts[country_name(str(code), language) if code is not None else "?"] += 1
    return counts


def stacked_columns(table: Table, words: dict, ident: str, title: str, description: str, language: str) -> str:
    """One column per decade, stacked by row (kind), its total above it, and a legend of the rows."""
    left, top, plot_height = 44.0, 24.0, 300.0
    highest = max((table.total(c) for c in table.columns), default=0) or 1
    step = max(1, -(-highest // 5))
    ceiling = step * -(-highest // step)
    slot = (WIDTH - left - 10) / max(len(table.columns), 1)
    bar = min(slot * 0.7, 56)
    body = [f'<g font-size="{number(FONT_SIZE)}" fill="#1b1b1b">']
    for tick in range(0, ceiling + 1, step):
        y = top + plot_height - tick / ceiling * plot_height
        body += [f'<line x1="{number(left)}" x2="{number(WIDTH - 10)}" y1="{number(y)}" y2="{number(y)}" stroke="#ddd"/>',
                 f'<text x="{number(left - 6)}" y="{number(y + 5)}" text-anchor="end">{tick}</text>']
    colour = {row: PALETTE[i % len(PALETTE)] for i, row in enumerate(table.rows)}
    for index, column in enumerate(table.columns):
        x = left + slot * index + (slot - bar) / 2
        y = top + plot_height
        label = decade_label(column, words)
        for row in table.rows:
            count = table.counts[(row, column)]
            if count:
                height = count / ceiling * plot_height
                y -= height
                body.append(f'<rect x="{number(x)}" y="{number(y)}" width="{number(bar)}" height="{number(height)}" '
                            f'fill="{colour[row]}" stroke="#fff"><title>{escape(f"{label}, {row}: {count}")}</title></rect>')
        body += [f'<text x="{number(x + bar / 2)}" y="{number(y - 5)}" text-anchor="middle" font-weight="bold">'
                 f'{table.total(column)}</text>',
                 f'<text x="{number(x + bar / 2)}" y="{number(top + plot_height + 20)}" text-anchor="middle">'
                 f'{escape(label)}</text>']
    y = top + plot_height + 50
    x = left
    for row in table.rows:
        text = f"{row} ({sum(table.counts[(row, c)] for c in table.columns)})"
        needed = text_width(text, FONT_SIZE) + 34
        if x + needed > WIDTH and x > left:
            x, y = left, y + 24
        body += [f'<rect x="{number(x)}" y="{number(y - 12)}" width="14" height="14" fill="{colour[row]}"/>',
                 f'<text x="{number(x + 20)}" y="{number(y)}">{escape(text)}</text>']
        x += needed
    body.append("</g>")
    figures = "; ".join(f"{decade_label(c, words)}: " + ", ".join(
        f"{row} {table.counts[(row, c)]}" for row in table.rows if table.counts[(row, c)]) for c in table.columns)
    return document(WIDTH, y + 16, ident, title, f"{description} {figures}.", language, body)


def grid(table: Table, words: dict, ident: str, title: str, description: str, language: str) -> str:
    """Rows (domains) by columns (decades), each cell its count, shaded by it: thirteen domains are
    more than colours can tell apart."""
    label_width = max((text_width(row, FONT_SIZE) for row in table.rows), default=0) + 16
    cell_width = min(64.0, (WIDTH - label_width - 70) / max(len(table.columns), 1))
    cell_height, top = 26.0, 30.0
    highest = max(table.counts.values(), default=1)
    body = [f'<g font-size="{number(FONT_SIZE)}" fill="#1b1b1b">']
    for index, column in enumerate(table.columns):
        x = label_width + cell_width * (index + 0.5)
        body.append(f'<text x="{number(x)}" y="{number(top - 10)}" text-anchor="middle">'
                    f'{escape(decade_label(column, words))}</text>')
    total_x = label_width + cell_width * len(table.columns) + 8
    body.append(f'<text x="{number(total_x)}" y="{number(top - 10)}">{escape(words["total"])}</text>')
    for row_index, row in enumerate(table.rows):
        y = top + cell_height * row_index
        body.append(f'<text x="{number(label_width - 8)}" y="{number(y + 18)}" text-anchor="end">{escape(row)}</text>')
        for index, column in enumerate(table.columns):
            count = table.counts[(row, column)]
            x = label_width + cell_width * index
            shade = 0.12 + 0.88 * count / highest if count else 0
            body.append(f'<rect x="{number(x + 1)}" y="{number(y + 1)}" width="{number(cell_width - 2)}" '
                        f'height="{number(cell_height - 2)}" fill="{PALETTE[0]}" fill-opacity="{shade:.2f}" '
                        f'stroke="#e3e3e3"><title>{escape(f"{row}, {decade_label(column, words)}: {count}")}</title></rect>')
            if count:
                ink = "#ffffff" if shade > 0.55 else "#1b1b1b"
                body.append(f'<text x="{number(x + cell_width / 2)}" y="{number(y + 18)}" text-anchor="middle" '
                            f'fill="{ink}">{count}</text>')
        body.append(f'<text x="{number(total_x)}" y="{number(y + 18)}" font-weight="bold">'
                    f'{sum(table.counts[(row, c)] for c in table.columns)}</text>')
    body.append("</g>")
    figures = "; ".join(f"{row}: " + ", ".join(
        f"{decade_label(c, words)} {table.counts[(row, c)]}" for c in table.columns if table.counts[(row, c)])
        for row in table.rows)
    return document(WIDTH, top + cell_height * len(table.rows) + 10, ident, title, f"{description} {figures}.",
                    language, body)


def bars(counts: Counter, ident: str, title: str, description: str, language: str) -> str:
    """One horizontal bar per country, most partners first, its count at its end."""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    label_width = max((text_width(name, FONT_SIZE) for name in counts), default=0) + 16
    highest = max(counts.values(), default=1)
    room = WIDTH - label_width - 40
    height, top = 24.0, 8.0
    body = [f'<g font-size="{number(FONT_SIZE)}" fill="#1b1b1b">']
    for index, (name, count) in enumerate(ordered):
        y = top + height * index
        width = count / highest * room
        body += [f'<text x="{number(label_width - 8)}" y="{number(y + 16)}" text-anchor="end">{escape(name)}</text>',
                 f'<rect x="{number(label_width)}" y="{number(y + 3)}" width="{number(width)}" height="{number(height - 6)}" '
                 f'fill="{PALETTE[0]}"><title>{escape(f"{name}: {count}")}</title></rect>',
                 f'<text x="{number(label_width + width + 6)}" y="{number(y + 16)}">{count}</text>']
    body.append("</g>")
    figures = "; ".join(f"{name} {count}" for name, count in ordered)
    return document(WIDTH, top + height * len(ordered) + 8, ident, title, f"{description} {figures}.", language, body)


def write_charts(graph: Graph, tw, site: Site, write) -> list[str]:
    """The three charts in French and English, through `write(relative path, text)`; gives the paths."""
    written = []
    for language in ("fr", "en"):
        words, suffix = WORDS[language], ".svg" if language == "fr" else ".en.svg"
        charts = {
            "partnerships-by-decade-and-kind": stacked_columns(
                partnerships_by_decade_and_kind(graph, tw, site, language), words, "chart-kinds",
                words["kinds_title"], words["kinds_desc"], language),
            "activities-by-domain-and-decade": grid(
                activities_by_domain_and_decade(graph, tw, site, language), words, "chart-domains",
                words["domains_title"], words["domains_desc"], language),
            "partners-by-country": bars(partners_by_country(graph, tw, language), "chart-countries",
                                        words["countries_title"], words["countries_desc"], language),
        }
        for name, text in charts.items():
            written.append(f"charts/{name}{suffix}")
            write(written[-1], text)
    return written
