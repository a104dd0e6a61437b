"""A real headless Chromium opens the built site, as a person would on a desktop (1280 px) and on a
phone (390 px): the text people look for, the language switch, no sideways scrolling, no console error,
and an accessibility check with axe-core (tests/browser, installed by `npm ci --prefix tests/browser`)."""

from __future__ import annotations

import functools
import html
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars"]  # as on a phone, whose scroll bars take no room
WIDTHS = (1280, 390)
PROBE = "/__probe__/"  # the test's own files, served beside the site: same origin, so they can read its pages

if CHROMIUM is None and os.environ.get("CI"):
    raise RuntimeError("CI must run the browser test: .ci/run installs Debian's chromium")
if CHROMIUM is not None and not AXE.is_file() and os.environ.get("CI"):
    raise RuntimeError("CI must run the accessibility check: .ci/run runs npm ci --prefix tests/browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (CI installs it)")

# One page of each template, in French; the English pages are the same templates.
TEMPLATES = ["index", "partnerships", "partners", "timeline", "map", "statistics", "vocabulary", "validation",
             "wikidata", "sparql", "downloads", "404", "sources/ivry-sur-seine", "commune/94041",
             "partnership/ivry-sur-seine-jifna-jalazone", "partner/dianguirde", "activity/ivry-sur-seine/mehr-licht",
             "formalisation/angers-torun-twinning-agreement", "figure/boulogne-billancourt-anderlecht-population",
             "concept/kind/twinning", "concept/kind", "ontology", "ontology/Partnership", "source/ivry-sur-seine",
             "comparison/94041", "project", "reference/wikidata/albertoursino-2021"]
PROBE_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>probe</title></head><body>
<iframe id="frame" width="{width}" height="900" title="page"></iframe><pre id="out">pending</pre>
<script>
const frame = document.getElementById("frame"), pages = {pages}, results = [];
const opened = page => new Promise(resolve => {{
  frame.addEventListener("load", resolve, {{once: true}});
  frame.src = page;
}});
(async () => {{
  for (const {{page, axe}} of pages) {{
    await opened(page);
    const doc = frame.contentDocument, found = {{page}};
    try {{
      found.width = doc.scrollingElement.scrollWidth;
      found.title = doc.title;
      found.lang = doc.documentElement.lang;
      found.text = doc.body.innerText;
      found.acted = await (async (doc, win) => {{ {act} }})(doc, frame.contentWindow);
      if (axe) {{
        await new Promise((resolve, reject) => {{
          const script = doc.createElement("script");
          script.src = "{probe}axe.min.js"; script.onload = resolve; script.onerror = reject;
          doc.head.appendChild(script);
        }});
        const report = await frame.contentWindow.axe.run(doc);
        found.violations = report.violations.map(v => ({{id: v.id, impact: v.impact, help: v.help,
                                                        targets: v.nodes.slice(0, 3).map(n => n.target.join(" "))}}));
        found.rules = report.passes.length + report.violations.length;
      }}
    }} catch (error) {{ found.error = String(error); }}
    results.push(found);
  }}
  document.getElementById("out").textContent = JSON.stringify(results);
}})();
</script></body></html>
"""


@pytest.fixture(scope="module")
def server(built, tmp_path_factory):  # noqa: F811
    probes = tmp_path_factory.mktemp("probes")
    if AXE.is_file():
        shutil.copy(AXE, probes / "axe.min.js")

    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path):
            if path.startswith(PROBE):
                return str(probes / path[len(PROBE):].split("?")[0])
            return super().translate_path(path)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(built)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", probes, built
    httpd.shutdown()


def chromium(*args, tmp_path, width: int = 1280) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr",
                           "--v=0", f"--window-size={width},900", *args], capture_output=True, text=True, timeout=180)


def probe_pages(server, tmp_path, pages: dict[str, bool], width: int, act: str = "return null;") -> dict[str, dict]:
    """Each page in turn in an iframe of the given width, in one run of Chromium: its scroll width,
    title, language, text, what the script `act` (given `doc` and `win`) returns, and, where `pages`
    says so, axe's violations."""
    url, probes, _ = server
    name = f"{next(iter(pages)).replace('/', '_')}-{len(pages)}-{width}.html"
    listed = json.dumps([{"page": "/" + page, "axe": axe} for page, axe in pages.items()])
    (probes / name).write_text(PROBE_PAGE.format(pages=listed, width=width, probe=PROBE, act=act), encoding="utf-8")
    dom = chromium(f"--virtual-time-budget={20000 * len(pages)}", "--dump-dom", f"{url}{PROBE}{name}",
                   tmp_path=tmp_path, width=width + 40)
    found = re.search(r'<pre id="out">(.*?)</pre>', dom.stdout, re.S)
    assert found, dom.stderr[-2000:]
    results = json.loads(html.unescape(found.group(1)))
    assert [result["page"] for result in results] == ["/" + page for page in pages]
    assert [result for result in results if "error" in result] == []
    return {page: result for page, result in zip(pages, results)}


def probe(server, tmp_path, page: str, width: int, axe: bool = False, act: str = "return null;") -> dict:
    """One page, as probe_pages finds it."""
    return probe_pages(server, tmp_path, {page: axe}, width, act)[page]


def console_errors(stderr: str, built: Path) -> list[str]:
    """Console errors, except a missing map or chart while the build does not draw them yet."""
    def drawn_later(line: str) -> bool:
        return any(f"/{folder}" in line and not (built / folder).exists() for folder in ("maps/", "charts/", "map.svg", "map.en.svg"))
    return [line for line in stderr.splitlines()
            if "CONSOLE" in line and "ERROR" in line.upper() and not drawn_later(line)]


@needs_chromium
@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_template_scrolls_sideways_or_fails_axe(server, tmp_path, width):
    """Every template in both languages at both widths; axe-core's check once per template (at 1280 px)."""
    pages = {page + suffix: AXE.is_file() and width == WIDTHS[0] and suffix == ".html"
             for page in TEMPLATES for suffix in (".html", ".en.html")}
    assert [page for page in pages if not (server[2] / page).is_file()] == []
    wider, serious = {}, {}
    for page, found in probe_pages(server, tmp_path, pages, width).items():
        if found["width"] > width:
            wider[page] = found["width"]
        if pages[page]:
            assert found["rules"] > 10, "axe-core ran its rules"
            serious.update({f"{page} {v['id']}": v["targets"] for v in found["violations"]
                            if v["impact"] in ("serious", "critical")})
    assert wider == {} and serious == {}


PEOPLE_LOOK_FOR = {
    "index": ["Ivry-sur-Seine", "Jumelage Ivry-sur-Seine – La Lisa", "Rechercher"],
    "commune/94041": ["Ses partenariats (6)", "Jumelage Ivry-sur-Seine – Brandebourg-sur-la-Havel · depuis 1963",
                      "Coopération décentralisée Ivry-sur-Seine – Dianguirdé · depuis les années 1990",
                      "Solidarité Ivry-sur-Seine – Jifna – Jalazone · depuis 2003",
                      "Jumelage Ivry-sur-Seine – La Lisa · depuis 1997", "Solidarité Ivry-sur-Seine – Jérusalem-Est",
                      "Solidarité Ivry-sur-Seine – camps de réfugiés sahraouis de Tindouf",
                      "Camp de Jalazone (Palestine, État de)", "Allemagne", "Protocole d'accord avec Dianguirdé"],
    "partnership/ivry-sur-seine-jifna-jalazone": [
        "Relation de solidarité entre Ivry-sur-Seine, Camp de Jalazone (Palestine, État de) et Jifna (Palestine, État de), depuis 2003.",
        "Accord de coopération entre Ivry-sur-Seine, Jifna et Jalazone", "2012"],
    "sources/ivry-sur-seine": ["Un accord de coopération a été signé en 2012 entre Ivry-sur-Seine, Jifna et Jalazone.",
                               "la capture n'en porte aucune"],
}
IN_ENGLISH = {
    "index": "Twinnings and international partnerships of French communes",
    "commune/94041": "Its partnerships (6)",
    "partnership/ivry-sur-seine-jifna-jalazone": "Solidarity relation between Ivry-sur-Seine",
    "sources/ivry-sur-seine": "the capture carries neither",
}


@needs_chromium
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", sorted(PEOPLE_LOOK_FOR))
def test_pages_people_look_for_in_both_languages(server, tmp_path, page, width):
    url, _, built = server
    found = probe_pages(server, tmp_path, {page + ".html": AXE.is_file(), page + ".en.html": False}, width)
    french, english = found[page + ".html"], found[page + ".en.html"]
    assert [text for text in PEOPLE_LOOK_FOR[page] if text not in french["text"]] == []
    assert french["lang"] == "fr" and len(french["title"]) <= 70 and french["width"] <= width
    if AXE.is_file():
        assert french["rules"] > 10, "axe-core ran its rules"
        assert [v for v in french["violations"] if v["impact"] in ("serious", "critical")] == []
    assert english["lang"] == "en" and IN_ENGLISH[page] in english["text"] and english["width"] <= width
    dom = chromium("--dump-dom", f"{url}/{page}.html", tmp_path=tmp_path, width=width)
    switch = re.search(r'<a class="switch" href="([^"]+)" hreflang="en"', dom.stdout)
    assert switch and switch.group(1).endswith(page.rpartition("/")[2] + ".en.html")
    assert f'hreflang="en" href="https://example.org/twinning/{page}.en.html"' in dom.stdout
    assert console_errors(dom.stderr, built) == []
    if page == "sources/ivry-sur-seine":
        marked = re.search(r'<mark id="(q-[0-9a-f]+)">Un accord de coopération a été signé en 2012', dom.stdout)
        assert marked, "the quote is highlighted with an anchor"
        partnership = (built / "partnership/ivry-sur-seine-jifna-jalazone.html").read_text(encoding="utf-8")
        assert f"../sources/ivry-sur-seine.html#{marked.group(1)}" in partnership
    shot = tmp_path / "page.png"
    chromium(f"--screenshot={shot}", f"{url}/{page}.html", tmp_path=tmp_path, width=width)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    screenshots = os.environ.get("SCREENSHOT_DIR")
    if screenshots:
        os.makedirs(screenshots, exist_ok=True)
        shutil.copy(shot, os.path.join(screenshots, f"{page.replace('/', '_')}-{width}.png"))


SEARCH = """
const input = doc.getElementById("search-box");
input.value = "jalaz";
input.dispatchEvent(new win.Event("input"));
await new Promise(resolve => setTimeout(resolve, 1500));
return Array.from(doc.querySelectorAll(".search-results a")).map(a => [a.textContent, a.getAttribute("href")]);
"""
FILTER = """
const select = doc.getElementById("filter-country");
select.value = "Mali";
select.dispatchEvent(new win.Event("change"));
const shown = Array.from(doc.querySelectorAll("#partnerships tbody tr")).filter(row => !row.hidden);
doc.querySelector('th[data-key="start"] button').click();
const first = doc.querySelector("#partnerships tbody tr:not([hidden]) td:nth-child(2)").textContent;
return {count: doc.querySelector("form.filters output").textContent, shown: shown.length, first: first};
"""


@needs_chromium
def test_the_search_box_finds_a_partner_by_part_of_its_name(server, tmp_path):
    found = probe(server, tmp_path, "commune/94041.en.html", 1280, act=SEARCH)["acted"]
    assert ["Jalazone camp", "../partner/jalazone-camp.en.html"] in found
    assert ["Ivry-sur-Seine – Jifna – Jalazone solidarity", "../partnership/ivry-sur-seine-jifna-jalazone.en.html"] in found


@needs_chromium
def test_the_partnerships_table_filters_by_country_and_sorts_by_start(server, tmp_path):
    found = probe(server, tmp_path, "partnerships.html", 390, act=FILTER)
    assert found["acted"]["count"] == str(found["acted"]["shown"]) == "3"  # Bamako, Dianguirdé, Massala
    assert found["acted"]["first"] == "Coopération décentralisée Angers – Bamako"  # since 1974, the oldest with Mali


MAP = """
const figure = doc.querySelector("figure.map .map-layers");
const [base, own] = figure.querySelectorAll("img");
for (const image of [base, own]) {
  image.loading = "eager";
  await image.decode();
}
const box = image => { const r = image.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; };
const text = async image => (await fetch(image.src)).text();
return {base: box(base), own: box(own), shown: [base.naturalWidth, own.naturalWidth],
        baseText: await text(base), ownText: await text(own)};
"""


@needs_chromium
@pytest.mark.parametrize("width", WIDTHS)
def test_a_commune_page_shows_its_map_with_country_shapes_and_dianguirde_listed(server, tmp_path, width):
    """Ivry's map: the shared base of country shapes, and over it, at the same place and width, the
    map's own layer, which lists Dianguirdé (no dated reference places it) with a link to its page."""
    found = probe(server, tmp_path, "commune/94041.html", width, act=MAP)["acted"]
    assert min(found["shown"]) > 0
    base, own = found["base"], found["own"]
    assert base[:3] == own[:3] and 0 < base[3] <= own[3] and own[2] <= width
    assert found["baseText"].count("<path ") >= 20
    assert 'href="../partner/dianguirde.html"' in found["ownText"] and "Dianguirdé" in found["ownText"]
