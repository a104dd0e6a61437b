"""The sitemap of a publication: every page, in one file or, past the protocol's limit, in several."""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

from ..files import write

SITEMAP_URLS = 50_000  # the sitemap protocol's limit per file


def written_files(folder: Path) -> tuple[int, list[str]]:
    """The number of files in the folder, and its HTML pages' paths in order. Paths are made from
    strings, and only the pages' are made and sorted: a large build writes millions of files."""
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
