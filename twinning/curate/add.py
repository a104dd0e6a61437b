"""`twinning add-commune`: archive a commune's page, draft its Turtle, and say what the curator decides.

I/O lives here; the reading of the page is in draft.py and the Turtle in write.py.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rdflib import RDFS, SKOS, URIRef

from ..config import Settings
from ..files import write_atomically
from ..load.sources import load
from ..problems import Problem, StageFailed
from ..wikidata.analysis import names_fit
from ..wikidata.refresh import SNAPSHOT_FOLDER, regenerate
from ..wikidata.suggest import EXACT, Candidate, SnapshotIndex
from .draft import Draft, Place, draft_page, french_pipeline
from .french import plain
from .write import Commune, Proposal, Source, Writer, slug

INSEE = re.compile(r"[0-9][0-9AB][0-9]{3}")


@dataclass
class Page:
    text: str
    html: str | None = None
    title: str | None = None
    url: str | None = None
    issued: str | None = None


def read_page(path: Path) -> Page:
    """A .txt page as saved; an .html page's main text as trafilatura extracts it (menus, footers and
    scripts left out), with the title, address and date its markup declares, and nothing guessed: the
    date is read from the markup only (htmldate's extensive search, which guesses from the text, is off)."""
    raw = path.read_text(encoding="utf-8")
    if path.suffix.lower() not in (".html", ".htm"):
        return Page(raw)
    import trafilatura
    text = trafilatura.extract(raw, output_format="txt", include_comments=False, include_tables=True,
                               include_links=False, deduplicate=False)
    if not text:
        raise ValueError(f"{path}: trafilatura found no main text in this HTML page")
    metadata = trafilatura.extract_metadata(raw, extensive=False)
    issued = metadata.date if metadata and metadata.date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", metadata.date) else None
    return Page(text + "\n", raw, metadata.title if metadata else None, metadata.url if metadata else None, issued)


def commune_name(text: str, title: str | None = None) -> str:
    """The commune a page is published by: the one it calls «la Ville de …» («la Mairie de …») most often,
    in its full name where the page also writes it out («Ville d'Ivry» and «Ivry-sur-Seine»); else the
    place the page names most often."""
    places = Counter(ent.text for ent in french_pipeline()(text).ents if ent.label_ == "LOC" and ent.text[:1].isupper())
    calling = r"(?:Ville|Mairie|Commune)\s+(?:de\s+|d['’])([A-ZÀ-Ý][\w'’-]+)"
    called = Counter(re.findall(r"\b(?:[Ll]a|[Ll]e)\s+" + calling, text) + re.findall(calling, title or ""))
    if called:
        name = called.most_common(1)[0][0]
        longer = [place for place in places if place.startswith(name)]
        return max(longer, key=lambda place: (places[place], len(place))) if longer else name
    if not places:
        raise ValueError("the page names no place: give the commune's name with --name")
    return places.most_common(1)[0][0]


def commune_item(index: SnapshotIndex, name: str, text: str) -> tuple[Candidate | None, list[str]]:
    """Of the items labelled like the commune, the one whose P190 partners the page names most."""
    page = plain(text)
    best, evidence = None, []
    for candidate in index.suggest(name, limit=10, cutoff=95):
        named = sorted({index.label_of(twin) for twin in index.twins_of(candidate.qid)
                        if index.label_of(twin) and len(plain(index.label_of(twin))) > 3
                        and plain(index.label_of(twin)) in page})
        if best is None or len(named) > len(evidence):
            best, evidence = candidate, named
    return best, evidence


def propose(index: SnapshotIndex, place: Place, near: str | None) -> Proposal | None:
    """The item for a place: the best candidate, if P190 links it to the commune or its label matches
    closely; others of the same standing are named for the curator to choose (two items, one label)."""
    names = {place.label, *place.spellings, *([place.former] if place.former else [])}
    found: dict[str, Candidate] = {}
    for name in names:
        for candidate in index.suggest(name, near):
            if candidate.qid not in found or candidate.rank() < found[candidate.qid].rank():
                found[candidate.qid] = candidate
    ranked = sorted(found.values(), key=Candidate.rank)
    if not ranked or not (ranked[0].linked_to_near or ranked[0].similarity >= EXACT):
        return None
    top = ranked[0]
    fitting = [slug_ for slug_, label in sorted(top.labels.items()) if names_fit(names, {label})]
    others = [f"{c.qid} ({', '.join(sorted(set(c.labels.values())))})" for c in ranked[1:]
              if c.rank()[:2] == top.rank()[:2] or (c.linked_to_near and not top.linked_to_near)]
    return Proposal(top.qid, fitting, top.evidence()[:3], others)


@dataclass
class Added:
    draft: Draft
    turtle: Path
    archived: Path
    checklist: list[str]


def refuse(label: str, rule: str, message: str) -> StageFailed:
    return StageFailed([Problem(label, "-", rule, message)])


def add_commune(settings: Settings, page_path: Path, insee: str, url: str | None = None, captured: str | None = None,
                name: str | None = None) -> Added:
    if not INSEE.fullmatch(insee):
        raise refuse("--insee", "insee-code", f"«{insee}» is not an INSEE code (five characters, such as 92007 or 2A004)")
    if captured:
        try:
            date.fromisoformat(captured)
        except ValueError:
            raise refuse("--captured", "capture-date", f"«{captured}» is not a date: write it YYYY-MM-DD") from None
    if url and not re.match(r"https?://\S+$", url):
        raise refuse("--url", "page-address", f"«{url}» is not a web address (http:// or https://)")
    if not page_path.is_file():
        raise refuse(str(page_path), "page-file", "the page file does not exist")
    inferred = name is None
    try:
        page = read_page(page_path)
        name = name or commune_name(page.text, page.title)
    except ValueError as error:
        raise refuse(str(page_path), "page-text", str(error)) from None
    file_slug = slug(name)
    turtle = settings.data_dir / f"{file_slug}.ttl"
    archived = settings.data_dir / "sources" / f"{file_slug}.txt"
    for path in (turtle, archived):
        if path.exists():
            raise refuse(str(path.relative_to(settings.root)), "draft-exists",
                         "already exists: this commune is in the dataset; correct its file, or remove both files to draft it again")
    index = SnapshotIndex(settings.data_dir / SNAPSHOT_FOLDER)
    item, named_twins = commune_item(index, name, page.text)
    twin_labels = {index.label_of(t) for t in index.twins_of(item.qid)} - {None} if item else set()
    draft = draft_page(page.text, name, twin_labels)
    sources = load(settings)
    tw = settings.tw
    existing = {plain(str(label)): str(partner) for predicate in (RDFS.label, SKOS.altLabel, tw.pageName)
                for partner, label in sources.data.subject_objects(predicate)
                if str(partner).startswith(settings.base_iri + "partner/")}
    existing = {key: iri[len(settings.base_iri):] for key, iri in existing.items()}
    commune_iri = URIRef(f"{settings.base_iri}commune/{insee}")
    commune_proposal = None
    if item:
        fitting = [s for s, label in sorted(item.labels.items()) if names_fit({name}, {label})]
        evidence = item.evidence()[:2] + ([f"P190 partners the page names: {', '.join(named_twins)}"] if named_twins else [])
        commune_proposal = Proposal(item.qid, fitting, evidence)
    commune = Commune(insee, name, f"<commune/{insee}>", (commune_iri, None, None) in sources.data
                      or any(True for _ in sources.data.triples((commune_iri, None, None))), commune_proposal)
    lines = [line for line in page.text.splitlines() if line.strip()]
    cut_short = bool(lines) and len(lines[-1]) > 90 and not re.search(r"[.!?…»\"”)]\s*$", lines[-1])
    source = Source(file_slug, f"sources/{file_slug}.txt", page.title, url or page.url, captured, page.issued, None,
                    cut_short)
    proposals = {id(place): proposal for place in draft.places
                 if (proposal := propose(index, place, item.qid if item else None))}
    text = Writer(draft, commune, source, existing, proposals).write()
    write_atomically(archived, page.text)
    if page.html is not None:
        write_atomically(archived.with_suffix(".html"), page.html)
    write_atomically(turtle, text)
    regenerate(settings)
    items = checklist(draft, commune, source, proposals, settings, turtle)
    if item:
        proposed = {proposal.qid for proposal in proposals.values()}
        unnamed = sorted({index.label_of(twin) or twin for twin in index.twins_of(item.qid) if twin not in proposed})
        if unnamed:
            items.insert(-1, f"P190 in the snapshots also links {commune.name} with {', '.join(unnamed)}, which the draft "
                         "does not name: nothing is drafted from Wikidata alone; check whether the page omits them.")
    if inferred:
        items.insert(0, f"The commune's name «{name}» was read from the page (no --name): if it is wrong, remove "
                        f"{turtle.relative_to(settings.root)} and {archived.relative_to(settings.root)} and run again with --name.")
    return Added(draft, turtle, archived, items)


def checklist(draft: Draft, commune: Commune, source: Source, proposals: dict, settings: Settings, turtle: Path) -> list[str]:
    where = turtle.relative_to(settings.root)
    items = [f"Read {where} beside data/{source.archived}; for each resource with tw:toConfirm, check its quotes, "
             "correct it, then delete the tw:toConfirm line. `twinning validate` lists what is left."]
    if not source.url:
        items.append("The page's address is unknown: add schema:url to the source if you know it (never a guessed one).")
    if not source.captured:
        items.append("The capture date is unknown: add tw:capturedOn if you know when the page was saved.")
    if source.cut_short:
        items.append("The capture ends mid-sentence: it may be cut short; capture the page again if a part is missing.")
    if commune.proposal:
        items.append(f"Commune {commune.name}: Wikidata {commune.proposal.qid} proposed ({'; '.join(commune.proposal.evidence)}).")
    else:
        items.append(f"Commune {commune.name}: no Wikidata item found in the snapshots; link one only with a dated reference.")
    for partnership in draft.partnerships:
        names = " + ".join(p.label for p in partnership.places)
        start = partnership.start.date.value + ("s" if partnership.start.date.decade else "") if partnership.start else "undated"
        items.append(f"Partnership with {names}: {partnership.kind}, {start}, {len(partnership.acts)} act(s).")
    for place in draft.places:
        proposal = proposals.get(id(place))
        if place.country is None:
            items.append(f"{place.label}: no country found: add tw:countryCode.")
        elif place.country.named_by_region:
            items.append(f"{place.label}: country {place.country.code} read from a region: check it.")
        if proposal and proposal.others:
            items.append(f"{place.label}: two or more items fit ({proposal.qid}, {', '.join(proposal.others)}): choose one.")
        if place.former:
            items.append(f"{place.label}: the page names its former name {place.former}: check level and former country.")
    undated = [a for a in draft.activities if a.recurrence and not a.start]
    if undated:
        items.append(f"{len(undated)} recurring undated activit{'y' if len(undated) == 1 else 'ies'}: kept in the page's words (tw:recurrence).")
    for figure in draft.figures:
        if not figure.reference_year:
            items.append(f"Figure {figure.value} ({figure.measure}) about {figure.about.label}: no reference year on the page.")
    for note in draft.left_out:
        items.append(f"Left out: {note}")
    items.append("Then: `twinning expectations --update` and review the diff of expected answers; `twinning build`.")
    return items
