"""The public SPARQL endpoint's rules: what a request may ask of the engine, and what its answer becomes.

- **No outgoing request.** Oxigraph calls every `SERVICE` address of a query (any host, this machine's
  own ports included) and hands back what it answers, so a query naming a service that
  `[tool.twinning] sparql_service_allow` does not list is refused before the engine sees it. The
  engine reads keywords in any case and even glued to a name (`SERVICEex:x`), so every query whose
  text holds "service" in any case is read with rdflib's SPARQL parser and its services listed (in
  subqueries and `EXISTS` too); a `SERVICE ?variable`, a query the parser cannot read, or one longer
  than it reads in a moment is refused. Other queries go on unparsed.
- **One query, exactly as checked.** The engine receives the checked text as the body of a POST, so a
  second `query` parameter or a form field cannot smuggle another one past the check.
- **An answer is whole before it is sent.** Oxigraph reports an error met while streaming (its own
  timeout among them) by writing the message into a 200 body; the engine is asked for SPARQL JSON or
  N-Triples, and the answer is parsed and written in the client's format, so a broken one becomes an
  error status with a readable message, in every format and on the HTML page alike.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import dataclass

import pyoxigraph
from rdflib import URIRef, Variable
from rdflib.plugins.sparql import algebra, parser
from rdflib.plugins.sparql.parserutils import CompValue

from .negotiation import choose

MAX_QUERY_BYTES = 256 * 1024
# rdflib's parser reads a few KiB of SPARQL a second, in the front's own process: a query it must
# read stays short, so no query costs the front more than a moment.
SERVICE_CHECK_BYTES = 8 * 1024
ENGINE_ACCEPT = "application/sparql-results+json, application/n-triples"
RESULT_FORMATS = {"application/sparql-results+json": pyoxigraph.QueryResultsFormat.JSON,
                  "application/json": pyoxigraph.QueryResultsFormat.JSON,
                  "application/sparql-results+xml": pyoxigraph.QueryResultsFormat.XML,
                  "application/xml": pyoxigraph.QueryResultsFormat.XML,
                  "text/csv": pyoxigraph.QueryResultsFormat.CSV,
                  "text/tab-separated-values": pyoxigraph.QueryResultsFormat.TSV,
                  "text/html": None}
GRAPH_FORMATS = {"text/turtle": pyoxigraph.RdfFormat.TURTLE, "application/n-triples": pyoxigraph.RdfFormat.N_TRIPLES,
                 "application/rdf+xml": pyoxigraph.RdfFormat.RDF_XML, "application/ld+json": pyoxigraph.RdfFormat.JSON_LD,
                 "application/n-quads": pyoxigraph.RdfFormat.N_QUADS, "application/trig": pyoxigraph.RdfFormat.TRIG,
                 "text/html": None}
CANCELLED = b"has been cancelled"  # how Oxigraph words the end of a query stopped by its timeout


class Refused(Exception):
    """A query this endpoint does not answer, with its HTTP status and a message for the person who asked."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class QueryRequest:
    """The one query of a request and the dataset parameters of the SPARQL protocol that go with it."""
    text: str
    dataset: tuple[tuple[str, str], ...] = ()

    def engine_path(self) -> str:
        return "/query" + ("?" + urllib.parse.urlencode(self.dataset) if self.dataset else "")


def query_request(url_query: str, body: bytes | None, content_type: str | None) -> QueryRequest:
    """Read a GET (`?query=`), a form POST or a `application/sparql-query` POST; refuse updates,
    other bodies, and anything but exactly one query."""
    fields = urllib.parse.parse_qs(url_query, keep_blank_values=True)
    media = (content_type or "").split(";")[0].strip().lower()
    if body is not None:
        if media == "application/x-www-form-urlencoded":
            fields = merge(fields, urllib.parse.parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True))
        elif media == "application/sparql-query":
            fields = merge(fields, {"query": [body.decode("utf-8", errors="replace")]})
        elif media == "application/sparql-update":
            raise Refused(403, "This SPARQL service is read-only: updates are refused")
        else:
            raise Refused(415, "send the query as application/sparql-query or as a form "
                               "(application/x-www-form-urlencoded) with a `query` field")
    if any(name.lower() == "update" for name in fields):
        raise Refused(403, "This SPARQL service is read-only: updates are refused")
    queries = fields.get("query", [])
    if len(queries) != 1:
        raise Refused(400, "give exactly one `query` parameter" if queries else "no `query` parameter: "
                      "send a SPARQL query as ?query=… or in a POST body")
    if len(queries[0].encode("utf-8")) > MAX_QUERY_BYTES:
        raise Refused(413, f"the query is longer than this endpoint's limit of {MAX_QUERY_BYTES // 1024} KiB")
    dataset = tuple((name, value) for name in ("default-graph-uri", "named-graph-uri") for value in fields.get(name, []))
    return QueryRequest(queries[0], dataset)


def merge(first: dict[str, list[str]], second: dict[str, list[str]]) -> dict[str, list[str]]:
    return {name: first.get(name, []) + second.get(name, []) for name in first.keys() | second.keys()}


def service_calls(text: str) -> list:
    """The services a query calls (IRIs, or variables), read by a real SPARQL parser."""
    try:
        query = algebra.translateQuery(parser.parseQuery(text))
    except Exception as error:  # pyparsing and rdflib raise many kinds; each means "not readable"
        raise Refused(400, f"this endpoint reads every query that mentions SERVICE before running it, and "
                           f"could not read this one: {error}") from None
    found = []

    def walk(node) -> None:
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            found.append(node.get("term"))
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                walk(value)
    walk(query.algebra)
    return found


def check_services(text: str, allowed: frozenset[str]) -> None:
    """Refuse a query that would make the engine call a service not on the allow-list."""
    lowered = text.lower()
    if "service" not in lowered and "\\u" not in lowered:  # \u0053ERVICE, for a parser that unescapes first
        return
    if len(text.encode("utf-8")) > SERVICE_CHECK_BYTES:
        raise Refused(413, f"a query that mentions SERVICE is read by a parser before it runs, and may be at most "
                           f"{SERVICE_CHECK_BYTES // 1024} KiB long")
    for term in service_calls(text):
        if isinstance(term, Variable) or not isinstance(term, URIRef):
            raise Refused(403, "SERVICE with a variable is refused: this endpoint calls only the services "
                               "listed in [tool.twinning] sparql_service_allow")
        if str(term) not in allowed:
            listed = ", ".join(sorted(allowed)) or "none"
            raise Refused(403, f"SERVICE <{term}> is refused: this endpoint calls only the services listed in "
                               f"[tool.twinning] sparql_service_allow (now: {listed})")


@dataclass(frozen=True)
class Answered:
    """A whole answer in the client's format; `table` is the SPARQL JSON the HTML page shows."""
    media: str
    body: bytes
    table: dict | None = None


def answer(status: int, media: str, payload: bytes, accept: str | None) -> Answered:
    """The engine's answer checked whole and written in the format the client prefers."""
    if status != 200:
        raise engine_error(status, payload)
    graph = media.split(";")[0].strip() == "application/n-triples"
    offers = GRAPH_FORMATS if graph else RESULT_FORMATS
    chosen = choose(accept, list(offers))
    if chosen is None:
        raise Refused(406, f"this query's answer can be sent as {', '.join(offers)}; the Accept header allows none")
    try:
        if graph:
            triples = list(pyoxigraph.parse(payload, format=pyoxigraph.RdfFormat.N_TRIPLES))
            if chosen == "text/html":
                return Answered(chosen, b"", triples_table(triples))
            return Answered(offers[chosen].media_type, pyoxigraph.serialize(triples, format=offers[chosen]))
        results = pyoxigraph.parse_query_results(payload, format=pyoxigraph.QueryResultsFormat.JSON)
        if chosen == "text/html":
            return Answered(chosen, b"", json.loads(results.serialize(format=pyoxigraph.QueryResultsFormat.JSON)))
        return Answered(chosen, results.serialize(format=offers[chosen]))
    except SyntaxError:
        raise engine_error(status, payload) from None


def triples_table(triples: list) -> dict:
    """A graph answer as SPARQL JSON rows of subject, predicate and object, for the HTML page."""
    names = ("subject", "predicate", "object")
    return {"head": {"vars": list(names)}, "results": {"bindings": [
        {name: {"type": term_type(term), "value": term.value} for name, term in zip(names, (t.subject, t.predicate, t.object))}
        for t in triples]}}


def term_type(term) -> str:
    """A pyoxigraph term's type as SPARQL JSON results name it."""
    if isinstance(term, pyoxigraph.NamedNode):
        return "uri"
    return "bnode" if isinstance(term, pyoxigraph.BlankNode) else "literal"


def engine_error(status: int, payload: bytes) -> Refused:
    """An engine's failure as this endpoint's status: the timeout as 504, a syntax error as 400."""
    text = payload.decode("utf-8", errors="replace")
    if CANCELLED in payload:
        return Refused(504, "the query ran past this endpoint's time limit and was stopped")
    if status == 200:  # the body broke off: the error message is its last line
        return Refused(502, f"the SPARQL engine failed while answering: {last_words(text)}")
    if 400 <= status < 500:
        return Refused(status, text.strip() or f"the SPARQL engine refused the query (HTTP {status})")
    return Refused(500, f"the SPARQL engine failed: {last_words(text)}")


def last_words(text: str) -> str:
    return re.split(r"[\[\]{},]", text.strip())[-1].strip()[:500] or "no message"
