"""What the front server does to a query from a browser and to its answer, beside forwarding it.

A query is given the publication's base IRI (`BASE <…>`) unless it declares one, so that the
relative prefixes the query page teaches (`PREFIX tw: <ontology/>`) mean at /query what they mean
in `twinning query`, not the address of the hidden Oxigraph port. A browser's query is answered
as a page: SELECT and ASK as a table, CONSTRUCT and DESCRIBE as a table of triples (Oxigraph is
asked for SPARQL JSON or N-Triples, whichever the query gives), every IRI of the publication
linked to its page.
"""

from __future__ import annotations

import json
import urllib.parse

import pyoxigraph

from .query import Answer, with_base

HTML_ACCEPT = "application/sparql-results+json, application/n-triples"
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"


def based(query_string: str, body: bytes | None, content_type: str | None, base_iri: str) -> tuple[str, bytes | None]:
    """The request's query string and body, with the base IRI declared in the query they carry: in
    the `query` parameter of a GET or of a form, or as the whole body of a SPARQL query POST."""
    def rebased(encoded: str) -> str:
        fields = urllib.parse.parse_qsl(encoded, keep_blank_values=True)
        return urllib.parse.urlencode([(k, with_base(v, base_iri) if k == "query" else v) for k, v in fields])
    if query_string and "query=" in query_string:
        query_string = rebased(query_string)
    media = (content_type or "").split(";")[0].strip().lower()
    if body is not None and media == FORM:
        body = rebased(body.decode("utf-8")).encode("utf-8")
    elif body is not None and media == SPARQL_QUERY:
        body = with_base(body.decode("utf-8"), base_iri).encode("utf-8")
    return query_string, body


def cell(term: dict | None, base_iri: str) -> dict:
    """A value as the results page shows it: an IRI of the publication links to its page (relative to
    /query, at the site's root), any other IRI to itself."""
    if not term:
        return {"text": "", "href": None}
    value = term.get("value", "")
    if term.get("type") != "uri":
        return {"text": value, "href": None}
    return {"text": value, "href": value[len(base_iri):] or "./" if value.startswith(base_iri) else value}


def term_json(term) -> dict:
    """A pyoxigraph term in the shape of SPARQL JSON results."""
    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    return {"type": "literal", "value": term.value}


def page_context(status: int, media: str, payload: bytes, base_iri: str) -> dict:
    """What results.html shows for an answer: an error, a boolean, or rows of linked cells."""
    if status != 200:
        return {"error": payload.decode("utf-8", errors="replace"), "answer": None, "rows": []}
    if media.split(";")[0].strip() == "application/n-triples":
        triples = [[term_json(t.subject), term_json(t.predicate), term_json(t.object)]
                   for t in pyoxigraph.parse(payload, format=pyoxigraph.RdfFormat.N_TRIPLES)]
        answer = Answer({"head": {"vars": ["subject", "predicate", "object"]},
                         "results": {"bindings": [dict(zip(("subject", "predicate", "object"), t)) for t in triples]}})
    else:
        try:
            answer = Answer(json.loads(payload))
        except json.JSONDecodeError:  # a query cancelled while its results were being written
            return {"error": payload.decode("utf-8", errors="replace"), "answer": None, "rows": []}
    rows = [[cell(row.get(name), base_iri) for name in answer.variables] for row in answer.rows]
    return {"error": None, "answer": answer, "rows": rows}
