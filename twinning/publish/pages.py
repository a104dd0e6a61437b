"""Resource pages: one HTML page and one document per RDF format for every resource, written by
forked workers, and linked from the previous publication where a page's triples are unchanged."""

from __future__ import annotations

import hashlib
import os
import posixpath
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import pyoxigraph as oxigraph
from rdflib import URIRef

from ..files import write_new
from ..parallel import started
from ..progress import Progress
from . import dumps
from .site import Site

PAGES_PER_CHUNK = 500
PAGE_EXTENSIONS = ("html", "en.html", "ttl", "nt", "jsonld")  # a resource's pages (French, English) and documents


@dataclass
class PagesWritten:
    """What the page workers did: each page's digest, and the pages they rendered."""
    digests: dict[str, str] = field(default_factory=dict)
    rendered: set[str] = field(default_factory=set)


def page_chunks(paths: list[str]) -> list[list[str]]:
    return [paths[i:i + PAGES_PER_CHUNK] for i in range(0, len(paths), PAGES_PER_CHUNK)]


@contextmanager
def resource_documents(site: Site, formats: dict[str, dumps.Framing], commune_of: Callable, folder: Path,
                       reuse: PageReuse, progress: Progress, jobs: int | None) -> Iterator[Callable[[dumps.Dump], PagesWritten]]:
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
    with started(write_chunk, page_chunks(paths), workers=jobs) as results:
        yield finish


def render_pages_showing(site: Site, pages: PagesWritten, reuse: PageReuse, unpaged: str, folder: Path,
                         progress: Progress, jobs: int | None) -> None:
    """Render again the pages that were linked from the previous publication but show something of a
    changed page (a label, a link, a citation's source). A page that went away counts as changed;
    what pointed to it is found from the previous publication's documents. Every page is rendered
    again if the triples of subjects without a page changed: finding the pages that show those would
    cost a walk of the whole graph."""
    again = []
    if len(pages.rendered) < len(pages.digests):  # else every page is new: nothing to look for
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
    with started(render_chunk, page_chunks(again), workers=jobs) as counts:
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
