"""The publication: dumps, DCAT-AP catalogue, site and CSV, built for real into temporary folders."""

from __future__ import annotations

import csv
import gzip
import hashlib
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, VOID


from conftest import ROOT, build, edit
from twinning.publish import build as build_stage
from twinning import parallel
from test_linked_data import expanded_by_pyld
from twinning.publish import dumps, sitemap
from twinning.publish import site as site_module
from twinning.config import load_settings
from twinning.load import load
from twinning.progress import Progress

# What the official shapes report and why it is not fixed (README, "DCAT-AP conformance"):
# bbox and centroid of France would have to be invented; the project is not an EU corporate body.
KNOWN_DCAT_WARNINGS = [
    "http://publications.europa.eu/resource/authority/country/FRA http://www.w3.org/ns/dcat#bbox",
    "http://publications.europa.eu/resource/authority/country/FRA http://www.w3.org/ns/dcat#centroid",
    "https://example.org/twinning/catalog http://purl.org/dc/terms/publisher",
    "https://example.org/twinning/dataset/twinning http://purl.org/dc/terms/publisher",
]



BASE = load_settings(ROOT).base_iri


def digest_tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_dumps_parse_and_agree(built):
    turtle = Graph().parse(built / "downloads/twinning.ttl", format="turtle")
    ntriples = Graph().parse(built / "downloads/twinning.nt", format="nt")
    jsonld = expanded_by_pyld(built / "downloads/twinning.jsonld", built)  # its context read from the build
    assert len(turtle) == len(ntriples) == len(jsonld) > 3000
    # tw:twinnedWith links exactly the two partners of each bilateral partnership of a twinning kind, both
    # ways: not the other bilateral partnerships (a cultural centre, a network, refugee camps...)
    twinned = set(turtle.query("PREFIX tw: <https://example.org/twinning/ontology/> "
                               "SELECT ?a ?b WHERE { ?a tw:twinnedWith ?b }"))
    pairs = set(turtle.query("""PREFIX tw: <https://example.org/twinning/ontology/>
        SELECT ?a ?b WHERE { ?p a tw:Partnership ; tw:kind/a tw:TwinningKind ; tw:partner ?a , ?b .
                             FILTER (?a != ?b) FILTER NOT EXISTS { ?p tw:partner ?c FILTER (?c != ?a && ?c != ?b) } }"""))
    kinds = set(turtle.query("PREFIX tw: <https://example.org/twinning/ontology/> "
                             "SELECT DISTINCT ?k WHERE { ?p a tw:Partnership ; tw:kind ?k }"))
    assert twinned and twinned == pairs and len(kinds) > 1  # other kinds exist, and give no shortcut


def test_streamed_dumps_equal_the_whole_text_writers_and_their_gzip(built, tmp_path, monkeypatch):
    """A dump is written part by part (as the page workers hand them over), in batches compressed on a
    thread; with batches of a few hundred characters the seed crosses hundreds of batch boundaries,
    and neither those nor the parts' boundaries may show. A subset named in two parts gathers both."""
    graph = Graph().parse(built / "downloads" / "twinning.ttl", format="turtle")
    formats = dumps.framings(dumps.Prefixes(graph), "https://example.org/twinning/context.jsonld")
    monkeypatch.setattr(dumps.CompressedCopy, "BATCH", 500)
    ordered = dumps.sorted_triples(graph)
    blocks = list(dumps.subject_blocks(ordered))
    dump = dumps.Dump(tmp_path, "streamed", formats)
    for half in (blocks[:len(blocks) // 2], blocks[len(blocks) // 2:]):
        part = dumps.DumpPart()
        for number, block in enumerate(half):
            part.add(block, formats, "odd" if number % 2 else None)
        dump.write(part)
    files, counts, subsets = dump.close()
    # sizes and checksums, the subset's taken from the bytes written as the dump's from its batches
    assert files == {path: dumps.PublishedFile.of(path) for path in files} and len(files) == 7
    odd = [row for half in (blocks[:len(blocks) // 2], blocks[len(blocks) // 2:]) for block in half[1::2] for row in block]
    assert subsets == {"odd": (tmp_path / "odd.ttl", len(odd))}
    assert (tmp_path / "odd.ttl").read_bytes() == dumps.framed(formats["ttl"], odd)
    for extension, framing in formats.items():
        plain = (tmp_path / f"streamed.{extension}").read_bytes()
        assert plain == dumps.framed(framing, ordered)
        assert gzip.decompress((tmp_path / f"streamed.{extension}.gz").read_bytes()) == plain
    assert (counts.triples, counts.subjects) == (len(graph), len(blocks))
    # the build's dump holds the same lines, in the order of its pages
    lines = (tmp_path / "streamed.nt").read_text(encoding="utf-8").splitlines()
    assert sorted((built / "downloads" / "twinning.nt").read_text(encoding="utf-8").splitlines()) == sorted(lines)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(  # Turtle's waiting body is gone
        ["odd.ttl"] + [f"streamed.{extension}{gz}" for extension in ("ttl", "nt", "jsonld") for gz in ("", ".gz")])


def test_catalogue_passes_dcat_ap_3(built):
    from twinning.publish.catalog import dcat_ap_report
    violations, warnings = dcat_ap_report(Graph().parse(built / "catalog.ttl"), ROOT / "shapes")
    assert violations == []
    assert [" ".join(w.split(" ")[:2]).rstrip(":") for w in warnings] == KNOWN_DCAT_WARNINGS


def test_catalogue_checksums_and_sizes_match_files(built):
    catalogue = Graph().parse(built / "catalog.ttl")
    rows = catalogue.query("""PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX spdx: <http://spdx.org/rdf/terms#>
        SELECT ?url ?size ?sum WHERE { ?d dcat:downloadURL ?url ; dcat:byteSize ?size ; spdx:checksum/spdx:checksumValue ?sum }""")
    assert len(rows) == 11  # the three dumps and their gzip, the ontology, three tables and their CSVW metadata
    for url, size, checksum in rows:
        path = built / str(url).removeprefix("https://example.org/twinning/")
        assert path.stat().st_size == int(size)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == str(checksum)



def test_void_counts_the_dump_and_describes_each_commune_file_as_a_subset(built):
    """The catalogue's distributions are the whole dataset in some form; a commune's file is a part of it,
    so VoID describes it as a subset (its triple count checked against the file itself)."""
    void = Graph().parse(built / "void.ttl")
    dump = Graph().parse(built / "downloads/twinning.nt", format="nt")
    stated = {str(p).rsplit("#", 1)[1]: int(o) for p, o in void.predicate_objects(URIRef(BASE + "dataset/twinning"))
              if isinstance(o, Literal) and o.datatype is not None}
    assert (stated["triples"], stated["distinctSubjects"], stated["entities"], stated["properties"]) == \
        (len(dump), len(set(dump.subjects())), len(set(dump.subjects(RDF.type))), len(set(dump.predicates())))
    subsets = {str(void.value(part, VOID.dataDump)): (int(void.value(part, VOID.triples)), str(void.value(part, DCTERMS.title)))
               for part in void.objects(URIRef(BASE + "dataset/twinning"), VOID.subset)}
    assert sorted(subsets) == [f"{BASE}downloads/{stem}.ttl" for stem in
                               ("angers", "bagneux", "bagnolet", "boulogne-billancourt", "ivry-sur-seine")]
    for url, (triples, _) in subsets.items():
        assert len(Graph().parse(built / url.removeprefix(BASE), format="turtle")) == triples
    assert subsets[f"{BASE}downloads/ivry-sur-seine.ttl"][1] == "Partnerships published by Ivry-sur-Seine"
    downloads = {str(url) for url in Graph().parse(built / "catalog.ttl").objects(None, URIRef("http://www.w3.org/ns/dcat#downloadURL"))}
    assert f"{BASE}downloads/twinning.ttl" in downloads and not downloads & set(subsets)


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.headings, self.ids, self.lang, self.title, self.descriptions = [], [], [], None, "", 0
        self.alternates, self.in_title = {}, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        if tag == "title":
            self.in_title = True
        if tag == "meta" and attrs.get("name") == "description" and attrs.get("content"):
            self.descriptions += 1
        if tag == "link" and attrs.get("rel") == "alternate" and attrs.get("hreflang"):
            self.alternates[attrs["hreflang"]] = attrs["href"]
        for name in ("href", "src"):
            if attrs.get(name):
                self.links.append(attrs[name])

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False

    def handle_data(self, data):
        if self.in_title:
            self.title += data


def drawn_elsewhere(built, path: str) -> bool:
    """The map and charts are drawn by another stage of the build: their links are checked where it ran."""
    return path.split("/")[-2:-1] in (["maps"], ["charts"]) and not (built / path.split("/")[-2]).exists() or (
        path.endswith(("map.svg", "map.en.svg")) and not (built / "map.svg").exists())


def parsed_pages(built) -> dict:
    pages = {}
    for page in sorted(built.rglob("*.html")):
        parser = PageParser()
        parser.feed(page.read_text(encoding="utf-8"))
        parser.close()
        pages[page] = parser
    return pages


def test_every_page_parses_and_every_internal_link_resolves(built):
    """Fragments too: a quote on a fact's page leads to its highlighted passage on the source's page."""
    root = built.resolve()
    pages = {page.resolve(): parser for page, parser in parsed_pages(built).items()}
    assert len(pages) > 600
    broken = []
    for page, parser in pages.items():
        assert parser.lang == ("en" if page.name.endswith(".en.html") else "fr") and parser.headings, page
        for link in parser.links:
            path = link.split("#")[0].split("?")[0]
            if re.match(r"^[a-z]+:", link) or path in ("query", "../query") or page.name.startswith("404"):
                continue  # external, the SPARQL endpoint `twinning serve` answers (tests/test_sparql.py), or the
                # 404 page's links from the site's root, wherever it is shown
            target = (page.parent / path).resolve() if path else page
            if not target.exists() and not drawn_elsewhere(built, str(target.relative_to(root))):
                broken.append(f"{page.relative_to(root)} -> {link}")
            elif "#" in link and target.suffix == ".html" and link.split("#")[1] not in pages[target].ids:
                broken.append(f"{page.relative_to(root)} -> {link} (no such id)")
    assert broken == []


def test_every_page_has_its_twin_a_short_title_a_description_and_headings_in_order(built):
    """What search engines and screen readers read: a title within 70 characters, a description, h1 then
    no level skipped, ids that begin with a letter; and each page's other language, linked both ways."""
    problems = []
    for page, parser in parsed_pages(built).items():
        if not 0 < len(parser.title) <= 70:
            problems.append(f"{page.name}: title {parser.title!r}")
        if parser.descriptions != 1:
            problems.append(f"{page.name}: {parser.descriptions} descriptions")
        if parser.headings[0] != 1 or any(b > a + 1 for a, b in zip(parser.headings, parser.headings[1:])):
            problems.append(f"{page.name}: headings {parser.headings}")
        problems += [f"{page.name}: id {i}" for i in parser.ids if not i[0].isalpha()]
        path = page.relative_to(built).as_posix().removesuffix(".html").removesuffix(".en")
        if parser.alternates != {"fr": f"{BASE}{path}.html", "en": f"{BASE}{path}.en.html", "x-default": f"{BASE}{path}.html"}:
            problems.append(f"{page.name}: alternates {parser.alternates}")
    assert problems == []


def test_resource_pages_show_quotes_and_rdf_beside_them(built):
    page = (built / "partnership/ivry-sur-seine-jifna-jalazone.html").read_text(encoding="utf-8")
    assert "Un accord de coopération a été signé en 2012 entre Ivry-sur-Seine, Jifna et Jalazone." in page
    for extension in ("ttl", "nt", "jsonld"):
        assert (built / f"partnership/ivry-sur-seine-jifna-jalazone.{extension}").is_file()
    description = Graph().parse(built / "partnership/ivry-sur-seine-jifna-jalazone.ttl")
    assert len(set(description.objects(None, description.namespace_manager.expand_curie("tw:partner")))) == 3


def expected_rows(built) -> dict[str, int]:
    """Table sizes are expectations beside the data (data/expectations.csv, `twinning expectations --update`)."""
    with open(ROOT / "data" / "expectations.csv", encoding="utf-8", newline="") as file:
        return {row["table"]: int(row["rows"]) for row in csv.DictReader(file)}


def test_csv_and_csvw(built):
    with open(built / "downloads/partnerships.csv", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    expected = expected_rows(built)
    assert len(rows) == expected["partnerships.csv"]
    jifna = next(r for r in rows if r["iri"].endswith("ivry-sur-seine-jifna-jalazone"))
    assert (jifna["commune_insee"], jifna["partner_countries"], jifna["start"]) == ("94041", "PS | PS", "2003")
    vanadzor = next(r for r in rows if r["iri"].endswith("bagneux-vanadzor"))
    assert (vanadzor["partner_qids"], vanadzor["kind"], vanadzor["partner_former_countries"]) == ("Q62337", "twinning", "SUHH")
    dianguirde = next(r for r in rows if r["iri"].endswith("ivry-sur-seine-dianguirde"))
    assert (dianguirde["start"], dianguirde["start_precision"]) == ("199X", "decade")  # «les années 1990»: EDTF, not empty
    assert "années 1990" in dianguirde["notes"]
    torun = next(r for r in rows if r["iri"].endswith("angers-torun"))
    assert (torun["start"], torun["kind"], torun["kind_changes"]) == ("2011", "twinning", "partnership → twinning (2016-05-09)")
    with open(built / "downloads/activities.csv", encoding="utf-8") as file:
        activities = list(csv.DictReader(file))
    assert len(activities) == expected["activities.csv"]
    ambassadors = next(r for r in activities if r["iri"].endswith("young-ambassadors-exchanges"))
    assert (ambassadors["partnerships"], ambassadors["of_commune"]) == ("", "https://example.org/twinning/commune/49007")
    yearly = next(r for r in activities if r["iri"].endswith("bagneux-de-france-yearly-meetings"))
    assert (yearly["start"], yearly["start_precision"], yearly["recurrence"]) == ("", "", "chaque année")
    assert '"name": "partner_qids"' in (built / "downloads/csv-metadata.json").read_text()


def test_web_server_rules_and_sitemap(built):
    """The nginx rules are tested by running nginx (test_nginx.py); the publication is readable by others."""
    assert "map $http_accept $twinning_q_ttl" in (built / "nginx.conf").read_text()
    assert "try_files $uri$twinning_suffix" in (built / "nginx-server.conf").read_text()
    assert not (built / ".htaccess").exists()
    assert built.stat().st_mode & 0o777 == 0o755
    assert "<loc>https://example.org/twinning/partner/la-lisa.html</loc>" in (built / "sitemap.xml").read_text()
    assert (built / ".well-known/void").read_bytes() == (built / "void.ttl").read_bytes()


def test_two_builds_are_byte_identical(built, tmp_path):
    second = tmp_path / "again"
    assert build(ROOT, second).returncode == 0
    assert digest_tree(built) == digest_tree(second)


def test_index_pages_are_identical_when_two_partners_share_a_label(project_copy, tmp_path):
    """Same-named partners (the P190 network has several «Amsterdam») keep one order from run to run,
    whatever the hash seed of each process."""
    edit(project_copy / "data" / "partners.ttl", 'rdfs:label "Oranienburg"@fr', 'rdfs:label "Osnabrück"@fr')
    for output in ("one", "two"):
        assert build(project_copy, tmp_path / output).returncode == 0
    page = (tmp_path / "one" / "partners.html").read_text(encoding="utf-8")
    assert page.count(">Osnabrück</a>") == 2
    assert page == (tmp_path / "two" / "partners.html").read_text(encoding="utf-8")


def test_failed_build_leaves_previous_publication_intact(project_copy, tmp_path):
    output = tmp_path / "publish"
    assert build(project_copy, output).returncode == 0
    before = digest_tree(output)
    edit(project_copy / "data/bagneux.ttl", "Dernier jumelage en date.", "Premier jumelage en date.")
    result = build(project_copy, output)
    assert result.returncode == 1
    assert "[quote-in-source]" in result.stderr and "left as it was" in result.stderr
    assert digest_tree(output) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "publish"]  # no half-written folder left


def test_script_in_a_label_renders_as_text(project_copy, tmp_path):
    edit(project_copy / "data/partners.ttl", 'rdfs:label "Akbou"@fr', 'rdfs:label "<script>alert(1)</script>Akbou"@fr')
    output = tmp_path / "publish"
    assert build(project_copy, output).returncode == 0
    page = (output / "partner/akbou.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Akbou" in page
    assert "<script>alert" not in (output / "index.html").read_text(encoding="utf-8")


def test_a_sitemap_past_the_protocol_limit_becomes_an_index(tmp_path, monkeypatch):
    monkeypatch.setattr(sitemap, "SITEMAP_URLS", 2)
    written = sitemap.write_sitemaps(tmp_path, "https://example.org/t/", ["a.html", "b.html", "c/d.html"])
    assert written == 3
    index = (tmp_path / "sitemap.xml").read_text()
    assert "<sitemapindex" in index and "<loc>https://example.org/t/sitemap-2.xml</loc>" in index
    assert "<loc>https://example.org/t/c/d.html</loc>" in (tmp_path / "sitemap-2.xml").read_text()
    assert "c/d.html" not in (tmp_path / "sitemap-1.xml").read_text()


def test_dumps_declare_the_prefixes_the_ontology_declares(built):
    """The data files are parsed by Oxigraph, which keeps no prefixes: the dumps take the ontology's, so a
    reader sees oa: and schema:, never a generated ns1: or schema1:."""
    header = (built / "downloads" / "twinning.ttl").read_text(encoding="utf-8").split("\n\n", 1)[0]
    declared = dict(re.findall(r"@prefix (\S*): <([^>]*)> \.", header))
    assert declared["oa"] == "http://www.w3.org/ns/oa#"
    assert declared["kind"] == "https://example.org/twinning/concept/kind/"
    assert not [prefix for prefix in declared if re.fullmatch(r"ns\d+|\D+\d+", prefix)]
    assert "oa:exact" in (built / "downloads" / "twinning.ttl").read_text(encoding="utf-8")


def incoming_links(page: str) -> list[str]:
    section = page.split("Cité par", 1)[1] if "Cité par" in page else ""
    return re.findall(r'<li><a href="([^"]+)">', section)


def test_a_page_lists_at_most_its_first_incoming_links_and_says_how_many_there_are(settings, monkeypatch):
    """A class's page would list every instance; past the limit, the first links by IRI are listed."""
    site = build_stage.enriched(load(settings), settings, Progress(live=False)).site
    everything = incoming_links(site.resource_page("ontology/Citation"))
    assert len(everything) > 100 and "liens sur" not in site.resource_page("ontology/Citation")
    monkeypatch.setattr(site_module, "INCOMING_SHOWN", 3)
    page = site.resource_page("ontology/Citation")
    assert f"3 liens sur {len(everything)}, les premiers par IRI" in page

    def iri(href: str) -> str:
        return site.base_iri + href.removeprefix("../").replace(".html", "", 1)
    assert sorted(map(iri, incoming_links(page))) == sorted(map(iri, everything))[:3]


def test_workers_hand_the_gil_over_promptly_and_leave_the_interpreter_as_they_found_it():
    """While forked workers run, this process switches threads after 0.5 ms, so that the pool's thread
    that reads their results is not kept waiting; afterwards Python's own setting is back."""
    before = sys.getswitchinterval()
    with parallel.started(lambda chunk: chunk * 2, [1, 2, 3], workers=2) as results:
        during = sys.getswitchinterval()
        assert list(results) == [2, 4, 6]
    assert during == 0.0005 != before
    assert sys.getswitchinterval() == before


def test_quotes_are_found_in_their_archived_text_whatever_its_whitespace():
    """The reading page marks a quote where the text has it, its spaces written as the page wrote them
    (line breaks, runs, no-break spaces), even from the middle of a word; a quote the text lacks is not marked."""
    text = "Jumelage avec\n  Brandenburg\u00a0an der Havel depuis 1963.\tPuis Pise."
    spans = site_module.found_in(text, ["Brandenburg an der Havel depuis", "elage avec Brandenburg", "Pise.",
                                        "Pise depuis 1963", "Havel depuis 1963. Puis"])
    assert [(text[start:end], quote) for start, end, quote in spans] == [
        ("elage avec\n  Brandenburg", "elage avec Brandenburg"),
        ("Brandenburg\u00a0an der Havel depuis", "Brandenburg an der Havel depuis"),
        ("Havel depuis 1963.\tPuis", "Havel depuis 1963. Puis"),
        ("Pise.", "Pise.")]
