"""Maps of the communes and their partners, drawn at build time as SVG (no JavaScript, no tiles).

A place is put where a dated reference puts it: the coordinates a Wikidata snapshot recorded for the
item the data links it to (tw:recordedCoordinates of a tw:WikidataRecord). A place without such a
record is never given a position: it is listed under the map with its country, and its country is
shaded, so the map says where it is only as precisely as the data does. Lines join a commune to each
partner of its partnerships (every partner of a multi-party one) when both are placed.

A map is two layers of the same width, drawn one over the other by the page: the base, sea and country
outlines of a fixed view (with the closer view of Europe under it, where the map has one), is one file
shared by every map of that view and, holding no text, by both languages; each map's own file holds
only what is its own: its shaded countries, lines, points, labels, legend and listing, over a
transparent ground.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import TYPE_CHECKING

import pycountry
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import DCTERMS

from .drawing import attribute, country_numeric, document, number, text_width, wrapped
from .words import country_name
from .topology import Country, countries, equal_earth

if TYPE_CHECKING:  # the pages, which Site renders, name the base of their commune's map
    from .site import Site

WIDTH = 640.0
LABEL_SIZE = 16.0
LIST_SIZE = 16.0
LINE_HEIGHT = 22.0
ANTARCTICA = "010"
# The views a map may show, closest first, as (west, south, east, north) in degrees; the world leaves
# Antarctica out.
VIEWS = {
    "europe": (-25.0, 25.0, 50.0, 70.0),
    "europe-africa": (-25.0, -36.0, 60.0, 70.0),
    "atlantic": (-125.0, -36.0, 60.0, 72.0),
    "eurasia": (-25.0, -12.0, 150.0, 72.0),
    "world": (-180.0, -58.0, 180.0, 84.0),
}
DETAIL = "europe"  # the closer view under a wider map that has three places or more there
DETAIL_GAP = 34.0  # pixels between a map and its closer view, where the closer view's heading goes
SIMPLIFY = 1.0  # pixels: closer points of a border are one point on the map
POINT_WKT = re.compile(r"\s*Point\s*\(\s*(-?[0-9.]+)\s+(-?[0-9.]+)\s*\)\s*", re.IGNORECASE)

LAND, BORDER, SEA = "#e8e4da", "#ffffff", "#d7e8f2"
SHADED, COMMUNE_COLOUR, PARTNER_COLOUR, LINE_COLOUR = "#f3d7a6", "#8a1c2b", "#1f5fa8", "#8a1c2b"

WORDS = {
    "fr": {"all": "Carte des communes et de leurs partenaires", "one": "Carte : {} et ses partenaires",
           "unplaced": "Sans coordonnées dans les références datées", "placed": "Placés",
           "none": "aucun", "source": "Positions : {}. Fond : Natural Earth (domaine public).",
           "detail": "Europe et Méditerranée, de plus près", "legend_commune": "commune", "legend_partner": "partenaire", "legend_country": "pays d'un lieu sans coordonnées",
           "lines": "Un trait relie une commune à chacun de ses partenaires placés.",
           "no_source": "aucune référence datée ne donne de position"},
    "en": {"all": "Map of the communes and their partners", "one": "Map of {} and its partners",
           "unplaced": "Without coordinates in the dated references", "placed": "Placed",
           "none": "none", "source": "Positions: {}. Base map: Natural Earth (public domain).",
           "detail": "Europe and the Mediterranean, closer", "legend_commune": "commune", "legend_partner": "partner", "legend_country": "country of a place without coordinates",
           "lines": "A line joins a commune to each of its placed partners.",
           "no_source": "no dated reference gives a position"},
}


@dataclass(frozen=True)
class Place:
    node: URIRef
    commune: bool
    country: str | None  # ISO 3166 alpha-2, or alpha-4 for a former country
    position: tuple[float, float] | None  # (longitude, latitude) from `record`
    record: URIRef | None  # the snapshot record that gives the position


@dataclass(frozen=True)
class Scene:
    """What one map shows: its places and the pairs (commune, partner) that its lines join."""
    ident: str
    commune: URIRef | None  # None: every commune
    places: tuple[Place, ...]
    links: tuple[tuple[URIRef, URIRef], ...]


def recorded_position(graph: Graph, tw, node) -> tuple[tuple[float, float], URIRef] | None:
    """The first (by record IRI) snapshot record of the node's Wikidata item that has coordinates."""
    item = graph.value(node, tw.wikidataItem)
    if item is None:
        return None
    for record in sorted(graph.subjects(tw.item, item), key=str):
        wkt = graph.value(record, tw.recordedCoordinates)
        match = POINT_WKT.fullmatch(str(wkt)) if wkt is not None else None
        if match:
            return (float(match.group(1)), float(match.group(2))), record
    return None


def scenes(graph: Graph, tw, site: Site) -> list[Scene]:
    """The map of all communes, then one per commune with partnerships, in the order of their pages."""
    communes = set(graph.subjects(RDF.type, tw.Commune))
    partnerships = set(graph.subjects(RDF.type, tw.Partnership))
    partners_of = {commune: commune_members(graph, tw, commune) - {commune} for commune in communes
                   if not partnerships.isdisjoint(graph.subjects(tw.partner, commune))}
    known: dict[URIRef, Place] = {}

    def place(node) -> Place:
        if node not in known:
            known[node] = place_of(graph, tw, node, node in communes)
        return known[node]

    def scene(ident: str, commune, members: set) -> Scene:
        links = tuple(sorted(((c, p) for c in members & communes for p in partners_of.get(c, ())
                              if commune is None or c == commune), key=lambda pair: (str(pair[0]), str(pair[1]))))
        return Scene(ident, commune, tuple(place(n) for n in sorted(members, key=str)), links)

    everything = set(partners_of) | {p for partners in partners_of.values() for p in partners}
    found = [scene("map", None, everything)]
    for commune in sorted(partners_of, key=lambda c: site.document_path(c) or str(c)):
        found.append(scene(f"map-{slug(site, commune)}", commune, {commune} | partners_of[commune]))
    return found


def place_of(graph: Graph, tw, node, commune: bool) -> Place:
    found = recorded_position(graph, tw, node)
    code = graph.value(node, tw.countryCode)
    return Place(node, commune, str(code) if code is not None else None,
                 found[0] if found else None, found[1] if found else None)


def commune_base(graph: Graph, tw, commune) -> str:
    """The base under a commune's map, for its page: found from the commune and its partners alone, as
    `scenes` places them, without drawing the map."""
    members = commune_members(graph, tw, commune)
    return base_name(*layout([place_of(graph, tw, node, False) for node in sorted(members, key=str)], True))


def commune_members(graph: Graph, tw, commune) -> set:
    """The commune and every member of its partnerships: what its map shows, and so its base."""
    return {commune} | {member for partnership in graph.subjects(tw.partner, commune)
                        if (partnership, RDF.type, tw.Partnership) in graph
                        for member in graph.objects(partnership, tw.partner)}


def slug(site: Site, commune) -> str:
    """The last segment of the commune's page path: its map is maps/<slug>.svg."""
    return (site.document_path(commune) or str(commune)).rsplit("/", 1)[-1]


def file_name(site: Site, scene: Scene, language: str) -> str:
    stem = "map" if scene.commune is None else f"maps/{slug(site, scene.commune)}"
    return f"{stem}.svg" if language == "fr" else f"{stem}.en.svg"


@dataclass(frozen=True)
class Frame:
    """The projected window a map shows, and its scale to the drawing's pixels."""
    left: float
    top: float
    scale: float
    width: float
    height: float

    def pixel(self, longitude: float, latitude: float) -> tuple[float, float]:
        return self.projected(*equal_earth(longitude, latitude))

    def projected(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.left) * self.scale, (self.top - y) * self.scale


def projected_box(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    xs, ys = zip(*(equal_earth(lon, lat) for lon, lat in points))
    return min(xs), min(ys), max(xs), max(ys)


@lru_cache(maxsize=None)
def view_frame(view: str) -> Frame:
    """A view's frame, WIDTH pixels wide, its height following the view's shape."""
    west, south, east, north = VIEWS[view]
    middle = (west + east) / 2
    left, bottom, right, top = projected_box([(west, south), (west, north), (east, south), (east, north),
                                              (middle, south), (middle, north), (west, (south + north) / 2),
                                              (east, (south + north) / 2)])
    scale = WIDTH / (right - left)
    return Frame(left, top, scale, WIDTH, (top - bottom) * scale)


def contains(view: str, position: tuple[float, float]) -> bool:
    west, south, east, north = VIEWS[view]
    return west <= position[0] <= east and south <= position[1] <= north


def main_landmass(country: Country) -> list[tuple[float, float]]:
    """A country's largest polygon, for choosing a view: France's outline in the atlas includes French
    Guiana, which would widen every map of a French place to the Atlantic."""
    def spread(polygon):
        box = projected_box(polygon[0])
        return (box[2] - box[0]) * (box[3] - box[1])
    return list(max(country.polygons, key=spread)[0]) if country.polygons else []


@lru_cache(maxsize=None)
def views_holding(numeric: str) -> frozenset[str]:
    """The views that show the main landmass of a country, found once per country for every map that
    shades it (by its numeric code: hashing a country would hash its outline)."""
    landmass = main_landmass(countries_by_numeric()[numeric])
    return frozenset(view for view in VIEWS if all(contains(view, position) for position in landmass))


def view_for(places: tuple[Place, ...] | list[Place], shaded: list[Country], one_commune: bool) -> str:
    """The closest of the fixed views that shows every placed place and the main landmass of every
    shaded country; the world for the map of all communes. Fixed views let every map of a view share
    one drawing of its countries."""
    if not one_commune:
        return "world"
    placed = [p.position for p in places if p.position]
    return next((view for view in VIEWS if all(contains(view, position) for position in placed)
                 and all(view in views_holding(country.numeric) for country in shaded)), "world")


@lru_cache(maxsize=1)
def countries_by_numeric() -> dict[str, Country]:
    return {c.numeric: c for c in countries() if c.numeric}


def shaded_countries(places) -> list[Country]:
    """The countries of the places without coordinates, which the map shades."""
    by_numeric = countries_by_numeric()
    return [by_numeric[n] for n in sorted({country_numeric(p.country) for p in places
                                           if p.position is None and p.country} - {None}) if n in by_numeric]


def layout(places, one_commune: bool) -> tuple[str, bool]:
    """The map's view, and whether the closer view of Europe goes under it."""
    view = view_for(places, shaded_countries(places), one_commune)
    return view, view != DETAIL and sum(1 for p in places if p.position and contains(DETAIL, p.position)) >= 3


def base_name(view: str, detail: bool) -> str:
    """The shared file of a layout's sea and countries: maps/base-<view>[-europe].svg."""
    return f"maps/base-{view}{'-' + DETAIL if detail else ''}.svg"


def base_document(view: str, detail: bool) -> str:
    """The sea and the country outlines of a layout, with no text: the same file under every map of
    that layout, in both languages. The page draws the map's own layer over it, at the same width."""
    parts = base_panel(view, 0)
    height = view_frame(view).height
    if detail:
        parts += base_panel(DETAIL, height + DETAIL_GAP)
        height += DETAIL_GAP + view_frame(DETAIL).height
    return "\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {number(WIDTH)} {number(height)}" aria-hidden="true">',
        "<!-- Country outlines: Natural Earth (public domain), twinning/publish/atlas/README.md -->",
        *parts, "</svg>", ""])


def base_panel(view: str, top: float) -> list[str]:
    """One view's sea and countries, clipped to its frame (a country that reaches into the view is drawn
    whole) and drawn `top` pixels down."""
    frame = view_frame(view)
    area = f'width="{number(frame.width)}" height="{number(frame.height)}"'
    return [f'<clipPath id="{view}-frame"><rect {area}/></clipPath>',
            f'<g transform="translate(0 {number(top)})"><g clip-path="url(#{view}-frame)">', f'<rect {area} fill="{SEA}"/>',
            f'<g fill="{LAND}" stroke="{BORDER}" stroke-width="0.6" stroke-linejoin="round">',
            country_layer(view), "</g></g>", f'<rect {area} fill="none" stroke="#9aa9b5"/>', "</g>"]


@lru_cache(maxsize=None)
def projected_countries() -> tuple[tuple[Country, tuple[tuple[tuple[float, float], ...], ...]], ...]:
    """Each country's rings in Equal Earth coordinates, cut at the antimeridian: projected once for all
    the maps, each of which only scales and shifts them."""
    return tuple((country, tuple(tuple(equal_earth(lon, lat) for lon, lat in piece)
                                 for polygon in country.polygons for ring_ in polygon
                                 for piece in antimeridian_pieces(list(ring_))))
                 for country in countries() if country.numeric != ANTARCTICA)


def antimeridian_pieces(positions: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A ring that crosses the antimeridian (Russia, Fiji) cut where it jumps from +180° to -180°, each
    piece closed along the map's edge; drawn whole, the jump would be a line across the world. The
    ring starts again after its first jump, so that its first and last runs make one piece."""
    jumps = [i for i in range(1, len(positions)) if abs(positions[i][0] - positions[i - 1][0]) > 180]
    if not jumps:
        return [positions]
    turned = positions[jumps[0]:] + positions[1:jumps[0]]
    pieces = [[turned[0]]]
    for previous, position in zip(turned, turned[1:]):
        if abs(position[0] - previous[0]) > 180:
            pieces.append([])
        pieces[-1].append(position)
    return pieces


def outline(rings, frame: Frame) -> str | None:
    """Rings as one path in the frame's pixels, a point dropped when it is within a pixel of the last
    one kept (a country's border at this scale, in a third of the bytes); None if outside the frame."""
    parts, inside = [], False
    for positions in rings:
        points, last = [], None
        for x, y in positions:
            px, py = frame.projected(x, y)
            if last is not None and abs(px - last[0]) < SIMPLIFY and abs(py - last[1]) < SIMPLIFY:
                continue
            last = (px, py)
            inside = inside or (-20 <= px <= frame.width + 20 and -20 <= py <= frame.height + 20)
            points.append(f"{px:.0f} {py:.0f}")
        if len(points) > 2:
            parts.append("M" + "L".join(points) + "Z")
    return "".join(parts) if inside and parts else None


def country_layer(view: str) -> str:
    """The countries of a view, one path each. Untitled: an image's titles reach neither a screen
    reader nor a pointer, and the map's own layer names the countries it shades."""
    frame = view_frame(view)
    return "\n".join(f'<path d="{drawn}"/>' for _, rings in projected_countries()
                     if (drawn := outline(rings, frame)) is not None)


@lru_cache(maxsize=4096)
def shaded_path(view: str, numeric: str) -> str | None:
    frame = view_frame(view)
    return next((outline(rings, frame) for country, rings in projected_countries() if country.numeric == numeric), None)


def curve(start: tuple[float, float], end: tuple[float, float]) -> str:
    """A gentle arc, bent to the left of its direction, so that lines to nearby partners stay apart."""
    (x1, y1), (x2, y2) = start, end
    mx, my = (x1 + x2) / 2 - (y2 - y1) * 0.15, (y1 + y2) / 2 + (x2 - x1) * 0.15
    return f"M{number(x1)} {number(y1)}Q{number(mx)} {number(my)} {number(x2)} {number(y2)}"


def label_box(x: float, y: float, text: str, where: str) -> tuple[float, float, float, float, str, float, float]:
    """The box a label takes beside its point, with its anchor and text position."""
    width, height, gap = text_width(text, LABEL_SIZE), LABEL_SIZE, 7
    if where == "right":
        return x + gap, y - height / 2, x + gap + width, y + height / 2, "start", x + gap, y + height / 3
    if where == "left":
        return x - gap - width, y - height / 2, x - gap, y + height / 2, "end", x - gap, y + height / 3
    if where == "above":
        return x - width / 2, y - gap - height, x + width / 2, y - gap, "middle", x, y - gap - 2
    return x - width / 2, y + gap, x + width / 2, y + gap + height, "middle", x, y + gap + height - 2


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def panel(scene: Scene, site: Site, language: str, path: str, view: str, shaded: list[Country], ident: str,
          top: float) -> list[str]:
    """The scene's own layer over one view of the base: the countries of places without coordinates
    shaded, lines, points and labels, clipped to the frame and drawn `top` pixels down."""
    frame = view_frame(view)
    area = f'width="{number(frame.width)}" height="{number(frame.height)}"'
    body = [f'<clipPath id="{ident}"><rect {area}/></clipPath>',
            f'<g transform="translate(0 {number(top)})"><g clip-path="url(#{ident})">',
            f'<g fill="{SHADED}" stroke="{BORDER}" stroke-width="0.6" stroke-linejoin="round">']
    for country in shaded:
        drawn = shaded_path(view, country.numeric)
        if drawn:
            body.append(f'<path d="{drawn}"><title>{escape(country_label(country, language))}</title></path>')
    body.append("</g>")
    pixels = {p.node: frame.pixel(*p.position) for p in scene.places if p.position}
    body.append(f'<g fill="none" stroke="{LINE_COLOUR}" stroke-width="1.4" stroke-opacity="0.7">')
    for commune, partner in scene.links:
        if commune in pixels and partner in pixels:
            body.append(f'<path d="{curve(pixels[commune], pixels[partner])}"/>')
    body.append("</g>")
    body += points_and_labels(scene, site, language, path, pixels, frame)
    return body + ["</g>", "</g>"]


def render(scene: Scene, site: Site, language: str, shown: tuple[str, bool]) -> str:
    """The scene's own layer as an SVG document, over the base of its layout (`base_name`): the map's
    shaded countries, lines, points, labels and legend, those of a closer view of Europe under a wider
    map that has three places or more there, then the places without coordinates by country, each a
    link to its page. `shown` is the scene's `layout`."""
    words, path = WORDS[language], file_name(site, scene, language)
    unplaced = [p for p in scene.places if p.position is None]
    shaded = shaded_countries(scene.places)
    view, detail = shown
    body = panel(scene, site, language, path, view, shaded, f"{scene.ident}-frame", 0)
    body += legend(words, view_frame(view), bool(shaded))
    bottom = view_frame(view).height
    if detail:
        body.append(f'<text x="8" y="{number(bottom + 24)}" font-size="{number(LIST_SIZE)}" font-weight="bold">'
                    f'{escape(words["detail"])}</text>')
        body += panel(scene, site, language, path, DETAIL, shaded, f"{scene.ident}-detail", bottom + DETAIL_GAP)
        bottom += DETAIL_GAP + view_frame(DETAIL).height
    height, listing = unplaced_listing(unplaced, site, language, path, bottom + 8)
    body += listing
    placed = [p for p in scene.places if p.position]
    title = words["all"] if scene.commune is None else words["one"].format(site.label(scene.commune, language))
    description = " ".join([
        title + ".", words["lines"],
        f"{words['placed']} ({len(placed)}): "
        + ("; ".join(f"{site.label(p.node, language)} ({number_text(p.position)})" for p in placed) or words["none"]) + ".",
        f"{words['unplaced']} ({len(unplaced)}): "
        + ("; ".join(place_text(p, site, language) for p in unplaced) or words["none"]) + ".",
        words["source"].format(sources_text(scene, site, language))])
    return document(WIDTH, height, scene.ident, title, description, language, body, role="group")


def country_label(country: Country, language: str) -> str:
    """The ISO name in the map's language, Natural Earth's where ISO has none (Kosovo)."""
    iso = pycountry.countries.get(numeric=country.numeric) if country.numeric else None
    return country_name(iso.alpha_2, language) if iso else country.name


def number_text(position: tuple[float, float]) -> str:
    longitude, latitude = position
    return f"{latitude:.3f}, {longitude:.3f}"


def place_text(place: Place, site: Site, language: str) -> str:
    return site.label(place.node, language) + (f", {country_name(place.country, language)}" if place.country else "")


def sources_text(scene: Scene, site: Site, language: str) -> str:
    """The snapshots the positions come from, by label and date."""
    graph, tw = site.graph, site.tw
    snapshots = sorted({graph.value(p.record, tw.snapshot) for p in scene.places if p.record is not None} - {None}, key=str)
    if not snapshots:
        return WORDS[language]["no_source"]
    return "; ".join(f"{site.label(s, language)}, {graph.value(s, DCTERMS.date)}" for s in snapshots)


def points_and_labels(scene: Scene, site: Site, language: str, path: str, pixels: dict, frame: Frame) -> list[str]:
    """Partners, then communes on top; labels placed greedily where they overlap no other label (a label
    that finds no room is left out: the point keeps its name as a tooltip and in the description).
    Places that fall on the same spot at this scale (Bagneux and Boulogne-Billancourt) share one label."""
    ordered = sorted((p for p in scene.places if p.node in pixels),
                     key=lambda p: (not p.commune, site.label(p.node, language)))
    drawn, taken = [], [(x - 6, y - 6, x + 6, y + 6) for x, y in (pixels[p.node] for p in ordered)]
    names: dict = {}  # the first place of each spot -> the names shown there
    for place in ordered:
        x, y = pixels[place.node]
        spot = next((other for other in names if abs(pixels[other.node][0] - x) < 8 and abs(pixels[other.node][1] - y) < 8), place)
        names.setdefault(spot, []).append(site.label(place.node, language))
    labels = []
    for place, shown in names.items():
        x, y = pixels[place.node]
        text = ", ".join(shown)
        for where in ("right", "left", "above", "below"):
            box = label_box(x, y, text, where)
            if box[0] >= 2 and box[2] <= frame.width - 2 and box[1] >= 2 and box[3] <= frame.height - 2 and not any(
                    overlaps(box, other) for other in taken):
                taken.append(box)
                weight = ' font-weight="bold"' if place.commune else ""
                labels.append(f'<text x="{number(box[5])}" y="{number(box[6])}" text-anchor="{box[4]}"{weight}>'
                              f'{escape(text)}</text>')
                break
    for place in reversed(ordered):  # communes last, drawn over their partners
        x, y = pixels[place.node]
        href = attribute(site.href(place.node, path))
        name = escape(site.label(place.node, language))
        shape = (f'<rect x="{number(x - 5)}" y="{number(y - 5)}" width="10" height="10" fill="{COMMUNE_COLOUR}" '
                 f'stroke="#fff" stroke-width="1.5"/>' if place.commune else
                 f'<circle cx="{number(x)}" cy="{number(y)}" r="5" fill="{PARTNER_COLOUR}" stroke="#fff" stroke-width="1.5"/>')
        drawn.append(f'<a href="{href}"><title>{name}</title>{shape}</a>')
    return [f'<g font-size="{number(LABEL_SIZE)}" fill="#1b1b1b" stroke="#ffffff" stroke-width="3" '
            f'paint-order="stroke" stroke-linejoin="round">', *labels, "</g>", *drawn]


def legend(words: dict, frame: Frame, with_shading: bool) -> list[str]:
    x, y = 10.0, frame.height - (64 if with_shading else 46)
    items = [(f'<rect x="{number(x)}" y="{number(y)}" width="10" height="10" fill="{COMMUNE_COLOUR}"/>', words["legend_commune"]),
             (f'<circle cx="{number(x + 5)}" cy="{number(y + 23)}" r="5" fill="{PARTNER_COLOUR}"/>', words["legend_partner"]),
             (f'<rect x="{number(x)}" y="{number(y + 36)}" width="10" height="10" fill="{SHADED}" stroke="#999"/>',
              words["legend_country"])][:3 if with_shading else 2]
    width = max(text_width(text, 13) for _, text in items) + 34
    parts = [f'<rect x="{number(x - 6)}" y="{number(y - 8)}" width="{number(width)}" '
             f'height="{18 * len(items) + 4}" fill="#ffffff" fill-opacity="0.85" rx="4"/>']
    for row, (symbol, text) in enumerate(items):
        parts += [symbol, f'<text x="{number(x + 18)}" y="{number(y + 10 + row * 18)}" font-size="13">{escape(text)}</text>']
    return parts


def unplaced_listing(unplaced: list[Place], site: Site, language: str, path: str, top: float) -> tuple[float, list[str]]:
    """The places without coordinates, by country, each linked to its page: the map's other half."""
    if not unplaced:
        return top, []
    words = WORDS[language]
    parts = [f'<text x="8" y="{number(top + LIST_SIZE)}" font-size="{number(LIST_SIZE)}" font-weight="bold">'
             f'{escape(words["unplaced"])} ({len(unplaced)})</text>']
    y = top + LIST_SIZE + LINE_HEIGHT
    groups: dict[str, list[Place]] = {}
    for place in unplaced:
        groups.setdefault(country_name(place.country, language) if place.country else "?", []).append(place)
    for country in sorted(groups):
        members = sorted(groups[country], key=lambda p: site.label(p.node, language))
        names = [site.label(p.node, language) for p in members]
        lines = wrapped([f"{country} :" if language == "fr" else f"{country}:", *names], WIDTH, LIST_SIZE, ", ")
        index = 0
        for number_of_line, line in enumerate(lines):
            spans = []
            for word in line:
                if index == 0:
                    spans.append(f'<tspan font-weight="bold">{escape(word)}</tspan>')
                else:
                    member = members[index - 1]
                    comma = "," if index < len(members) else ""
                    spans.append(f'<a href="{attribute(site.href(member.node, path))}"><tspan fill="{PARTNER_COLOUR}" '
                                 f'text-decoration="underline">{escape(word)}</tspan></a>{comma}')
                index += 1
            parts.append(f'<text x="{number(8 if number_of_line == 0 else 24)}" y="{number(y)}" '
                         f'font-size="{number(LIST_SIZE)}" xml:space="preserve">{" ".join(spans)}</text>')
            y += LINE_HEIGHT
    return y - LINE_HEIGHT + 8, parts


def write_maps(graph: Graph, tw, site: Site, write) -> str:
    """Every map's own layer in French and English, and once each base that they use, through
    `write(relative path, text)`; gives the base of the map of all communes."""
    bases, everything = {}, ""
    for scene in scenes(graph, tw, site):
        shown = layout(scene.places, scene.commune is not None)
        bases[base_name(*shown)] = shown
        everything = everything or base_name(*shown)  # the first scene is the map of all communes
        for language in ("fr", "en"):
            write(file_name(site, scene, language), render(scene, site, language, shown))
    for name, shown in bases.items():
        write(name, base_document(*shown))
    return everything
