"""Publish stage: write the whole publication into a temporary folder, then swap it into place.

`build` wires the stages (verify, enrich, publish); `write_publication` lists what a publication
holds, in the order it is written."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import DCTERMS, SKOS

from ..cache import ResultCache, code_digest, digest_of
from ..check.verify import verifying
from ..config import Settings
from ..enrich.derive import derive, named_copy
from ..files import Busy, held_lock, replace_folder, staging_folder, write
from ..load import Sources
from ..namespaces import OA, ORG, PROV
from ..parallel import collecting
from ..problems import Problem, StageFailed
from ..progress import Progress
from ..serve import query
from ..store import subject_nodes
from ..wikidata.analysis import Analysis
from . import catalog, charts, dumps, map as maps, resolvable, tables, web_rules
from .pages import PageReuse, render_pages_showing, resource_documents
from .site import Site
from .sitemap import write_sitemaps, written_files
from .words import LANGUAGES, page_suffix, research_question


@dataclass
class BuildResult:
    files: int
    pages: int
    triples: int
    dcat_violations: int
    dcat_warnings: list[str]
    page_record: dict = field(default_factory=dict, repr=False)  # for the next build: see PageReuse


@dataclass
class Publication:
    """What is published: the data with what is derived from it, the analysis against Wikidata, the
    site over that graph, and what it keeps of the sources (the vocabulary and shapes, published as
    they are; the file that describes each subject; the archived texts' folder; the schema's digest)."""
    graph: Graph
    analysis: Analysis
    site: Site
    vocabulary: Graph
    shapes: Graph
    origin: dict
    data_dir: Path
    schema_digest: str


def enriched(sources: Sources, settings: Settings, progress: Progress) -> Publication:
    """The publication made from the sources. Once the publication has its own graph, the loaded
    data's store is closed: the build reads it no more (validation's workers have their own copy),
    and its memory is what the pages then use."""
    with progress.stage("enrich"):
        graph = named_copy(sources, settings.tw)
        sources.data.close()
        analysis = derive(graph, settings.tw, settings.base_iri)
        return Publication(graph, analysis, Site(graph, settings.base_iri, settings.tw), sources.vocabulary,
                           sources.shapes, sources.origin, sources.data_dir, sources.schema_digest())


def build(settings: Settings, release_date: str, progress: Progress | None = None) -> tuple[BuildResult, list[Problem]]:
    """Verify the sources, enrich them and publish the result with the sources' warnings. The
    enrichment reads the sources while their validation runs in other processes, and what it makes
    is published only if validation passes."""
    progress = progress or Progress(live=False)
    lock = build_lock(settings)
    try:
        with held_lock(lock):
            return verified_and_published(settings, release_date, progress)
    except Busy:
        raise StageFailed([Problem(str(settings.output_dir), "-", "one-build-at-a-time",
                                   f"another build into this folder is running (it holds {lock}): "
                                   "wait for it to end, then build again")]) from None


def build_lock(settings: Settings) -> Path:
    """One build at a time into an output folder: two would swap their staging folders into the same
    place and clear each other's leftovers. Builds into other folders share the cache, whose entries
    are written whole, and may run beside it."""
    return settings.cache_dir / f"build-{digest_of(str(settings.output_dir.resolve()))[:16]}.lock"


def verified_and_published(settings: Settings, release_date: str, progress: Progress) -> tuple[BuildResult, list[Problem]]:
    with verifying(settings, progress) as pending:
        try:
            publication = enriched(pending.sources, settings, progress)
        except Exception:
            pending.verified()  # where the data is wrong, its problems explain the failure better
            raise
        warnings = pending.verified().warnings
        return publish(publication, warnings, settings, release_date, progress), warnings


def publish(publication: Publication, warnings: list[Problem], settings: Settings, release_date: str,
            progress: Progress) -> BuildResult:
    """Write to a temporary sibling of the output, then swap: a failure leaves the old output as it was."""
    output = settings.output_dir
    staging = staging_folder(output)
    staging.chmod(0o755)  # mkdtemp makes it private; the web server's user reads the publication
    cache = ResultCache(settings.cache_dir, settings.reuse_cache)
    pages_key = digest_of(str(output))
    try:
        # collections on, here and in the page workers forked within: each rendered page leaves a cycle
        # that holds its view; what is loaded and enriched is frozen, so they do not walk it
        with collecting():
            result = write_publication(publication, warnings, settings, release_date, staging, progress,
                                       cache.get("pages", pages_key))
        # the record describes the publication in place: gone before the swap (a cache that cannot
        # be written stops the build here, the output as it was), written anew after it
        cache.forget("pages", pages_key)
        with progress.stage("swap", "the new publication in place, the previous one removed"):
            replace_folder(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    try:
        cache.put("pages", pages_key, result.page_record)
    except OSError:  # the publication is in place; without a record, the next build renders every page
        pass
    return result


def commune_files(graph: Graph, origin: dict, tw) -> Callable[[object], str | None]:
    """The commune file (its stem) whose resources a subject is one of, fragments going with their
    resource, for the files that hold partnerships: each is published as its own Turtle, a subset of
    the dataset (a file of places, say, is not)."""
    stems = {f: Path(f).stem for f in set(origin.values()) if f.count("/") == 1 and f != "data/partners.ttl"}
    stem_of = {str(s): stems[f] for s, f in origin.items() if f in stems and type(s) is URIRef}

    def resource(subject) -> str:  # asked once per page: a string, not a new rdflib term each time
        return str(subject).split("#")[0]
    with_partnerships = {stem_of.get(resource(p)) for p in graph.subjects(RDF.type, tw.Partnership)}
    stem_of = {s: stem for s, stem in stem_of.items() if stem in with_partnerships}
    return lambda subject: stem_of.get(resource(subject))


def commune_subsets(graph: Graph, commune_of: Callable, written: dict[str, tuple[Path, int]],
                    label: Callable) -> list[catalog.Subset]:
    """The commune files as VoID subsets, titled by their publishers' labels."""
    quoted_pages: dict[str, set] = {}  # subset -> (page, its commune)
    for page, commune in graph.subject_objects(DCTERMS.publisher):
        quoted_pages.setdefault(commune_of(page), set()).add((page, commune))
    subsets = []
    for stem, (path, triples) in written.items():
        pages = sorted(quoted_pages.get(stem, ()))
        communes = sorted({label(commune) for _, commune in pages})
        subsets.append(catalog.Subset(stem, f"Partnerships published by {', '.join(communes) or stem}",
                                      f"downloads/{path.name}", triples, tuple(str(page) for page, _ in pages)))
    return subsets


def write_downloads(publication: Publication, downloads: Path, dump: dumps.Dump,
                    commune_of: Callable) -> tuple[dict[str, Path], str]:
    """The subjects that have no page, first in the whole dump (the pages bring the rest), and the
    ontology and shapes. Gives the files, and the digest of those subjects' triples."""
    graph, site = publication.graph, publication.site
    without_page = [subject for subject in subject_nodes(graph) if site.document_path(subject) is None]
    rest = dumps.DumpPart()
    for subject in sorted(without_page, key=dumps.ntriples_term):
        rest.add(dumps.sorted_triples(graph.triples((subject, None, None))), dump.formats, commune_of(subject))
    dump.write(rest)
    vocabulary = Graph()
    vocabulary.namespace_manager = graph.namespace_manager
    for triple in publication.vocabulary:
        vocabulary.add(triple)
    write(downloads / "ontology.ttl", dumps.pretty_turtle(vocabulary))
    write(downloads / "shapes.ttl", dumps.pretty_turtle(publication.shapes))
    unpaged = hashlib.sha256(b"".join(rest.runs.get("nt", ()))).hexdigest()
    return {"downloads/ontology.ttl": downloads / "ontology.ttl"}, unpaged


def write_tables(graph: Graph, tw, base: str, comparison: list[dict], downloads: Path) -> dict[str, Path]:
    """The CSV tables and their CSVW metadata."""
    write(downloads / "partnerships.csv", tables.csv_text(tables.PARTNERSHIP_COLUMNS, tables.partnership_rows(graph, tw)))
    write(downloads / "activities.csv", tables.csv_text(tables.ACTIVITY_COLUMNS, tables.activity_rows(graph, tw)))
    write(downloads / "csv-metadata.json", tables.csvw_metadata(base, {
        "downloads/partnerships.csv": tables.PARTNERSHIP_COLUMNS, "downloads/activities.csv": tables.ACTIVITY_COLUMNS,
        "downloads/wikidata-comparison.csv": tables.COMPARISON_COLUMNS}))
    write(downloads / "wikidata-comparison.csv", tables.comparison_csv(comparison))
    return {f"downloads/{name}": downloads / name
            for name in ("partnerships.csv", "activities.csv", "wikidata-comparison.csv", "csv-metadata.json")}


def write_catalogue(graph: Graph, site: Site, settings: Settings, release_date: str, published: dict[str, Path],
                    known: dict[Path, dumps.PublishedFile], subsets: list[catalog.Subset], counts: dumps.Counts,
                    prefixes_used: set, folder: Path) -> tuple[dict[str, dumps.PublishedFile], list[str], list[str]]:
    """The DCAT-AP catalogue of the whole dataset's files, checked against the official shapes (a
    violation stops the build), and VoID, which also describes each commune's subset. Returns every
    published file's size and checksum (read from the file unless `known` from its writing), and the
    DCAT-AP violations and warnings."""
    tw, base = settings.tw, settings.base_iri
    years = sorted(str(d)[:4] for prop in (tw.startDate, tw.endDate, tw.date, tw.startDecade)
                   for d in graph.objects(None, prop))
    release = catalog.Release(base, release_date, years[0] if years else None, years[-1] if years else None)
    labels = sorted(site.label(c) for c in graph.subjects(RDF.type, tw.Commune))
    files = {relative: known.get(path) or dumps.PublishedFile.of(path) for relative, path in sorted(published.items())}
    parts = {subset.dump for subset in subsets}
    distributions = {relative: file for relative, file in files.items() if relative not in parts}
    catalogue = catalog.catalogue(release, distributions, labels, URIRef(base + "ontology"))
    violations, dcat_warnings = catalog.dcat_ap_report(catalogue, settings.shapes_dir)
    if violations:
        raise StageFailed([Problem("catalog.ttl", "-", "dcat-ap", v) for v in violations])
    write(folder / "catalog.ttl", dumps.pretty_turtle(catalogue))
    used = set(prefixes_used)  # the JSON-LD context declares the prefixes of the dump and of the catalogue
    write(folder / "catalog.jsonld", dumps.jsonld(catalogue, dumps.Prefixes(catalogue), base + dumps.CONTEXT_FILE, used))
    void = catalog.void_description(release, counts, [str(tw), str(PROV), str(OA), str(SKOS), str(ORG)],
                                    sorted(p for p in distributions if p.startswith("downloads/twinning.") and ".jsonld" not in p),
                                    subsets, settings.sparql_endpoint)
    void_text = dumps.turtle(void, dumps.Prefixes(void))
    write(folder / "void.ttl", void_text)
    write(folder / ".well-known" / "void", void_text)
    resolvable.write_catalogue_documents(catalogue, void, site, base + dumps.CONTEXT_FILE, used,
                                         lambda name, content: write(folder / name, content))
    write(folder / dumps.CONTEXT_FILE, dumps.context_document(used))
    return files, violations, dcat_warnings


def write_index_pages(site: Site, folder: Path, pages: dict[str, Callable[[str], dict]]) -> None:
    """Each page in every language, from the template of the same name, with its context in that language."""
    for name, context in pages.items():
        for language in LANGUAGES:
            write(folder / (name.removesuffix(".html") + page_suffix(language)),
                  site.render(name, name.removesuffix(".html"), language, **context(language)))


def write_site(publication: Publication, settings: Settings, comparison: list[dict], folder: Path) -> None:
    """The index pages about the data, the archived sources behind every quote, the style sheet and the
    content negotiation rules: none of them depends on the resource pages, so they are written while
    the workers write those."""
    tw, base = settings.tw, settings.base_iri
    graph, analysis, site = publication.graph, publication.analysis, publication.site
    counts = {"partnerships": len(set(graph.subjects(RDF.type, tw.Partnership))),
              "activities": len(set(graph.subjects(RDF.type, tw.Activity))),
              "figures": len(set(graph.subjects(RDF.type, tw.StatedFigure)))}
    examples = query.example_queries(settings.queries_dir)
    for example in examples:  # the research questions travel with the data, with their expected answers
        for path in (example.path, example.expected_csv):
            if path.exists():
                write(folder / "queries" / path.name, path.read_bytes())
    base_map = maps.write_maps(graph, tw, site, lambda name, text: write(folder / name, text))
    write_index_pages(site, folder, {
        "index.html": lambda language: {"communes": site.communes(language), "counts": counts},
        "partnerships.html": lambda language: {"table": site.partnerships_table(language)},
        "partners.html": lambda language: {"groups": site.partners_by_country(language)},
        "timeline.html": lambda language: {"events": site.timeline(language)},
        "map.html": lambda language: dict(zip(("points", "unplaced"), site.map_points(language)), base=base_map),
        "statistics.html": lambda language: {},
        "vocabulary.html": lambda language: {"vocab": site.vocabulary(language)},
        "wikidata.html": lambda language: dict(zip(("comparison", "legend"), site.comparison(comparison, language)),
                                               links=site.link_reports(analysis, language),
                                               unlinked=[analysis.name(p) for p in analysis.unlinked_partners()],
                                               snapshots=analysis.reference.snapshots),
        "sparql.html": lambda language: {"endpoint": settings.sparql_endpoint or "query", "base": base, "examples": [
            {"name": e.name, "text": query.with_base(e.text, base), "federated": e.federated,
             "expected": e.expected_csv.exists(), **dict(zip(("question", "comment"),
                                                             research_question(e.question, e.comment, language)))}
            for e in examples]},
        "404.html": lambda language: {"root": urlsplit(base).path.rstrip("/")},  # served at any depth
    })
    for source, relative in sorted(site.archived_texts.items(), key=lambda item: item[1]):  # the evidence behind
        # every quote (sorted as strings: rdflib compares literals in Python, slowly)
        text = (publication.data_dir / relative).read_bytes()
        write(folder / relative, text)
        passages = site.quoted_passages(source, text.decode("utf-8"))
        for language in LANGUAGES:
            reading = site.source_reading(source, passages, language)
            write(folder / (reading["page"] + page_suffix(language)),
                  site.render("source.html", reading["page"], language, **reading))
    write(folder / "search.json", site.search_index())
    charts.write_charts(graph, tw, site, lambda name, text: write(folder / name, text))
    resolvable.write_ontology_documents(site, publication.vocabulary,
                                        dumps.framings(dumps.Prefixes(graph), base + dumps.CONTEXT_FILE),
                                        lambda name, content: write(folder / name, content))
    for name in ("style.css", "favicon.svg", "site.js"):
        write(folder / name, (Path(__file__).parent / "templates" / name).read_bytes())
    write(folder / "nginx.conf", web_rules.nginx_http_conf())
    write(folder / "nginx-server.conf", web_rules.nginx_server_conf(settings.sparql_endpoint))


def write_publication(publication: Publication, warnings: list[Problem], settings: Settings,
                      release_date: str, folder: Path, progress: Progress,
                      page_record: dict | None) -> BuildResult:
    tw, base = settings.tw, settings.base_iri
    graph, analysis, site = publication.graph, publication.analysis, publication.site
    downloads = folder / "downloads"
    downloads.mkdir()
    prefixes = dumps.Prefixes(graph)
    context = digest_of(code_digest(), publication.schema_digest, base, repr(prefixes.namespaces))
    reuse = PageReuse.recorded(settings.output_dir, page_record, context)
    dump = dumps.Dump(downloads, "twinning", dumps.framings(prefixes, base + dumps.CONTEXT_FILE))
    commune_of = commune_files(graph, publication.origin, tw)
    # the pages are written by workers while this process writes the other downloads
    with resource_documents(site, dump.formats, commune_of, folder, reuse, progress, settings.jobs) as all_pages_written:
        with progress.stage("dumps", f"{len(graph)} triples"):
            published, unpaged = write_downloads(publication, downloads, dump, commune_of)
        with progress.stage("csv"):
            comparison = analysis.comparison_table()
            published.update(write_tables(graph, tw, base, comparison, downloads))
        with progress.stage("site", "index pages and archived sources, while the workers write the resource pages"):
            write_site(publication, settings, comparison, folder)
        with progress.stage("pages", f"{len(site.documents)} resources"):
            written = all_pages_written(dump)
            dump_files, counts, written_subsets = dump.close()  # the subsets' files among the dump's
            published.update((f"downloads/{path.name}", path) for path in dump_files)
            subsets = commune_subsets(graph, commune_of, written_subsets, site.label)
    with progress.stage("pages", "those that show a changed page"):
        render_pages_showing(site, written, reuse, unpaged, folder, progress, settings.jobs)
    with progress.stage("catalogue"):
        files, violations, dcat_warnings = write_catalogue(graph, site, settings, release_date, published, dump_files,
                                                           subsets, counts, dump.whole.used, folder)
        file_rows = [{"path": relative, "size": file.size, "sha256": file.sha256} for relative, file in files.items()]
        write_index_pages(site, folder, {
            "downloads.html": lambda language: {"files": file_rows, "sources": sorted(
                (site.label(source, language), text) for source, text in site.archived_texts.items())},
            "validation.html": lambda language: {"errors": 0, "warnings": [str(w) for w in warnings], "dcat": {
                "violations": len(violations), "warnings": catalog.explained_warnings(dcat_warnings)}},
        })
    with progress.stage("sitemap"):
        files, pages = written_files(folder)
        sitemaps = write_sitemaps(folder, base, pages)
    return BuildResult(files=files + sitemaps, pages=len(pages), triples=len(graph),
                       dcat_violations=len(violations), dcat_warnings=dcat_warnings,
                       page_record={"context": context, "pages": written.digests, "unpaged": unpaged})
