"""Maps and charts drawn at build time: real country outlines, places only where a dated reference puts
them, the others listed, and charts that carry their figures as text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from conftest import ROOT
from twinning.publish import topology

SVG = "{http://www.w3.org/2000/svg}"
COMMUNES = ("49007", "92007", "92012", "93006", "94041")


def inside(point: tuple[float, float], ring: list[tuple[float, float]]) -> bool:
    """Ray casting: whether the point lies within the ring."""
    x, y = point
    crossings = 0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            crossings += 1
    return crossings % 2 == 1


def test_the_topojson_decoder_puts_places_in_their_countries():
    """Natural Earth's France holds Bagneux and Mali holds Bamako (positions of the 2021 snapshot), and
    France does not hold Bamako: the arcs are decoded, joined and oriented right."""
    by_code = {c.numeric: c for c in topology.countries()}
    assert len(by_code) > 170
    def holds(numeric, point):
        return any(inside(point, polygon[0]) for polygon in by_code[numeric].polygons)
    bagneux, bamako = (2.3125, 48.797777777), (-7.992222222, 12.645833333)
    assert holds("250", bagneux) and holds("466", bamako) and not holds("250", bamako)


def test_equal_earth_keeps_the_equator_and_the_prime_meridian_at_the_centre():
    assert topology.equal_earth(0, 0) == (0.0, 0.0)
    x, y = topology.equal_earth(180, 0)
    assert abs(x - 2.7066) < 1e-3 and y == 0.0  # the projection's published half-width


def recorded_positions() -> set[tuple[str, str]]:
    """(latitude, longitude) to three decimals of every coordinate the dated reference records."""
    reference = Graph().parse(ROOT / "data" / "reference" / "wikidata-p190.ttl", format="turtle",
                              publicID="https://example.org/twinning/")
    found = set()
    for wkt in reference.objects(None, URIRef("https://example.org/twinning/ontology/recordedCoordinates")):
        lon, lat = (float(v) for v in str(wkt).removeprefix("Point(").rstrip(")").split())
        found.add((f"{lat:.3f}", f"{lon:.3f}"))
    return found


def layers(built, page: str) -> tuple[Path, Path]:
    """The base and the map's own layer that a page draws one over the other, as files."""
    found = re.search(r'<div class="map-layers"><img class="map-base" src="([^"]+)" alt=""[^>]*><img src="([^"]+)"',
                      (built / page).read_text(encoding="utf-8"))
    assert found, f"{page} shows no map"
    return tuple((built / page).parent.joinpath(src).resolve() for src in found.groups())


PAGES = ["map.html", "map.en.html", *(f"commune/{c}{s}" for c in COMMUNES for s in (".html", ".en.html"))]


@pytest.mark.parametrize("page", PAGES)
def test_each_map_has_country_outlines_and_places_only_where_the_reference_puts_them(built, page):
    base, own = layers(built, page)
    assert own == (built / (page.replace("commune/", "maps/") if "/" in page else page)).with_suffix(".svg").resolve()
    root = ElementTree.parse(own).getroot()
    assert root.find(f"{SVG}title").text and root.find(f"{SVG}desc").text
    description = root.find(f"{SVG}desc").text
    positions = set(re.findall(r"\((-?\d+\.\d{3}), (-?\d+\.\d{3})\)", description))
    assert positions <= recorded_positions()
    assert "Natural Earth" in description and ("Wikidata" in description or not positions)
    # the countries are the base's, shared and without text; the map's own layer repeats only those it shades
    shared = ElementTree.parse(base).getroot()
    outlines = {p.get("d") for p in shared.iter(f"{SVG}path")}
    assert len(outlines) >= 20 and not [e for e in shared.iter() if e.tag in (f"{SVG}text", f"{SVG}title")]
    shaded = {p.find(f"{SVG}title").text for p in root.iter(f"{SVG}path") if p.get("d") in outlines}
    listed = {t.text.rstrip(" :") for t in root.iter(f"{SVG}tspan") if t.get("font-weight") == "bold"}
    assert shaded <= listed
    # drawn at the same width, the base lies within the map's own layer, from its top
    width, height = (float(v) for v in root.get("viewBox").split()[2:])
    base_width, base_height = (float(v) for v in shared.get("viewBox").split()[2:])
    assert base_width == width and base_height <= height


def test_maps_of_the_same_view_share_one_base(built):
    bases = {layers(built, page)[0] for page in PAGES}
    assert {base.name for base in bases} == {p.name for p in (built / "maps").glob("base-*.svg")}
    assert len(bases) < len(PAGES) // 2


def test_ivry_s_map_lists_its_partners_without_coordinates_and_links_them(built):
    """No dated reference gives a position for Ivry-sur-Seine or any of its partners: the map places
    none of them and lists all seven places by country, each linked to its page."""
    root = ElementTree.parse(built / "maps" / "94041.svg").getroot()
    anchors = list(root.iter(f"{SVG}a"))
    assert not [a for a in anchors if a.find(f"{SVG}circle") is not None or a.find(f"{SVG}rect") is not None]
    links = {a.get("href") for a in anchors}
    assert {"../partner/dianguirde.html", "../partner/jifna.html", "../partner/jalazone-camp.html",
            "../commune/94041.html"} <= links
    text = " ".join(t for t in root.itertext())
    assert "Mali" in text and "Dianguirdé" in text and "Sans coordonnées" in text
    english = " ".join(ElementTree.parse(built / "maps" / "94041.en.svg").getroot().itertext())
    assert "Without coordinates" in english


def test_angers_map_draws_a_line_to_each_placed_partner(built):
    root = ElementTree.parse(built / "maps" / "49007.svg").getroot()
    lines = [p for p in root.iter(f"{SVG}path") if p.get("d", "").count("Q") == 1 and p.find(f"{SVG}title") is None]
    placed = root.find(f"{SVG}desc").text.split("Placés (")[1].split(")")[0]
    assert int(placed) >= 10
    # the world view and the closer view of Europe each draw the lines of the places they show
    assert len(lines) >= int(placed) - 1


@pytest.mark.parametrize("chart", ["partnerships-by-decade-and-kind", "activities-by-domain-and-decade",
                                   "partners-by-country"])
def test_charts_carry_their_title_description_and_figures_as_text(built, chart):
    for suffix, word in ((".svg", "par"), (".en.svg", "by")):
        root = ElementTree.parse(built / "charts" / f"{chart}{suffix}").getroot()
        assert word in root.find(f"{SVG}title").text.lower().replace("per", "by")
        assert re.search(r"\d", root.find(f"{SVG}desc").text)
        assert any(t.text and t.text.strip().isdigit() for t in root.iter(f"{SVG}text"))


def test_the_kinds_chart_counts_every_partnership(built):
    root = ElementTree.parse(built / "charts" / "partnerships-by-decade-and-kind.en.svg").getroot()
    totals = [int(t.text) for t in root.iter(f"{SVG}text") if t.get("font-weight") == "bold"]
    dump = Graph().parse(built / "downloads" / "twinning.nt", format="nt")
    partnerships = set(dump.subjects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                                     URIRef("https://example.org/twinning/ontology/Partnership")))
    assert sum(totals) == len(partnerships) == 36
