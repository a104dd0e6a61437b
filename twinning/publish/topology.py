"""Country outlines for the maps: the vendored Natural Earth TopoJSON (atlas/README.md says where it
comes from), decoded here, and the Equal Earth projection that draws it.

A TopoJSON file stores each border once, as a delta-encoded, quantized "arc" shared by the countries
on either side; a ring is a list of arc indexes, a negative index ~i meaning arc i reversed. The
maintained PyPI package `topojson` encodes TopoJSON from shapely geometries (with numpy and shapely
as dependencies) and does not read it back, so the forty lines of the specification's decoding are
here: https://github.com/topojson/topojson-specification#214-arcs
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ATLAS = Path(__file__).parent / "atlas" / "countries-110m.json"

Ring = list[tuple[float, float]]  # (longitude, latitude) in degrees


@dataclass(frozen=True)
class Country:
    numeric: str | None  # ISO 3166-1 numeric code; Natural Earth leaves it out for a few (Kosovo, N. Cyprus)
    name: str  # Natural Earth's English name
    polygons: tuple[tuple[Ring, ...], ...]  # each polygon: its outer ring, then its holes


def decoded_arcs(topology: dict) -> list[Ring]:
    """Absolute positions from the quantized deltas: each arc's first position is absolute, each next
    one a difference from the previous, and `transform` turns the integers into degrees."""
    (scale_x, scale_y), (shift_x, shift_y) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        positions = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            positions.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(positions)
    return arcs


def ring(indexes: list[int], arcs: list[Ring]) -> Ring:
    """Arcs joined end to start: each arc after the first repeats the last position of the one before."""
    positions: Ring = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        positions.extend(arc[1:] if positions else arc)
    return positions


@lru_cache(maxsize=1)
def countries() -> tuple[Country, ...]:
    """Every country of the atlas, in the file's order."""
    topology = json.loads(ATLAS.read_text(encoding="utf-8"))
    arcs = decoded_arcs(topology)
    found = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        shapes = ([geometry["arcs"]] if geometry["type"] == "Polygon"
                  else geometry["arcs"] if geometry["type"] == "MultiPolygon" else [])
        found.append(Country(geometry.get("id"), geometry["properties"]["name"],
                             tuple(tuple(ring(r, arcs) for r in polygon) for polygon in shapes)))
    return tuple(found)


# Equal Earth (Šavrič, Patterson and Jenny, 2018): an equal-area pseudocylindrical projection whose
# forward formula is a polynomial, https://doi.org/10.1080/13658816.2018.1504949
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2


def equal_earth(longitude: float, latitude: float) -> tuple[float, float]:
    """(x, y) on a sphere of radius 1, y growing northwards."""
    theta = math.asin(M * math.sin(math.radians(latitude)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = math.radians(longitude) * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y
