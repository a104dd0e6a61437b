"""What the maps and charts share: SVG text that is the same bytes at every build, country names in
French and English, and the words of the two languages."""

from __future__ import annotations

from html import escape

import pycountry

LANGUAGES = ("fr", "en")
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
CHARACTER_WIDTH = 0.56  # an average glyph's advance, in font sizes, to keep labels apart and wrap lines


def number(value: float) -> str:
    """One decimal at most, without a trailing zero: the same text for the same value on every machine."""
    text = f"{value:.1f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text == "-0" else text


def text_width(text: str, size: float) -> float:
    return len(text) * size * CHARACTER_WIDTH


def attribute(value: str) -> str:
    return escape(value, quote=True)


def wrapped(words: list[str], width: float, size: float, separator: str) -> list[list[str]]:
    """Items in lines no wider than `width` (an item wider than a line gets a line of its own)."""
    lines: list[list[str]] = []
    used = 0.0
    for word in words:
        needed = text_width(word + separator, size)
        if lines and used + needed <= width:
            lines[-1].append(word)
            used += needed
        else:
            lines.append([word])
            used = needed
    return lines


def country_numeric(code: str) -> str | None:
    """The ISO 3166-1 numeric code that the atlas keys its countries by (none for a former country)."""
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    return country.numeric if country is not None else None


def document(width: float, height: float, ident: str, title: str, description: str, language: str,
             body: list[str], role: str = "img") -> str:
    """A standalone SVG document: its title and description first, read by screen readers and shown by
    browsers, so the image says what it shows without its pixels. A drawing with links is a "group",
    whose links stay reachable; "img" would hide them."""
    return "\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {number(width)} {number(height)}" '
        f'lang="{language}" role="{role}" aria-labelledby="{ident}-title" aria-describedby="{ident}-desc" '
        f'font-family="{attribute(FONT)}">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
        *body,
        "</svg>",
        "",
    ])
