"""Publish stage: write the whole publication into a temporary folder, then swap it into place."""

from __future__ import annotations

import hashlib
import os
import posixpath
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import urlsplit

import pyoxigraph as oxigraph
import pyshacl
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import DCTERMS

from . import catalog, dumps, tables
from ..cache import ResultCache, code_digest, digest_of
from ..config import Settings
from ..enrich.derive import publication_graph
from ..load.sources import Sources
from ..store import subject_nodes
from ..parallel import collection_paused, started
from ..serve import query as sparql
from ..check.verify import verified_sources
from ..progress import Progress
from ..problems import Problem, StageFailed
from .site import Site
from .words import LANGUAGES, page_suffix, research_question
from ..wikidata.analysis import Analysis
from ..check.shacl import SH

PAGES_PER_CHUNK = 500
SITEMAP_URLS = 50_000  # the sitemap protocol's limit per file
MEDIA_TYPES = {"ttl": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json"}
PAGE_EXTENSIONS = ("html", "en.html", *MEDIA_TYPES)  # a resource's pages (French, English) and its documents
DCAT_AP_SHAPES = ("shapes.ttl", "shapes_recommended.ttl", "range.ttl", "mdr-vocabularies.shape.ttl")


@dataclass
class BuildResult:
    files: int
    pages: int
    triples: int
    dcat_violations: int
    dcat_warnings: list[str]
    page_record: dict = field(default_factory=dict, repr=False)  # for the next build: see PageReuse


def dcat_ap_report(catalogue: Graph, shapes_dir: Path) -> tuple[list[str], list[str]]:
    shapes = Graph()
    for name in DCAT_AP_SHAPES:
        shapes.parse(shapes_dir / "dcat-ap-3.0.1" / name, format="turtle")
    _, report, _ = pyshacl.validate(catalogue, shacl_graph=shapes, inference="none", allow_warnings=True)
    found = {"violation": [], "warning": []}
    for result in report.objects(None, SH.result):
        severity = "violation" if report.value(result, SH.resultSeverity) == SH.Violation else "warning"
        path = report.value(result, SH.resultPath)
        found[severity].append(f"{report.value(result, SH.focusNode)} {path}: {report.value(result, SH.resultMessage)}")
    return sorted(found["violation"]), sorted(found["warning"])


def conneg_rules() -> tuple[str, str]:
    apache = ["# Content negotiation: the same IRI answers HTML, Turtle, N-Triples or JSON-LD.",
              "AddType text/turtle .ttl", "AddType application/n-triples .nt", "AddType application/ld+json .jsonld",
              "AddType text/csv .csv", "AddType application/csvm+json .json", "Options -MultiViews",
              "RewriteEngine On"]
    for extension, media in MEDIA_TYPES.items():
        escaped = media.replace("+", "\\+")
        apache += [f"RewriteCond %{{HTTP_ACCEPT}} {escaped}", f"RewriteCond %{{REQUEST_FILENAME}}.{extension} -f",
                   f"RewriteRule ^(.*)$ $1.{extension} [L]"]
    apache += ["RewriteCond %{REQUEST_FILENAME}.html -f", "RewriteRule ^(.*)$ $1.html [L]"]
    nginx = ["# nginx: include in the server block that serves publish/ (content negotiation for every IRI).",
             "types { text/html html; text/turtle ttl; application/n-triples nt; application/ld+json jsonld; "
             "text/csv csv; application/csvm+json json; application/gzip gz; }",
             "map $http_accept $rdf_suffix {", "    default \".html\";"]
    for extension, media in MEDIA_TYPES.items():
        nginx.append(f"    ~{media.replace('+', '[+]')} \".{extension}\";")
    nginx += ["}", "location / {", "    try_files $uri$rdf_suffix $uri $uri.html $uri/index.html =404;", "}"]
    return "\n".join(apache) + "\n", "\n".join(nginx) + "\n"


def write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_new(str(path), content.encode("utf-8") if isinstance(content, str) else content)


def write_new(path: str, content: bytes) -> None:
    """A file in a folder that exists, in three system calls: Python's open() adds three more (fstat,
    ioctl, lseek). Measured on the pages' four small files: 54 -> 39 µs of CPU per file."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        unwritten = memoryview(content)
        while unwritten:
            unwritten = unwritten[os.write(descriptor, unwritten):]
    finally:
        os.close(descriptor)


@dataclass
class Publication:
    """What is published: the data with what is derived from it, the analysis against Wikidata, and
    the site over that graph."""
    graph: Graph
    analysis: Analysis
    site: Site


def enriched(sources: Sources, settings: Settings, progress: Progress) -> Publication:
    with progress.stage("enrich"):
        graph, analysis = publication_graph(sources, settings.tw, settings.base_iri)
        return Publication(graph, analysis, Site(graph, settings.base_iri, settings.tw))


def build(settings: Settings, release_date: str, progress: Progress | None = None) -> tuple[BuildResult, list[Problem]]:
    """Verify the sources, then publish them with their warnings. The enrichment runs while the data
    is being validated, and is published only if validation passes."""
    progress = progress or Progress(live=False)
    with verified_sources(settings, progress, lambda sources: enriched(sources, settings, progress)) as (
            sources, warnings, publication):
        return publish(sources, publication, warnings, settings, release_date, progress), warnings


def publish(sources: Sources, publication: Publication, warnings: list[Problem], settings: Settings, release_date: str,
            progress: Progress) -> BuildResult:
    """Write to a temporary sibling of the output, then swap: a failure leaves the old output as it was."""
    output = settings.output_dir
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-", dir=output.parent))
    cache = ResultCache(settings.cache_dir, settings.reuse_cache)
    pages_key = digest_of(str(output))
    try:
        # no collections, here and in the page workers forked within: pages, tables and index pages leave
        # no cyclic garbage (none after 5,000 pages), and collecting the young generations cost each page
        # a tenth (424 -> 464 µs) and the index pages more than a quarter (100,000 partnerships: 14.5 -> 20.3 s)
        with collection_paused():
            result = write_publication(sources, publication, warnings, settings, release_date, staging, progress,
                                       cache.get("pages", pages_key))
        previous = output.with_name(f".{output.name}-previous")
        with progress.stage("swap", "the new publication in place, the previous one removed"):
            if previous.exists():
                shutil.rmtree(previous)
            if output.exists():
                output.rename(previous)
            staging.rename(output)
            shutil.rmtree(previous, ignore_errors=True)
        cache.put("pages", pages_key, result.page_record)
        return result
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def commune_files(graph: Graph, sources: Sources, tw) -> Callable[[object], str | None]:
    """The commune file (its stem) whose resources a subject is one of, fragments going with their
    resource, for the files that hold partnerships: each is published as its own Turtle, a subset of
    the dataset (a file of places, say, is not)."""
    stems = {f: Path(f).stem for f in set(sources.origin.values()) if f.count("/") == 1 and f != "data/partners.ttl"}
    stem_of = {str(s): stems[f] for s, f in sources.origin.items() if f in stems and type(s) is URIRef}

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


@dataclass
class PagesWritten:
    """What the page workers did: each page's digest, and the pages they rendered."""
    digests: dict[str, str] = field(default_factory=dict)
    rendered: set[str] = field(default_factory=set)


def page_chunks(paths: list[str]) -> list[list[str]]:
    return [paths[i:i + PAGES_PER_CHUNK] for i in range(0, len(paths), PAGES_PER_CHUNK)]


@contextmanager
def resource_documents(site: Site, formats: dict[str, dumps.Framing], commune_of: Callable, folder: Path,
                       reuse: PageReuse, progress: Progress) -> Iterator[Callable[[dumps.Dump], PagesWritten]]:
    """One HTML page and one document per RDF format for every resource, on all cores: the site and its
    graph are read-only by now, so forked workers share them and write their own files, while this
    process writes the rest. A page whose triples are those it had in the previous publication is
    linked from there; its HTML may still show a page that changed, which render_pages_showing finds
    once every page's triples are known. The pages' blocks are also the whole dump's, and their Turtle
    their commune's file's: each chunk hands them over rather than this process making them again.
    Gives the function that waits for every page and writes the chunks' parts into the dump in order."""
    paths = sorted(site.documents)

    def write_chunk(chunk: list[str]) -> tuple[PagesWritten, dumps.DumpPart]:
        written, part = PagesWritten(), dumps.DumpPart()
        for path in chunk:
            on_page = site.described(path)
            ordered = dumps.sorted_triples((subject, predicate, value) for subject, said in on_page.items()
                                           for predicate, values in said.items() for value in values)
            texts, used = part.add(ordered, formats, commune_of(site.documents[path][0]))
            documents = {extension: formats[extension].whole(text, used) for extension, text in texts.items()}
            written.digests[path] = digest = hashlib.sha256(documents["nt"]).hexdigest()
            if reuse.digests.get(path) == digest and reuse.link(path, folder):
                continue
            documents.update(site.resource_pages(path, on_page))
            written.rendered.add(path)
            stem = f"{folder}/{path}"  # the folders exist already: no Path objects, no mkdir per file
            for extension, content in documents.items():
                write_new(f"{stem}.{extension}", content)
        return written, part

    for folder_path in sorted({posixpath.dirname(p) for p in paths}):
        (folder / folder_path).mkdir(parents=True, exist_ok=True)

    def finish(dump: dumps.Dump) -> PagesWritten:
        pages = PagesWritten()
        for written, part in results:
            dump.write(part)
            pages.digests.update(written.digests)
            pages.rendered |= written.rendered
            progress.count("pages", len(pages.digests), len(paths))
        return pages
    with started(write_chunk, page_chunks(paths)) as results:
        yield finish


def render_pages_showing(site: Site, pages: PagesWritten, reuse: PageReuse, unpaged: str, folder: Path,
                         progress: Progress) -> None:
    """Render again the pages that were linked from the previous publication but show something of a
    changed page (a label, a link, a citation's source). A page that went away counts as changed;
    what pointed to it is found from the previous publication's documents. Every page is rendered
    again if the triples of subjects without a page changed: finding the pages that show those would
    cost a walk of the whole graph."""
    again = []
    if len(pages.rendered) < len(pages.digests):  # else every page is new (at 100,000 partnerships, 0.5 s)
        changed = {path for path in pages.digests.keys() | reuse.digests.keys()
                   if pages.digests.get(path) != reuse.digests.get(path)}
        before = reuse.objects_before(changed)
        if unpaged != reuse.unpaged or before is None:
            shown = set(pages.digests)
        else:
            shown = site.pages_showing(changed, before)
        again = sorted((shown & pages.digests.keys()) - pages.rendered)

    def render_chunk(chunk: list[str]) -> int:
        for path in chunk:
            for extension, page in site.resource_pages(path).items():
                target = f"{folder}/{path}.{extension}"
                os.unlink(target)  # a link to the previous publication's page, which must stay as it was
                write_new(target, page)
        return len(chunk)
    with started(render_chunk, page_chunks(again)) as counts:
        rendered = len(pages.rendered) + sum(counts)
    total = len(pages.digests)
    progress.note("pages", f"{rendered} of {total} resource pages written, {total - rendered} unchanged")


@dataclass
class PageReuse:
    """The previous publication and, for each of its pages, the digest of its N-Triples document: its
    own triples. Under the same context (code, templates, vocabulary, prefixes, base), a page whose
    triples are unchanged has the same documents. Under another context, or with no record, nothing is
    reused."""
    previous: Path
    digests: dict[str, str]
    unpaged: str | None  # the digest of the triples whose subjects have no page

    @classmethod
    def recorded(cls, previous: Path, record: dict | None, context: str) -> PageReuse:
        if not previous.is_dir() or not record or record.get("context") != context:
            return cls(previous, {}, None)
        return cls(previous, record["pages"], record["unpaged"])

    def link(self, path: str, folder: Path) -> bool:
        linked = []
        try:
            for extension in PAGE_EXTENSIONS:
                os.link(self.previous / f"{path}.{extension}", folder / f"{path}.{extension}")
                linked.append(folder / f"{path}.{extension}")
        except OSError:  # gone from the previous publication, or another file system: render it
            for target in linked:
                target.unlink()
            return False
        return True

    def objects_before(self, paths: set[str]) -> set[URIRef] | None:
        """The IRIs the previous publication's pages pointed to, which listed those pages among their
        incoming links; None if a page's document has gone."""
        found = set()
        try:
            for path in sorted(paths & self.digests.keys()):
                found.update(URIRef(quad.object.value) for quad in oxigraph.parse(
                    path=str(self.previous / f"{path}.nt"), format=oxigraph.RdfFormat.N_TRIPLES)
                    if isinstance(quad.object, oxigraph.NamedNode))
        except OSError:
            return None
        return found


def written_files(folder: Path) -> tuple[int, list[str]]:
    """The number of files in the folder, and its HTML pages' paths in order. Paths are made from
    strings, and only the pages' are made and sorted: at 100,000 partnerships, 1.5 million files of
    which 385,000 pages, 4.3 -> 1.5 s."""
    root, count, pages = len(str(folder)) + 1, 0, []
    for top, _, names in os.walk(folder):
        count += len(names)
        pages.extend(posixpath.join(top[root:], name) for name in names if name.endswith(".html"))
    return count, sorted(pages)


def write_sitemaps(folder: Path, base: str, pages: list[str]) -> int:
    """sitemap.xml lists every page; past the protocol's 50,000 URLs per file it becomes an index of
    numbered sitemaps. Returns the number of files written."""
    def urlset(chunk: list[str]) -> str:
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                + "".join(f"  <url><loc>{base}{p}</loc></url>\n" for p in chunk) + "</urlset>\n")
    if len(pages) <= SITEMAP_URLS:
        write(folder / "sitemap.xml", urlset(pages))
        return 1
    names = []
    for start in range(0, len(pages), SITEMAP_URLS):
        names.append(f"sitemap-{start // SITEMAP_URLS + 1}.xml")
        write(folder / names[-1], urlset(pages[start:start + SITEMAP_URLS]))
    write(folder / "sitemap.xml", '<?xml version="1.0" encoding="UTF-8"?>\n'
          '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
          + "".join(f"  <sitemap><loc>{base}{name}</loc></sitemap>\n" for name in names) + "</sitemapindex>\n")
    return len(names) + 1


def write_downloads(graph: Graph, sources: Sources, downloads: Path, site: Site, dump: dumps.Dump,
                    commune_of: Callable) -> tuple[dict[str, Path], str]:
    """The subjects that have no page, first in the whole dump (the pages bring the rest), and the
    ontology and shapes. Gives the files, and the digest of those subjects' triples."""
    without_page = [subject for subject in subject_nodes(graph) if site.document_path(subject) is None]
    rest = dumps.DumpPart()
    for subject in sorted(without_page, key=dumps.ntriples_term):
        rest.add(dumps.sorted_triples(graph.triples((subject, None, None))), dump.formats, commune_of(subject))
    dump.write(rest)
    vocabulary = Graph()
    vocabulary.namespace_manager = graph.namespace_manager
    for triple in sources.vocabulary:
        vocabulary.add(triple)
    write(downloads / "ontology.ttl", dumps.pretty_turtle(vocabulary))
    write(downloads / "shapes.ttl", dumps.pretty_turtle(sources.shapes))
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
                    folder: Path) -> tuple[dict[str, dumps.PublishedFile], list[str], list[str]]:
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
    violations, dcat_warnings = dcat_ap_report(catalogue, settings.shapes_dir)
    if violations:
        raise StageFailed([Problem("catalog.ttl", "-", "dcat-ap", v) for v in violations])
    write(folder / "catalog.ttl", dumps.pretty_turtle(catalogue))
    write(folder / "catalog.jsonld", dumps.jsonld(catalogue))
    void = catalog.void_description(release, counts, [str(tw), "http://www.w3.org/ns/prov#", "http://www.w3.org/ns/oa#",
                                                      "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/ns/org#"],
                                    sorted(p for p in distributions if p.startswith("downloads/twinning.") and ".jsonld" not in p),
                                    subsets, settings.sparql_endpoint)
    void_text = dumps.turtle(void, dumps.Prefixes(void))
    write(folder / "void.ttl", void_text)
    write(folder / ".well-known" / "void", void_text)
    return files, violations, dcat_warnings


def write_index_pages(site: Site, folder: Path, pages: dict[str, Callable[[str], dict]]) -> None:
    """Each page in every language, from the template of the same name, with its context in that language."""
    for name, context in pages.items():
        for language in LANGUAGES:
            write(folder / (name.removesuffix(".html") + page_suffix(language)),
                  site.render(name, name.removesuffix(".html"), language, **context(language)))


def write_site(publication: Publication, sources: Sources, settings: Settings, comparison: list[dict],
               folder: Path) -> None:
    """The index pages about the data, the archived sources behind every quote, the style sheet and the
    content negotiation rules: none of them depends on the resource pages, so they are written while
    the workers write those."""
    tw, base = settings.tw, settings.base_iri
    graph, analysis, site = publication.graph, publication.analysis, publication.site
    counts = {"partnerships": len(set(graph.subjects(RDF.type, tw.Partnership))),
              "activities": len(set(graph.subjects(RDF.type, tw.Activity))),
              "figures": len(set(graph.subjects(RDF.type, tw.StatedFigure)))}
    examples = sparql.example_queries(settings.queries_dir)
    for example in examples:  # the research questions travel with the data, with their expected answers
        for path in (example.path, example.expected_csv):
            if path.exists():
                write(folder / "queries" / path.name, path.read_bytes())
    write_index_pages(site, folder, {
        "index.html": lambda language: {"communes": site.communes(language), "counts": counts},
        "partnerships.html": lambda language: {"table": site.partnerships_table(language)},
        "partners.html": lambda language: {"groups": site.partners_by_country(language)},
        "timeline.html": lambda language: {"events": site.timeline(language)},
        "map.html": lambda language: dict(zip(("points", "unplaced"), site.map_points(language))),
        "statistics.html": lambda language: {},
        "vocabulary.html": lambda language: {"vocab": site.vocabulary(language)},
        "wikidata.html": lambda language: dict(zip(("comparison", "legend"), site.comparison(comparison, language)),
                                               links=site.link_reports(analysis, language),
                                               unlinked=[analysis.name(p) for p in analysis.unlinked_partners()],
                                               snapshots=analysis.reference.snapshots),
        "sparql.html": lambda language: {"endpoint": settings.sparql_endpoint or "query", "base": base, "examples": [
            {"name": e.name, "text": sparql.with_base(e.text, base), "federated": e.federated,
             "expected": e.expected_csv.exists(), **dict(zip(("question", "comment"),
                                                             research_question(e.question, e.comment, language)))}
            for e in examples]},
        "404.html": lambda language: {"root": urlsplit(base).path.rstrip("/")},  # served at any depth
    })
    for source, relative in sorted(site.archived_texts.items(), key=lambda item: item[1]):  # the evidence behind
        # every quote (sorted as strings: rdflib's comparison of literals is Python, 1.5 s over 10,000 of them)
        text = (sources.data_dir / relative).read_bytes()
        write(folder / relative, text)
        for language in LANGUAGES:
            reading = site.source_reading(source, text.decode("utf-8"), language)
            write(folder / (reading["page"] + page_suffix(language)),
                  site.render("source.html", reading["page"], language, **reading))
    write(folder / "search.json", site.search_index())
    for name in ("style.css", "favicon.svg", "site.js"):
        write(folder / name, (Path(__file__).parent / "templates" / name).read_bytes())
    apache, nginx = conneg_rules()
    write(folder / ".htaccess", apache)
    write(folder / "nginx.conf", nginx)


def write_publication(sources: Sources, publication: Publication, warnings: list[Problem], settings: Settings,
                      release_date: str, folder: Path, progress: Progress,
                      page_record: dict | None) -> BuildResult:
    tw, base = settings.tw, settings.base_iri
    graph, analysis, site = publication.graph, publication.analysis, publication.site
    downloads = folder / "downloads"
    downloads.mkdir()
    prefixes = dumps.Prefixes(graph)
    context = digest_of(code_digest(), sources.schema_digest(), base, repr(prefixes.namespaces))
    reuse = PageReuse.recorded(settings.output_dir, page_record, context)
    dump = dumps.Dump(downloads, "twinning", dumps.framings(prefixes))
    commune_of = commune_files(graph, sources, tw)
    # the pages are written by workers while this process writes the other downloads
    with resource_documents(site, dump.formats, commune_of, folder, reuse, progress) as all_pages_written:
        with progress.stage("dumps", f"{len(graph)} triples"):
            published, unpaged = write_downloads(graph, sources, downloads, site, dump, commune_of)
        with progress.stage("csv"):
            comparison = analysis.comparison_table()
            published.update(write_tables(graph, tw, base, comparison, downloads))
        with progress.stage("site", "index pages and archived sources, while the workers write the resource pages"):
            write_site(publication, sources, settings, comparison, folder)
        with progress.stage("pages", f"{len(site.documents)} resources"):
            written = all_pages_written(dump)
            dump_files, counts, written_subsets = dump.close()  # the subsets' files among the dump's
            published.update((f"downloads/{path.name}", path) for path in dump_files)
            subsets = commune_subsets(graph, commune_of, written_subsets, site.label)
    with progress.stage("pages", "those that show a changed page"):
        render_pages_showing(site, written, reuse, unpaged, folder, progress)
    with progress.stage("catalogue"):
        files, violations, dcat_warnings = write_catalogue(graph, site, settings, release_date, published, dump_files,
                                                           subsets, counts, folder)
        file_rows = [{"path": relative, "size": file.size, "sha256": file.sha256} for relative, file in files.items()]
        write_index_pages(site, folder, {
            "downloads.html": lambda language: {"files": file_rows, "sources": sorted(
                (site.label(source, language), text) for source, text in site.archived_texts.items())},
            "validation.html": lambda language: {"errors": 0, "warnings": [str(w) for w in warnings],
                                                 "dcat": {"violations": len(violations), "warnings": dcat_warnings}},
        })
    with progress.stage("sitemap"):
        files, pages = written_files(folder)
        sitemaps = write_sitemaps(folder, base, pages)
    return BuildResult(files=files + sitemaps, pages=len(pages), triples=len(graph),
                       dcat_violations=len(violations), dcat_warnings=dcat_warnings,
                       page_record={"context": context, "pages": written.digests, "unpaged": unpaged})
