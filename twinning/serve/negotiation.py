"""Content negotiation: which of the media types a server offers an `Accept` header prefers (RFC 9110).

Each offer takes the quality of the most specific range that matches it (`text/turtle` before
`text/*` before `*/*`); a quality of 0 refuses it. The highest quality wins, and offers of equal
quality go by the server's order, so a browser's `*/*;q=0.8` beside `text/html` gets the page and a
client that asks for Turtle alone gets Turtle. The front server and the nginx rules of the
publication (see `deploy`) decide alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RANGE = re.compile(r"^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)/([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*(?:;(.*))?$")
QUALITY = re.compile(r"^\s*[qQ]\s*=\s*(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)\s*$")


@dataclass(frozen=True)
class MediaRange:
    kind: str
    subtype: str
    quality: float

    def specificity(self, media: str) -> int:
        """How closely this range names `media` (3 exactly, 2 `type/*`, 1 `*/*`), or 0 if it does not match."""
        kind, subtype = media.split("/", 1)
        if self.kind == "*":
            return 1
        if self.kind != kind:
            return 0
        if self.subtype == "*":
            return 2
        return 3 if self.subtype == subtype else 0


def media_ranges(accept: str) -> list[MediaRange]:
    """The ranges of an Accept header, lower-cased; a malformed element or quality is skipped."""
    ranges = []
    for element in accept.split(","):
        match = RANGE.match(element)
        if not match:
            continue
        quality = 1.0
        for parameter in (match[3] or "").split(";"):
            if QUALITY.match(parameter):
                quality = float(QUALITY.match(parameter)[1])
        ranges.append(MediaRange(match[1].lower(), match[2].lower(), quality))
    return ranges


def quality(ranges: list[MediaRange], media: str) -> float:
    matching = [(r.specificity(media), r.quality) for r in ranges if r.specificity(media)]
    return max(matching)[1] if matching else 0.0


def choose(accept: str | None, offers: list[str]) -> str | None:
    """The offer the header prefers (the first offer when there is no header), or None if it refuses all."""
    if not accept or not accept.strip():
        return offers[0]
    ranges = media_ranges(accept)
    if not ranges:
        return offers[0]
    best, best_quality = None, 0.0
    for media in offers:
        q = quality(ranges, media)
        if q > best_quality:
            best, best_quality = media, q
    return best
