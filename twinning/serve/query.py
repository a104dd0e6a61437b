"""Query stage: one SPARQL text, answered in-process over the built dump or by any endpoint, in one result shape.

Both engines give SPARQL 1.1 JSON results, so a table, a CSV or a comparison never depends on where
the answer came from. Queries may use relative IRIs (`PREFIX tw: <ontology/>`): they resolve
against the project's base IRI, so the same files work whatever base a deployment chooses.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import socket
import urllib.error
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
from SPARQLWrapper import JSON, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

BASE_DECLARATION = re.compile(r"^\s*BASE\s*<", re.IGNORECASE | re.MULTILINE)
FORMATS = ("table", "csv", "json")


class QueryFailed(Exception):
    """A query that could not be answered, with a message meant for the person who asked."""


@dataclass(frozen=True)
class Answer:
    """SPARQL 1.1 JSON results: `head.vars` and `results.bindings`, or `boolean` for ASK."""
    json: dict

    @property
    def variables(self) -> list[str]:
        return self.json.get("head", {}).get("vars", [])

    @property
    def rows(self) -> list[dict]:
        return self.json.get("results", {}).get("bindings", [])

    @property
    def boolean(self) -> bool | None:
        return self.json.get("boolean")

    def is_empty(self) -> bool:
        return self.boolean is None and not self.rows

    def values(self) -> list[list[str]]:
        """Each row as the plain lexical values of its variables ("" when unbound), as in SPARQL CSV."""
        return [[row.get(name, {}).get("value", "") for name in self.variables] for row in self.rows]


@dataclass(frozen=True)
class ExampleQuery:
    """A research question of queries/: its SPARQL, the comment that asks it, its expected answer beside it."""
    path: Path

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def comment(self) -> str:
        return "\n".join(line[1:].strip() for line in self.text.splitlines() if line.startswith("#"))

    @property
    def question(self) -> str:
        """The comment's opening sentence, up to its question mark, however many lines it spans."""
        flowing = " ".join(self.comment.split())
        return flowing[: flowing.index("?") + 1] if "?" in flowing else flowing

    @property
    def federated(self) -> bool:
        """Federated examples call out to the Internet: documented and shown, never run by the tests."""
        return "SERVICE" in self.text

    @property
    def expected_csv(self) -> Path:
        return self.path.with_suffix(".csv")


def example_queries(folder: Path) -> list[ExampleQuery]:
    return [ExampleQuery(path) for path in sorted(folder.glob("*.rq"))]


def with_base(text: str, base_iri: str) -> str:
    return text if BASE_DECLARATION.search(text) else f"BASE <{base_iri}>\n{text}"


class EmbeddedStore:
    """The built dump loaded once into an in-memory Oxigraph store: the offline twin of the server."""

    def __init__(self, dump: Path, base_iri: str):
        if not dump.is_file():
            raise QueryFailed(f"{dump} not found: run `twinning build` first")
        self.base_iri = base_iri
        self.store = pyoxigraph.Store()
        self.store.bulk_load(path=str(dump), format=pyoxigraph.RdfFormat.N_TRIPLES)

    def ask(self, text: str) -> Answer:
        try:
            result = self.store.query(with_base(text, self.base_iri))
        except SyntaxError as error:
            raise QueryFailed(f"SPARQL syntax error: {error}") from None
        except OSError as error:  # Oxigraph reports evaluation errors (a failing SERVICE call...) this way
            raise QueryFailed(f"query failed: {error}") from None
        if isinstance(result, pyoxigraph.QueryTriples):
            raise QueryFailed("twinning query answers SELECT and ASK; use the dumps or the server for CONSTRUCT")
        return Answer(json.loads(result.serialize(format=pyoxigraph.QueryResultsFormat.JSON)))


def ask_endpoint(url: str, text: str, base_iri: str, timeout: float = 30) -> Answer:
    client = SPARQLWrapper(url)
    client.setQuery(with_base(text, base_iri))
    client.setReturnFormat(JSON)
    client.setTimeout(math.ceil(timeout))  # whole seconds: a fraction must not become no time at all
    client.setMethod("POST")
    if client.queryType not in ("SELECT", "ASK"):
        raise QueryFailed("twinning query answers SELECT and ASK; use the dumps or the server for CONSTRUCT")
    try:
        return Answer(client.queryAndConvert())
    except SPARQLWrapperException as error:
        raise QueryFailed(f"the endpoint {url} refused the query: {error}".strip()) from None
    except (socket.timeout, TimeoutError):
        raise QueryFailed(f"the endpoint {url} did not answer within {timeout:g} s") from None
    except urllib.error.HTTPError as error:
        raise QueryFailed(f"the endpoint {url} answered HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, ConnectionError) as error:
        reason = getattr(error, "reason", error)
        raise QueryFailed(f"cannot reach the endpoint {url}: {reason}") from None
    except json.JSONDecodeError:
        raise QueryFailed(f"the endpoint {url} did not answer with SPARQL JSON results") from None


def render(answer: Answer, output_format: str) -> str:
    if output_format == "json":
        return json.dumps(answer.json, ensure_ascii=False, indent=2) + "\n"
    if answer.boolean is not None:
        return ("true" if answer.boolean else "false") + "\n"
    if output_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(answer.variables)
        writer.writerows(answer.values())
        return buffer.getvalue()
    return table(answer.variables, answer.values())


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows)] if header else []
    lines = [" | ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
             for row in (header, ["-" * w for w in widths], *rows)]
    return "\n".join(lines) + "\n"
