"""How the results page shows an answer: every IRI of the publication links to its page, other web
addresses link to themselves, and anything else (a `javascript:` IRI, a literal) is text."""

from __future__ import annotations

from .query import Answer

WEB_SCHEMES = ("http://", "https://", "mailto:")


def cell(term: dict | None, base_iri: str) -> dict:
    """A value as the results page shows it: an IRI of the publication links to its page (relative to
    /query, at the site's root), any other web address to itself."""
    if not term:
        return {"text": "", "href": None}
    value = term.get("value", "")
    if term.get("type") != "uri" or not value.startswith(WEB_SCHEMES):
        return {"text": value, "href": None}
    return {"text": value, "href": value[len(base_iri):] or "./" if value.startswith(base_iri) else value}


def linked_rows(answer: Answer, base_iri: str) -> list[list[dict]]:
    return [[cell(row.get(name), base_iri) for name in answer.variables] for row in answer.rows]
